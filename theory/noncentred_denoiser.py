"""One-layer linear denoiser on non-centred data: the bias couples to the mean's direction.

Wang & Pehlevan, App. D.2 (Fig. 21) in the paraphrase of our specification: with ``mu != 0`` the
weight and the bias interact through a rank-one term; modes with ``u_k^T mu != 0`` can overshoot or
move non-monotonically, modes orthogonal to ``mu`` keep eq. 7.  The closed forms below are ours.

At noise level ``sigma`` the loss ``Tr[(W - I) Sigma (W - I)^T] + ||(W - I) mu + b||^2 + sigma^2 ||W||^2``
(:func:`theory.optimal_denoiser.denoising_loss`) has the gradient flow

    dW/dtau = -2 eta [W (Sigma + mu mu^T + sigma^2 I) - (Sigma + mu mu^T) + b mu^T],
    db/dtau = -2 eta [(W - I) mu + b].

For an eigenvector ``u`` of ``Sigma`` with ``u^T mu = 0`` the column ``W u`` decouples and follows
eq. 7.  When ``mu = m u_j`` lies along one eigenvector (variance ``lam``), the pair
``(w, beta) = (u_j^T W u_j, u_j^T b)`` is a 2 x 2 linear system with matrix
``-2 eta [[lam + m^2 + sigma^2, m], [m, 1]]``: its two rates are

    r_(+/-) = eta (T +/- sqrt(T^2 - 4 (lam + sigma^2))),   T = lam + m^2 + sigma^2 + 1,

so the mean's mode is learned at the slow rate ``r_-``, which falls like ``2 eta (lam + sigma^2) / m^2``
as the mean grows: a large mean *slows* its own mode, unlike a large variance.
"""

from __future__ import annotations

import numpy as np

__all__ = ["coupled_matrix", "coupled_rates", "coupled_trajectory"]


def coupled_matrix(lam: float, m: float, sigma: float, eta: float = 1.0) -> np.ndarray:
    """The generator ``-2 eta [[lam + m^2 + sigma^2, m], [m, 1]]`` of ``d(w, beta)/dtau`` (affine part aside)."""
    if not (np.isfinite(lam) and lam >= 0 and np.isfinite(m) and np.isfinite(sigma) and sigma > 0):
        raise ValueError("need lam >= 0, a finite mean m and sigma > 0.")
    if not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"eta must be positive and finite, got {eta!r}.")
    return -2 * eta * np.array([[lam + m**2 + sigma**2, m], [m, 1.0]])


def coupled_rates(lam: float, m: float, sigma: float, eta: float = 1.0) -> tuple[float, float]:
    """``(r_fast, r_slow) = eta (T +/- sqrt(T^2 - 4 (lam + sigma^2)))`` with ``T = lam + m^2 + sigma^2 + 1``.

    Examples
    --------
    >>> [round(r, 12) for r in coupled_rates(1.0, 0.0, 1.0)]  # m = 0: weight 2 eta (lam + sigma^2), bias 2 eta
    [4.0, 2.0]
    """
    coupled_matrix(lam, m, sigma, eta)  # validates
    T = lam + m**2 + sigma**2 + 1.0
    root = np.sqrt(T**2 - 4 * (lam + sigma**2))
    slow = 2 * eta * (lam + sigma**2) * 2 / (T + root)  # = eta (T - root), without the cancellation
    return float(eta * (T + root)), float(slow)


def coupled_trajectory(lam, m, sigma, tau, Q: float = 0.0, b0: float = 0.0, eta: float = 1.0):
    """``(w(tau), beta(tau))`` of the mean's mode from ``(Q, b0)``, in closed form.

    The fixed point is ``w* = lam / (lam + sigma^2)``, ``beta* = (1 - w*) m``; the deviation decays
    along the two eigenvectors of :func:`coupled_matrix` at the rates of :func:`coupled_rates`.
    """
    M = coupled_matrix(lam, m, sigma, eta)
    tau = np.asarray(tau, dtype=float)
    w_star = lam / (lam + sigma**2)
    fixed = np.array([w_star, (1 - w_star) * m])
    values, vectors = np.linalg.eigh(M)  # symmetric: real rates, orthogonal eigenvectors
    coeff = vectors.T @ (np.array([Q, b0]) - fixed)
    deviation = np.einsum("ik,k,...k->...i", vectors, coeff, np.exp(np.multiply.outer(tau, values)))
    out = fixed + deviation
    return out[..., 0], out[..., 1]
