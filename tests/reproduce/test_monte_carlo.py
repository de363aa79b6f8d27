"""The Monte-Carlo intervals and tolerances, against scipy and textbook limits."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest

from reproduce.monte_carlo import wilson_interval
from reproduce.replicates import Z_99

SCIPY_ATOL = 1e-12  # two float64 evaluations of one closed form; measured differences are ~1e-16


@given(n=st.integers(1, 5000), data=st.data())
def test_wilson_interval_matches_scipy(n, data):
    k = data.draw(st.integers(0, n))
    low, high = wilson_interval(k / n, n)
    reference = binomtest(k, n).proportion_ci(confidence_level=0.99, method="wilson")
    assert low == pytest.approx(reference.low, abs=SCIPY_ATOL)
    assert high == pytest.approx(reference.high, abs=SCIPY_ATOL)


def test_wilson_interval_keeps_width_at_the_ends():
    low, high = wilson_interval(np.array([0.0, 1.0]), 500)
    width = Z_99**2 / (500 + Z_99**2)  # the closed form at p = 0 (and, mirrored, at p = 1)
    np.testing.assert_allclose(high - low, [width, width], rtol=1e-12)
    assert low[0] == 0.0 and high[1] == 1.0


def test_wilson_interval_broadcasts():
    low, high = wilson_interval(np.array([[0.2], [0.5]]), np.array([10, 100, 1000]))
    assert low.shape == high.shape == (2, 3)
    assert np.all(np.diff(high - low, axis=1) < 0)  # more trials, narrower


@pytest.mark.parametrize(
    ("p", "n", "z"), [(-0.1, 10, Z_99), (1.5, 10, Z_99), (np.nan, 10, Z_99), (0.5, 0, Z_99), (0.5, 10, -1.0)]
)
def test_wilson_interval_rejects_bad_input(p, n, z):
    with pytest.raises(ValueError, match="proportion|trials|z must"):
        wilson_interval(p, n, z)
