"""Algorithm 5.1 (Siami): the adversarial sparsification protocol, batched over trials.

For a ground-truth graph with per-edge training frequencies, each trial scores the edges
(:func:`theory.sparsifiers.method_scores`), keeps the top ``rho |E|`` (ties at random),
and records connectivity and the relative spectral error.  The paper's graphs are fixed
across trials, so the randomness is the tie-breaking (and, for ``random``, the subset).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory.effective_resistance import edge_resistance_array
from theory.sparsifier_quality import algebraic_connectivity, is_connected, laplacian_stack, relative_spectral_error
from theory.sparsifiers import METHODS, method_scores, rank_sparsify

__all__ = ["Workload", "binomial_tolerance", "mean_tolerance", "run_protocol"]


@dataclass(frozen=True)
class Workload:
    """A ground-truth graph with what the models see of it.

    Attributes
    ----------
    n : int
    tails, heads : ndarray of int, shape (m,)
    frequency : ndarray, shape (m,)
        ``P_freq(e)``.
    resistance : ndarray, shape (m,)
        ``R_eff(e)`` in the ground truth (unit conductances).
    """

    n: int
    tails: np.ndarray
    heads: np.ndarray
    frequency: np.ndarray
    resistance: np.ndarray

    @classmethod
    def from_edges(cls, n: int, tails: np.ndarray, heads: np.ndarray, frequency: np.ndarray) -> "Workload":
        """Compute the resistances of ``G`` and bundle them."""
        return cls(n, tails, heads, np.asarray(frequency, float), edge_resistance_array(n, tails, heads))


def run_protocol(
    work: Workload,
    method: str,
    *,
    rho: float,
    trials: int,
    rng: np.random.Generator,
    lam: float = 0.0,
    rounding: str = "floor",
) -> dict[str, float]:
    """Algorithm 5.1 for one method: connectivity rate and RSE mean/std over ``trials``.

    Returns
    -------
    dict
        ``connectivity`` (fraction of connected ``H``), ``rse_mean``, ``rse_std``,
        ``kept`` (edges per trial), ``trials``.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    m = work.tails.size
    full = laplacian_stack(work.n, work.tails, work.heads, np.ones((1, m), bool))
    lam2_G = float(algebraic_connectivity(full)[0])
    scores = method_scores(method, work.frequency, work.resistance, lam=lam)
    masks = rank_sparsify(scores, rho, rng, trials=trials, rounding=rounding)
    connected = is_connected(work.n, work.tails, work.heads, masks)
    lam2_H = algebraic_connectivity(laplacian_stack(work.n, work.tails, work.heads, masks))
    rse = relative_spectral_error(lam2_G, lam2_H)
    return {
        "connectivity": float(connected.mean()),
        "rse_mean": float(rse.mean()),
        "rse_std": float(rse.std()),
        "kept": int(masks[0].sum()),
        "trials": int(trials),
    }


Z99 = 2.5758293035489004
"""Two-sided 99% normal quantile."""


def binomial_tolerance(p_paper: float, p_ours: float, trials_paper: int, trials_ours: int, printed: float = 0.0005) -> float:
    """99% tolerance on the difference of two independent success rates (pooled variance),
    plus the rounding of the printed value (0.1% -> 0.0005).

    Examples
    --------
    >>> round(binomial_tolerance(0.5, 0.5, 500, 500), 4)
    0.082
    """
    pooled = (p_paper * trials_paper + p_ours * trials_ours) / (trials_paper + trials_ours)
    se = np.sqrt(pooled * (1 - pooled) * (1 / trials_paper + 1 / trials_ours))
    return float(Z99 * se + printed)


def mean_tolerance(std_paper: float, std_ours: float, trials_paper: int, trials_ours: int, printed: float = 0.005) -> float:
    """99% tolerance on the difference of two independent means, plus printed rounding (0.01 -> 0.005).

    Examples
    --------
    >>> round(mean_tolerance(0.24, 0.24, 500, 500), 4)
    0.0441
    """
    se = np.sqrt(std_paper**2 / trials_paper + std_ours**2 / trials_ours)
    return float(Z99 * se + printed)
