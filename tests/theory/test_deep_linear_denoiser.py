"""theory.deep_linear_denoiser: the balanced flow against its closed forms and a direct factor simulation."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from theory.deep_linear_denoiser import balanced_flow, escape_time, two_factor_weight

SOLVER_RTOL = 1e-7  # solve_ivp at rtol 1e-10 over a logistic curve; measured errors ~1e-9


@pytest.mark.parametrize(("lam", "Q"), [(0.1, 1e-3), (1.0, 0.05), (30.0, 0.5)])
def test_two_factor_flow_is_logistic(lam, Q):
    sol = solve_ivp(
        lambda t, w: balanced_flow(w, lam, 1.0, L=2), (0, 20 / lam), [Q], rtol=1e-10, atol=1e-14, dense_output=True
    )
    t = np.linspace(0, 20 / lam, 50)
    np.testing.assert_allclose(sol.sol(t)[0], two_factor_weight(lam, 1.0, t, Q), rtol=SOLVER_RTOL)


@pytest.mark.parametrize("L", [3, 4])
def test_balanced_flow_is_the_product_of_equal_factors(L):
    """Gradient flow on L scalar factors (the loss of one mode) gives the balanced flow of their product."""
    lam, sigma, a0 = 2.0, 0.7, 0.2

    def factors(_t, a):
        w = np.prod(a)
        dl = 2 * (lam + sigma**2) * w - 2 * lam  # d loss / d w
        return [-dl * w / ai for ai in a]

    t = np.linspace(0, 3.0, 30)
    direct = solve_ivp(factors, (0, 3.0), [a0] * L, t_eval=t, rtol=1e-11, atol=1e-14)
    product = np.prod(direct.y, axis=0)
    flow = solve_ivp(lambda _t, w: balanced_flow(w, lam, sigma, L), (0, 3.0), [a0**L], t_eval=t, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(flow.y[0], product, rtol=SOLVER_RTOL)


@pytest.mark.parametrize("L", [3, 4, 6])
def test_escape_time_is_the_small_q_emergence_time(L):
    lam, Q = 1.5, 1e-9  # tiny start: the saturation near the target adds a vanishing share
    tau_esc = float(escape_time(lam, Q, L))
    half = lambda _t, u: u[0] - np.log(lam / (lam + 1) / 2)  # noqa: E731
    half.terminal = True
    sol = solve_ivp(
        lambda t, u: [balanced_flow(np.exp(u[0]), lam, 1.0, L) / np.exp(u[0])],
        (0, 2 * tau_esc),
        [np.log(Q)],
        events=half,
        rtol=1e-10,
        atol=1e-12,
    )
    assert sol.t_events[0][0] == pytest.approx(tau_esc, rel=0.02)
    assert escape_time(2 * lam, Q, L) == pytest.approx(tau_esc / 2, rel=1e-14)  # exactly 1/lambda


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: escape_time(1.0, 0.1, L=2), "L >= 3"),
        (lambda: escape_time(1.0, 1.5, L=3), r"\(0, 1\)"),
        (lambda: balanced_flow(-0.1, 1.0, 1.0, L=3), "non-negative"),
        (lambda: balanced_flow(0.1, 1.0, 1.0, L=0), "positive integer"),
        (lambda: balanced_flow(0.1, 1.0, 1.0, L=3, eta=0.0), "eta"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
