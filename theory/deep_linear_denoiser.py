"""Deep linear denoisers ``D(y) = W_L ... W_1 y``: per-mode dynamics under aligned, balanced training.

Wang & Pehlevan, Sec. 5.1 and App. F: with aligned initialisation every eigenmode of the data
covariance is learned independently; deeper and non-aligned networks "have similar bias but lack
clean expressions".  This module holds what *does* have a clean expression (derivations ours).

At one noise level ``sigma``, a mode of variance ``lam`` with end-to-end weight ``w`` has loss
``l(w) = (lam + sigma^2) w^2 - 2 lam w + lam``.  Gradient flow at rate ``eta`` on ``L`` factors that
start equal (``a_l(0) = Q^(1/L)``) keeps them equal, and ``w = a^L`` follows

    dw/dtau = 2 eta L w^(2 - 2/L) (lam - (lam + sigma^2) w)            (balanced flow)

towards ``c = lam / (lam + sigma^2)``.  For ``L = 2`` it is logistic,
``w = c Q / ((c - Q) exp(-4 eta lam tau) + Q)`` (the non-symmetric two-factor analogue of Prop. 5.1,
whose symmetric ``P P^T`` has rate ``8 eta lam``).  For ``L >= 3`` the early growth
``dw/dtau ~ 2 eta L lam w^(2 - 2/L)`` blows up in finite time: ``w^-(1 - 2/L)`` falls linearly,
reaching 0 at the escape time

    tau_esc = Q^-(1 - 2/L) / (2 eta (L - 2) lam),

proportional to ``1/lam`` for every depth (the inverse-variance law with alpha = 1), with a prefactor
that grows like a power of ``1/Q`` instead of ``L = 2``'s ``log(1/Q)``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["balanced_flow", "escape_time", "two_factor_weight"]


def _check(L: int, eta: float) -> None:
    if not isinstance(L, (int, np.integer)) or isinstance(L, bool) or L < 1:
        raise ValueError(f"the depth L must be a positive integer, got {L!r}.")
    if not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"the learning rate eta must be positive and finite, got {eta!r}.")


def balanced_flow(w, lam, sigma, L: int, eta: float = 1.0):
    """``dw/dtau`` of the balanced ``L``-factor flow: ``2 eta L w^(2 - 2/L) (lam - (lam + sigma^2) w)``.

    ``w`` must be non-negative (a balanced product started at ``Q >= 0`` stays so).

    Examples
    --------
    >>> float(balanced_flow(0.25, 1.0, 1.0, L=2))
    0.5
    """
    _check(L, eta)
    w = np.asarray(w, dtype=float)
    if np.any(w < 0):
        raise ValueError("a balanced product of equal factors is non-negative; got w < 0.")
    return 2 * eta * L * w ** (2 - 2 / L) * (lam - (lam + sigma**2) * w)


def two_factor_weight(lam, sigma, tau, Q, eta: float = 1.0):
    """Closed form of the balanced flow for ``L = 2``: ``c Q / ((c - Q) exp(-4 eta lam tau) + Q)``."""
    _check(2, eta)
    lam, tau, Q = (np.asarray(v, dtype=float) for v in (lam, tau, Q))
    c = lam / (lam + sigma**2)
    return c * Q / ((c - Q) * np.exp(-4 * eta * lam * tau) + Q)


def escape_time(lam, Q, L: int, eta: float = 1.0):
    """Finite-time blow-up of the early growth for ``L >= 3``: ``Q^-(1 - 2/L) / (2 eta (L - 2) lam)``.

    Raises
    ------
    ValueError
        For ``L < 3`` (the two-factor flow is logistic and has no blow-up) or ``Q`` outside (0, 1).

    Examples
    --------
    >>> float(escape_time(1.0, 1e-4, L=4))
    25.0
    """
    _check(L, eta)
    if L < 3:
        raise ValueError("escape_time is for L >= 3; the two-factor flow is logistic (two_factor_weight).")
    Q = np.asarray(Q, dtype=float)
    if np.any((Q <= 0) | (Q >= 1)):
        raise ValueError("the initial weight Q must lie in (0, 1).")
    return Q ** -(1 - 2 / L) / (2 * eta * (L - 2) * np.asarray(lam, dtype=float))
