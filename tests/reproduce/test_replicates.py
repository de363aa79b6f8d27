"""Replicate seeds, the master seed they come from, intervals over replicates, and the budget overrides."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats

from reproduce.claims import Judgement
from reproduce.presets import PRESETS, Preset
from reproduce.replicates import interval, master_seed, replicate_seeds
from reproduce.results import claim_rng
from reproduce.spectral_bias import gaussian_mlp, image_mlp
from reproduce.spectral_bias.denoisers.generated_spectrum import log_record_steps

INTERVAL_RTOL = 1e-12  # the same Student-t interval via t.ppf by hand and via scipy's t.interval: round-off only


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**40])
def test_master_seed_is_read_back_from_every_claims_generator(seed):
    assert master_seed(claim_rng(seed, "spectral.gaussian_mlp")) == seed
    assert master_seed(np.random.default_rng(seed)) == seed


def test_master_seed_needs_a_seeded_generator():
    with pytest.raises(TypeError, match="numpy Generator"):
        master_seed(np.random.RandomState(0))


def test_replicate_seeds_depend_on_master_and_run_not_on_the_claim():
    a = replicate_seeds(claim_rng(0, "spectral.gaussian_mlp"), "gaussian_mlp", 5)
    assert a == replicate_seeds(claim_rng(0, "spectral.alignment"), "gaussian_mlp", 5)  # shared models
    assert a[:3] == replicate_seeds(claim_rng(0, "x.y"), "gaussian_mlp", 3)  # more replicates extend the list
    assert len(set(a)) == 5 and all(0 <= s < 2**31 for s in a)  # 31-bit, as documented
    assert set(a).isdisjoint(replicate_seeds(claim_rng(1, "spectral.gaussian_mlp"), "gaussian_mlp", 5))
    assert set(a).isdisjoint(replicate_seeds(claim_rng(0, "spectral.gaussian_mlp"), "digits_mlp", 5))


def test_replicate_seeds_do_not_consume_the_claims_stream():
    rng, twin = claim_rng(3, "a.b"), claim_rng(3, "a.b")
    replicate_seeds(rng, "run", 4)
    assert rng.random() == twin.random()


@pytest.mark.parametrize("count, run", [(0, "run"), (-1, "run"), (1.5, "run"), (True, "run"), (2, "")])
def test_replicate_seeds_reject_bad_input(count, run):
    with pytest.raises(ValueError):
        replicate_seeds(claim_rng(0, "a.b"), run, count)


def test_interval_is_scipys_student_t_interval():
    x = np.array([-1.05, -1.21, -0.98, -1.3])
    r = interval(x)
    low, high = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert (r["low"], r["high"]) == pytest.approx((low, high), rel=INTERVAL_RTOL)
    assert r["n"] == 4 and r["values"] == list(x) and r["sd"] == pytest.approx(x.std(ddof=1))
    one = interval([0.3])
    assert one["mean"] == 0.3 and one["low"] is one["high"] is one["sd"] is None


@pytest.mark.parametrize("values, level", [([], 0.95), ([np.nan], 0.95), ([[1.0, 2.0]], 0.95), ([1.0, 2.0], 1.0)])
def test_interval_rejects_bad_input(values, level):
    with pytest.raises(ValueError):
        interval(values, level)


def test_presets_validate_their_overrides():
    assert PRESETS["paper"].overrides == {}
    assert dataclasses.replace(PRESETS["paper"], replicates=1).overrides == {"replicates": 1}
    for bad in ({"replicates": 0}, {"records": 1}, {"replicates": True}, {"records": 2.5}):
        with pytest.raises(ValueError):
            Preset("x", "y", None, **bad)


def test_budget_overrides_reach_trained_configs_only():
    preset = dataclasses.replace(PRESETS["paper"], replicates=1, records=60)
    cfg = gaussian_mlp.CLAIM.configure(preset)
    assert cfg.seeds == 1 and gaussian_mlp.CLAIM.configure(PRESETS["paper"]).seeds == 5
    assert cfg.run.train.records == tuple(int(s) for s in log_record_steps(5000, 60))
    changed = {
        k
        for k, v in dataclasses.asdict(cfg.run.train).items()
        if v != getattr(gaussian_mlp.CONFIGS["paper"].run.train, k)
    }
    assert changed == {"records"} and cfg.run.data == gaussian_mlp.CONFIGS["paper"].run.data
    images = image_mlp.CLAIM.configure(preset)
    for exp in (images.digits, images.patches, images.gaussian):
        assert exp.train.records == tuple(int(s) for s in log_record_steps(exp.train.steps, 60))
    from reproduce.myopia import reff_bridge

    assert reff_bridge.CLAIM.configure(preset) == reff_bridge.CLAIM.config_for("paper")


def test_only_an_extension_reports_a_prediction():
    assert Judgement("extension", "why", {}, prediction="fails").label == "extension (fails)"
    assert Judgement("reproduced", "why", {}).label == "reproduced"
    with pytest.raises(ValueError, match="only an extension"):
        Judgement("reproduced", "why", {}, prediction="holds")
    with pytest.raises(ValueError, match="only an extension"):
        Judgement("extension", "why", {}, prediction="maybe")
