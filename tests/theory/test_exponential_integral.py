import numpy as np
import pytest
from scipy.special import exp1

from theory.exponential_integral import exp1_fast, exp1_truncated, expi_neg

FAST_RTOL = 5e-12  # exp1_fast's documented accuracy (about 3e-12 relative, degree-4 table in ln x) with margin
ASYMPTOTIC_RTOL = 2e-10  # the x >= 600 asymptotic series' documented error bound 24/x^4 < 2e-10
DROPPED_TERM_BOUND = 1.1e-19  # exp1_truncated's documented size of a skipped term (x >= 40), next to O(1) sums


def test_matches_scipy_over_the_whole_range():
    x = np.exp(np.random.default_rng(0).uniform(np.log(1e-12), np.log(590), 200_000))
    assert np.max(np.abs(exp1_fast(x) / exp1(x) - 1)) < FAST_RTOL


def test_regime_boundaries_and_shapes():
    x = np.array([[1e-3 * (1 - 1e-12), 1e-3, 600.0 * (1 - 1e-12)], [600.0, 700.0, 0.0]])
    out = exp1_fast(x)
    assert out.shape == x.shape and np.isinf(out[1, 2])
    finite = np.isfinite(out)
    assert np.allclose(out[finite], exp1(x[finite]), rtol=ASYMPTOTIC_RTOL, atol=0)
    assert isinstance(exp1_fast(0.5), float)


def test_truncated_drops_only_negligible_terms():
    x = np.array([0.1, 39.0, 41.0, 1e4])
    t = exp1_truncated(x)
    assert t[2] == t[3] == 0.0 and np.allclose(t[:2], exp1(x[:2]), rtol=FAST_RTOL)
    assert exp1(40.0) < DROPPED_TERM_BOUND


def test_expi_neg_sign():
    assert expi_neg(1.0) == -exp1_fast(1.0)


@pytest.mark.parametrize("bad", [-1.0, np.nan])
def test_rejects_negative_and_nan(bad):
    with pytest.raises(ValueError, match="non-negative"):
        exp1_fast([1.0, bad])
