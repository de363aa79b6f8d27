import numpy as np
import pytest
from scipy.special import exp1

from theory.exponential_integral import exp1_fast, exp1_truncated, expi_neg


def test_matches_scipy_over_the_whole_range():
    x = np.exp(np.random.default_rng(0).uniform(np.log(1e-12), np.log(590), 200_000))
    assert np.max(np.abs(exp1_fast(x) / exp1(x) - 1)) < 5e-12


def test_regime_boundaries_and_shapes():
    x = np.array([[1e-3 * (1 - 1e-12), 1e-3, 600.0 * (1 - 1e-12)], [600.0, 700.0, 0.0]])
    out = exp1_fast(x)
    assert out.shape == x.shape and np.isinf(out[1, 2])
    finite = np.isfinite(out)
    assert np.allclose(out[finite], exp1(x[finite]), rtol=2e-10, atol=0)
    assert isinstance(exp1_fast(0.5), float)


def test_truncated_drops_only_negligible_terms():
    x = np.array([0.1, 39.0, 41.0, 1e4])
    t = exp1_truncated(x)
    assert t[2] == t[3] == 0.0 and np.allclose(t[:2], exp1(x[:2]), rtol=5e-12)
    assert exp1(40.0) < 1.1e-19


def test_expi_neg_sign():
    assert expi_neg(1.0) == -exp1_fast(1.0)


@pytest.mark.parametrize("bad", [-1.0, np.nan])
def test_rejects_negative_and_nan(bad):
    with pytest.raises(ValueError, match="non-negative"):
        exp1_fast([1.0, bad])
