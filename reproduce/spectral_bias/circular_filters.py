"""The setting shared by the convolution claims: 1-D circular signals and the filter gradient flow.

1-D circular signals of length ``N`` with a stationary power-law spectrum (natural-image-like,
``lambda(f) ∝ 1/(1 + |f|)^2``).  Every simulation differentiates the *full-image* loss
``tr((D - I) C (D - I)^T) + sigma^2 ||D||_F^2`` with ``D = sum_m h_m S_m`` (``S_m`` the circular
shifts), so it never uses the Fourier or patch-space reductions it is compared with.

Claims: :mod:`.prop5_3_circulant`, :mod:`.eq10_typo`, :mod:`.prop5_4_patch`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from theory import convolutional_denoiser as conv


@dataclass(frozen=True)
class Config:
    """Parameters shared by the convolution claims.

    Attributes
    ----------
    N : int
        Signal length.
    radius : int
        Half-width ``r`` of the local filter (``K = 2r + 1``).
    Q : float
        Initial gain (``h(0) = Q delta``).
    sigma : float
        Noise level of the filter simulations.
    n_tau : int
        Training times of the simulations.
    n_tau_law : int
        Training times of the emergence-time grids.
    """

    N: int = 32
    radius: int = 2
    Q: float = 0.5
    sigma: float = 1.0
    n_tau: int = 30
    n_tau_law: int = 600


CONFIGS = {
    "quick": Config(N=16, n_tau=12, n_tau_law=300),
    "default": Config(),
    "paper": Config(N=64, n_tau=60, n_tau_law=1000),
}


def spectrum(N: int) -> np.ndarray:
    """Stationary power-law spectrum ``5 / (1 + |f|)^2`` over the DFT frequencies (symmetric)."""
    k = np.arange(N)
    return 5.0 / (1.0 + np.minimum(k, N - k)) ** 2


def circulant_covariance(N: int) -> np.ndarray:
    """The stationary covariance ``C`` (circulant, ``N x N``) whose DFT spectrum is :func:`spectrum`."""
    return conv.circulant(np.real(np.fft.ifft(spectrum(N))))


def shift_operators(N: int, offsets) -> np.ndarray:
    """The circular shifts ``S_m``, ``(S_m x)_i = x_{i+m}``, for each offset ``m``: shape ``(len(offsets), N, N)``."""
    eye = np.eye(N)
    return np.stack([np.roll(eye, -m, axis=0) for m in offsets])  # (S_m x)_i = x_{i+m}


def simulate_filter(
    C: np.ndarray, sigma: float, offsets, h0: np.ndarray, taus: np.ndarray, eta: float = 1.0
) -> np.ndarray:
    """Gradient flow of the taps of ``D = sum_m h_m S_m`` on the full-image loss (solve_ivp, Radau)."""
    N = C.shape[0]
    S = shift_operators(N, offsets)
    A = C + sigma**2 * np.eye(N)
    G = 2.0 * np.einsum("mij,jk,nik->mn", S, A, S)
    g = 2.0 * np.einsum("mij,ji->m", S, C)
    sol = solve_ivp(
        lambda _, h: -eta * (G @ h - g),
        (0.0, taus[-1]),
        h0,
        t_eval=taus,
        method="Radau",
        rtol=1e-12,
        atol=1e-14,
        jac=lambda *_: -eta * G,
    )
    return sol.y.T


def filter_gain(h: np.ndarray, offsets, N: int) -> np.ndarray:
    """The Fourier gains ``sum_m h_m exp(2 pi i m k / N)`` of filter taps ``h`` (last axis) at ``offsets``."""
    m = np.asarray(offsets)
    return h @ np.exp(2j * np.pi * np.outer(m, np.arange(N)) / N)


def training_times(config: Config) -> np.ndarray:
    """The ``n_tau`` log-spaced training times ``1e-4 .. 1`` of the filter simulations."""
    return np.logspace(-4, 0, config.n_tau)
