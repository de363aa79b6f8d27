import numpy as np
import pytest
from scipy.integrate import solve_ivp
from tolerances import CLOSED_FORM_RTOL

from theory import convolutional_denoiser as conv
from theory import linear_denoiser as lin

ODE_ATOL = 1e-8  # Radau at rtol=1e-12, atol=1e-14 on O(1) taps: the simulated flow's integration error only
CIRCULANT_RTOL = 1e-9  # expm of a 400-node sum of circulant matrices: circulant up to round-off (relative to max entry)

N = 12


def _cov():
    k = np.arange(N)
    return conv.circulant(np.real(np.fft.ifft(3.0 / (1 + np.minimum(k, N - k)) ** 2)))


def _simulate(C, sigma, offsets, h0, taus):
    # Gradient flow of the taps on the full-image loss, gradient by finite-free matrix algebra.
    shifts = [np.roll(np.eye(N), -m, axis=0) for m in offsets]
    A = C + sigma**2 * np.eye(N)

    def rhs(_, h):
        D = sum(hm * Sm for hm, Sm in zip(h, shifts))
        G = 2 * (D @ A - C)  # dL/dD
        return -np.array([np.sum(G * Sm) for Sm in shifts])

    return solve_ivp(rhs, (0, taus[-1]), h0, t_eval=taus, rtol=1e-12, atol=1e-14, method="Radau").y.T


def test_fourier_variances_of_a_circulant_are_its_eigenvalues():
    C = _cov()
    assert np.allclose(np.sort(conv.fourier_variances(C)), np.linalg.eigvalsh(C))
    assert conv.is_circulant(C) and not conv.is_circulant(C + np.diag(np.arange(N)))


def test_full_width_filter_follows_eq7_with_N_eta():
    C, taus = _cov(), np.logspace(-3, 0, 8)
    h0 = np.zeros(N)
    h0[0] = 0.3
    h = _simulate(C, 0.8, np.arange(N), h0, taus)
    gain = np.real(np.fft.ifft(h, axis=1)) * N  # sum_m h_m e^{+2 pi i k m / N}
    closed = conv.circulant_weights(conv.fourier_variances(C)[None, :], 0.8, taus[:, None], 0.3)
    assert np.max(np.abs(gain - closed)) < ODE_ATOL


def test_patch_filter_is_ridge_in_patch_space():
    C, taus, r = _cov(), np.logspace(-3, 0, 8), 1
    S = conv.patch_covariance(C, r)
    h0 = np.array([0.0, 0.4, 0.0])
    sim = _simulate(C, 0.5, np.arange(-r, r + 1), h0, taus)
    assert np.max(np.abs(sim - conv.patch_filter(S, N, 0.5, taus, 0.4))) < ODE_ATOL
    h_inf = conv.patch_filter(S, N, 0.5, 1e9, 0.4)
    assert np.allclose(h_inf, np.linalg.solve(S + 0.25 * np.eye(3), S[:, 1]))


def test_patch_spectrum_closed_form_equals_quadrature():
    S = conv.patch_covariance(_cov(), 2)
    tau = np.array([1e-3, 1e-1, 10.0])
    a = conv.patch_generated_spectrum(S, N, tau, 0.2)
    b = conv.patch_generated_spectrum_quadrature(S, N, tau, 0.2)
    assert np.max(np.abs(a / b - 1)) < CLOSED_FORM_RTOL


def test_circular_conv_generates_a_stationary_process_even_from_nonstationary_weights_data():
    rng = np.random.default_rng(0)
    F = np.fft.fft(np.eye(N), norm="ortho")
    spec = conv.fourier_variances(_cov() + np.diag(rng.uniform(0, 1, N)))  # non-stationary data
    W = lambda s: np.real(F.conj().T @ np.diag(conv.circulant_weights(spec, s, 0.05, 0.1)) @ F)  # noqa: E731
    A = lin.sampling_map(W, matrix=True, nodes=200)
    Cg = 80.0**2 * A @ A.T
    assert conv.is_circulant(Cg, CIRCULANT_RTOL)
    assert np.allclose(
        conv.fourier_variances(Cg), conv.circulant_generated_variance(spec, 0.05, 0.1), rtol=CLOSED_FORM_RTOL
    )


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: conv.patch_covariance(np.eye(4), 2), "radius must be"),
        (lambda: conv.fourier_variances(np.ones(3)), "finite square matrix"),
        (lambda: conv.patch_filter(np.eye(2), 4, 1.0, 1.0), "odd size"),
    ],
)
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
