"""theory.optimal_denoiser: eqs. 5-6 against the per-mode formula, least squares, Monte Carlo and sympy."""

import numpy as np
import pytest
import sympy as sp

from theory.linear_denoiser import optimal_weight
from theory.optimal_denoiser import denoising_loss, minimum_loss, optimal_denoiser, ridge_design

ROUND_OFF_RTOL = 1e-10  # float64 solves of well-conditioned (cond < 1e4) systems; measured ~1e-14


def _problem(seed, d=6):
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((d, d)))
    lam = np.exp(rng.uniform(np.log(1e-2), np.log(1e2), d))
    return (U * lam) @ U.T, rng.standard_normal(d), U, lam, rng


@pytest.mark.parametrize("sigma", [0.01, 0.3, 1.0, 7.0])
def test_optimum_is_the_per_mode_weight_in_the_eigenbasis(sigma):
    Sigma, mu, U, lam, _ = _problem(1)
    W, b = optimal_denoiser(Sigma, mu, sigma)
    np.testing.assert_allclose(U.T @ W @ U, np.diag(optimal_weight(lam, sigma)), atol=ROUND_OFF_RTOL)
    np.testing.assert_allclose(b, mu - W @ mu, rtol=ROUND_OFF_RTOL)
    assert minimum_loss(Sigma, sigma) == pytest.approx(np.sum(sigma**2 * optimal_weight(lam, sigma)), rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_ridge_design_is_the_loss_exactly_and_lstsq_finds_the_optimum(seed):
    Sigma, mu, _, _, rng = _problem(seed)
    sigma = float(rng.uniform(0.1, 3))
    A, B = ridge_design(Sigma, mu, sigma)
    W, b = rng.standard_normal((6, 6)), rng.standard_normal(6)
    X = np.vstack([W.T, b])
    assert np.sum((A @ X - B) ** 2) == pytest.approx(denoising_loss(W, b, Sigma, mu, sigma), rel=1e-12)
    solution = np.linalg.lstsq(A, B, rcond=None)[0]
    W_star, b_star = optimal_denoiser(Sigma, mu, sigma)
    np.testing.assert_allclose(solution[:6].T, W_star, atol=ROUND_OFF_RTOL)
    np.testing.assert_allclose(solution[6], b_star, atol=ROUND_OFF_RTOL)
    assert denoising_loss(W_star, b_star, Sigma, mu, sigma) == pytest.approx(minimum_loss(Sigma, sigma), rel=1e-12)
    assert denoising_loss(W_star + 1e-3 * W, b_star, Sigma, mu, sigma) > minimum_loss(Sigma, sigma)


def test_loss_is_the_monte_carlo_denoising_loss():
    Sigma, mu, U, lam, rng = _problem(7, d=4)
    W, b, sigma, n = 0.3 * rng.standard_normal((4, 4)), rng.standard_normal(4), 0.7, 400_000
    x = (rng.standard_normal((n, 4)) * np.sqrt(lam)) @ U.T + mu
    per = np.sum(((x + sigma * rng.standard_normal((n, 4))) @ W.T + b - x) ** 2, axis=1)
    z = (per.mean() - denoising_loss(W, b, Sigma, mu, sigma)) / (per.std() / np.sqrt(n))
    assert abs(z) < 4.0  # 4 standard errors: a false alarm once in ~16,000 runs (the seed is fixed)


def test_one_dimensional_case_against_sympy():
    w, b, lam, mu, s = sp.symbols("w b lam mu sigma", real=True)
    loss = (w - 1) ** 2 * lam + ((w - 1) * mu + b) ** 2 + s**2 * w**2  # eq. 6 in one dimension
    solution = sp.solve([sp.diff(loss, w), sp.diff(loss, b)], [w, b], dict=True)[0]
    values = {lam: sp.Rational(3), mu: sp.Rational(2), s: sp.Rational(1, 2)}
    W, bias = optimal_denoiser([[3.0]], [2.0], 0.5)
    assert W[0, 0] == pytest.approx(float(solution[w].subs(values)), rel=1e-14)
    assert bias[0] == pytest.approx(float(solution[b].subs(values)), rel=1e-14)
    assert minimum_loss([[3.0]], 0.5) == pytest.approx(float(loss.subs(solution).subs(values)), rel=1e-14)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([[1.0, 2.0], [0.0, 1.0]], [0, 0], 1.0), "symmetric"),
        (([[-1.0]], [0], 1.0), "positive semi-definite"),
        (([[1.0]], [0, 0], 1.0), "mu must be"),
        (([[1.0]], [0], 0.0), "sigma must be positive"),
        ((np.ones((2, 3)), [0, 0], 1.0), "square"),
    ],
)
def test_bad_input_is_refused(args, message):
    with pytest.raises(ValueError, match=message):
        optimal_denoiser(*args)
