"""Graphs as edge arrays, and their weighted Laplacian.

Everything in :mod:`theory` that touches a graph goes through this module, so the
rules for weights, self-loops and parallel edges are stated once:

* weights are **conductances** (larger = better connected), default 1;
* a weight must be a finite positive number (``ValueError`` otherwise, ``TypeError``
  for a non-number);
* self-loops carry no current and are left out of the Laplacian;
* parallel edges are resistors in parallel: their conductances add.

A networkx graph is accepted as an input object (duck-typed; networkx itself is never
imported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = [
    "EdgeArrays",
    "PairArrays",
    "check_edge_arrays",
    "graph_arrays",
    "laplacian_matrix",
    "merge_parallel_edges",
]


@dataclass(frozen=True)
class EdgeArrays:
    """A graph's edges on integer node indices.

    Attributes
    ----------
    n : int
        Number of nodes; nodes are ``0 .. n-1``.
    tails, heads : ndarray of int64, shape (m,)
        Edge ``i`` joins ``tails[i]`` and ``heads[i]``.
    conductances : ndarray of float64, shape (m,)
        Finite, positive.
    nodes : list or None
        The original node labels in index order (None for array input).
    """

    n: int
    tails: np.ndarray
    heads: np.ndarray
    conductances: np.ndarray
    nodes: list | None = None


@dataclass(frozen=True)
class PairArrays:
    """Parallel edges merged into one conductance per unordered node pair; loops dropped.

    Attributes
    ----------
    tails, heads : ndarray of int64, shape (p,)
        ``tails < heads`` for every pair.
    conductances : ndarray, shape (p,)
        Sum of the merged edges' conductances.
    multiplicity : ndarray of int64, shape (p,)
        How many edges were merged into the pair.
    edge_to_pair : ndarray of int64, shape (m,)
        Pair index of each original edge, ``-1`` for a self-loop.
    """

    tails: np.ndarray
    heads: np.ndarray
    conductances: np.ndarray
    multiplicity: np.ndarray
    edge_to_pair: np.ndarray


def _check_conductances(w: np.ndarray) -> None:
    if w.size and not np.all(np.isfinite(w)):
        raise ValueError("edge weights must be finite (got NaN or inf); weights are conductances.")
    if w.size and not np.all(w > 0):
        raise ValueError("edge weights must be positive conductances (got zero or a negative weight).")


def check_edge_arrays(
    n: int, tails: Any, heads: Any, conductances: Any = None
) -> EdgeArrays:
    """Validate an edge list on nodes ``0 .. n-1`` and return it as :class:`EdgeArrays`.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or an array is not numeric.
    ValueError
        If ``n < 1``, the arrays differ in length, an index is outside ``[0, n)``,
        or a conductance is not finite and positive.
    """
    if not isinstance(n, Integral) or isinstance(n, bool):
        raise TypeError(f"the number of nodes must be an integer, got {type(n).__name__}.")
    if n < 1:
        raise ValueError("the graph has no nodes; effective resistance needs at least one node.")
    t = np.asarray(tails)
    h = np.asarray(heads)
    if t.ndim != 1 or h.ndim != 1:
        raise ValueError("tails and heads must be one-dimensional arrays of node indices.")
    if t.shape != h.shape:
        raise ValueError(f"tails and heads must have the same length, got {t.size} and {h.size}.")
    if t.size and not (np.issubdtype(t.dtype, np.integer) and np.issubdtype(h.dtype, np.integer)):
        raise TypeError("tails and heads must hold integer node indices.")
    t = t.astype(np.int64, copy=False)
    h = h.astype(np.int64, copy=False)
    if t.size and (min(t.min(), h.min()) < 0 or max(t.max(), h.max()) >= n):
        raise ValueError(f"node indices must be in the range [0, {n}).")
    if conductances is None:
        w = np.ones(t.size)
    else:
        try:
            w = np.asarray(conductances, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError("edge weights (conductances) must be real numbers.") from None
        if w.shape != t.shape:
            raise ValueError(f"conductances must have the same length as the edges, got {w.size} for {t.size}.")
    _check_conductances(w)
    return EdgeArrays(int(n), t, h, w)


def graph_arrays(G: Any, weight: str | None = "weight") -> EdgeArrays:
    """Convert an undirected (multi)graph into :class:`EdgeArrays`, edges in ``G.edges()`` order.

    Parameters
    ----------
    G : networkx.Graph or networkx.MultiGraph
        Any hashable node labels.  Directed graphs are rejected.
    weight : str or None
        Edge attribute holding the conductance; missing attribute (or ``None``) means 1.

    Raises
    ------
    TypeError
        For a non-graph, a directed graph, or a non-numeric weight.
    ValueError
        For a graph without nodes or a weight that is not finite and positive.
    """
    if not all(hasattr(G, a) for a in ("is_directed", "edges", "nodes")):
        raise TypeError(f"expected a networkx graph, got {type(G).__name__}.")
    if G.is_directed():
        raise TypeError("effective resistance is defined for undirected graphs; got a directed graph.")
    nodes = list(G)
    if not nodes:
        raise ValueError("the graph has no nodes; effective resistance needs at least one node.")
    index = {node: i for i, node in enumerate(nodes)}
    if weight is None:
        triples = [(u, v, 1.0) for u, v in G.edges()]
    else:
        triples = list(G.edges(data=weight, default=1.0))
    m = len(triples)
    tails = np.fromiter((index[u] for u, _, _ in triples), dtype=np.int64, count=m)
    heads = np.fromiter((index[v] for _, v, _ in triples), dtype=np.int64, count=m)
    raw = [x for _, _, x in triples]
    try:
        arr = np.array(raw)
    except (TypeError, ValueError):  # ragged values such as [1.0]
        arr = np.array(raw, dtype=object)
    if arr.size and arr.dtype.kind not in "iuf":
        bad = next((x for x in raw if not _is_real(x)), raw[0])
        raise TypeError(f"edge weight {weight!r} must be a real number, got {bad!r}.")
    w = arr.astype(np.float64, copy=False).reshape(-1)
    _check_conductances(w)
    return EdgeArrays(len(nodes), tails, heads, w, nodes)


def _is_real(x: Any) -> bool:
    """True for ints and floats (Python or numpy), False for str, bool, None, containers."""
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def merge_parallel_edges(edges: EdgeArrays) -> PairArrays:
    """Merge parallel edges (conductances add) and drop self-loops.

    Examples
    --------
    >>> import numpy as np
    >>> e = check_edge_arrays(3, [0, 1, 0, 2], [1, 0, 2, 2], [1.0, 2.0, 0.5, 9.0])
    >>> p = merge_parallel_edges(e)
    >>> p.tails.tolist(), p.heads.tolist(), p.conductances.tolist(), p.edge_to_pair.tolist()
    ([0, 0], [1, 2], [3.0, 0.5], [0, 0, 1, -1])
    """
    t, h, w = edges.tails, edges.heads, edges.conductances
    lo, hi = np.minimum(t, h), np.maximum(t, h)
    proper = lo != hi
    key = lo[proper] * np.int64(edges.n) + hi[proper]
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    edge_to_pair = np.full(t.size, -1, dtype=np.int64)
    edge_to_pair[proper] = inverse
    cond = np.bincount(inverse, weights=w[proper], minlength=uniq.size)
    return PairArrays(
        uniq // edges.n, uniq % edges.n, cond, counts.astype(np.int64), edge_to_pair
    )


def laplacian_matrix(n: int, tails: np.ndarray, heads: np.ndarray, conductances: np.ndarray) -> sp.csr_matrix:
    """The weighted Laplacian ``L = D - A`` (CSR, float64) of a loop-free edge list.

    Parallel entries are summed, so unmerged parallel edges are also handled.

    Examples
    --------
    >>> import numpy as np
    >>> laplacian_matrix(3, np.array([0, 1]), np.array([1, 2]), np.array([2.0, 1.0])).toarray()
    array([[ 2., -2.,  0.],
           [-2.,  3., -1.],
           [ 0., -1.,  1.]])
    """
    w = np.asarray(conductances, dtype=np.float64)
    rows = np.concatenate([tails, heads, tails, heads])
    cols = np.concatenate([heads, tails, tails, heads])
    vals = np.concatenate([-w, -w, w, w])
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
