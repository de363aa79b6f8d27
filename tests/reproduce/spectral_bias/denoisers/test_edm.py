"""Tests of :mod:`reproduce.spectral_bias.denoisers.edm`: EDM preconditioning, loss, step rule and Heun sampler.

References are EDM's design identities (Karras et al. 2022, Table 1), the step-rule formula written
out in numpy, the per-step multipliers of :func:`theory.linear_denoiser.heun_generated_variance`
for linear denoisers, the exact PF-ODE transport of a Gaussian, and a Gauss--Hermite quadrature of
the expected loss of the optimal denoiser.
"""

import math

import numpy as np
import pytest
import torch
from torch import nn

from reproduce.spectral_bias.denoisers import edm
from theory import linear_denoiser as lin

IDENTITY_RTOL = 1e-12  # an algebraic identity between float64 preconditioning formulas: a few ulps per operation
FORMULA_RTOL = 1e-13  # one float64 closed form computed twice (torch and numpy, or wrapper and by hand): a few ulps
INPUT_RTOL = 1e-14  # the raw network's inputs c_in x and ln(sigma)/4 are one or two operations: an ulp or two
LIMIT_ATOL = 1e-12  # c_skip reaches 1 and 0 to within 4e-14 at sigma = 1e-7 and 2.5e-13 at sigma = 1e6
SMALL_C_OUT_BOUND = 1e-6  # c_out ~ sigma vanishes with sigma: below 1e-7 at sigma <= 1e-7
C_OUT_LIMIT_ATOL = 1e-9  # c_out -> sigma_d as sigma -> inf: off by sigma_d^3 / (2 sigma^2) = 6e-14 at sigma = 1e6
ENDPOINT_RTOL = 1e-12  # the last level is (a + (b - a))^rho: the cancellation, raised to the 7th power, loses digits
HEUN_TWIN_RTOL = 1e-10  # the sampler against the product of its per-step multipliers: round-off over up to 80 calls
SAMPLING_Z = 5  # standard errors of a Monte-Carlo mean or variance: a false failure has probability 5.7e-7
HEUN_40_RTOL = 0.05  # Heun's O(h^2) error at 40 EDM steps, largest at lam = 1e-3 (measured 4.5%)
LARGE_LAM_RTOL = 0.02  # lam >= 1 at 40 steps: Heun's error (<= 1.6%) and, against lam, the finite sigma_max (<= 1.5%)
HEUN_320_RTOL = 1e-3  # Heun's relative error at 320 steps, 64 times below the 40-step one (measured 6.2e-4)
SECOND_ORDER_RATIO_LO = 3.5  # halving the step divides a second-order error by 4; room for higher-order terms
SECOND_ORDER_RATIO_HI = 4.6  # the same band above 4
SPREAD_RATIO_LO = 0.3  # std of 8 batch losses over its prediction: chi_7 / sqrt(7) < 0.3 with probability 1.2e-3
SPREAD_RATIO_HI = 2.0  # and > 2 with probability 2.2e-4 (batch means of 50,000 are close to normal)
FLOAT32_RTOL = 1e-6  # sigma is drawn in float32, so lambda(sigma) is float32 on both sides: float32-level agreement

SIGMAS = torch.logspace(-4, 3, 57, dtype=torch.float64)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


# ---------------------------------------------------------------- preconditioning and loss weight


@pytest.mark.parametrize("sigma_data", [0.5, 0.1, 2.0])
def test_c_out_squared_times_loss_weight_is_one(sigma_data):
    _, c_out, _, _ = edm.preconditioning(SIGMAS, sigma_data)
    torch.testing.assert_close(
        c_out**2 * edm.loss_weight(SIGMAS, sigma_data), torch.ones_like(SIGMAS), rtol=IDENTITY_RTOL, atol=0
    )


@pytest.mark.parametrize("sigma_data", [0.5, 0.1, 2.0])
def test_preconditioning_matches_table_1(sigma_data):
    c_skip, c_out, c_in, c_noise = edm.preconditioning(SIGMAS, sigma_data)
    s, d = SIGMAS.numpy(), sigma_data
    np.testing.assert_allclose(c_skip.numpy(), d**2 / (s**2 + d**2), rtol=FORMULA_RTOL)
    np.testing.assert_allclose(c_out.numpy(), s * d / np.sqrt(s**2 + d**2), rtol=FORMULA_RTOL)
    np.testing.assert_allclose(c_in.numpy(), 1 / np.sqrt(s**2 + d**2), rtol=FORMULA_RTOL)
    np.testing.assert_allclose(c_noise.numpy(), np.log(s) / 4, rtol=FORMULA_RTOL)
    # the training target of F has unit variance for data of std sigma_d: c_skip^2 s^2 + (1-c_skip)^2 d^2 = c_out^2
    np.testing.assert_allclose(
        c_skip.numpy() ** 2 * s**2 + (1 - c_skip.numpy()) ** 2 * d**2, c_out.numpy() ** 2, rtol=IDENTITY_RTOL
    )


def test_preconditioning_limits():
    tiny = torch.tensor([1e-9, 1e-7], dtype=torch.float64)
    c_skip, c_out, _, _ = edm.preconditioning(tiny)
    assert torch.all(torch.abs(c_skip - 1) < LIMIT_ATOL)
    assert torch.all(c_out < SMALL_C_OUT_BOUND)
    c_skip, c_out, _, _ = edm.preconditioning(SIGMAS)
    assert torch.all(torch.diff(c_skip) < 0) and torch.all(torch.diff(c_out) > 0)
    half, _, _, _ = edm.preconditioning(torch.tensor([edm.SIGMA_DATA], dtype=torch.float64))
    assert float(half) == 0.5
    huge_skip, huge_out, _, _ = edm.preconditioning(torch.tensor([1e6], dtype=torch.float64))
    assert float(huge_skip) < LIMIT_ATOL and abs(float(huge_out) - edm.SIGMA_DATA) < C_OUT_LIMIT_ATOL


def test_sample_sigma_is_log_normal():
    gen = torch.Generator().manual_seed(3)
    n = 200_000
    u = torch.log(edm.sample_sigma(n, gen)).double()
    assert abs(float(u.mean()) - edm.P_MEAN) < SAMPLING_Z * edm.P_STD / math.sqrt(n)
    assert abs(float(u.std()) / edm.P_STD - 1) < SAMPLING_Z / math.sqrt(2 * n)


# ---------------------------------------------------------------- Preconditioned


class _Affine(nn.Module):
    """``F(x, c) = 2 x + c`` that also records what it was called with."""

    def forward(self, x, c_noise):
        self.seen = (x.clone(), c_noise.clone())
        return 2 * x + c_noise.view((-1,) + (1,) * (x.dim() - 1))


@pytest.mark.parametrize("shape", [(5, 3), (4, 2, 3, 3)])
def test_preconditioned_wraps_the_raw_network(shape):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(shape, generator=gen, dtype=torch.float64)
    sigma = torch.exp(torch.randn(shape[0], generator=gen, dtype=torch.float64))
    raw = _Affine()
    out = edm.Preconditioned(raw, sigma_data=0.7)(x, sigma)
    s, d = sigma.view((-1,) + (1,) * (x.dim() - 1)), 0.7
    c_in = 1 / torch.sqrt(s**2 + d**2)
    expected = d**2 / (s**2 + d**2) * x + s * d / torch.sqrt(s**2 + d**2) * (2 * c_in * x + torch.log(s) / 4)
    torch.testing.assert_close(out, expected, rtol=FORMULA_RTOL, atol=FORMULA_RTOL)
    torch.testing.assert_close(raw.seen[0], c_in * x, rtol=INPUT_RTOL, atol=0)
    torch.testing.assert_close(raw.seen[1], torch.log(sigma) / 4, rtol=INPUT_RTOL, atol=0)


def test_preconditioned_errors():
    model = edm.Preconditioned(_Affine())
    x = torch.zeros(4, 3)
    with pytest.raises(ValueError, match=r"sigma must have shape \(4,\)"):
        model(x, torch.ones(4, 1))
    with pytest.raises(ValueError, match=r"sigma must have shape \(4,\)"):
        model(x, torch.ones(3))
    with pytest.raises(ValueError, match="sigma must have shape"):
        model(x, torch.tensor(1.0))
    for bad in (0.0, -0.5, float("nan")):
        with pytest.raises(ValueError, match="sigma_data must be positive"):
            edm.Preconditioned(_Affine(), sigma_data=bad)


# ---------------------------------------------------------------- the step rule


@pytest.mark.parametrize("n, rho", [(2, 7.0), (3, 7.0), (18, 7.0), (40, 7.0), (10, 3.0)])
def test_sigma_steps_formula(n, rho):
    s = edm.sigma_steps(n, rho=rho)
    smin, smax = 0.002, 80.0
    i = np.arange(n)
    ref = (smax ** (1 / rho) + i / (n - 1) * (smin ** (1 / rho) - smax ** (1 / rho))) ** rho
    assert s.shape == (n + 1,) and s.dtype == torch.float64
    assert float(s[-1]) == 0.0
    np.testing.assert_allclose(s[:-1].numpy(), ref, rtol=FORMULA_RTOL)
    assert math.isclose(float(s[0]), smax, rel_tol=FORMULA_RTOL)
    assert math.isclose(float(s[-2]), smin, rel_tol=ENDPOINT_RTOL)
    assert torch.all(torch.diff(s) < 0)


def test_sigma_steps_custom_range():
    s = edm.sigma_steps(5, sigma_min=0.1, sigma_max=10.0, rho=1.0)
    np.testing.assert_allclose(s.numpy(), np.append(np.linspace(10.0, 0.1, 5), 0.0), rtol=FORMULA_RTOL)


@pytest.mark.parametrize("n", [1, 0, -3, 2.5])
def test_sigma_steps_bad_count(n):
    with pytest.raises(ValueError, match="num_steps must be an integer >= 2"):
        edm.sigma_steps(n)


@pytest.mark.parametrize("lo, hi", [(1.0, 1.0), (2.0, 1.0), (0.0, 1.0), (-1.0, 1.0)])
def test_sigma_steps_bad_range(lo, hi):
    with pytest.raises(ValueError, match="need 0 < sigma_min < sigma_max"):
        edm.sigma_steps(5, sigma_min=lo, sigma_max=hi)


# ---------------------------------------------------------------- Heun sampler: linear twins


class _DiagonalGaussian(nn.Module):
    """``D(x; sigma) = lam / (lam + sigma^2) x`` per coordinate: the optimal denoiser of N(0, diag(lam))."""

    def __init__(self, lam):
        super().__init__()
        self.lam = torch.as_tensor(lam, dtype=torch.float64)

    def weight(self, sigma):
        return self.lam / (self.lam + sigma[:, None] ** 2)

    def forward(self, x, sigma):
        return self.weight(sigma) * x


class _LevelTable(nn.Module):
    """``D(x; sigma_i) = w_i x`` per coordinate with an arbitrary table ``w`` (N, d) over the levels."""

    def __init__(self, levels, w):
        super().__init__()
        self.levels, self.w = [float(s) for s in levels], torch.as_tensor(w, dtype=torch.float64)

    def forward(self, x, sigma):
        i = self.levels.index(float(sigma[0]))
        return self.w[i] * x


LAM = np.array([1e-3, 0.05, 0.25, 1.0, 7.0, 100.0])


@pytest.mark.parametrize("n", [2, 3, 10, 40])
def test_heun_on_ones_is_the_product_of_step_multipliers(n):
    sigmas = edm.sigma_steps(n)
    model = _DiagonalGaussian(LAM)
    x = edm.heun_sample(model, torch.ones(1, LAM.size, dtype=torch.float64), sigmas)
    s = sigmas.numpy()
    w = LAM[:, None] / (LAM[:, None] + s[None, :-1] ** 2)
    np.testing.assert_allclose(x[0].numpy() ** 2, lin.heun_generated_variance(w, s), rtol=HEUN_TWIN_RTOL, atol=0)


def test_heun_with_an_arbitrary_weight_table():
    n = 7
    sigmas = edm.sigma_steps(n)
    w = np.random.default_rng(4).uniform(-0.5, 1.5, size=(n, 5))
    x = edm.heun_sample(_LevelTable(sigmas[:-1], w), torch.ones(1, 5, dtype=torch.float64), sigmas)
    np.testing.assert_allclose(x[0].numpy() ** 2, lin.heun_generated_variance(w.T, sigmas.numpy()), rtol=HEUN_TWIN_RTOL)


def test_heun_sample_variance_of_random_noise():
    n_draws, sigmas = 20_000, edm.sigma_steps(12)
    gen = torch.Generator().manual_seed(7)
    noise = torch.randn(n_draws, LAM.size, generator=gen, dtype=torch.float64)
    x = edm.heun_sample(_DiagonalGaussian(LAM), noise, sigmas)
    s = sigmas.numpy()
    expected = lin.heun_generated_variance(LAM[:, None] / (LAM[:, None] + s[None, :-1] ** 2), s)
    # sample variance of N Gaussians: relative standard error sqrt(2 / N); 5 standard errors
    np.testing.assert_allclose(x.var(dim=0).numpy(), expected, rtol=SAMPLING_Z * math.sqrt(2 / n_draws))


def test_heun_with_the_optimal_denoiser_recovers_the_data_variance():
    # The PF-ODE of the exact score scales x by sqrt(lam + sigma^2): from N(0, sigma_max^2) at
    # sigma_max it reaches sigma_max^2 (lam + sigma_min^2)/(lam + sigma_max^2) at sigma_min, and the
    # last (Euler) step multiplies by w(sigma_min) = lam / (lam + sigma_min^2).  Heun's O(h^2) error
    # at 40 EDM steps is largest for small lam (the ODE turns fastest near sigma ~ sqrt(lam), where
    # rho = 7 steps are coarse in ln sigma): a few percent at lam = 1e-3, under 2% from lam ~ 0.25 on.
    sigmas = edm.sigma_steps(40)
    x = edm.heun_sample(_DiagonalGaussian(LAM), torch.ones(1, LAM.size, dtype=torch.float64), sigmas)
    smin, smax = 0.002, 80.0
    exact = smax**2 * LAM**2 / ((LAM + smax**2) * (LAM + smin**2))
    got = x[0].numpy() ** 2
    np.testing.assert_allclose(got, exact, rtol=HEUN_40_RTOL)
    big = LAM >= 1
    np.testing.assert_allclose(got[big], exact[big], rtol=LARGE_LAM_RTOL)
    np.testing.assert_allclose(got[big], LAM[big], rtol=LARGE_LAM_RTOL)


def test_heun_converges_to_the_ode_transport_at_second_order():
    smin, smax = 0.002, 80.0
    exact = smax**2 * LAM**2 / ((LAM + smax**2) * (LAM + smin**2))
    errors = []
    for n in (40, 80, 160, 320):
        sigmas = edm.sigma_steps(n)
        x = edm.heun_sample(_DiagonalGaussian(LAM), torch.ones(1, LAM.size, dtype=torch.float64), sigmas)
        errors.append(np.abs(x[0].numpy() ** 2 / exact - 1))
    errors = np.array(errors)
    assert np.all(errors[-1] < HEUN_320_RTOL)
    # halving the steps cuts the error by ~4 per mode (second order)
    ratios = errors[:-1] / errors[1:]
    assert np.all((ratios > SECOND_ORDER_RATIO_LO) & (ratios < SECOND_ORDER_RATIO_HI))


def test_heun_counts_model_evaluations():
    calls = []

    def model(x, sigma):
        calls.append(float(sigma[0]))
        return torch.zeros_like(x)

    sigmas = edm.sigma_steps(6)
    edm.heun_sample(model, torch.ones(2, 3, dtype=torch.float64), sigmas)
    assert len(calls) == 2 * 6 - 1
    assert calls[0] == float(sigmas[0]) and calls[-1] == float(sigmas[-2])


def test_heun_sample_errors():
    model = _DiagonalGaussian(LAM[:2])
    noise = torch.ones(1, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="ending in 0"):
        edm.heun_sample(model, noise, torch.tensor([80.0, 1.0, 0.002], dtype=torch.float64))
    with pytest.raises(ValueError, match="strictly decreasing sequence"):
        edm.heun_sample(model, noise, torch.zeros(2, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="strictly decreasing sequence"):
        edm.heun_sample(model, noise, torch.zeros(1, dtype=torch.float64))


# ---------------------------------------------------------------- edm_loss against quadrature


class _OptimalScalar(nn.Module):
    """Exact denoiser ``D*(x; sigma) = s^2 / (s^2 + sigma^2) x`` of scalar N(0, s^2) data."""

    sigma_data = edm.SIGMA_DATA

    def __init__(self, s):
        super().__init__()
        self.s2 = s**2

    def forward(self, x, sigma):
        return self.s2 / (self.s2 + sigma[:, None] ** 2) * x


@pytest.mark.parametrize("s", [0.2, 1.3])
def test_edm_loss_of_the_optimal_denoiser_matches_quadrature(s):
    # Given sigma the error (D* - x0) is Gaussian with variance sigma^2 s^2 / (sigma^2 + s^2), so the
    # per-example loss is g(sigma) chi^2_1 with g = lambda(sigma) sigma^2 s^2 / (sigma^2 + s^2).
    d2 = edm.SIGMA_DATA**2

    def g(sig):
        return (sig**2 + d2) / (sig**2 * d2) * sig**2 * s**2 / (sig**2 + s**2)

    nodes, wts = np.polynomial.hermite_e.hermegauss(80)  # E over ln sigma ~ N(P_MEAN, P_STD^2)
    wts = wts / wts.sum()
    sig = np.exp(edm.P_MEAN + edm.P_STD * nodes)
    mean = float(np.sum(wts * g(sig)))
    var = float(np.sum(wts * 3 * g(sig) ** 2)) - mean**2  # E[chi^2_1^2] = 3
    batch, repeats = 50_000, 8
    gen = torch.Generator().manual_seed(11)
    model = _OptimalScalar(s)
    draws = []
    for _ in range(repeats):
        x0 = s * torch.randn(batch, 1, generator=gen, dtype=torch.float64)
        draws.append(float(edm.edm_loss(model, x0, gen)))
    se = math.sqrt(var / (batch * repeats))
    assert abs(np.mean(draws) - mean) < SAMPLING_Z * se
    # the spread of the individual draws matches the predicted per-batch error
    assert SPREAD_RATIO_LO < np.std(draws, ddof=1) / math.sqrt(var / batch) < SPREAD_RATIO_HI


def test_edm_loss_averages_over_batch_and_dimension():
    # with D = 0 the loss is mean over (b, j) of lambda(sigma_b) x0_bj^2: reproduce it from the same draws
    class Zero(nn.Module):
        sigma_data = edm.SIGMA_DATA

        def forward(self, x, sigma):
            return torch.zeros_like(x)

    x0 = torch.randn(6, 2, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    loss = edm.edm_loss(Zero(), x0, torch.Generator().manual_seed(5))
    sigma = edm.sample_sigma(6, torch.Generator().manual_seed(5))
    expected = (edm.loss_weight(sigma).double()[:, None, None] * x0**2).mean()
    torch.testing.assert_close(loss, expected, rtol=FLOAT32_RTOL, atol=0)


def test_heun_sample_rejects_non_decreasing_levels():
    model = lambda x, s: x  # noqa: E731  (identity denoiser; never reached)
    for bad in ([80.0, 0.0, 0.0], [1.0, 5.0, 0.0]):
        with pytest.raises(ValueError, match="strictly decreasing"):
            edm.heun_sample(model, torch.ones(1, 2, dtype=torch.float64), torch.tensor(bad, dtype=torch.float64))
