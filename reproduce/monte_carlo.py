"""Tolerances for comparing our Monte-Carlo estimates with a paper's printed ones.

A paper's rate (or mean) comes from its own finite number of trials, ours from ours: the two are
independent estimates, and they agree when their difference is within the 99% normal band of that
difference, plus half the paper's last printed digit.  The myopia tables and figures use these.

:func:`wilson_interval` is the interval the figures draw around an estimated proportion: unlike the
normal band ``p ± z sqrt(p(1-p)/n)`` it does not collapse to a point at 0% and 100%.
"""

from __future__ import annotations

import numpy as np

from .replicates import Z_99

__all__ = ["binomial_tolerance", "mean_tolerance", "wilson_interval"]


def binomial_tolerance(
    p_paper: float, p_ours: float, trials_paper: int, trials_ours: int, printed: float = 0.0005
) -> float:
    """99% tolerance on the difference of two independent success rates (pooled variance),
    plus the rounding of the printed value (0.1% -> 0.0005).

    Examples
    --------
    >>> round(binomial_tolerance(0.5, 0.5, 500, 500), 4)
    0.082
    """
    pooled = (p_paper * trials_paper + p_ours * trials_ours) / (trials_paper + trials_ours)
    se = np.sqrt(pooled * (1 - pooled) * (1 / trials_paper + 1 / trials_ours))
    return float(Z_99 * se + printed)


def mean_tolerance(
    std_paper: float, std_ours: float, trials_paper: int, trials_ours: int, printed: float = 0.005
) -> float:
    """99% tolerance on the difference of two independent means, plus printed rounding (0.01 -> 0.005).

    Examples
    --------
    >>> round(mean_tolerance(0.24, 0.24, 500, 500), 4)
    0.0441
    """
    se = np.sqrt(std_paper**2 / trials_paper + std_ours**2 / trials_ours)
    return float(Z_99 * se + printed)


def wilson_interval(p: np.ndarray | float, n: np.ndarray | float, z: float = Z_99) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``p`` estimated from ``n`` independent trials.

    ``(c - h, c + h)`` with ``c = (p + z^2/2n) / (1 + z^2/n)`` and
    ``h = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)`` (Wilson 1927), at the 99% level by default.
    It stays inside [0, 1] and keeps a width of about ``z^2/n`` at ``p = 0`` or ``1``, where
    the normal band has none.  Arrays broadcast.

    Raises
    ------
    ValueError
        If a proportion is outside [0, 1], a trial count is not positive, or ``z`` is not positive.

    Examples
    --------
    >>> low, high = wilson_interval(0.0, 100)
    >>> float(low), round(float(high), 4)
    (0.0, 0.0622)
    """
    p, n = np.asarray(p, dtype=float), np.asarray(n, dtype=float)
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError(f"a proportion must lie in [0, 1], got {p[~((p >= 0) & (p <= 1))].ravel()[:3]}.")
    if not np.all(np.isfinite(n) & (n > 0)):
        raise ValueError("the number of trials must be positive and finite.")
    if not (np.isfinite(z) and z > 0):
        raise ValueError(f"z must be positive and finite, got {z}.")
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * np.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
