"""Linear convolutional denoisers on 1-D circular signals (Wang & Pehlevan, Props. 5.2-5.4).

A circular convolution ``D(x)_i = sum_m h_m x_{i+m}`` is diagonal in the Fourier basis, so

* (Prop. 5.2) the samples it generates from white noise form a stationary Gaussian process
  (a circulant covariance: independent Fourier modes);
* (Prop. 5.3) a full-width filter (``N`` free taps) trains every Fourier mode independently with
  eq. 7, ``lam_k ->`` the variance of Fourier mode ``k`` and ``eta -> N eta`` (weight sharing: each
  tap sees all ``N`` positions).  Eq. 10 of the paper needs the initial value ``gamma_k(0, sigma)``
  on its right-hand side;
* (Prop. 5.4) a local filter of width ``K = 2r + 1`` is ridge regression in patch space:
  ``h(tau) = h* + exp[-2 N eta tau (sigma^2 I + S)] (h(0) - h*)``, ``h* = (sigma^2 I + S)^{-1} S e0``,
  ``S`` the average covariance of length-``K`` patches.

Loss convention: ``L = E||D(x0 + sigma z) - x0||^2`` summed over the ``N`` positions.  Fourier
variances use the unitary DFT.  numpy / scipy only.
"""

from __future__ import annotations

import numpy as np
from scipy.special import roots_legendre

from theory import linear_denoiser
from theory.linear_denoiser import SIGMA_0, SIGMA_T, _finite, _noise_range, _nonnegative, _positive

__all__ = [
    "circulant",
    "circulant_generated_variance",
    "circulant_weights",
    "fourier_variances",
    "is_circulant",
    "patch_covariance",
    "patch_filter",
    "patch_generated_spectrum",
    "patch_generated_spectrum_quadrature",
    "patch_transfer",
]


def _square(name: str, C) -> np.ndarray:
    C = np.asarray(C, dtype=float)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or not np.all(np.isfinite(C)):
        raise ValueError(f"{name} must be a finite square matrix.")
    return C


def circulant(column) -> np.ndarray:
    """The circulant matrix ``C[i, j] = column[(i - j) mod N]``.

    Examples
    --------
    >>> circulant([1.0, 2.0, 3.0]).tolist()
    [[1.0, 3.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]]
    """
    c = np.asarray(column, dtype=float)
    n = c.size
    return c[(np.arange(n)[:, None] - np.arange(n)[None, :]) % n]


def is_circulant(M, rtol: float = 1e-10) -> bool:
    """Whether ``M`` is circulant (the covariance of a stationary process on the circle) to ``rtol``.

    Examples
    --------
    >>> is_circulant(circulant([2.0, 0.5, 0.1, 0.5])), is_circulant(np.diag([1.0, 2.0]))
    (True, False)
    """
    M = _square("M", M)
    scale = max(float(np.max(np.abs(M))), 1e-300)
    return bool(np.max(np.abs(M - circulant(M[:, 0]))) <= rtol * scale)


def fourier_variances(cov) -> np.ndarray:
    r"""Variance of each unitary-DFT mode, ``diag(F C F^H)`` (real), shape ``(N,)``.

    For a circulant ``C`` these are its eigenvalues, ``FFT(C[:, 0])``; for any ``C`` they are what a
    circular-convolution denoiser sees (it cannot use the off-diagonal Fourier couplings).

    Examples
    --------
    >>> np.round(fourier_variances(circulant([2.0, 0.5, 0.0, 0.5])), 12).tolist()
    [3.0, 2.0, 1.0, 2.0]
    """
    C = _square("cov", cov)
    n = C.shape[0]
    F = np.fft.fft(np.eye(n), norm="ortho")
    return np.real(np.einsum("ki,ij,kj->k", F, C, F.conj()))


def circulant_weights(spectrum, sigma, tau, Q=0.0, eta=1.0, N=None):
    r"""Prop. 5.3 / eq. 10 (with the initial value): Fourier-mode gain of a full-width circular filter.

    ``gamma_k(tau, sigma) = c_k + (gamma_k(0, sigma) - c_k) exp(-2 N eta (sigma^2 + lam_k) tau)``,
    ``c_k = lam_k/(sigma^2 + lam_k)``, ``gamma_k(0, sigma) = Q``: eq. 7 with ``eta -> N eta``.
    ``N`` defaults to the length of ``spectrum``.
    """
    spectrum = _nonnegative("spectrum", spectrum)
    n = spectrum.shape[-1] if N is None else int(N)
    if n < 1:
        raise ValueError("N must be a positive signal length.")
    return linear_denoiser.weights(spectrum, sigma, tau, Q, n * _positive("eta", eta))


def circulant_generated_variance(spectrum, tau, Q=0.0, eta=1.0, N=None, sigma0=SIGMA_0, sigmaT=SIGMA_T):
    """Prop. 5.3: generated Fourier-mode variances of the full-width filter (Prop. 4.2 with ``N eta``)."""
    spectrum = _nonnegative("spectrum", spectrum)
    n = spectrum.shape[-1] if N is None else int(N)
    return linear_denoiser.generated_variance(spectrum, tau, Q, n * _positive("eta", eta), sigma0, sigmaT)


def patch_covariance(cov, radius: int) -> np.ndarray:
    r"""Average covariance ``S`` of the circular patches ``x_{i-r..i+r}``, shape ``(2r+1, 2r+1)``.

    Examples
    --------
    >>> patch_covariance(circulant([2.0, 0.5, 0.0, 0.5]), 1).tolist()
    [[2.0, 0.5, 0.0], [0.5, 2.0, 0.5], [0.0, 0.5, 2.0]]
    """
    C = _square("cov", cov)
    n = C.shape[0]
    if not (isinstance(radius, (int, np.integer)) and 0 <= radius and 2 * radius + 1 <= n):
        raise ValueError(f"radius must be an integer with 2 r + 1 <= N = {n}, got {radius!r}.")
    off = np.arange(-radius, radius + 1)
    idx = (np.arange(n)[:, None] + off[None, :]) % n  # (positions, taps)
    return C[idx[:, :, None], idx[:, None, :]].mean(axis=0)


def patch_filter(S, N: int, sigma, tau, Q=0.0, eta=1.0, h0=None) -> np.ndarray:
    r"""Prop. 5.4: local filter taps during gradient flow, shape ``broadcast(sigma, tau) + (K,)``.

    .. math:: h(\tau) = h^* + e^{-2N\eta\tau(\sigma^2 I + S)} (h(0) - h^*), \quad
              h^* = (\sigma^2 I + S)^{-1} S e_0,

    evaluated in the eigenbasis ``S = V diag(mu) V^T``.  ``h(0) = Q e0`` unless ``h0`` is given.
    """
    S = _square("S", S)
    K = S.shape[0]
    if K % 2 != 1:
        raise ValueError("the patch covariance must have odd size 2 r + 1.")
    mu, V = np.linalg.eigh(S)
    mu = np.clip(mu, 0.0, None)
    e0 = np.zeros(K)
    e0[K // 2] = 1.0
    start = Q * e0 if h0 is None else np.asarray(h0, float)
    sigma, tau = _nonnegative("sigma", sigma), _nonnegative("tau", tau)
    eta = float(_positive("eta", eta))
    s2 = np.asarray(sigma, float)[..., None] ** 2
    decay = np.exp(-2.0 * N * eta * np.asarray(tau, float)[..., None] * (s2 + mu))
    target = mu / (s2 + mu) * (V.T @ e0)
    coef = target + decay * (V.T @ start - target)
    return coef @ V.T


def patch_transfer(h, N: int) -> np.ndarray:
    r"""Real part of the Fourier gain ``Re sum_m h_m e^{2 pi i k m / N}``, ``m = -r..r``; shape ``(..., N)``.

    Examples
    --------
    >>> np.round(patch_transfer([0.25, 0.5, 0.25], 4), 12).tolist()
    [1.0, 0.5, 0.0, 0.5]
    """
    h = np.asarray(h, dtype=float)
    K = h.shape[-1]
    m = np.arange(K) - K // 2
    k = np.arange(N)
    return h @ np.cos(2.0 * np.pi * np.outer(m, k) / N)


def patch_generated_spectrum_quadrature(
    S, N: int, tau, Q=0.0, eta=1.0, sigma0=SIGMA_0, sigmaT=SIGMA_T, nodes: int = 2000
) -> np.ndarray:
    r"""Generated Fourier-mode variances of the local filter, ``sigma_T^2 exp(2 ∫ (Re h_hat_s(k) - 1) ds/s)``.

    Gauss--Legendre quadrature in ``ln s`` over the filter of :func:`patch_filter`; shape
    ``(len(tau), N)`` (the spec's numerical route).
    """
    s0, sT = _noise_range(sigma0, sigmaT)
    x, w = roots_legendre(nodes)
    half = 0.5 * np.log(sT / s0)
    s = np.exp(np.log(s0) + half * (x + 1.0))
    tau = np.atleast_1d(_nonnegative("tau", tau))
    h = patch_filter(S, N, s[None, :], tau[:, None], Q, eta)  # (T, nodes, K)
    gain = patch_transfer(h, N)  # (T, nodes, N)
    integral = np.einsum("tsn,s->tn", gain - 1.0, w * half)
    return sT**2 * np.exp(2.0 * integral)


def patch_generated_spectrum(S, N: int, tau, Q=0.0, eta=1.0, sigma0=SIGMA_0, sigmaT=SIGMA_T) -> np.ndarray:
    r"""Closed form of the local filter's generated spectrum (ours), shape ``(len(tau), N)``.

    With ``h(0) = Q e0`` every eigen-direction ``v_m`` of ``S`` follows eq. 7 with ``eta -> N eta``
    and ``lam -> mu_m``, and ``Re h_hat(k) = sum_m w_m g_m(k)`` with ``sum_m g_m(k) = 1``
    (``g_m(k) = (v_m^T e0) Re v_hat_m(k)``).  The ``sigma`` integral is therefore a
    ``g``-weighted sum of Prop. 4.2 exponents:

    .. math:: \ln\frac{\tilde\lambda(k)}{\sigma_T^2} = \sum_m g_m(k)\,
              \ln\frac{\tilde\lambda^{(4.2)}(\mu_m, \tau; N\eta, Q)}{\sigma_T^2}.
    """
    S = _square("S", S)
    K = S.shape[0]
    mu, V = np.linalg.eigh(S)
    mu = np.clip(mu, 1e-300, None)
    g = V[K // 2][:, None] * patch_transfer(V.T, N)  # (K eigen, N)
    tau = np.atleast_1d(_nonnegative("tau", tau))
    _finite("Q", Q)
    log_modes = np.log(
        linear_denoiser.generated_variance(mu[None, :], tau[:, None], Q, N * _positive("eta", eta), sigma0, sigmaT)
        / sigmaT**2
    )  # (T, K)
    return sigmaT**2 * np.exp(log_modes @ g)
