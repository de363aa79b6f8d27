"""End to end: every registered claim runs at the quick preset in two worker processes, is recorded, and a
rerun in one process gives the same values; each claim's planned trainings are the models it reads."""

import io
import json

from reproduce.claims import VERDICTS
from reproduce.paths import result_path
from reproduce.registry import all_claims
from reproduce.runner import run


def _fresh_model_caches(monkeypatch, folder):
    """Empty checkpoint caches and in-process memos: the next run trains every model itself."""
    import reproduce.myopia.graph_diffusion.training as graph_training
    import reproduce.spectral_bias.denoisers.experiments as trained_denoisers

    monkeypatch.setenv("REPRODUCE_CHECKPOINT_DIR", str(folder / "checkpoints"))
    monkeypatch.setattr(graph_training, "_MEMO", {})
    monkeypatch.setattr(trained_denoisers, "_MEMO", {})


def test_quick_preset_runs_every_claim_and_a_rerun_agrees_with_its_record(tmp_path, monkeypatch):
    claims = all_claims()
    assert claims, "no claims are registered"
    log = io.StringIO()
    _fresh_model_caches(monkeypatch, tmp_path / "models_jobs2")
    first = run(claims, "quick", root=tmp_path, progress=log, record=True, jobs=2)
    errors = [f"{r.claim_id}:\n{r.error}" for r in first if r.status == "error"]
    assert not errors, "\n".join(errors)
    for claim in claims:
        result = json.loads(result_path(tmp_path, "quick", claim.id).read_text())
        assert result["verdict"] in VERDICTS, claim.id
        missing = [f for f in result["figures"] if not (tmp_path / f).is_file()]
        assert not missing, f"{claim.id}: missing figures {missing}"

    _fresh_model_caches(monkeypatch, tmp_path / "models_jobs1")  # training is compared too, not just sampling
    second = run(claims, "quick", root=tmp_path, force=True, progress=log, jobs=1)
    assert [r.status for r in second] == ["computed"] * len(claims), log.getvalue()
    deterministic = {c.id for c in claims if c.deterministic}
    for record in second:
        # a timing claim's verdict may flip on a noisy machine: that is a finding the summary
        # reports, not a test failure; every deterministic claim must agree
        if record.claim_id in deterministic:
            assert record.agreement.status == "agrees", f"{record.claim_id}: {record.agreement.describe()}"
    identical = {r.claim_id for r in second if r.agreement.identical}
    assert deterministic <= identical, f"--jobs 2 and --jobs 1 differ: {sorted(deterministic - identical)}"


def _model_id(spec) -> tuple:
    from reproduce.myopia.graph_diffusion import TrainSpec

    return ("graph", spec.key()) if isinstance(spec, TrainSpec) else ("denoiser", spec)


def test_each_claims_planned_trainings_are_the_models_its_measure_reads(monkeypatch):
    """A claim's ``trainings`` must list exactly what ``measure`` trains or loads, else a parallel run
    trains models nobody reads, or a claim trains its own model while the workers wait."""
    import reproduce.myopia.graph_diffusion.training as graph_training
    import reproduce.spectral_bias.denoisers.experiments as trained_denoisers
    from reproduce.presets import PRESETS
    from reproduce.results import claim_rng

    trained = [c for c in all_claims() if c.trainings is not None]
    assert len(trained) >= 15
    for claim in trained:
        config = claim.configure(PRESETS["quick"])
        planned = {_model_id(t.args[0]) for t in claim.trainings(config, claim_rng(0, claim.id))}
        monkeypatch.setattr(graph_training, "_MEMO", {})
        monkeypatch.setattr(trained_denoisers, "_MEMO", {})
        claim.measure(config, claim_rng(0, claim.id))
        used = {("graph", key) for key, _ in graph_training._MEMO} | {
            ("denoiser", e) for e, _ in trained_denoisers._MEMO
        }
        assert planned == used, (
            f"{claim.id}: planned but not read {planned - used}; read but not planned {used - planned}"
        )
