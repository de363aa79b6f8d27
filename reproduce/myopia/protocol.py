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
from theory.laplacian import laplacian_stack
from theory.sparsifier_quality import algebraic_connectivity, is_connected, relative_spectral_error
from theory.sparsifiers import METHODS, method_scores, rank_sparsify

__all__ = ["Workload", "run_protocol"]


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
    def from_edges(cls, n: int, tails: np.ndarray, heads: np.ndarray, frequency: np.ndarray) -> Workload:
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
