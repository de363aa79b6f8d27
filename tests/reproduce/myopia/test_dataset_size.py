"""myopia.dataset_size: planned trainings, shared models, nested training sets, and the one-sided verdict rule."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from scipy import stats

from reproduce.myopia import dataset_size as claim
from reproduce.myopia import trained_theorem3_2
from reproduce.myopia.graph_diffusion import make_dataset, training
from reproduce.myopia.trained_models import SETTINGS, ModelSettings, critical_z, model_spec
from reproduce.replicates import interval
from reproduce.results import claim_rng

TINY = ModelSettings(width=4, depth=1, T=4, train_graphs=60, steps=20, batch=16, replicates=2)
T95_2 = float(stats.t.ppf(0.975, 2))  # Student t of the 95% interval over 3 replicates


@pytest.fixture
def scratch_checkpoints(tmp_path, monkeypatch):
    """A fresh checkpoint directory and an empty model memo: every model is trained anew."""
    monkeypatch.setenv("REPRODUCE_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    monkeypatch.setattr(training, "_MEMO", {})
    return tmp_path


def test_planned_trainings_are_the_models_measure_reads(scratch_checkpoints, one_torch_thread):
    config = claim.Config(settings=TINY, sizes=(30, 60), samples=40)
    rng_seed = 5
    planned = {t.args[0].key() for t in claim.trainings(config, claim_rng(rng_seed, claim.CLAIM.id))}
    m = claim.measure(config, claim_rng(rng_seed, claim.CLAIM.id))
    read = {key for key, _device in training._MEMO}
    assert planned == read and len(planned) == 4  # 2 sizes x 2 replicates
    rows = m.values["rows"]
    assert [r["train_graphs"] for r in rows] == [30, 60]
    assert all(len(r["per_seed"]) == 2 for r in rows)
    for r in rows:
        for q in r["per_seed"]:
            assert q["disconnected"] >= 0 and 0 <= q["learned_bridge"] <= 1
            assert q["abs_error"] == pytest.approx(abs(q["learned_bridge"] - 0.05))
        learned = np.array([q["learned_bridge"] for q in r["per_seed"]])
        train = np.array([q["train_bridge"] for q in r["per_seed"]])
        assert r["rms_to_eps"] == pytest.approx(np.sqrt(np.mean((learned - 0.05) ** 2)))
        assert r["rms_to_train"] == pytest.approx(np.sqrt(np.mean((learned - train) ** 2)))


@pytest.mark.parametrize("preset", ["quick", "default", "paper"])
def test_the_preset_size_is_the_model_the_theorem_claim_trains(preset):
    """The size equal to the preset's ``train_graphs`` must be the very model myopia.trained_theorem3_2 reads,
    so that the plan trains it once and this claim adds only the other sizes."""
    config = claim.CONFIGS[preset]
    assert config.settings == SETTINGS[preset] and config.settings.train_graphs in config.sizes
    ours = {t.key for t in claim.trainings(config, claim_rng(0, claim.CLAIM.id))}
    theirs_config = trained_theorem3_2.CONFIGS[preset]
    theirs = {t.key for t in trained_theorem3_2.trainings(theirs_config, claim_rng(0, trained_theorem3_2.CLAIM.id))}
    shared = ours & theirs
    assert len(shared) == config.settings.replicates
    assert len(ours) == len(config.sizes) * config.settings.replicates


def test_smaller_training_sets_are_the_first_graphs_of_larger_ones():
    small = make_dataset(model_spec(dataclasses.replace(TINY, train_graphs=30), 11))
    large = make_dataset(model_spec(dataclasses.replace(TINY, train_graphs=90), 11))
    assert torch.equal(small.adjacency, large.adjacency[:30])


def test_budget_override_changes_only_the_replicates():
    config = claim.CONFIGS["default"].with_budget(replicates=2)
    assert config.settings.replicates == 2 and config.sizes == claim.CONFIGS["default"].sizes
    assert config.settings.train_graphs == SETTINGS["default"].train_graphs


@pytest.mark.parametrize("sizes", [(), (100, 50), (0, 100), (10.5, 20)])
def test_config_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes must"):
        claim.Config(sizes=sizes)


def rule_values(disconnected_by_size, min_z=0.0, max_bridge_z=0.0, eps=0.05):
    """The measured values :func:`claim.judge` reads, for sizes 100, 1000, ... with these per-replicate P_dis."""
    rows = []
    for i, disc in enumerate(disconnected_by_size):
        per_seed = [
            {"learned_bridge": 1 - d, "train_bridge": eps, "disconnected": d, "abs_error": abs(1 - d - eps)}
            for d in disc
        ]
        size = 100 * 10**i
        rows.append(
            {
                "train_graphs": size,
                "lemma_rate": float(np.sqrt(eps * (1 - eps) / size)),
                **{k: interval([q[k] for q in per_seed]) for k in per_seed[0]},
                "rms_to_eps": float(np.sqrt(np.mean([(1 - d - eps) ** 2 for d in disc]))),
                "rms_to_train": float(np.sqrt(np.mean([(1 - d - eps) ** 2 for d in disc]))),
                "min_z": min_z,
                "max_abs_bridge_z": max_bridge_z,
                "per_seed": per_seed,
            }
        )
    n = len(disconnected_by_size[0])
    tests = len(rows) * n
    return {
        "seeds": list(range(n)),
        "rows": rows,
        "critical_z": critical_z(0.99, tests, two_sided=False),
        "lemma_critical_z": critical_z(0.99, tests),
        "epsilon": eps,
        "theorem": 1 - eps,
        "samples": 1000,
        "sampling_sd": float(np.sqrt(eps * (1 - eps) / 1000)),
        "size_span": rows[-1]["train_graphs"] / rows[0]["train_graphs"],
    }


def test_rule_is_one_sided_per_replicate():
    cfg = claim.CONFIGS["default"]
    zc = critical_z(0.99, 2 * 3, two_sided=False)
    ok = [[0.95, 0.951, 0.949], [0.95, 0.952, 0.948]]
    assert claim.judge(rule_values(ok, min_z=-zc + 0.01), cfg).verdict == "reproduced"
    assert claim.judge(rule_values(ok, min_z=-zc - 0.01), cfg).verdict == "differs"
    # disconnecting more often than 1 - eps (an under-fit bridge) is not a rescue by more data
    assert claim.judge(rule_values([[0.99, 0.995, 0.98]] * 2, min_z=0.0), cfg).verdict == "reproduced"


def test_rule_needs_every_mean_interval_to_reach_one_minus_eps():
    cfg = claim.CONFIGS["default"]
    half = T95_2 * 0.001 / np.sqrt(3)  # half-width of the 95% interval of three values 0.001 apart
    reaches = [0.95 - half - 0.0005, 0.95 - half + 0.0005, 0.95 - half + 0.0015]  # upper end 0.9505
    short = [0.95 - half - 0.0015, 0.95 - half - 0.0005, 0.95 - half + 0.0005]  # upper end 0.9495
    fine = [0.95, 0.951, 0.949]
    assert claim.judge(rule_values([fine, reaches]), cfg).verdict == "reproduced"
    j = claim.judge(rule_values([fine, short]), cfg)
    assert j.verdict == "differs" and "N = 1000" in j.reason


def test_lemma_check_is_reported_not_judged():
    cfg = claim.CONFIGS["default"]
    j = claim.judge(rule_values([[0.95, 0.951, 0.949]] * 2, max_bridge_z=50.0), cfg)
    assert j.verdict == "reproduced" and "outside its two-sided error" in j.reason
