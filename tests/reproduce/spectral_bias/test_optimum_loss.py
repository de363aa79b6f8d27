"""spectral.optimum_loss: the verdict rule fails when a twin disagrees."""

import numpy as np
import pytest

from reproduce.spectral_bias import optimum_loss as claim


@pytest.fixture(scope="module")
def measured():
    config = claim.CONFIGS["quick"]
    return config, dict(claim.measure(config, np.random.default_rng(3)).values)


def test_quick_preset_reproduces(measured):
    config, values = measured
    judgement = claim.judge(values, config)
    assert judgement.verdict == "reproduced", judgement.reason
    assert values["max_lstsq_rel_error"] < 1e-10 and values["max_ridge_rel_error"] < 1e-10


@pytest.mark.parametrize(
    ("key", "bad", "phrase"),
    [
        ("max_lstsq_rel_error", 1e-6, "direct minimiser"),
        ("max_ridge_rel_error", 1e-6, "ridge regression"),
        ("max_abs_z", 10.0, "Monte-Carlo"),
    ],
)
def test_each_failed_twin_makes_it_differ(measured, key, bad, phrase):
    config, values = measured
    judgement = claim.judge(values | {key: bad}, config)
    assert judgement.verdict == "differs" and phrase in judgement.reason
