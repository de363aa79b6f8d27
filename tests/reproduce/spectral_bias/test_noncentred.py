"""spectral.noncentred: the excursion and timing helpers, and the verdict rule."""

import numpy as np
import pytest

from reproduce.spectral_bias import noncentred as claim


def test_excursion_counts_overshoot_and_reversal_but_not_monotone_approach():
    assert claim.excursion(np.array([0.0, 0.6, 0.4, 1.0]), 1.0) == pytest.approx(0.2)  # a step back
    assert claim.excursion(np.array([1.0, 0.5, 0.3, 0.5]), 0.5) == pytest.approx(0.4)  # falls below, returns
    assert claim.excursion(np.linspace(0, 1, 10), 1.0) == 0.0


def test_late_rate_recovers_an_exponential():
    taus = np.linspace(0, 20, 400)
    w = 1.0 - 0.7 * np.exp(-0.9 * taus) + 0.2 * np.exp(-5 * taus)
    assert claim.late_rate(taus, w, 1.0, 0.5) == pytest.approx(0.9, rel=1e-6)


def test_quick_preset_reproduces_and_the_rule_can_fail():
    config = claim.CONFIGS["quick"]
    values = dict(claim.measure(config, np.random.default_rng(1)).values)
    assert claim.judge(values, config).verdict == "reproduced"
    for change in ({"non_monotonic_modes": 0}, {"orthogonal_max_rel_error": 1e-3}, {"late_rate_max_rel_error": 0.1}):
        assert claim.judge(values | change, config).verdict == "differs"
