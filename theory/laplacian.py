"""Graphs as edge arrays, and their weighted Laplacian.

Everything in :mod:`theory` that touches a graph goes through this module, so the
rules for weights, self-loops and parallel edges are stated once:

* weights are **conductances** (larger = better connected), default 1;
* a weight must be a finite positive real number (any :class:`numbers.Real`, e.g. a
  :class:`fractions.Fraction`, converted with ``float``; ``ValueError`` otherwise,
  ``TypeError`` for a non-number, a bool or an array);
* self-loops carry no current and are left out of the Laplacian;
* parallel edges are resistors in parallel: their conductances add.

A networkx graph is accepted as an input object (duck-typed; networkx itself is never
imported here).
"""

from __future__ import annotations

import operator
import reprlib
from dataclasses import dataclass
from itertools import repeat
from numbers import Integral, Real
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = [
    "EdgeArrays",
    "PairArrays",
    "check_edge_arrays",
    "graph_arrays",
    "laplacian_matrix",
    "laplacian_stack",
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
    """Raise ``ValueError`` unless every entry of the float array ``w`` is finite and positive."""
    if w.size and not np.all(np.isfinite(w)):
        raise ValueError("edge weights must be finite (got NaN or inf); weights are conductances.")
    if w.size and not np.all(w > 0):
        raise ValueError("edge weights must be positive conductances (got zero or a negative weight).")


def check_edge_arrays(n: int, tails: Any, heads: Any, conductances: Any = None) -> EdgeArrays:
    """Validate an edge list on nodes ``0 .. n-1`` and return it as :class:`EdgeArrays`.

    Raises
    ------
    TypeError
        If ``n`` is not an integer, ``tails``/``heads`` do not hold integers, or a
        conductance is not a real number (strings, bools and complex numbers included).
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
        w = _real_array(conductances)
        if w.shape != t.shape:
            raise ValueError(
                f"conductances must have the same length as the edges (one value per edge), "
                f"got shape {w.shape} for {t.size} edges."
            )
    _check_conductances(w)
    return EdgeArrays(int(n), t, h, w)


def graph_arrays(G: Any, weight: str | None = "weight") -> EdgeArrays:
    """Convert an undirected (multi)graph into :class:`EdgeArrays`, edges in ``G.edges()`` order.

    Parameters
    ----------
    G : networkx.Graph or networkx.MultiGraph
        Any hashable node labels.  Directed graphs are rejected.
    weight : str or None
        Edge attribute holding the conductance; ``None`` means every edge has
        conductance 1, and so does an edge without the attribute.  A value may be any
        finite positive :class:`numbers.Real` (``int``, ``float``, numpy scalars,
        :class:`fractions.Fraction`), converted with ``float``.

    Raises
    ------
    TypeError
        For a non-graph, a directed graph, or a weight that is not a real number
        (a string, ``None``, a bool, a list or an array -- even a 1-element one).
    ValueError
        For a graph without nodes, a weight that is not finite and positive, or a
        likely misspelt ``weight``: the graph has edges, **none** of them carries the
        attribute ``weight``, and some edge carries another attribute with a real
        value.  (An unweighted graph, whose edges carry no numeric attribute at all,
        still means unit conductances; pass ``weight=None`` to ignore the attributes.)
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
        triples = list(G.edges(data=True))
    m = len(triples)
    tails = np.fromiter((index[u] for u, _, _ in triples), dtype=np.int64, count=m)
    heads = np.fromiter((index[v] for _, v, _ in triples), dtype=np.int64, count=m)
    if weight is None:
        raw = [x for _, _, x in triples]
    else:
        raw = [d.get(weight, _MISSING) for _, _, d in triples]
        missing = sum(map(operator.is_, raw, repeat(_MISSING)))
        if missing == m and m:
            _reject_misspelt_weight(map(operator.itemgetter(2), triples), weight)
            raw = [1.0] * m
        elif missing:
            raw = [1.0 if x is _MISSING else x for x in raw]
    w = _real_array(raw, f"edge weight {weight!r}", one_per_item=True)
    _check_conductances(w)
    return EdgeArrays(len(nodes), tails, heads, w, nodes)


_MISSING = object()
"""Placeholder for an edge without the weight attribute (it then has conductance 1)."""


def _reject_misspelt_weight(edge_data: Any, weight: str) -> None:
    """Raise if no edge has ``weight`` (the caller knows) but some edge's data dict has
    another real-valued attribute."""
    for data in filter(None, edge_data):  # skip the empty dicts of unweighted edges quickly
        numeric = sorted(repr(key) for key, x in data.items() if _is_real(x))
        if numeric:
            raise ValueError(
                f"no edge carries the weight attribute {weight!r}, but edges carry the numeric "
                f"attribute {numeric[0]}; pass the attribute's name as weight, or weight=None "
                "for unit conductances."
            )


def _real_array(values: Any, what: str = "each edge weight (conductance)", one_per_item: bool = False) -> np.ndarray:
    """``values`` (real numbers) as a float64 array.

    Plain int/float input takes numpy's conversion unchanged; anything else is checked
    one value at a time, so that a string, a bool, a complex number or an array (even a
    1-element one) raises ``TypeError`` naming it, and any other :class:`numbers.Real`
    (a :class:`fractions.Fraction`, a huge int) goes through ``float``.  With
    ``one_per_item`` (a list of per-edge values), nested values never take the fast path.
    """
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError):  # ragged values such as [1.0, [2.0, 3.0]]
        arr = None
    if arr is not None and (arr.size == 0 or arr.dtype.kind in "iuf"):
        # per-edge values: a nested value (1-element array) or a bool (numpy makes it 1.0)
        # among the numbers must not pass unnoticed
        if (
            arr.size == 0
            or not one_per_item
            or (arr.ndim == 1 and not any(map(_BOOL_TYPES.__contains__, map(type, values))))
        ):
            return arr.astype(np.float64, copy=False)
    items = list(values) if arr is None or arr.ndim > 0 else [values]
    out = np.empty(len(items))
    for i, x in enumerate(items):
        if not _is_real(x):
            raise TypeError(f"{what} must be a real number, got {reprlib.repr(x)}.")
        try:
            out[i] = float(x)
        except OverflowError:
            raise ValueError(f"{what} must be finite, got {reprlib.repr(x)} (too large for float64).") from None
    return out if arr is None or arr.ndim > 0 else out.reshape(())


_BOOL_TYPES = frozenset({bool, np.bool_})


def _is_real(x: Any) -> bool:
    """True for a :class:`numbers.Real` (ints, floats, numpy scalars, Fractions), False for
    bools, str, None, complex numbers and containers (arrays included)."""
    return isinstance(x, Real) and not isinstance(x, (bool, np.bool_))


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
    return PairArrays(uniq // edges.n, uniq % edges.n, cond, counts.astype(np.int64), edge_to_pair)


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


def laplacian_stack(n: int, tails: Any, heads: Any, masks: Any, conductances: Any = None) -> np.ndarray:
    """Dense Laplacians ``L = D - A`` of the subgraphs of one edge list selected by ``masks``.

    The batched dense twin of :func:`laplacian_matrix`, for ``K`` subgraphs (trials) of a small
    graph: same rules (parallel edges add, a self-loop contributes nothing).

    Parameters
    ----------
    n : int
        Nodes of ``G``.
    tails, heads : array_like of int, shape (m,)
        Edges of ``G``, node indices in ``[0, n)``.
    masks : array_like of bool, shape (K, m) or (m,)
        Which edges each subgraph keeps.
    conductances : array_like, scalar or shape (m,) or (K, m), optional
        Edge conductances (default 1); entries of dropped edges are ignored, kept ones must be
        finite and positive.

    Returns
    -------
    ndarray, shape (K, n, n)

    Raises
    ------
    TypeError
        If ``n`` is not an integer, ``tails``/``heads`` do not hold integers, or ``conductances``
        are not real numbers.
    ValueError
        If ``n < 1``, ``tails`` and ``heads`` are not 1-D arrays of one length, an index lies
        outside ``[0, n)``, ``masks`` do not have shape ``(K, m)`` or ``(m,)``, ``conductances``
        do not broadcast to ``(K, m)``, or a kept edge's conductance is not finite and positive.

    Examples
    --------
    >>> laplacian_stack(3, [0, 1], [1, 2], [[True, False]])[0]
    array([[ 1., -1.,  0.],
           [-1.,  1.,  0.],
           [ 0.,  0.,  0.]])
    """
    edges = check_edge_arrays(n, tails, heads)
    t, h = edges.tails, edges.heads
    M = np.atleast_2d(np.asarray(masks, dtype=bool))
    if M.ndim != 2:
        raise ValueError(f"masks must have shape (K, m) or (m,), got {M.shape}.")
    if M.shape[1] != t.size:
        raise ValueError(f"masks have {M.shape[1]} columns for {t.size} edges; lengths must match.")
    K, m = M.shape
    if conductances is None:
        w = np.ones((K, m))
    else:
        try:
            c = np.asarray(conductances, float)
        except (TypeError, ValueError):
            raise TypeError("edge weights (conductances) must be real numbers.") from None
        try:
            w = np.broadcast_to(c, (K, m))
        except ValueError:
            raise ValueError(f"conductances of shape {c.shape} do not broadcast to the masks' {(K, m)}.") from None
        _check_conductances(w[M])
    w = np.where(M, w, 0.0)
    L = np.zeros((K, n * n))
    flat = np.arange(K)[:, None] * (n * n)
    for a, b, sign in ((t, h, -1.0), (h, t, -1.0), (t, t, 1.0), (h, h, 1.0)):
        np.add.at(L.reshape(-1), (flat + (a * n + b)[None, :]).ravel(), (sign * w).ravel())
    return L.reshape(K, n, n)
