import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from scipy.optimize import minimize_scalar
from strategies.spectral import epsilons, omegas

from theory import gradient_starvation as gs

MINIMISER_RTOL = 1e-6  # a numerical minimiser places z only to ~sqrt(machine eps): the loss is flat at its minimum
MINIMISER_ATOL = 1e-9  # the same for marginals near 0 (eps >= 1e-4 and omega >= 0.1 give p* >= 1e-5)
ALGEBRA_RTOL = 1e-12  # one rational expression in eps and omega evaluated in two orders: round-off only
INVERSE_LAW_RTOL = 0.15  # the inverse law is approximate: the exact times miss it by 11% at eps = 1e-3 (measured)
LEARNED_MARGINAL_ATOL = 1e-6  # Radau at rtol=1e-9 to tau = 1e6, long past convergence: integration error only


def test_sympy_stationary_point_of_the_weighted_cross_entropy():
    z, eps, om = sp.symbols("z epsilon omega", positive=True)
    p = 1 / (1 + sp.exp(-z))
    loss = -om * eps * sp.log(p) - (1 - eps) * sp.log(1 - p)
    p_star = om * eps / (om * eps + 1 - eps)
    z_star = sp.log(p_star / (1 - p_star))
    assert sp.simplify(sp.diff(loss, z).subs(z, z_star)) == 0


@given(epsilons, omegas)
def test_matches_a_numerical_minimisation(eps, om):
    def loss(z):
        return om * eps * np.logaddexp(0, -z) + (1 - eps) * np.logaddexp(0, z)

    z = minimize_scalar(loss, bounds=(-40, 40), method="bounded", options={"xatol": 1e-12}).x
    assert np.isclose(gs.stationary_marginal(eps, om), 1 / (1 + np.exp(-z)), rtol=MINIMISER_RTOL, atol=MINIMISER_ATOL)


@given(epsilons, omegas, omegas)
def test_marginal_increases_with_omega(eps, o1, o2):
    lo, hi = sorted((o1, o2))
    assert gs.stationary_marginal(eps, lo) <= gs.stationary_marginal(eps, hi)


def test_limits_and_vectorisation():
    eps = np.array([0.01, 0.2, 0.5])
    assert np.allclose(gs.stationary_marginal(eps, 1.0), eps)
    assert np.allclose(gs.stationary_marginal(eps, gs.balancing_weight(eps)), 0.5)
    assert gs.stationary_marginal(eps[:, None], np.array([1.0, 2.0])).shape == (3, 2)
    assert isinstance(gs.stationary_marginal(0.1, 1.0), float)


@given(epsilons, omegas)
def test_weighted_variance_and_rate_factor_give_the_speedup(eps, om):
    # tau* ∝ 1 / (rate * variance): the two factors combine into omega / (omega eps + 1 - eps)
    ratio = gs.loss_scale(eps, om) * gs.weighted_edge_variance(eps, om) / gs.edge_variance(eps)
    assert np.isclose(ratio, gs.emergence_speedup(eps, om), rtol=ALGEBRA_RTOL)


def test_exact_emergence_time_follows_the_inverse_law_for_rare_edges():
    eps = np.array([1e-3, 1e-2])
    t1 = gs.edge_emergence_time(eps)
    assert np.isclose(t1[0] / t1[1], gs.edge_variance(eps[1]) / gs.edge_variance(eps[0]), rtol=INVERSE_LAW_RTOL)
    tw = gs.edge_emergence_time(eps, omega=10.0)
    assert np.allclose(t1 / tw, gs.emergence_speedup(eps, 10.0), rtol=INVERSE_LAW_RTOL)


def test_coupled_gradient_flow_learns_p_star():
    from reproduce.bridge.starvation_law import simulate

    _, err = simulate(0.05, 4.0, 0.1, 24, np.logspace(-4, 6, 40))
    assert err < LEARNED_MARGINAL_ATOL


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: gs.stationary_marginal(0.0, 1.0), "epsilon must lie strictly between 0 and 1"),
        (lambda: gs.stationary_marginal(1.0, 1.0), "epsilon must lie strictly between 0 and 1"),
        (lambda: gs.stationary_marginal(0.5, 0.0), "omega must be a finite positive"),
        (lambda: gs.stationary_marginal(0.5, np.inf), "omega must be a finite positive"),
        (lambda: gs.edge_emergence_time(0.1, depth=3), "depth must be 1 or 2"),
    ],
)
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
