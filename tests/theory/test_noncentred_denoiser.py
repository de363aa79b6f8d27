"""theory.noncentred_denoiser: the coupled pair against a direct ODE solve and its limits."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from theory.noncentred_denoiser import coupled_matrix, coupled_rates, coupled_trajectory

SOLVER_ATOL = 1e-9  # solve_ivp at rtol 1e-12 on a 2-variable linear system; measured ~1e-12


@pytest.mark.parametrize(("lam", "m", "Q", "b0"), [(0.5, 0.0, 0.1, 0.0), (2.0, 1.5, 0.0, 0.3), (0.1, 4.0, 0.9, -1.0)])
def test_closed_form_solves_the_gradient_flow(lam, m, Q, b0):
    sigma = 0.8

    def rhs(_t, y):  # the mode's (weight, bias) flow written from the loss, not from coupled_matrix
        w, beta = y
        dw = -2 * ((lam + m**2 + sigma**2) * w - (lam + m**2) + beta * m)
        db = -2 * ((w - 1) * m + beta)
        return [dw, db]

    t = np.linspace(0, 5, 40)
    sol = solve_ivp(rhs, (0, 5), [Q, b0], t_eval=t, rtol=1e-12, atol=1e-14)
    w, beta = coupled_trajectory(lam, m, sigma, t, Q=Q, b0=b0)
    np.testing.assert_allclose(w, sol.y[0], atol=SOLVER_ATOL)
    np.testing.assert_allclose(beta, sol.y[1], atol=SOLVER_ATOL)


def test_rates_are_the_eigenvalues_and_the_slow_one_falls_like_one_over_m_squared():
    lam, sigma = 0.7, 1.1
    for m in (0.0, 0.3, 2.0):
        assert sorted(coupled_rates(lam, m, sigma)) == pytest.approx(
            sorted(-np.linalg.eigvalsh(coupled_matrix(lam, m, sigma)))
        )
    m = 1e3
    assert coupled_rates(lam, m, sigma)[1] * m**2 == pytest.approx(2 * (lam + sigma**2), rel=1e-5)


def test_the_fixed_point_is_the_optimal_denoiser():
    w, beta = coupled_trajectory(3.0, 2.0, 1.0, 1e4, Q=0.0)
    assert float(w) == pytest.approx(0.75) and float(beta) == pytest.approx(0.25 * 2.0)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="sigma > 0"):
        coupled_rates(1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="eta"):
        coupled_matrix(1.0, 1.0, 1.0, eta=-1.0)
