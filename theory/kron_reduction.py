r"""Subtraction-free elimination of nodes from a resistor network (Kron reduction).

Eliminating a node ``t`` of a network with conductance matrix ``W`` (the star-mesh transform)
adds ``W_it W_tj / sum_k W_tk`` to every ``W_ij``; the effective conductance between two nodes
is what joins them once every other node is gone.  Only sums, products and quotients of
positive numbers occur, so every entry keeps a relative error of a few ``eps`` per elimination
*whatever the conductance ratios* -- unlike the grounded-Laplacian solves of
:mod:`theory.effective_resistance`, which lose accuracy as the ratios grow.  That module falls
back on these functions when its rounding estimate says the standard solve cannot be trusted.

* :func:`pair_resistances` -- many pairs of a dense network, sharing elimination work, ``O(s^3)``;
* :func:`pair_conductance` -- one pair of a sparse network, lowest degree first: trees, cycles
  and long thin graphs in ``O(n)``;
* :func:`eliminate_trailing`, :func:`banded_positions` -- the elimination step and a node order
  (reverse Cuthill--McKee) that keeps the fill small.
"""

from __future__ import annotations

import heapq

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import reverse_cuthill_mckee

__all__ = ["banded_positions", "eliminate_trailing", "pair_conductance", "pair_resistances"]


def banded_positions(s: int, lt: np.ndarray, lh: np.ndarray) -> np.ndarray:
    """Position of each node in a reverse Cuthill--McKee order (neighbours stay close)."""
    adjacency = sp.csr_matrix((np.ones(lt.size), (lt, lh)), shape=(s, s))
    order = reverse_cuthill_mckee((adjacency + adjacency.T).tocsr(), symmetric_mode=True)
    pos = np.empty(s, dtype=np.int64)
    pos[order] = np.arange(s)
    return pos


def pair_resistances(W: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Resistance of each pair ``(a[i], b[i])`` (distinct pairs, ``a != b``) of a connected network.

    ``W`` holds the conductances (symmetric, diagonal ignored; not modified).  For a pair,
    every other node is eliminated (Kron reduction, :func:`eliminate_trailing`) and the
    resistance is ``1 / W_ab`` of what remains.  The pairs share that work: sorted by the
    bit-interleaved (Morton) code of ``(min, max)``, they are split like a quadtree of the
    ``s x s`` pair matrix, and each half first eliminates the nodes none of its pairs
    touches.  ``O(s**3)`` for banded graphs and for all pairs of ``s`` nodes.
    """
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    codes = np.zeros(lo.size, dtype=np.int64)
    for bit in range(max(1, int(W.shape[0] - 1).bit_length())):
        codes |= ((lo >> bit) & 1) << (2 * bit)
        codes |= ((hi >> bit) & 1) << (2 * bit + 1)
    order = np.argsort(codes, kind="stable")
    out = np.empty(lo.size)
    _reduce_recursively(W, lo[order], hi[order], codes[order], order, out)
    return out


def _reduce_recursively(
    W: np.ndarray, a: np.ndarray, b: np.ndarray, codes: np.ndarray, where: np.ndarray, out: np.ndarray
) -> None:
    needed = np.union1d(a, b)
    if needed.size < W.shape[0]:
        perm = np.concatenate([needed, np.setdiff1d(np.arange(W.shape[0]), needed, assume_unique=True)])
        W = eliminate_trailing(W[np.ix_(perm, perm)], needed.size)
        a, b = np.searchsorted(needed, a), np.searchsorted(needed, b)
    if codes[0] == codes[-1]:  # one pair (sorted codes: first == last means all equal)
        out[where] = 1.0 / W[a[0], b[0]]
        return
    top = (int(codes[0]) ^ int(codes[-1])).bit_length() - 1
    split = int(np.searchsorted(codes, (int(codes[-1]) >> top) << top))
    for part in (slice(None, split), slice(split, None)):
        _reduce_recursively(W, a[part], b[part], codes[part], where[part], out)


def eliminate_trailing(W: np.ndarray, keep: int) -> np.ndarray:
    """Eliminate nodes ``keep, ..., s-1`` of the conductance matrix ``W`` (overwritten).

    Eliminating node ``t`` (star-mesh transform) adds ``W_it W_tj / sum_k W_tk`` to every
    ``W_ij``: only sums, products and quotients of positive numbers, so each entry keeps a
    relative error of a few ``eps`` per elimination, whatever the conductance ratios.
    The diagonal accumulates garbage and is never read.
    """
    for t in range(W.shape[0] - 1, keep - 1, -1):
        row = W[t, :t]
        total = row.sum()
        if total > 0:
            W[:t, :t] += np.outer(row, row / total)
    return W[:keep, :keep]


def pair_conductance(
    s: int, rows: np.ndarray, cols: np.ndarray, w: np.ndarray, a: int, b: int, *, max_work: int = 10**7
) -> float:
    """Effective conductance between nodes ``a`` and ``b`` of a connected network (edge list).

    Every other node is eliminated subtraction-free (as :func:`eliminate_trailing`),
    lowest current degree first, on adjacency dicts: a leaf drops out (no current flows
    into it), a degree-2 node folds its two edges in series, parallel conductances add.
    Trees, cycles and long thin graphs reduce in ``O(n)``.
    """
    adj: list[dict | None] = [{} for _ in range(s)]
    for i, j, c in zip(rows.tolist(), cols.tolist(), w.tolist()):
        adj[i][j] = adj[i].get(j, 0.0) + c
        adj[j][i] = adj[i][j]
    heap = [(len(adj[v]), v) for v in range(s) if v != a and v != b]
    heapq.heapify(heap)
    work = 0
    while heap:
        degree, v = heapq.heappop(heap)
        nbrs = adj[v]
        if nbrs is None or degree != len(nbrs):  # eliminated, or a stale degree
            continue
        adj[v] = None
        items = list(nbrs.items())
        work += len(items) ** 2
        if work > max_work:
            raise ValueError(f"the exact elimination of the {s}-node network would exceed {max_work:.0e} fill updates.")
        total = sum(c for _, c in items)
        for p, _ in items:
            del adj[p][v]
        for k, (p, cp) in enumerate(items):
            share = cp / total
            for q, cq in items[k + 1 :]:
                c = adj[p].get(q, 0.0) + share * cq
                adj[p][q] = c
                adj[q][p] = c
        for p, _ in items:
            if p != a and p != b:
                heapq.heappush(heap, (len(adj[p]), p))
    return adj[a][b]
