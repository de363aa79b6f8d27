r"""Exact connectivity of edge-independent random graphs (Siami, Theorem 3.2).

A frequency-faithful model draws every edge independently with its training frequency.  On a
graph whose connectivity needs one bridge of frequency :math:`\epsilon`, such a sample is
disconnected with probability at least :math:`1 - \epsilon` (Theorem 3.2).  On the barbell the
probability is exact: the bridge must be drawn and both cliques, each a :math:`G(n, p)`, must be
connected (Gilbert's recursion).

* :func:`gnp_connected_probability` -- ``P(G(n, p) connected)``, exact;
* :func:`barbell_disconnection_probability` -- ``P(disconnected)`` of the sampled barbell;
* :func:`clique_tree_connected_probability` -- the same for complete blocks joined in a tree of bridges.

Random sampling (Algorithm 5.1's baseline) keeps a uniformly random subset of a fixed number of
edges instead.  On complete blocks joined in a tree by single-edge bridges (the barbell, the Exp II
chain) its connectivity is exact too, by counting connected spanning subgraphs of ``K_n`` by their
number of edges:

* :func:`connected_subgraph_counts` -- connected spanning subgraphs of ``K_n`` with ``j`` edges;
* :func:`subset_keeps_all_probability` -- ``P(a uniform k-subset contains r given edges)``;
* :func:`clique_tree_subset_connected_probability` -- ``P(a uniform k-subset of edges is connected)``.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from math import comb

import numpy as np

__all__ = [
    "barbell_disconnection_probability",
    "clique_tree_connected_probability",
    "clique_tree_subset_connected_probability",
    "connected_subgraph_counts",
    "gnp_connected_probability",
    "subset_keeps_all_probability",
]


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


def _check_sizes(sizes) -> tuple[int, ...]:
    sizes = tuple(sizes)
    if not sizes or any(isinstance(s, bool) or int(s) != s or s < 1 for s in sizes):
        raise ValueError(f"block sizes must be a non-empty sequence of positive integers, got {sizes!r}.")
    return tuple(int(s) for s in sizes)


def clique_tree_connected_probability(sizes, p_clique: float, epsilon) -> np.ndarray:
    """Exact ``P(connected)`` of an edge-independent sample of complete blocks joined by a tree of bridges.

    The blocks are ``K_s`` for ``s`` in ``sizes``; ``len(sizes) - 1`` single-edge bridges join them
    in a tree (its shape and the bridges' end nodes do not matter).  Block edges are drawn with
    probability ``p_clique``, every bridge with ``epsilon``.  Connected iff every bridge is drawn
    and every block is connected: ``epsilon^b prod_i C(s_i, p_clique)`` (Theorem 3.2 keeps
    ``epsilon^b``).  ``epsilon`` broadcasts.

    Examples
    --------
    >>> float(clique_tree_connected_probability((8, 8), 1.0, 0.05))
    0.05
    >>> round(float(clique_tree_connected_probability((2, 1, 2), 0.5, 0.5)), 12)  # 4 independent halves
    0.0625
    """
    sizes = _check_sizes(sizes)
    if not 0.0 <= p_clique <= 1.0:
        raise ValueError(f"p_clique must lie in [0, 1], got {p_clique!r}.")
    eps = np.asarray(epsilon, dtype=float)
    if not np.all((eps >= 0) & (eps <= 1)):
        raise ValueError("epsilon must lie in [0, 1] (got a value outside it or NaN).")
    blocks = float(np.prod([gnp_connected_probability(s, p_clique) for s in sizes]))
    return eps ** (len(sizes) - 1) * blocks


@cache
def connected_subgraph_counts(n: int) -> tuple[int, ...]:
    """Number of connected spanning subgraphs of ``K_n`` with ``j`` edges, for ``j = 0 .. n(n-1)/2``.

    Gilbert's recursion refined by the number of edges, in exact integers: with
    ``g_n(x) = (1 + x)^{n(n-1)/2}`` counting all subgraphs by edges and ``c_n(x)`` the connected ones,
    ``c_n = g_n - sum_{k=1}^{n-1} binom(n-1, k-1) c_k g_{n-k}`` (node 1's component has ``k`` nodes).
    ``sum_j c_n[j] p^j (1-p)^{M-j}`` is :func:`gnp_connected_probability`; ``c_n[n-1] = n^{n-2}``
    (Cayley's spanning trees).

    Examples
    --------
    >>> connected_subgraph_counts(4)  # 38 connected labelled graphs on 4 nodes
    (0, 0, 0, 16, 15, 6, 1)
    """
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}.")
    n = int(n)
    if n == 1:
        return (1,)
    pairs = n * (n - 1) // 2
    out = [comb(pairs, j) for j in range(pairs + 1)]
    for k in range(1, n):
        ck = connected_subgraph_counts(k)
        rest = (n - k) * (n - k - 1) // 2
        w = comb(n - 1, k - 1)
        for i, c in enumerate(ck):
            if c:
                for j in range(rest + 1):
                    out[i + j] -= w * c * comb(rest, j)
    return tuple(out)


def _check_kept(kept, total: int) -> np.ndarray:
    k = np.asarray(kept)
    if k.dtype.kind not in "iu" or np.any(k < 0) or np.any(k > total):
        raise ValueError(f"kept must be integers between 0 and the {total} edges, got {kept!r}.")
    return k


def subset_keeps_all_probability(total: int, required: int, kept) -> np.ndarray:
    """``P(a uniformly random kept-subset of total edges contains r = required given edges)``.

    Hypergeometric: ``binom(total - r, kept - r) / binom(total, kept) = prod_{i<r} (kept - i)/(total - i)``;
    ``kept / total`` for one bridge, ``kept (kept - 1) / (total (total - 1))`` for two.  ``kept``
    broadcasts.

    Examples
    --------
    >>> float(subset_keeps_all_probability(57, 1, 28)), round(float(subset_keeps_all_probability(342, 2, 205)), 4)
    (0.49122807017543857, 0.3586)
    """
    if isinstance(total, bool) or int(total) != total or total < 0:
        raise ValueError(f"total must be a non-negative integer, got {total!r}.")
    if isinstance(required, bool) or int(required) != required or not 0 <= required <= total:
        raise ValueError(f"required must be an integer between 0 and total = {total}, got {required!r}.")
    k = _check_kept(kept, int(total)).astype(float)
    out = np.ones_like(k)
    for i in range(int(required)):
        out = out * np.clip(k - i, 0, None) / (total - i)
    return out


def clique_tree_subset_connected_probability(sizes, kept) -> np.ndarray:
    """Exact ``P(connected)`` of a uniformly random ``kept``-subset of the edges of a tree of cliques.

    The graph: complete blocks ``K_s`` (``s`` in ``sizes``) joined in a tree by ``b = len(sizes) - 1``
    single-edge bridges, ``M = sum_i binom(s_i, 2) + b`` edges (the Exp I barbell is ``(8, 8)``, the
    Exp II chain ``(10, 15, 20)``).  A subset is connected iff it holds every bridge and a connected
    spanning subgraph of every block, so the number of connected ``k``-subsets is the coefficient of
    ``x^{k - b}`` in ``prod_i c_{s_i}(x)`` (:func:`connected_subgraph_counts`), divided by
    ``binom(M, k)``.  Positive iff ``n - 1 <= k`` (a spanning tree fits).  ``kept`` broadcasts;
    exact rational arithmetic, rounded once to float.

    Examples
    --------
    >>> p = clique_tree_subset_connected_probability((2, 2), [0, 2, 3])  # a path of 3 edges
    >>> p.tolist()
    [0.0, 0.0, 1.0]
    >>> round(float(clique_tree_subset_connected_probability((8, 8), 28)), 4)
    0.438

    Notes
    -----
    Cost: one polynomial product of degree ``sum_i binom(s_i, 2)`` in exact integers; the block
    counts are cached per size.
    """
    sizes = _check_sizes(sizes)
    bridges = len(sizes) - 1
    total = sum(s * (s - 1) // 2 for s in sizes) + bridges
    k = _check_kept(kept, total)
    poly = [1]
    for s in sizes:
        c = connected_subgraph_counts(s)
        prod = [0] * (len(poly) + len(c) - 1)
        for i, a in enumerate(poly):
            if a:
                for j, b in enumerate(c):
                    prod[i + j] += a * b
        poly = prod
    flat = [
        float(Fraction(poly[int(kk) - bridges], comb(total, int(kk)))) if 0 <= int(kk) - bridges < len(poly) else 0.0
        for kk in k.ravel()
    ]
    return np.array(flat, dtype=float).reshape(k.shape)
