"""spectral.cnn_speedup: the linear speed-up is N for every mode, and the verdict rule."""

import dataclasses

import numpy as np
import pytest

from reproduce.spectral_bias import cnn_speedup as claim

SPEEDUP_RTOL = 1e-3  # interpolated crossing times on a 300-point log grid; measured 1e-4


def test_full_width_filter_learns_every_mode_n_times_faster():
    config = dataclasses.replace(claim.CONFIGS["quick"], N=8, n_tau=300)
    linear = claim.linear_speedup(config)
    assert linear["modes_crossed"] == 8
    np.testing.assert_allclose(linear["ratio"], 8.0, rtol=SPEEDUP_RTOL)


def test_crossing_interpolates_in_log_time():
    taus = np.array([1.0, 10.0, 100.0])
    gains = np.array([[0.0], [0.4], [0.6]])
    assert claim._crossing(taus, gains, 0.0, np.array([1.0]))[0] == pytest.approx(10**1.5)


def _values(ratio_high):
    ratio = {"mean": ratio_high / 2, "low": 0.5, "high": ratio_high, "n": 3}
    return {
        "linear": {"N": 32, "max_rel_error_vs_N": 2e-5, "modes_crossed": 32},
        "trained": {d: {"pixels": 64, "ratio": ratio} for d in ("patches", "digits")},
    }


def test_the_rule_asks_the_trained_interval_to_reach_half_of_n():
    config = claim.CONFIGS["quick"]
    assert claim.judge(_values(40.0), config).verdict == "reproduced"
    judgement = claim.judge(_values(3.0), config)
    assert judgement.verdict == "differs" and "far below N = 64" in judgement.reason
    bad_linear = _values(40.0)
    bad_linear["linear"]["max_rel_error_vs_N"] = 0.1
    assert "misses N = 32" in claim.judge(bad_linear, config).reason
