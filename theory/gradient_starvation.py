"""Gradient starvation of rare edges: the bridge between the spectral-bias and myopia papers.

A Bernoulli(ε) edge indicator is a data mode of variance ε(1 − ε).  This module states what the
linear-denoiser theory (Wang & Pehlevan, eq. 7 and Prop. 4.2) predicts for such a mode, and what a
loss weight ω on the positive class does to the marginal a model learns.
"""

from __future__ import annotations

import numpy as np

__all__ = ["stationary_marginal"]


def _check_epsilon(epsilon):
    eps = np.asarray(epsilon, dtype=float)
    if not np.all(np.isfinite(eps)) or np.any((eps <= 0.0) | (eps >= 1.0)):
        raise ValueError("epsilon must lie strictly between 0 and 1 (a Bernoulli edge probability).")
    return eps


def _check_omega(omega):
    om = np.asarray(omega, dtype=float)
    if not np.all(np.isfinite(om)) or np.any(om <= 0.0):
        raise ValueError("omega must be a finite positive weight on the positive class.")
    return om


def stationary_marginal(epsilon, omega):
    r"""Marginal learned under a positive-class-weighted Bernoulli cross-entropy.

    For an edge present with probability ε and a loss weight ω on the positive class, the
    stationary point of the expected weighted cross-entropy is

    .. math:: p^* = \frac{\omega\varepsilon}{\omega\varepsilon + 1 - \varepsilon}.

    Parameters
    ----------
    epsilon : array_like
        Edge probability ε, every entry in (0, 1).
    omega : array_like
        Positive-class weight ω > 0; broadcast against ``epsilon``.

    Returns
    -------
    p_star : ndarray or float
        The learned marginal, shape ``broadcast(epsilon, omega)``; a float for scalar input.

    Raises
    ------
    ValueError
        If an ε is outside (0, 1) or an ω is not a finite positive number.

    Notes
    -----
    With logit ``z`` and ``p = sigmoid(z)`` the expected weighted loss is
    ``L(z) = -ω ε log p - (1 - ε) log(1 - p)``.  Since ``dp/dz = p(1 - p)``,
    ``dL/dz = -ω ε (1 - p) + (1 - ε) p``, which vanishes at the single point
    ``p (ω ε + 1 - ε) = ω ε``; ``d²L/dz² = (ω ε + 1 - ε) p (1 - p) > 0`` makes it the minimum.
    ω = 1 recovers p* = ε; ω = (1 − ε)/ε balances the classes and gives p* = 1/2.

    Examples
    --------
    >>> float(stationary_marginal(0.1, 1.0))
    0.1
    >>> float(stationary_marginal(0.1, 9.0))
    0.5
    """
    eps = _check_epsilon(epsilon)
    om = _check_omega(omega)
    p = om * eps / (om * eps + (1.0 - eps))
    return p if p.ndim else float(p)
