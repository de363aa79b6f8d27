"""Tests of :func:`theory.linear_denoiser.heun_generated_variance` and the helpers of
:mod:`reproduce.spectral_bias.theory_overlay` (level probabilities, rates, predicted and trained variances).

References: the sampler's limits, a loop over modes, the continuous closed form of Prop. 4.2 as the
number of levels grows, the EDM sampler itself (:func:`reproduce.spectral_bias.denoisers.edm.heun_sample`)
run on linear denoisers, and the EDM identities behind the learning-rate mapping.
"""

import numpy as np
import pytest
import torch
from scipy.stats import ortho_group

from reproduce.spectral_bias.denoisers import edm
from reproduce.spectral_bias.theory_overlay import (
    effective_rates,
    level_probabilities,
    predicted_variances,
    trained_variances,
)
from theory import linear_denoiser as lin

EXACT_PRODUCT_RTOL = 1e-14  # multipliers exactly 1, or written out by hand in the sampler's own order: an ulp or two
REORDERED_RTOL = 1e-12  # the last Heun multiplier by hand in another order of operations: round-off, squared
BROADCAST_RTOL = 1e-15  # broadcasting runs the same per-mode arithmetic as the loop: equal up to an ulp
HEUN_2000_RTOL = 1e-3  # Heun's O(h^2) error at 2,000 EDM levels against the continuous Prop. 4.2
NORMALISATION_ATOL = 1e-14  # probabilities divided by their sum: the sum of <= 40 terms is 1 to a few ulps
FORMULA_RTOL = 1e-12  # the same log-normal cell or EDM weighting formula written out in numpy: round-off only
PREDICTED_RTOL = 1e-13  # predicted_variances is heun_generated_variance of the eq. 7 weights, vectorised: a few ulps
OPTIMUM_RTOL = 1e-10  # after 1e12 steps the eq. 7 transients underflow to 0: the weights are the optimum to round-off
MATRIX_RTOL = 1e-10  # variances from per-level matrices (rotations, products over <= 9 levels): round-off only


def _sigmas(n):
    return edm.sigma_steps(n).numpy()


# ---------------------------------------------------------------- heun_generated_variance


@pytest.mark.parametrize("n", [2, 5, 20])
def test_heun_limits(n):
    s = _sigmas(n)
    assert lin.heun_generated_variance(np.ones(n), s) == pytest.approx(s[0] ** 2, rel=EXACT_PRODUCT_RTOL)
    assert lin.heun_generated_variance(np.zeros(n), s) == 0.0
    # w = 1 at every level but the last: the start is kept until the last Heun step, whose
    # corrector sees a = (1 - 0.3)/sigma_{N-1} at its end; the final Euler step then scales by 0.3
    w = np.ones(n)
    w[-1] = 0.3
    m = 1 + (s[-2] - s[-3]) / 2 * (0.7 / s[-2])
    assert lin.heun_generated_variance(w, s) == pytest.approx(s[0] ** 2 * m**2 * 0.09, rel=REORDERED_RTOL)


def test_heun_two_levels_by_hand():
    s = np.array([3.0, 1.0, 0.0])
    w = np.array([0.2, 0.6])
    a0, a1, h = (1 - w[0]) / s[0], (1 - w[1]) / s[1], s[1] - s[0]
    m = 1 + h / 2 * (a0 + a1 * (1 + h * a0))
    assert lin.heun_generated_variance(w, s) == pytest.approx(s[0] ** 2 * m**2 * w[1] ** 2, rel=EXACT_PRODUCT_RTOL)


def test_heun_broadcasts_like_a_loop():
    s = _sigmas(8)
    w = np.random.default_rng(0).uniform(0, 1, size=(3, 4, 8))
    grid = lin.heun_generated_variance(w, s)
    loop = np.array([[lin.heun_generated_variance(w[i, j], s) for j in range(4)] for i in range(3)])
    assert grid.shape == (3, 4)
    np.testing.assert_allclose(grid, loop, rtol=BROADCAST_RTOL)


def test_heun_errors():
    s = _sigmas(4)
    with pytest.raises(ValueError, match="weight must have 4 levels on its last axis"):
        lin.heun_generated_variance(np.ones(5), s)
    with pytest.raises(ValueError, match="weight must have 4 levels on its last axis"):
        lin.heun_generated_variance(np.ones((4, 3)), s)
    with pytest.raises(ValueError, match="strictly decreasing 1-D sequence ending in 0"):
        lin.heun_generated_variance(np.ones(2), np.array([1.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match="strictly decreasing 1-D sequence ending in 0"):
        lin.heun_generated_variance(np.ones(2), np.array([2.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match="strictly decreasing 1-D sequence ending in 0"):
        lin.heun_generated_variance(np.ones(2), np.array([2.0, 1.0, 0.5]))
    with pytest.raises(ValueError, match="strictly decreasing 1-D sequence ending in 0"):
        lin.heun_generated_variance(np.ones(1), np.array([[1.0, 0.0]]))


@pytest.mark.parametrize("Q", [0.1, 0.6])
def test_heun_converges_to_prop_4_2(Q):
    # With many EDM levels the sampler integrates the PF-ODE down to sigma_min exactly; its last
    # (Euler) step into sigma = 0 then multiplies by w(sigma_min), which the continuous form, an
    # integral from sigma_T down to sigma_0 = sigma_min, does not include (Q > 0 keeps w(sigma_min)
    # nonzero at tau = 0).
    s = _sigmas(2000)
    lam = np.array([0.01, 0.3, 1.0, 8.0])[:, None, None]
    tau = np.array([0.0, 0.5, 30.0, 1e3])[None, :, None]
    eta = 0.7
    w = lin.weights(lam, s[None, None, :-1], tau, Q, eta)
    discrete = lin.heun_generated_variance(w, s) / w[..., -1] ** 2
    closed = lin.generated_variance(lam[..., 0], tau[..., 0], Q, eta)
    np.testing.assert_allclose(discrete, closed, rtol=HEUN_2000_RTOL)


# ---------------------------------------------------------------- level probabilities and rates


@pytest.mark.parametrize("n", [12, 20, 40])
def test_level_probabilities_is_the_discretised_log_normal(n):
    s = _sigmas(n)[:-1]
    p = level_probabilities(s)
    assert p.shape == s.shape and np.all(p > 0)
    assert abs(p.sum() - 1) < NORMALISATION_ATOL
    u = np.log(s)
    width = np.empty_like(u)
    width[1:-1] = (u[:-2] - u[2:]) / 2
    width[0], width[-1] = u[0] - u[1], u[-2] - u[-1]
    ref = np.exp(-((u - edm.P_MEAN) ** 2) / (2 * edm.P_STD**2)) * width
    np.testing.assert_allclose(p, ref / ref.sum(), rtol=FORMULA_RTOL)
    # the cells widen towards small sigma (rho = 7), so the peak is at the level nearest
    # exp(P_MEAN) or at its lower neighbour
    assert np.argmax(p) - np.argmin(np.abs(u - edm.P_MEAN)) in (0, 1)


def test_level_probabilities_on_geometric_levels_peak_at_exp_p_mean():
    s = np.geomspace(80.0, 0.002, 31)
    p = level_probabilities(s)
    assert np.argmax(p) == np.argmin(np.abs(np.log(s) - edm.P_MEAN))
    # equal cells: the probabilities are the normal density at the levels, normalised
    dens = np.exp(-((np.log(s) - edm.P_MEAN) ** 2) / (2 * edm.P_STD**2))
    np.testing.assert_allclose(p, dens / dens.sum(), rtol=FORMULA_RTOL)


def test_effective_rates_follow_from_the_edm_weighting():
    # lambda(sigma) (c_out c_in)^2 = 1 / (sigma^2 + sigma_d^2): the mapping's factor
    s = _sigmas(10)[:-1]
    _, c_out, c_in, _ = edm.preconditioning(torch.as_tensor(s))
    factor = (edm.loss_weight(torch.as_tensor(s)) * (c_out * c_in) ** 2).numpy()
    p = level_probabilities(s)
    np.testing.assert_allclose(effective_rates(s, p, 0.5, 7), 0.5 * p * factor / 7, rtol=FORMULA_RTOL)


# ---------------------------------------------------------------- predicted and trained variances


def test_predicted_variances_at_step_zero_is_the_initial_preconditioning():
    s = _sigmas(12)
    lam = np.logspace(-2, 1, 6)
    eta = effective_rates(s[:-1], level_probabilities(s[:-1]), 0.5, 6)
    out = predicted_variances(lam, s, np.array([0.0, 10.0]), eta)
    assert out.shape == (2, lam.size)
    q = edm.SIGMA_DATA**2 / (s[:-1] ** 2 + edm.SIGMA_DATA**2)
    np.testing.assert_allclose(out[0], np.full(lam.size, lin.heun_generated_variance(q, s)), rtol=PREDICTED_RTOL)


def test_predicted_variances_follow_eq_7_and_reach_the_optimum():
    s = _sigmas(12)
    lam = np.logspace(-2, 1, 6)
    eta = effective_rates(s[:-1], level_probabilities(s[:-1]), 0.5, 6)
    steps = np.array([3.0, 1e12])
    out = predicted_variances(lam, s, steps, eta)
    q = edm.SIGMA_DATA**2 / (s[:-1] ** 2 + edm.SIGMA_DATA**2)
    loop = [[lin.heun_generated_variance(lin.weights(lk, s[:-1], t, q, eta), s) for lk in lam] for t in steps]
    np.testing.assert_allclose(out, loop, rtol=PREDICTED_RTOL)
    optimum = lin.heun_generated_variance(lam[:, None] / (lam[:, None] + s[None, :-1] ** 2), s)
    np.testing.assert_allclose(out[1], optimum, rtol=OPTIMUM_RTOL)


def test_trained_variances_of_diagonal_weights():
    s = _sigmas(9)
    w = np.random.default_rng(1).uniform(-0.2, 1.2, size=(9, 4))
    mats = np.einsum("ik,kl->ikl", w, np.eye(4))
    np.testing.assert_allclose(
        trained_variances(mats, s, np.eye(4)), lin.heun_generated_variance(w.T, s), rtol=MATRIX_RTOL
    )


def test_trained_variances_in_a_rotated_basis():
    s = _sigmas(9)
    w = np.random.default_rng(2).uniform(0, 1, size=(9, 5))
    u = ortho_group.rvs(5, random_state=3)
    mats = np.einsum("ab,ib,cb->iac", u, w, u)  # U diag(w_i) U^T
    np.testing.assert_allclose(trained_variances(mats, s, u), lin.heun_generated_variance(w.T, s), rtol=MATRIX_RTOL)


class _MatrixPerLevel(torch.nn.Module):
    """``D(x; sigma_i) = W_i x`` for a table of matrices over the sampler levels."""

    def __init__(self, levels, mats):
        super().__init__()
        self.levels, self.mats = [float(v) for v in levels], torch.as_tensor(mats)

    def forward(self, x, sigma):
        return x @ self.mats[self.levels.index(float(sigma[0]))].T


def test_trained_variances_match_the_edm_sampler_for_general_matrices():
    # The Heun map is linear: starting from sigma_0 e_j for each basis vector gives the columns of
    # sigma_0 M, and the generated covariance is sigma_0^2 M M^T = sum_j x_j x_j^T.
    s = _sigmas(7)
    d = 4
    mats = np.eye(d) * 0.5 + 0.3 * np.random.default_rng(4).standard_normal((7, d, d))
    out = edm.heun_sample(_MatrixPerLevel(s[:-1], mats), torch.eye(d, dtype=torch.float64), torch.as_tensor(s))
    cov = out.numpy().T @ out.numpy()
    u = ortho_group.rvs(d, random_state=5)
    np.testing.assert_allclose(trained_variances(mats, s, u), np.einsum("ik,ij,jk->k", u, cov, u), rtol=MATRIX_RTOL)


def test_level_probabilities_rejects_the_final_zero():
    from reproduce.spectral_bias.denoisers.edm import sigma_steps
    from reproduce.spectral_bias.theory_overlay import level_probabilities

    with pytest.raises(ValueError, match="positive noise levels"):
        level_probabilities(sigma_steps(5).numpy())


def _overlay_values(medians, worsts):
    from reproduce.replicates import interval

    per_seed = [
        {
            "median_abs_log_ratio": m,
            "max_abs_log_ratio": w,
            "trained": {"rising": None, "falling": None},
            "predicted": {"rising": None, "falling": None},
        }
        for m, w in zip(medians, worsts)
    ]
    return {
        "seeds": list(range(len(medians))),
        "per_seed": per_seed,
        "dim": 8,
        "trained_rising": None,
        "predicted_rising": None,
        "median_abs_log_ratio": interval(medians),
        "max_abs_log_ratio": interval(worsts),
    }


@pytest.mark.parametrize(
    "medians, worsts, prediction",
    [
        ([0.002, 0.003, 0.002], [0.02, 0.03, 0.02], "holds"),
        ([0.05, 0.01, 0.01], [0.2, 0.02, 0.02], "holds"),  # at the thresholds
        ([0.002, 0.051, 0.002], [0.02, 0.03, 0.02], "fails"),  # one replicate's median too large
        ([0.002, 0.003, 0.002], [0.02, 0.21, 0.02], "fails"),  # one replicate's worst case too large
    ],
)
def test_overlay_prediction_rule(medians, worsts, prediction):
    from reproduce.spectral_bias import theory_overlay

    j = theory_overlay.judge(_overlay_values(medians, worsts), theory_overlay.CONFIGS["default"])
    assert j.verdict == "extension" and j.prediction == prediction and j.reason.startswith(f"Prediction {prediction}")
