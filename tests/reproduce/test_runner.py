"""Tests of reproduce.runner: the local cache, forcing, errors, seeds, verification and recording."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from toy_claims import make_claim

import reproduce.results
from reproduce.atomic import sha256_file
from reproduce.paths import cached_result_path, figures_dir, result_path, run_dir
from reproduce.plotting import figure_source, stamp_source
from reproduce.presets import PRESETS
from reproduce.results import cache_key, claim_rng, config_hash
from reproduce.runner import RunRecord, run


def _run(claims, root, preset="quick", **kwargs):
    return run(claims, preset, root=root, progress=io.StringIO(), **kwargs)


def _measured(root, claim_id, preset="quick"):
    return json.loads(cached_result_path(root, preset, claim_id).read_text())["measured"]


def test_first_run_computes_into_the_local_cache_second_reuses_it(tmp_path):
    calls = {}
    claim = make_claim(calls=calls)
    [first] = _run([claim], tmp_path)
    assert (first.status, first.verdict, first.error) == ("computed", "reproduced", None)
    assert calls["measure"] == 1
    stored = cached_result_path(tmp_path, "quick", claim.id).read_bytes()
    assert not result_path(tmp_path, "quick", claim.id).exists()  # the record is written only on request
    [second] = _run([claim], tmp_path)
    assert (second.status, second.verdict) == ("cached", "reproduced")
    assert calls["measure"] == 1
    assert cached_result_path(tmp_path, "quick", claim.id).read_bytes() == stored


def test_the_record_is_never_read_as_a_cache(tmp_path):
    calls = {}
    claim = make_claim(calls=calls)
    _run([claim], tmp_path, record=True)
    run_dir(tmp_path, "quick").joinpath("results", f"{claim.id}.json").unlink()  # a fresh clone: no local cache
    [again] = _run([claim], tmp_path)
    assert again.status == "computed" and calls["measure"] == 2
    assert again.agreement.status == "agrees" and again.agreement.identical


def test_force_recomputes(tmp_path):
    calls = {}
    claim = make_claim(calls=calls)
    _run([claim], tmp_path)
    [record] = _run([claim], tmp_path, force=True)
    assert record.status == "computed" and calls["measure"] == 2


def test_changed_config_changes_hash_and_recomputes(tmp_path):
    calls = {}
    _run([make_claim(n=4, calls=calls)], tmp_path)
    changed = make_claim(n=5, calls=calls)
    [record] = _run([changed], tmp_path)
    assert record.status == "computed" and calls["measure"] == 2
    stored = json.loads(cached_result_path(tmp_path, "quick", changed.id).read_text())
    assert stored["config_hash"] == config_hash(changed, PRESETS["quick"])
    assert len(stored["measured"]["draws"]) == 5


def test_changed_code_changes_the_key_and_recomputes(tmp_path, monkeypatch):
    calls = {}
    claim = make_claim(calls=calls)
    _run([claim], tmp_path)
    before = cache_key(claim, PRESETS["quick"])
    monkeypatch.setattr(reproduce.results, "code_fingerprint", lambda module: "0" * 64)
    assert cache_key(claim, PRESETS["quick"]) != before
    [record] = _run([claim], tmp_path)
    assert record.status == "computed" and calls["measure"] == 2


def test_result_stores_its_code_fingerprint_and_module_digests(tmp_path):
    claim = make_claim()
    _run([claim], tmp_path)
    stored = json.loads(cached_result_path(tmp_path, "quick", claim.id).read_text())
    assert len(stored["code"]["fingerprint"]) == 64
    assert {"toy_claims", "reproduce.claims", "reproduce.plotting"} <= set(stored["code"]["modules"])
    assert stored["cache_key"] == cache_key(claim, PRESETS["quick"])


def test_erroring_claim_is_reported_and_the_run_continues(tmp_path):
    stream = io.StringIO()
    claims = [make_claim("toy.bad", fail=True), make_claim("toy.good")]
    bad, good = run(claims, "quick", root=tmp_path, progress=stream, record=True)
    assert (bad.status, bad.verdict, bad.agreement) == ("error", None, None)
    assert "RuntimeError: toy failure" in bad.error
    assert good.status == "computed"
    assert not result_path(tmp_path, "quick", "toy.bad").exists()
    assert not cached_result_path(tmp_path, "quick", "toy.bad").exists()
    assert result_path(tmp_path, "quick", "toy.good").exists()
    log = stream.getvalue()
    assert "[1/2] toy.bad: ERROR" in log and "toy failure" in log
    assert "[2/2] toy.good: reproduced (" in log


def test_differs_is_a_result_not_an_error(tmp_path):
    [record] = _run([make_claim(verdict="differs")], tmp_path)
    assert (record.status, record.verdict) == ("computed", "differs")


def test_agreement_with_the_record(tmp_path):
    _run([make_claim()], tmp_path, record=True)
    [same] = _run([make_claim()], tmp_path, force=True)
    assert same.agreement.status == "agrees" and same.agreement.identical
    [verdict] = _run([make_claim(verdict="differs")], tmp_path, force=True)
    assert verdict.agreement.status == "differs"
    assert "verdict reproduced -> differs" in verdict.agreement.describe()
    [other_seed] = _run([make_claim()], tmp_path, seed=7)
    assert other_seed.agreement.status == "no-record" and "seed 0" in other_seed.agreement.describe()


def test_a_moved_number_outside_tolerance_disagrees(tmp_path):
    claim = make_claim()
    _run([claim], tmp_path, record=True)
    path = result_path(tmp_path, "quick", claim.id)
    recorded = json.loads(path.read_text())
    recorded["measured"]["mean"] += 1e-6
    path.write_text(json.dumps(recorded))
    [record] = _run([claim], tmp_path)
    assert record.agreement.status == "differs"
    assert record.agreement.worst.path == "mean" and "outside tolerance" in record.agreement.describe()


def test_record_writes_results_and_figures_beside_the_record(tmp_path):
    claim = make_claim()
    [rec] = _run([claim], tmp_path, preset="default", record=True)
    assert rec.recorded
    path = result_path(tmp_path, "default", claim.id)
    result = json.loads(path.read_text())
    assert result["figures"] == [f"figures/{claim.id}.png"]
    assert figure_source(tmp_path / result["figures"][0]) == sha256_file(path)
    cached = cached_result_path(tmp_path, "default", claim.id)
    assert json.loads(cached.read_text())["figures"] == [f".cache/runs/default/figures/{claim.id}.png"]


def test_same_seed_same_values_other_seed_other_values(tmp_path):
    claim = make_claim()
    _run([claim], tmp_path / "a", seed=11)
    _run([claim], tmp_path / "b", seed=11)
    _run([claim], tmp_path / "c", seed=12)
    assert _measured(tmp_path / "a", claim.id) == _measured(tmp_path / "b", claim.id)
    assert _measured(tmp_path / "a", claim.id) != _measured(tmp_path / "c", claim.id)


def test_measured_values_come_from_the_claims_own_stream(tmp_path):
    claim = make_claim(n=6)
    _run([claim], tmp_path, seed=5)
    expected = claim_rng(5, claim.id).standard_normal(6)
    assert np.array_equal(_measured(tmp_path, claim.id)["draws"], expected)


def test_claim_ids_get_independent_streams_and_subsets_match_full_runs(tmp_path):
    alpha, beta = make_claim("toy.alpha"), make_claim("toy.beta")
    _run([alpha, beta], tmp_path / "full")
    _run([beta], tmp_path / "only")
    _run([beta, alpha], tmp_path / "reversed")
    assert _measured(tmp_path / "full", "toy.alpha") != _measured(tmp_path / "full", "toy.beta")
    assert _measured(tmp_path / "full", "toy.beta") == _measured(tmp_path / "only", "toy.beta")
    assert _measured(tmp_path / "full", "toy.alpha") == _measured(tmp_path / "reversed", "toy.alpha")


def test_figures_are_listed_and_stamped_with_the_result_digest(tmp_path):
    seen = []
    claim = make_claim(seen=seen)
    _run([claim], tmp_path, preset="default")
    path = cached_result_path(tmp_path, "default", claim.id)
    result = json.loads(path.read_text())
    assert result["figures"] == [f".cache/runs/default/figures/{claim.id}.png"]
    assert figure_source(tmp_path / result["figures"][0]) == sha256_file(path)
    # The figure function saw the stored result (JSON round trip: nan as a string).
    assert {k: v for k, v in seen[0].items() if k != "figures"} == {k: v for k, v in result.items() if k != "figures"}
    assert seen[0]["measured"]["ratio"] == "nan"


def test_quick_figures_go_to_their_own_directory(tmp_path):
    claim = make_claim()
    _run([claim], tmp_path, preset="quick", record=True)
    assert (figures_dir(tmp_path, "quick") / f"{claim.id}.png").is_file()
    assert (run_dir(tmp_path, "quick") / "figures" / f"{claim.id}.png").is_file()
    assert not (tmp_path / "figures" / f"{claim.id}.png").exists()


def test_cached_run_redraws_a_missing_or_stale_figure(tmp_path):
    calls, seen = {}, []
    claim = make_claim(calls=calls, seen=seen)
    _run([claim], tmp_path)
    path = cached_result_path(tmp_path, "quick", claim.id)
    figure = tmp_path / json.loads(path.read_text())["figures"][0]

    figure.unlink()
    [record] = _run([claim], tmp_path)
    assert record.status == "cached" and figure.is_file() and len(seen) == 2
    assert figure_source(figure) == sha256_file(path)

    stamp_source(figure, "0" * 64)
    _run([claim], tmp_path)
    assert figure_source(figure) == sha256_file(path) and len(seen) == 3

    _run([claim], tmp_path)  # everything fresh: nothing is redrawn
    assert len(seen) == 3 and calls["measure"] == 1


def test_no_figures(tmp_path):
    claim = make_claim()
    _run([claim], tmp_path, figures=False)
    assert json.loads(cached_result_path(tmp_path, "quick", claim.id).read_text())["figures"] == []
    assert not (run_dir(tmp_path, "quick") / "figures").exists()


def test_progress_lines_and_records(tmp_path):
    stream = io.StringIO()
    records = run([make_claim("toy.alpha"), make_claim("toy.beta")], "quick", root=tmp_path, progress=stream)
    assert all(isinstance(r, RunRecord) for r in records)
    assert [r.claim_id for r in records] == ["toy.alpha", "toy.beta"]
    plan, *lines = stream.getvalue().splitlines()
    assert plan.startswith("plan: 0 training run(s)") and "2 claim evaluation(s)" in plan
    assert len(lines) == 4
    assert lines[0] == "[1/2] toy.alpha ... (not run before)"
    assert lines[1].startswith("[1/2] toy.alpha: reproduced (") and "no committed record" in lines[1]
    run([make_claim("toy.alpha")], "quick", root=tmp_path, progress=stream, record=True)
    run([make_claim("toy.alpha")], "quick", root=tmp_path, progress=stream)
    start, done = stream.getvalue().splitlines()[-2:]
    assert start.startswith("[1/1] toy.alpha ... (last recorded run ")
    assert done == "[1/1] toy.alpha: reproduced (cached); agrees with the record (identical)"


def test_claim_loops_report_progress_under_the_claims_name(tmp_path):
    from reproduce.claims import Measurement
    from reproduce.progress import progress

    claim = make_claim()

    def measure(config, rng):
        list(progress(range(3), desc="inner loop", log_interval_s=0.0))
        return Measurement({"mean": 0.0}, "0")

    import dataclasses

    looping = dataclasses.replace(claim, measure=measure)
    stream = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(stream):
        run([looping], "quick", root=tmp_path, progress=io.StringIO())
    assert "toy.alpha | inner loop: 3/3 (100%)" in stream.getvalue()


def test_bad_arguments_fail_before_running(tmp_path):
    calls = {}
    with pytest.raises(ValueError, match="unknown preset"):
        _run([make_claim(calls=calls)], tmp_path, preset="huge")
    with pytest.raises(TypeError, match="Claim"):
        _run(["toy.alpha"], tmp_path)
    with pytest.raises(ValueError, match="seed"):
        _run([make_claim(calls=calls)], tmp_path, seed=-1)
    assert calls["measure"] == 0


@pytest.mark.parametrize("record", [False, True])
def test_a_figure_that_cannot_be_stamped_leaves_no_result_behind(tmp_path, record):
    """Issue 13: a failed figure stamp used to leave the result, which the next run reused as cached."""
    claim = make_claim()

    def broken_figure(result, out_dir):
        path = out_dir / f"{result['claim_id']}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not a PNG")  # written, but stamping it fails
        return [path]

    object.__setattr__(claim, "figure", broken_figure)
    [outcome] = _run([claim], tmp_path, preset="default", record=record)
    assert outcome.status == "error" and "not a PNG" in outcome.error
    assert not cached_result_path(tmp_path, "default", claim.id).exists()
    assert not result_path(tmp_path, "default", claim.id).exists()
