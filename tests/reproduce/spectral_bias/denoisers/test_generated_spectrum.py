"""Tests of :mod:`reproduce.spectral_bias.denoisers.generated_spectrum`: eigenbasis, mode variances, alignment,
record schedules."""

import numpy as np
import pytest

from reproduce.spectral_bias.denoisers.generated_spectrum import (
    Eigenbasis,
    alignment_score,
    eigenbasis,
    log_record_steps,
    mode_variances,
    paper_record_steps,
)

ROUNDOFF_RTOL = 1e-12  # float64 means, covariances and eigenvalues of O(1) data computed two ways: round-off only
ROUNDOFF_ATOL = 1e-12  # the same for O(1) absolute quantities: orthonormality, covariances, alignment scores in [0, 1]
EIGENVECTOR_ATOL = 1e-10  # an eigenvector is accurate to round-off over the eigenvalue gap, looser than its eigenvalue
MODE_VARIANCE_RTOL = 1e-10  # a rotated diagonal carries the largest mode's round-off, relatively large on small modes
RESHAPE_RTOL = 1e-14  # flattening images changes only the memory layout: an ulp at most
MISALIGNMENT_MARGIN = 1e-3  # a wrong basis must score below 1 by more than round-off (this one scores 0.855)
GRID_ROUNDOFF = 1e-9  # slack for np.logspace's own round-off at a half-integer grid point


def _data(n=400, d=5, seed=0):
    rng = np.random.default_rng(seed)
    mix = rng.standard_normal((d, d))
    return rng.standard_normal((n, d)) @ mix + rng.standard_normal(d)


def _rotation(theta):
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


# ---------------------------------------------------------------- eigenbasis


def test_eigenbasis_matches_numpy():
    x = _data()
    b = eigenbasis(x)
    lam, u = np.linalg.eigh(np.cov(x.T))
    order = np.argsort(lam)[::-1]
    np.testing.assert_allclose(b.variances, lam[order], rtol=ROUNDOFF_RTOL)
    np.testing.assert_allclose(np.abs(b.vectors), np.abs(u[:, order]), atol=EIGENVECTOR_ATOL)
    np.testing.assert_allclose(b.mean, x.mean(axis=0), rtol=ROUNDOFF_RTOL)
    assert np.all(np.diff(b.variances) < 0)
    np.testing.assert_allclose(b.vectors.T @ b.vectors, np.eye(5), atol=ROUNDOFF_ATOL)


def test_eigenbasis_flattens_images():
    x = _data(d=6).reshape(-1, 1, 2, 3)
    b = eigenbasis(x)
    ref = eigenbasis(x.reshape(x.shape[0], -1))
    np.testing.assert_allclose(b.variances, ref.variances, rtol=ROUNDOFF_RTOL)
    np.testing.assert_allclose(b.vectors, ref.vectors, rtol=ROUNDOFF_RTOL)


@pytest.mark.parametrize("bad", [np.ones(5), np.ones((1, 3))])
def test_eigenbasis_needs_two_samples(bad):
    with pytest.raises(ValueError, match="need at least 2 samples"):
        eigenbasis(bad)


# ---------------------------------------------------------------- mode variances


def test_mode_variances_is_the_diagonal_of_the_rotated_covariance():
    x = _data()
    b = eigenbasis(x)
    samples = _data(n=300, seed=1)
    expected = np.diag(b.vectors.T @ np.cov(samples.T) @ b.vectors)
    np.testing.assert_allclose(mode_variances(samples, b), expected, rtol=ROUNDOFF_RTOL)
    # on the data themselves it returns the eigenvalues
    np.testing.assert_allclose(mode_variances(x, b), b.variances, rtol=MODE_VARIANCE_RTOL)


def test_mode_variances_accepts_images():
    x = _data(d=12).reshape(-1, 3, 2, 2)
    b = eigenbasis(x)
    samples = _data(n=100, d=12, seed=3)
    np.testing.assert_allclose(
        mode_variances(samples.reshape(-1, 3, 2, 2), b), mode_variances(samples, b), rtol=RESHAPE_RTOL
    )


def test_mode_variances_errors():
    b = eigenbasis(_data())
    with pytest.raises(ValueError, match="samples have dimension 4, the eigenbasis 5"):
        mode_variances(np.ones((10, 4)), b)
    with pytest.raises(ValueError, match="need at least 2 samples"):
        mode_variances(np.ones((1, 5)), b)
    with pytest.raises(ValueError, match="samples have dimension 4, the eigenbasis 5"):
        alignment_score(np.ones((10, 4)), b)


# ---------------------------------------------------------------- alignment


def test_alignment_of_the_data_with_its_own_basis_is_one():
    x = _data()
    assert abs(alignment_score(x, eigenbasis(x)) - 1) < ROUNDOFF_ATOL


def _exact_covariance_samples(cov, n, seed):
    """Samples whose sample covariance is exactly ``cov``: whiten a Gaussian draw, then colour it."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, cov.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z.T))).T
    return z @ np.linalg.cholesky(cov).T + 3.0


@pytest.mark.parametrize("theta", [0.0, 0.3, np.pi / 4, 1.2])
def test_alignment_in_two_dimensions_matches_the_hand_formula(theta):
    cov = np.array([[2.0, 0.6], [0.6, 0.5]])
    samples = _exact_covariance_samples(cov, 500, seed=5)
    np.testing.assert_allclose(np.cov(samples.T), cov, atol=ROUNDOFF_ATOL)
    u = _rotation(theta)
    basis = Eigenbasis(np.zeros(2), u, np.array([1.0, 0.5]))
    c = u.T @ cov @ u
    expected = (c[0, 0] ** 2 + c[1, 1] ** 2) / (c[0, 0] ** 2 + c[1, 1] ** 2 + 2 * c[0, 1] ** 2)
    assert abs(alignment_score(samples, basis) - expected) < ROUNDOFF_ATOL
    np.testing.assert_allclose(mode_variances(samples, basis), np.diag(c), rtol=ROUNDOFF_RTOL)


def test_alignment_is_one_exactly_in_the_covariance_eigenbasis_and_below_otherwise():
    cov = np.array([[2.0, 0.6], [0.6, 0.5]])
    samples = _exact_covariance_samples(cov, 200, seed=6)
    _, u = np.linalg.eigh(cov)
    assert abs(alignment_score(samples, Eigenbasis(np.zeros(2), u, np.ones(2))) - 1) < ROUNDOFF_ATOL
    assert alignment_score(samples, Eigenbasis(np.zeros(2), np.eye(2), np.ones(2))) < 1 - MISALIGNMENT_MARGIN


# ---------------------------------------------------------------- record schedules


def _in_paper_schedule(t: int) -> bool:
    """Slow, obvious membership test for the authors' schedule (every step to 9, then strides)."""
    for start, stop, stride in (
        (1, 10, 1),
        (10, 50, 2),
        (50, 100, 4),
        (100, 500, 8),
        (500, 2500, 16),
        (2500, 5000, 32),
    ):
        if start <= t < stop:
            return (t - start) % stride == 0
    return (t - 5000) % 64 == 0


@pytest.mark.parametrize("total", [5000, 6000, 777, 10, 1])
def test_paper_record_steps_matches_the_schedule(total):
    s = paper_record_steps(total)
    expected = sorted({t for t in range(1, total + 1) if _in_paper_schedule(t)} | {total})
    assert s.tolist() == expected
    assert np.all(np.diff(s) > 0) and s[0] == 1 and s[-1] == total


def test_paper_record_steps_5000():
    s = paper_record_steps(5000)
    assert set(range(1, 10)) <= set(s.tolist()) and 5000 in s
    for lo, hi, stride in ((10, 50, 2), (50, 100, 4), (100, 500, 8), (500, 2500, 16), (2500, 5000, 32)):
        inside = s[(s >= lo) & (s < hi)]
        assert inside[0] == lo and np.all(np.diff(inside) == stride)
        assert inside.size == -(-(hi - lo) // stride)
    assert len(s) == 9 + 20 + 13 + 50 + 125 + 79 + 1
    assert np.all(s <= 5000)


def test_paper_record_steps_beyond_5000():
    s = paper_record_steps(5000 + 64 * 10 + 5)
    tail = s[s >= 5000]
    np.testing.assert_array_equal(tail[:-1], 5000 + 64 * np.arange(11))
    assert tail[-1] == 5000 + 64 * 10 + 5


def test_paper_record_steps_short():
    assert paper_record_steps(7).tolist() == list(range(1, 8))


@pytest.mark.parametrize("bad", [0, -5, 2.5])
def test_paper_record_steps_errors(bad):
    with pytest.raises(ValueError, match="total must be a positive integer"):
        paper_record_steps(bad)


@pytest.mark.parametrize("total, count", [(1000, 4), (5000, 30), (800, 16), (20_000, 60), (50, 40)])
def test_log_record_steps(total, count):
    s = log_record_steps(total, count)
    assert s[0] == 1 and s[-1] == total
    assert np.all(np.diff(s) > 0) and s.dtype.kind == "i"
    assert s.size <= count
    # every step is a logspace point rounded to an integer, and every logspace point is represented
    grid = np.logspace(0, np.log10(total), count)
    assert np.all(np.min(np.abs(s[:, None] - grid[None, :]), axis=1) <= 0.5)
    assert np.all(np.min(np.abs(grid[:, None] - s[None, :]), axis=1) <= 0.5 + GRID_ROUNDOFF)
    if s.size == count:  # no rounding collisions: log-spacing is even up to the rounding
        gaps = np.diff(np.log(s))
        assert np.all(np.abs(gaps - np.log(total) / (count - 1)) < 1.0 / s[:-1])


def test_log_record_steps_example():
    assert log_record_steps(1000, 4).tolist() == [1, 10, 100, 1000]


@pytest.mark.parametrize("total, count", [(0, 4), (100, 1), (2.5, 4), (100, 3.5)])
def test_log_record_steps_errors(total, count):
    with pytest.raises(ValueError, match="need integers total >= 1 and count >= 2"):
        log_record_steps(total, count)
