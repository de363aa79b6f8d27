import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from strategies.spectral import Qs, etas, lambdas, small_Q, taus
from tolerances import CLOSED_FORM_RTOL, FIRST_ORDER_RATIO_HI, FIRST_ORDER_RATIO_LO

from theory import emergence
from theory import linear_denoiser as lin

LIMIT_RTOL = 1e-12  # at tau = 0 and tau >= 1e9 the transient terms are exactly 1 or underflow to 0: round-off only
EARLY_TIME_RTOL = 1e-6  # at tau = 1e-12 the weights have moved by ~2 tau sigma_T^2 ~ 1e-8 (first order in tau)
CONSTANT_QUADRATURE_RTOL = 1e-12  # W = 0: Gauss-Legendre integrates a constant exactly, round-off of 400 terms only
SAMPLING_MAP_RTOL = 1e-8  # lin.sampling_map's 400-node Gauss-Legendre rule against Prop. 4.2 (measured 1.4e-13)
ETA_TAU_RTOL = 1e-10  # eta enters only via 2 eta tau; an ulp of that product, amplified through Ei and exp
WEIGHT_STEP_ATOL = 1e-15  # successive weights in [0, 1] along tau: a few ulps of their difference
WEIGHT_BOUND_ATOL = 1e-12  # w = c + (Q - c) e^(-x) with O(1) terms: round-off past the interval [Q, c]
MONOTONE_RTOL = 1e-12  # relative round-off of successive generated variances on a rising branch
INVERSE_LAW_SPREAD = 2.0  # tau* lambda "nearly constant": within a factor 2 over the issue's five decades of lambda
GD_ERROR_ATOL = 0.05  # empirical bound on the O(eta) weight error of gradient descent at step 0.02 (T = 1.5)
HEUN_SAMPLING_RTOL = 0.04  # 4 standard errors (sqrt(2/20000) = 1%) of a 20,000-sample variance, plus Heun's ~0.3%

LAM = np.logspace(-3, 2, 9)
TAU = np.logspace(-4, 3, 9)


def test_sympy_weights_solve_the_gradient_flow():
    lam, sig, tau, eta, Q = sp.symbols("lambda sigma tau eta Q", positive=True)
    c = lam / (sig**2 + lam)
    w = c + (Q - c) * sp.exp(-2 * eta * (sig**2 + lam) * tau)
    # per-mode loss (w - 1)^2 lam + w^2 sigma^2, gradient flow dw/dtau = -eta dL/dw
    L = lambda v: (v - 1) ** 2 * lam + v**2 * sig**2  # noqa: E731
    v = sp.Symbol("v")
    assert sp.simplify(sp.diff(w, tau) + eta * sp.diff(L(v), v).subs(v, w)) == 0
    assert sp.simplify(w.subs(tau, 0) - Q) == 0


def test_sympy_phi_is_the_antiderivative_of_one_minus_w_over_sigma():
    lam, sig, tau, eta, Q = sp.symbols("lambda sigma tau eta Q", positive=True)
    c = lam / (sig**2 + lam)
    w = c + (Q - c) * sp.exp(-2 * eta * (sig**2 + lam) * tau)
    log_phi = (
        sp.log(lam + sig**2) / 2
        + (1 - Q) / 2 * sp.Ei(-2 * eta * tau * sig**2) * sp.exp(-2 * eta * tau * lam)
        - sp.Ei(-2 * eta * tau * (sig**2 + lam)) / 2
    )
    assert sp.simplify(sp.diff(log_phi, sig) - (1 - w) / sig) == 0


@pytest.mark.parametrize("Q", [0.0, 0.1, 0.5, 1.0])
def test_prop4_2_matches_quadrature_over_the_issue_ranges(Q):
    closed = lin.generated_variance(LAM[:, None], TAU[None, :], Q)
    numeric = lin.generated_variance_quadrature(LAM[:, None], TAU[None, :], Q)
    assert np.max(np.abs(closed / numeric - 1)) < CLOSED_FORM_RTOL


@pytest.mark.parametrize("Q", [0.0, 1.0])
def test_prop4_2_matches_the_pf_ode_solve(Q):
    closed = lin.generated_variance(LAM[:, None], TAU[None, ::2], Q)
    assert np.max(np.abs(closed / lin.generated_variance_ode(LAM, TAU[::2], Q) - 1)) < CLOSED_FORM_RTOL


def test_limits():
    for Q in (0.0, 0.1, 0.5, 1.0):
        assert np.allclose(lin.generated_variance(LAM, 0.0, Q), lin.initial_variance(Q), rtol=LIMIT_RTOL)
        assert np.allclose(lin.generated_variance(LAM, 1e-12, Q), lin.initial_variance(Q), rtol=EARLY_TIME_RTOL)
        assert np.allclose(lin.generated_variance(LAM, 1e9, Q), lin.final_variance(LAM), rtol=LIMIT_RTOL)
    assert np.isclose(lin.initial_variance(0.1), 80**2 * (0.002 / 80) ** 1.8)
    assert np.allclose(lin.weights(LAM, 1.0, 0.0, 0.3), 0.3)
    assert np.allclose(lin.weights(LAM, 1.0, 1e6, 0.3), LAM / (1 + LAM))


@pytest.mark.parametrize("lam", [0.0, 1e-3, 1.0, 100.0])
def test_times_beyond_the_float_range_give_the_final_variance(lam):
    """``2 eta tau`` overflows for tau = 1e308: the result is the limit, not NaN (issue 13)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for Q in (0.0, 0.1):
            assert lin.generated_variance(lam, 1e308, Q) == pytest.approx(lin.final_variance(lam), rel=LIMIT_RTOL)


def test_vector_tau_equals_a_loop():
    grid = lin.generated_variance(LAM[:, None], TAU[None, :], 0.1)
    loop = np.array([[lin.generated_variance(lk, tk, 0.1) for tk in TAU] for lk in LAM])
    assert np.array_equal(grid, loop)


def test_sampling_map_sign_with_w_equal_zero():
    assert np.isclose(float(lin.sampling_map(lambda s: np.zeros(1))[0]), 0.002 / 80, rtol=CONSTANT_QUADRATURE_RTOL)
    assert np.isclose(
        float(lin.sampling_map(lambda s: np.zeros(1), sign="printed")[0]), 80 / 0.002, rtol=CONSTANT_QUADRATURE_RTOL
    )


def test_sampling_map_reproduces_prop4_2():
    lam = np.array([0.01, 1.0, 30.0])
    A = lin.sampling_map(lambda s: lin.weights(lam, s, 0.3, 0.1))
    assert np.allclose(80**2 * A**2, lin.generated_variance(lam, 0.3, 0.1), rtol=SAMPLING_MAP_RTOL)


def test_bias_decays_at_rate_two_eta():
    assert np.isclose(lin.bias(2.0, 1.5, eta=0.5), 2.0 * np.exp(-1.5))


@given(lambdas, lambdas, taus, etas)
def test_eta_tau_scaling(lam, _, tau, eta):
    assert np.isclose(
        lin.generated_variance(lam, tau, 0.1, eta), lin.generated_variance(lam, eta * tau, 0.1, 1.0), rtol=ETA_TAU_RTOL
    )


@given(lambdas, st.lists(taus, min_size=2, max_size=6, unique=True), Qs)
def test_weights_are_monotone_in_tau(lam, ts, Q):
    ts = np.sort(ts)
    w = lin.weights(lam, 1.0, ts, Q)
    step = np.diff(w) * np.sign(lin.optimal_weight(lam, 1.0) - Q)
    assert np.all(step >= -WEIGHT_STEP_ATOL)


def test_generated_variance_is_not_monotone_early():
    # Found by hypothesis: high-noise weights move first and pull the variance down before it rises.
    v = lin.generated_variance(1.0, np.array([1e-3, 10**-2.75]), 0.05)
    assert v[1] < v[0]


@given(lambdas, small_Q)
def test_rising_modes_grow_after_their_emergence(lam, Q):
    if lam < 10 * lin.initial_variance(Q):
        return
    ts = np.logspace(np.log10(0.1 / lam), 4, 50)
    v = lin.generated_variance(lam, ts, Q)
    assert np.all(np.diff(v) >= -MONOTONE_RTOL * v[1:])


@given(lambdas, lambdas, small_Q)
def test_larger_variance_emerges_first(l1, l2, Q):
    lo, hi = sorted((l1, l2))
    if hi / lo < 1.5:
        return
    tau = np.logspace(-5, 5, 800)
    lam = np.array([lo, hi])
    e = emergence.emergence_times(tau, lin.generated_variance(lam[:, None], tau[None, :], Q), lam, smoothing=0)
    assert e.tau_star[1] < e.tau_star[0]


@given(st.lists(lambdas, min_size=3, max_size=6, unique=True))
def test_tau_star_times_lambda_is_nearly_constant(lams):
    lam = np.array(sorted(lams))
    tau = np.logspace(-6, 6, 1200)
    e = emergence.emergence_times(tau, lin.generated_variance(lam[:, None], tau[None, :], 0.1), lam, smoothing=0)
    prod = e.tau_star * lam
    assert prod.max() / prod.min() < INVERSE_LAW_SPREAD


@given(lambdas, taus, Qs)
def test_weights_stay_between_start_and_optimum(lam, tau, Q):
    w, c = lin.weights(lam, 1.0, tau, Q), lin.optimal_weight(lam, 1.0)
    assert min(Q, c) - WEIGHT_BOUND_ATOL <= w <= max(Q, c) + WEIGHT_BOUND_ATOL


def test_torch_gradient_descent_on_gaussian_samples_matches_eq7_within_O_eta():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    d, n, sigma, Q, T = 5, 4000, 0.7, 0.1, 1.5
    lam = np.array([4.0, 1.0, 0.3, 0.1, 0.02])
    U = np.linalg.qr(rng.standard_normal((d, d)))[0]
    X = rng.standard_normal((n, d)) * np.sqrt(lam) @ U.T
    emp, V = np.linalg.eigh(X.T @ X / n)  # W(0) = Q I is aligned with any basis: closed form in the empirical one
    errs = []
    for step in (0.02, 0.01):
        Xt = torch.tensor(X)
        W = torch.tensor(Q * np.eye(d), requires_grad=True)
        for _ in range(int(round(T / step))):
            loss = ((Xt @ W.T - Xt) ** 2).sum(1).mean() + sigma**2 * (W * W).sum()  # E_z of the noise term
            (g,) = torch.autograd.grad(loss, W)
            with torch.no_grad():
                W -= step * g
        w = np.einsum("ik,ij,jk->k", V, W.detach().numpy(), V)
        errs.append(np.max(np.abs(w - lin.weights(emp, sigma, T, Q))))
    assert errs[0] < GD_ERROR_ATOL and FIRST_ORDER_RATIO_LO < errs[0] / errs[1] < FIRST_ORDER_RATIO_HI


def _edm_sigmas(n, s0=0.002, sT=80.0, rho=7.0):
    i = np.arange(n)
    return (sT ** (1 / rho) + i / (n - 1) * (s0 ** (1 / rho) - sT ** (1 / rho))) ** rho


def test_heun_samples_of_a_gd_trained_denoiser_match_prop4_2():
    torch = pytest.importorskip("torch")
    gen = torch.Generator().manual_seed(0)
    lam = torch.tensor([3.0, 0.5, 0.05], dtype=torch.float64)
    Q, tau, lr = 0.1, 0.4, 2e-5
    sig = torch.tensor(_edm_sigmas(256), dtype=torch.float64)  # Heun error ~0.3% at 256 steps (6% at 64)
    # Full-batch GD per noise level on the population loss (diagonal basis: U = I), all levels at once.
    w = torch.full((sig.numel(), lam.numel()), Q, dtype=torch.float64)
    for _ in range(int(round(tau / lr))):
        w -= lr * 2 * ((sig[:, None] ** 2 + lam) * w - lam)
    x = torch.randn(20000, lam.numel(), generator=gen, dtype=torch.float64) * sig[0]
    for i in range(sig.numel() - 1):
        s, s_next = sig[i], sig[i + 1]
        d = (x - w[i] * x) / s
        x_pred = x + (s_next - s) * d
        d2 = (x_pred - w[i + 1] * x_pred) / s_next
        x = x + (s_next - s) * 0.5 * (d + d2)
    measured = x.var(0).numpy()
    expected = lin.generated_variance(lam.numpy(), tau, Q)
    assert np.all(np.abs(measured / expected - 1) < HEUN_SAMPLING_RTOL)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: lin.weights(-1.0, 1.0, 1.0), "lam must be finite and non-negative"),
        (lambda: lin.weights(1.0, 1.0, -1.0), "tau must be finite and non-negative"),
        (lambda: lin.generated_variance(1.0, 1.0, eta=0.0), "eta must be finite and positive"),
        (lambda: lin.generated_variance(1.0, 1.0, sigma0=80.0, sigmaT=1.0), "sigma0 must be smaller"),
        (lambda: lin.optimal_weight(0.0, 0.0), "cannot both be zero"),
        (lambda: lin.sampling_map(lambda s: np.zeros(1), sign="minus"), "sign must be"),
        (lambda: lin.log_sampling_map(lambda s: np.zeros(1), nodes=1), "nodes must be"),
        (lambda: lin.generated_variance_ode(np.ones((2, 2)), [1.0]), "1-D lam and tau"),
        (lambda: lin.weights(1.0, 1.0, 1.0, Q=np.nan), "Q must be finite"),
    ],
)
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
