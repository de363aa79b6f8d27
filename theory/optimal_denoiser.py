"""The optimal linear denoiser at one noise level, and the ridge-regression view of its loss.

Wang & Pehlevan, eqs. 5-6.  For data ``x`` with mean ``mu`` and covariance ``Sigma`` and noise
``z ~ N(0, I)``, the denoising loss of ``D(y) = W y + b`` at noise level ``sigma`` is

    L(W, b) = E || W (x + sigma z) + b - x ||^2
            = Tr[(W - I) Sigma (W - I)^T] + || (W - I) mu + b ||^2 + sigma^2 || W ||_F^2,

i.e. the auto-encoding loss ``E || W x + b - x ||^2`` plus a ridge penalty ``sigma^2 ||W||_F^2``
(eq. 6).  It depends on the data only through ``mu`` and ``Sigma``.  Its minimiser and minimum are

    W* = Sigma (Sigma + sigma^2 I)^{-1},   b* = (I - W*) mu,   L* = sigma^2 Tr[Sigma (Sigma + sigma^2 I)^{-1}]

(eq. 5); per eigenmode of ``Sigma`` the weight is ``lambda_k / (lambda_k + sigma^2)``
(:func:`theory.linear_denoiser.optimal_weight`).  The numerical twin is
:func:`ridge_design`, which writes ``L`` as an ordinary least-squares problem for ``numpy.linalg.lstsq``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["denoising_loss", "minimum_loss", "optimal_denoiser", "ridge_design"]


def _moments(Sigma, mu=None) -> tuple[np.ndarray, np.ndarray]:
    Sigma = np.asarray(Sigma, dtype=float)
    if Sigma.ndim != 2 or Sigma.shape[0] != Sigma.shape[1] or Sigma.shape[0] == 0:
        raise ValueError(f"Sigma must be a non-empty square matrix, got shape {Sigma.shape}.")
    if not np.all(np.isfinite(Sigma)) or not np.allclose(Sigma, Sigma.T, rtol=1e-12, atol=0):
        raise ValueError("Sigma must be a finite symmetric matrix.")
    if np.linalg.eigvalsh(Sigma)[0] < -1e-12 * max(1.0, np.abs(Sigma).max()):
        raise ValueError("Sigma must be positive semi-definite (a covariance).")
    d = Sigma.shape[0]
    mu = np.zeros(d) if mu is None else np.asarray(mu, dtype=float)
    if mu.shape != (d,) or not np.all(np.isfinite(mu)):
        raise ValueError(f"mu must be a finite vector of length {d}, got shape {mu.shape}.")
    return Sigma, mu


def _sigma(sigma) -> float:
    sigma = float(sigma)
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError(f"the noise level sigma must be positive and finite, got {sigma}.")
    return sigma


def optimal_denoiser(Sigma, mu, sigma) -> tuple[np.ndarray, np.ndarray]:
    """``(W*, b*)`` of eq. 5: ``W* = Sigma (Sigma + sigma^2 I)^{-1}``, ``b* = (I - W*) mu``.

    Solved with a symmetric solve, not an explicit inverse.

    Examples
    --------
    >>> W, b = optimal_denoiser(np.diag([3.0, 1.0]), [1.0, 0.0], 1.0)
    >>> np.diag(W).tolist(), b.tolist()
    ([0.75, 0.5], [0.25, 0.0])
    """
    Sigma, mu = _moments(Sigma, mu)
    sigma = _sigma(sigma)
    A = Sigma + sigma**2 * np.eye(len(mu))
    W = np.linalg.solve(A, Sigma).T  # Sigma A^{-1} = (A^{-1} Sigma)^T, both symmetric
    return W, mu - W @ mu


def minimum_loss(Sigma, sigma) -> float:
    """The minimum of the denoising loss, ``sigma^2 Tr[Sigma (Sigma + sigma^2 I)^{-1}]`` (eq. 5).

    Examples
    --------
    >>> minimum_loss(np.diag([3.0, 1.0]), 1.0)
    1.25
    """
    Sigma, _ = _moments(Sigma)
    sigma = _sigma(sigma)
    lam = np.clip(np.linalg.eigvalsh(Sigma), 0.0, None)
    return float(np.sum(sigma**2 * lam / (lam + sigma**2)))


def denoising_loss(W, b, Sigma, mu, sigma) -> float:
    """The expected denoising loss of ``D(y) = W y + b`` in the ridge form of eq. 6.

    ``Tr[(W - I) Sigma (W - I)^T] + ||(W - I) mu + b||^2 + sigma^2 ||W||_F^2``.
    """
    Sigma, mu = _moments(Sigma, mu)
    sigma = _sigma(sigma)
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    d = len(mu)
    if W.shape != (d, d) or b.shape != (d,):
        raise ValueError(f"W must be {d} x {d} and b of length {d}, got {W.shape} and {b.shape}.")
    E = W - np.eye(d)
    return float(np.trace(E @ Sigma @ E.T) + np.sum((E @ mu + b) ** 2) + sigma**2 * np.sum(W**2))


def ridge_design(Sigma, mu, sigma) -> tuple[np.ndarray, np.ndarray]:
    """``(A, B)`` with ``L(W, b) = || A [W b]^T - B ||_F^2`` exactly: the loss as least squares.

    ``A = [[S, 0], [sigma I, 0], [mu^T, 1]]`` and ``B = [[S], [0], [mu^T]]`` with ``S`` a symmetric
    square root of ``Sigma``; so ``numpy.linalg.lstsq(A, B)`` minimises the loss directly, with no
    use of eq. 5.
    """
    Sigma, mu = _moments(Sigma, mu)
    sigma = _sigma(sigma)
    d = len(mu)
    lam, U = np.linalg.eigh(Sigma)
    S = (U * np.sqrt(np.clip(lam, 0.0, None))) @ U.T
    A = np.zeros((2 * d + 1, d + 1))
    A[:d, :d], A[d : 2 * d, :d], A[2 * d, :d], A[2 * d, d] = S, sigma * np.eye(d), mu, 1.0
    B = np.vstack([S, np.zeros((d, d)), mu[None, :]])
    return A, B
