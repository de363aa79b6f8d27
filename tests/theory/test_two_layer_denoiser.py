import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from strategies.spectral import lambdas, sigmas, taus
from tolerances import CLOSED_FORM_RTOL, FIRST_ORDER_RATIO_HI, FIRST_ORDER_RATIO_LO, VECTORISED_RTOL

from theory import linear_denoiser as lin
from theory import two_layer_denoiser as two

HARMONIC_MEAN_RTOL = 1e-10  # E = exp(-8 eta lam tau*) = 1/2 up to round-off of exp(-ln 2), carried through 1/w
LIMIT_RTOL = 1e-12  # Q = 0 and tau -> inf reduce the formula to sigma_0^2 and the final variance: round-off of powers
GD_ERROR_ATOL = 0.02  # empirical bound on the O(eta) weight error of gradient descent on P at step 0.004 (T = 3)


def test_sympy_logistic_solves_its_ode_and_starts_at_Q():
    lam, sig, tau, eta, Q = sp.symbols("lambda sigma tau eta Q", positive=True)
    c = lam / (sig**2 + lam)
    w = c * Q / ((c - Q) * sp.exp(-8 * eta * lam * tau) + Q)
    assert sp.simplify(sp.diff(w, tau) - 8 * eta * w * (lam - (lam + sig**2) * w)) == 0
    assert sp.simplify(w.subs(tau, 0) - Q) == 0


def test_sympy_phi_is_the_antiderivative_of_one_minus_w_over_sigma():
    lam, sig, E, Q = sp.symbols("lambda sigma E Q", positive=True)
    w = lam * Q / (lam * E + Q * (1 - E) * (lam + sig**2))
    a = (1 - Q) * E / (Q + (1 - Q) * E)
    b = Q / (2 * Q + 2 * (1 - Q) * E)
    log_phi = a * sp.log(sig) + b * sp.log(lam * E + Q * (1 - E) * (lam + sig**2))
    assert sp.simplify(sp.diff(log_phi, sig) - (1 - w) / sig) == 0


@pytest.mark.parametrize("Q", [0.1, 0.5, 1.0])
def test_generated_variance_matches_quadrature(Q):
    for lam in np.logspace(-3, 2, 5):
        for tau in np.logspace(-4, 3, 5):
            num = lin.variance_by_quadrature(lambda s: two.weights(lam, s, tau, Q), points=[np.sqrt(lam)])
            assert abs(two.generated_variance(lam, tau, Q) / num - 1) < CLOSED_FORM_RTOL


def test_Q_zero_is_a_fixed_point_and_limits():
    assert np.all(two.weights(np.array([0.1, 10.0]), 1.0, 5.0, 0.0) == 0)
    assert np.isclose(two.generated_variance(2.0, 3.0, 0.0), 0.002**2)
    assert np.isclose(two.generated_variance(2.0, 0.0, 0.3), lin.initial_variance(0.3))
    assert np.isclose(two.generated_variance(2.0, 1e6, 0.3), lin.final_variance(2.0))


@given(lambdas, sigmas)
def test_harmonic_mean_is_reached_at_ln2_over_8_eta_lambda(lam, sigma):
    Q, c = 0.1, lin.optimal_weight(lam, sigma)
    w = two.weights(lam, sigma, two.emergence_time(lam, 2.0), Q, eta=2.0)
    assert np.isclose(w, 2 / (1 / Q + 1 / c), rtol=HARMONIC_MEAN_RTOL)


@given(lambdas, taus)
def test_vector_equals_loop(lam, tau):
    v = two.generated_variance(np.array([lam, 2 * lam]), tau, 0.2)
    assert np.allclose(
        v, [two.generated_variance(lam, tau, 0.2), two.generated_variance(2 * lam, tau, 0.2)], rtol=VECTORISED_RTOL
    )


def test_torch_gradient_descent_of_P_matches_the_logistic_within_O_eta():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    lam = np.array([2.0, 0.5, 0.1])
    d, sigma, Q, T = 3, 0.5, 0.1, 3.0
    U = np.linalg.qr(rng.standard_normal((d, d)))[0]
    S = torch.tensor(U @ np.diag(lam) @ U.T)
    eye = torch.eye(d, dtype=torch.float64)
    errs = []
    for step in (0.004, 0.002):
        P = torch.tensor(U @ np.diag(np.sqrt([Q] * d)) @ U.T, requires_grad=True)
        for _ in range(int(round(T / step))):
            W = P @ P.T
            loss = torch.trace((W - eye) @ S @ (W - eye).T) + sigma**2 * (W * W).sum()
            (g,) = torch.autograd.grad(loss, P)
            with torch.no_grad():
                P -= step * g
        W = (P @ P.T).detach().numpy()
        errs.append(np.max(np.abs(np.einsum("ik,ij,jk->k", U, W, U) - two.weights(lam, sigma, T, Q))))
    assert errs[0] < GD_ERROR_ATOL and FIRST_ORDER_RATIO_LO < errs[0] / errs[1] < FIRST_ORDER_RATIO_HI


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: two.weights(1.0, 1.0, 1.0, Q=-0.1), "Q must be non-negative"),
        (lambda: two.weights(0.0, 1.0, 1.0), "lam must be finite and positive"),
        (lambda: two.emergence_time(1.0, eta=-1.0), "eta must be finite and positive"),
    ],
)
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_Q_zero_stays_at_sigma0_squared_when_E_underflows():
    """Q = 0 with 8 eta lam tau > ~745 used to give 0/0 = NaN; the exact value is sigma_0^2 at every tau."""
    lam = np.array([1e-3, 1.0, 1e3])
    tau = np.array([1e3, 1e10, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or 0/0 warnings either
        huge = two.generated_variance(lam[:, None], tau[None, :], 0.0)
        assert two.generated_variance(1.0, 1e308, Q=0.0, sigma0=0.01, sigmaT=50.0) == two.generated_variance(
            1.0, 1.0, Q=0.0, sigma0=0.01, sigmaT=50.0
        )
    assert np.array_equal(huge, np.full(huge.shape, two.generated_variance(1.0, 1.0, 0.0)))
    assert np.isclose(two.generated_variance(1.0, 1.0, 0.0), lin.SIGMA_0**2, rtol=LIMIT_RTOL)


def test_overflowing_training_time_gives_the_final_variance():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = two.generated_variance(np.array([1e-3, 1.0, 1e3]), 1e308, Q=0.1)
    assert np.allclose(v, lin.final_variance(np.array([1e-3, 1.0, 1e3])), rtol=LIMIT_RTOL)


def test_zero_mode_variance_is_outside_the_domain():
    with pytest.raises(ValueError, match="lam must be finite and positive"):
        two.generated_variance(0.0, 1e308)
