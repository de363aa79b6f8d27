"""Bridges (cut edges) of an undirected graph, found with array operations only.

A bridge is an edge whose removal disconnects its endpoints.  In an electrical network
it is exactly the edge through which all current between its endpoints must flow, so
``w_e R_eff(e) = 1`` (Siami, eq. 3.1) -- which is why :mod:`theory.effective_resistance`
sets bridges to ``1/w`` exactly instead of trusting round-off.

Algorithm
---------
Take a breadth-first spanning forest (a virtual root joins the components).  A tree
edge ``(parent(c), c)`` is a bridge iff no non-tree edge has exactly one end in the
subtree of ``c``.  That count is

    cross(c) = sum_{v in sub(c)} d'(v) - 2 * #{non-tree edges f : lca(f) in sub(c)},

with ``d'`` the non-tree degree, because a non-tree edge has both ends in ``sub(c)``
iff ``c`` is an ancestor of its endpoints' lowest common ancestor.  Subtree sums are
one sparse triangular solve in breadth-first order; the LCAs come from binary lifting.
Cost ``O((n + m) log n)`` in vectorised numpy, exact integer arithmetic (float64 sums
of integers below 2**53).  Unlike a depth-first search, nothing here is quadratic in a
node's degree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.sparse.linalg import spsolve_triangular

from theory.laplacian import check_edge_arrays, merge_parallel_edges

__all__ = ["bridge_mask"]


def bridge_mask(n: int, tails: Any, heads: Any) -> np.ndarray:
    """Mark the bridges of an undirected multigraph given as an edge list.

    Parameters
    ----------
    n : int
        Number of nodes, labelled ``0 .. n-1``.
    tails, heads : array_like of int, shape (m,)
        Edge ``i`` joins ``tails[i]`` and ``heads[i]``.

    Returns
    -------
    ndarray of bool, shape (m,)
        True where edge ``i`` is a bridge.  Self-loops and edges with a parallel twin are
        never bridges.

    Raises
    ------
    ValueError, TypeError
        As :func:`theory.laplacian.check_edge_arrays`.

    Examples
    --------
    Two triangles joined by the edge 2-3:

    >>> bridge_mask(6, [0, 1, 2, 2, 3, 4, 5], [1, 2, 0, 3, 4, 5, 3]).tolist()
    [False, False, False, True, False, False, False]
    """
    edges = check_edge_arrays(n, tails, heads)
    pairs = merge_parallel_edges(edges)
    is_bridge_pair = _simple_bridges(n, pairs.tails, pairs.heads) & (pairs.multiplicity == 1)
    out = np.zeros(edges.tails.size, dtype=bool)
    proper = pairs.edge_to_pair >= 0
    out[proper] = is_bridge_pair[pairs.edge_to_pair[proper]]
    return out


def _simple_bridges(n: int, t: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Bridge mask of a simple graph (no loops, no parallel pairs) with ``t < h``."""
    p = t.size
    if p == 0:
        return np.zeros(0, dtype=bool)
    root = n  # a virtual root adjacent to one node of every component
    _, labels = connected_components(sp.csr_matrix((np.ones(p), (t, h)), shape=(n, n)), directed=False)
    _, first = np.unique(labels, return_index=True)
    rows = np.concatenate([t, first])
    cols = np.concatenate([h, np.full(first.size, root)])
    adj = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n + 1, n + 1))
    order, parent = breadth_first_order(adj + adj.T, root, directed=False, return_predecessors=True)
    parent = parent.astype(np.int64)
    parent[root] = root

    # Which pairs are tree edges (child, parent(child))?
    child = np.where(parent[t] == h, t, np.where(parent[h] == t, h, -1))
    tree = child >= 0
    # A node's tree edge is found once: (c, parent c) appears once in a simple graph.

    pos = np.empty(n + 1, dtype=np.int64)
    pos[order] = np.arange(n + 1)
    nonroot = order[1:]
    # Parent precedes child in BFS order, so T[pos parent, pos child] is strictly upper.
    T = sp.csr_matrix((np.ones(n), (pos[parent[nonroot]], pos[nonroot])), shape=(n + 1, n + 1))
    eye = sp.identity(n + 1, format="csr")
    depth_by_pos = spsolve_triangular((eye - T.T).tocsr(), np.r_[0.0, np.ones(n)], lower=True)
    depth = np.empty(n + 1, dtype=np.int64)
    depth[order] = np.rint(depth_by_pos).astype(np.int64)

    a, b = t[~tree], h[~tree]
    lca = _lowest_common_ancestors(parent, depth, a, b)
    x = np.bincount(a, minlength=n + 1) + np.bincount(b, minlength=n + 1) - 2 * np.bincount(lca, minlength=n + 1)
    sub_by_pos = spsolve_triangular((eye - T).tocsr(), x[order].astype(np.float64), lower=False)
    crossing = np.empty(n + 1)
    crossing[order] = sub_by_pos
    out = np.zeros(p, dtype=bool)
    out[tree] = np.rint(crossing[child[tree]]) == 0
    return out


def _lowest_common_ancestors(parent: np.ndarray, depth: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """LCA of each pair ``(a[i], b[i])`` in a rooted forest, by binary lifting."""
    if a.size == 0:
        return a.copy()
    a, b = a.copy(), b.copy()
    swap = depth[a] < depth[b]
    a[swap], b[swap] = b[swap], a[swap]
    diff = depth[a] - depth[b]
    levels = max(1, int(depth.max()).bit_length())
    dtype = np.int32 if parent.size < 2**31 else np.int64
    up = [parent.astype(dtype)]
    for _ in range(1, levels):
        up.append(up[-1][up[-1]])
    for j in range(levels):
        move = (diff >> j) & 1 == 1
        a[move] = up[j][a[move]]
    for j in reversed(range(levels)):
        ua, ub = up[j][a], up[j][b]
        move = ua != ub
        a[move], b[move] = ua[move], ub[move]
    return np.where(a == b, a, parent[a])
