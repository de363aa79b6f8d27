import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from strategies.spectral import lambdas, taus
from tolerances import CLOSED_FORM_RTOL, VECTORISED_RTOL

from theory import flow_matching as fm

LONG_TIME_RTOL = 1e-9  # tau = 1e7: the Ei and erf transients are below e^(-2e4); round-off of exp(ln lam) is left
ETA_TAU_RTOL = 1e-12  # eta enters only via a = 2 eta tau; the two products differ by an ulp, amplified by exp(2 I)


def test_sympy_weight_solves_its_gradient_flow():
    lam, t, tau, eta, Q = sp.symbols("lambda t tau eta Q", positive=True)
    d = t**2 * lam + (1 - t) ** 2
    f = (t * lam - (1 - t)) / d
    w = f + (Q - f) * sp.exp(-2 * eta * tau * d)
    v = sp.Symbol("v")
    loss = v**2 * d - 2 * v * (t * lam - (1 - t))
    assert sp.simplify(sp.diff(w, tau) + eta * sp.diff(loss, v).subs(v, w)) == 0
    assert sp.simplify(w.subs(tau, 0) - Q) == 0


@pytest.mark.parametrize("Q", [0.0, 0.1, 0.5, 1.0])
def test_generated_variance_matches_quadrature(Q):
    for lam in np.logspace(-3, 2, 6):
        for tau in np.logspace(-4, 3, 6):
            assert (
                abs(fm.generated_variance(lam, tau, Q) / fm.generated_variance_quadrature(lam, tau, Q) - 1)
                < CLOSED_FORM_RTOL
            )


@given(lambdas, taus)
def test_limits_and_vectorisation(lam, tau):
    assert np.isclose(fm.generated_variance(lam, 0.0, 0.3), np.exp(0.6))
    assert np.isclose(fm.generated_variance(lam, 1e7, 0.3), lam, rtol=LONG_TIME_RTOL)
    v = fm.generated_variance(np.array([lam, lam]), np.array([tau, 2 * tau]))
    assert np.allclose(v, [fm.generated_variance(lam, tau), fm.generated_variance(lam, 2 * tau)], rtol=VECTORISED_RTOL)


@given(lambdas, taus)
def test_eta_tau_scaling(lam, tau):
    assert np.isclose(
        fm.generated_variance(lam, tau, 0.1, eta=3.0), fm.generated_variance(lam, 3.0 * tau, 0.1), rtol=ETA_TAU_RTOL
    )


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: fm.weights(1.0, 1.5, 1.0), "t must lie in"),
        (lambda: fm.generated_variance(0.0, 1.0), "lam must be finite and positive"),
    ],
)
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
