"""Tolerances for comparing our Monte-Carlo estimates with a paper's printed ones.

A paper's rate (or mean) comes from its own finite number of trials, ours from ours: the two are
independent estimates, and they agree when their difference is within the 99% normal band of that
difference, plus half the paper's last printed digit.  The myopia tables and figures use these.
"""

from __future__ import annotations

import numpy as np

from .replicates import Z_99

__all__ = ["binomial_tolerance", "mean_tolerance"]


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
