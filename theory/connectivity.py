r"""Exact connectivity of edge-independent random graphs (Siami, Theorem 3.2).

A frequency-faithful model draws every edge independently with its training frequency.  On a
graph whose connectivity needs one bridge of frequency :math:`\epsilon`, such a sample is
disconnected with probability at least :math:`1 - \epsilon` (Theorem 3.2).  On the barbell the
probability is exact: the bridge must be drawn and both cliques, each a :math:`G(n, p)`, must be
connected (Gilbert's recursion).

* :func:`gnp_connected_probability` -- ``P(G(n, p) connected)``, exact;
* :func:`barbell_disconnection_probability` -- ``P(disconnected)`` of the sampled barbell.
"""

from __future__ import annotations

from math import comb

import numpy as np

__all__ = ["barbell_disconnection_probability", "gnp_connected_probability"]


def gnp_connected_probability(n: int, p: float) -> float:
    """Exact probability that the Erdos--Renyi graph ``G(n, p)`` is connected (Gilbert 1959).

    With ``q = 1 - p``, ``C_1 = 1`` and
    ``C_n = 1 - sum_{k=1}^{n-1} binom(n-1, k-1) C_k q^{k (n-k)}``: the component of node 1
    has ``k`` nodes with probability ``binom(n-1, k-1) C_k q^{k(n-k)}``.

    Examples
    --------
    >>> round(gnp_connected_probability(2, 0.3), 12)
    0.3
    >>> round(gnp_connected_probability(3, 0.5), 12)  # 4 of the 8 graphs on 3 labelled nodes
    0.5
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}.")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must lie in [0, 1], got {p!r}.")
    q = 1.0 - p
    C = [0.0, 1.0]
    for size in range(2, int(n) + 1):
        C.append(1.0 - sum(comb(size - 1, k - 1) * C[k] * q ** (k * (size - k)) for k in range(1, size)))
    return C[int(n)]


def barbell_disconnection_probability(clique: int, p_clique: float, epsilon) -> np.ndarray:
    """Exact ``P(disconnected)`` of an edge-independent sample of the barbell ``2 x K_clique``.

    Connected iff the bridge is drawn (probability ``epsilon``) and both cliques, each a
    ``G(clique, p_clique)``, are connected: ``1 - epsilon C^2``.  Theorem 3.2 keeps only the
    bridge term, ``1 - epsilon``.

    Examples
    --------
    >>> float(barbell_disconnection_probability(2, 1.0, 0.05))
    0.95
    """
    C = gnp_connected_probability(clique, p_clique)
    return 1.0 - np.asarray(epsilon, dtype=float) * C * C
