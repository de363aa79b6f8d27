r"""Effective resistance of graph edges: exact, and Spielman--Srivastava approximate.

For a graph with Laplacian :math:`L = D - A` (edge weights are **conductances**), the
effective resistance between nodes ``u`` and ``v`` is (Siami, eq. 3.1)

.. math:: R_{\mathrm{eff}}(u, v) = (\mathbf 1_u - \mathbf 1_v)^\top L^{+} (\mathbf 1_u - \mathbf 1_v).

Conventions (shared by every function here, see :mod:`theory.laplacian`):

* a missing weight attribute means conductance 1; weights must be finite and positive;
* parallel edges add their conductances; self-loops are ignored (their own resistance is 0);
* nodes in different connected components are at resistance ``inf``;
* a bridge ``e`` has ``R_eff(e) = 1 / w_e`` *exactly*: bridges are found combinatorially
  (:func:`theory.bridges.bridge_mask`) and set, by both methods;
* every exact result is within :data:`EXACT_RTOL` (``1e-8``) relative of the true value,
  or the call raises ``ValueError`` saying why it cannot be trusted (see *Accuracy*).

Accuracy
--------
The standard exact path forms ``R_uv = X_uu + X_vv - 2 X_uv`` from the inverse ``X`` of the
Laplacian grounded at one node (Cholesky or sparse LU).  That subtraction cancels: its
rounding error is about ``eps * (X_uu + X_vv + 2|X_uv|)``, large next to a small ``R_uv``
when the conductances span many orders of magnitude (a strong edge far from the ground).
Forming the diagonal ``sum_e w_e`` also drops a weak conductance next to a strong one.
So each connected component is checked first, in ``O(m)``:

* **trusted** -- conductance ratio ``max/min <= RATIO_TRUSTED`` (``1e6``), largest
  conductance within ``2**+-64``, and an *a posteriori* rounding estimate (the
  amplification above, times ``ERROR_SAFETY * eps``) at most ``1e-8``: the standard result
  is returned unchanged (bit for bit the values of earlier versions);
* otherwise the component is **rescaled** by a power of two (exact, so ``1e308`` or
  ``1e-300`` conductances neither overflow nor underflow; ``R`` scales as ``1/c``), split
  at its bridges (exact, ``1/w``) into 2-edge-connected pieces -- an edge's resistance
  depends on its piece alone -- and each piece is either trusted as above or solved by
  **subtraction-free elimination** (Kron reduction: eliminating node ``k`` adds
  ``w_ik w_kj / sum_j w_kj`` to the conductance ``i``-``j``; series and parallel reductions
  are special cases).  It uses only ``+``, ``*`` and ``/`` on positive numbers, so every
  result carries a relative error of a few ``eps`` per eliminated node whatever the
  ratios (it matches exact rational arithmetic to ~1e-15 at ratios 1e100);
* a **ValueError** says why a result cannot be trusted when the fallback is too large
  (``REDUCTION_MAX``, ``REDUCTION_MATRIX_MAX``, ``REDUCTION_WORK``), the ratio exceeds
  ``RATIO_LIMIT`` (``1e100``), or a resistance leaves float64's accurate range.

Iterative refinement of the grounded solve is *not* used: the error sits in the
cancellation and in the lost diagonal digits, which a float64 residual does not see.

.. note:: networkx's :func:`networkx.resistance_distance` reads a ``weight`` attribute as a
   **resistance** (``invert_weight=True`` is its default) and ignores weights unless asked
   (``weight=None``).  Here the attribute is a conductance and is used by default.  To get
   networkx's numbers from this module, store ``1/w`` in the attribute, or call networkx
   with ``invert_weight=False``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from theory.bridges import bridge_mask
from theory.kron_reduction import banded_positions, pair_conductance, pair_resistances
from theory.laplacian import (
    EdgeArrays,
    check_edge_arrays,
    graph_arrays,
    laplacian_matrix,
    merge_parallel_edges,
)
from theory.resistance_sketch import SOLVERS, check_sketch_parameters, sketch_pair_resistances, sketch_size

__all__ = [
    "DENSE_MAX",
    "EXACT_RTOL",
    "EdgeResistances",
    "edge_resistance_array",
    "edge_resistances",
    "resistance",
    "resistance_matrix",
    "resistance_stack",
    "sketch_size",
]

METHODS = ("exact", "approx")

DENSE_MAX = 1000
"""Components up to this many nodes always use the dense grounded Cholesky path."""

DENSE_FILL_RATIO = 150.0
"""Above :data:`DENSE_MAX`, the sparse path is kept while ``nnz(LU) * ratio < s**2``.

Measured (``python -m reproduce.bench.resistance``): the sparse path costs about
``s * nnz(LU)`` and the dense one ``s**3``; on a 70x70 grid (``s**2 / nnz ~ 150``) the two
take about the same time.  Denser factors (random expanders) go dense.
"""

DENSE_LIMIT = 12000
"""Largest component the dense fallback may take (its inverse needs ``8 s**2`` bytes)."""

SPARSE_BLOCK_BYTES = 2**27
"""Memory for one block of inverse columns on the sparse path (at most 512 columns)."""

EXACT_RTOL = 1e-8
"""Relative accuracy of every exact result; one that cannot be trusted to it raises ``ValueError``."""

ERROR_SAFETY = 16.0
"""Factor on the rounding estimates.  Measured against exact values (cycles, caveman graphs,
grids, random regular graphs, ratios 1e2..1e8, 12..500 nodes), the true error of the standard
path reached 2.6x the bare estimate for edges and 0.5x for :func:`resistance`."""

RATIO_TRUSTED = 1e6
"""Largest ``max/min`` conductance ratio of a component that the standard path may take.

``ERROR_SAFETY * eps * 1e6 < 4e-9``: the Laplacian's diagonal sums still hold the weakest
conductance of the component to better than :data:`EXACT_RTOL`.
"""

MAGNITUDE_TRUSTED = 2.0**64
"""The standard path takes a component whose largest conductance lies in ``[1/M, M]``;
others are first rescaled by a power of two."""

RATIO_LIMIT = 1e100
"""A component whose conductances span a larger ratio raises: products of its weakest
conductances would underflow float64 during the elimination."""

REDUCTION_MAX = 1000
"""Largest 2-edge-connected piece (nodes) the subtraction-free fallback of
:func:`edge_resistances` takes (``O(s**3)`` dense work; about 2 s at 1000 nodes)."""

REDUCTION_MATRIX_MAX = 300
"""Largest component the all-pairs fallback of :func:`resistance_matrix` takes (about 10 s)."""

REDUCTION_WORK = 10**7
"""Budget of fill updates for the sparse fallback of :func:`resistance` (about 5 s): trees,
cycles and long thin graphs reduce in ``O(n)``."""

_EPS = float(np.finfo(np.float64).eps)

_SMALLEST_ACCURATE = 2.0**-1040
"""Below ``2**-1022`` floats are subnormal; down to here their spacing (``2**-1074``) is
still below ``2**-34`` of the value, i.e. well within :data:`EXACT_RTOL`."""


class EdgeResistances(dict):
    """``{(u, v): R_eff}`` that answers a lookup of an edge in either orientation.

    Keys, iteration, ``len`` and equality are those of a plain dict, with one key per
    edge as ``G.edges()`` yields it; ``R[(v, u)]``, ``R.get((v, u))`` and ``(v, u) in R``
    fall back to the stored ``(u, v)``.  (Keys are always pairs, multigraphs included:
    parallel copies share their pair's key.)

    Examples
    --------
    >>> R = EdgeResistances({(7, 8): 0.5})
    >>> R[(8, 7)], R.get((8, 7)), (8, 7) in R, list(R)
    (0.5, 0.5, True, [(7, 8)])
    """

    __slots__ = ()

    def __missing__(self, key: Any) -> float:
        flipped = _flipped(key)
        if flipped is not None and dict.__contains__(self, flipped):
            return dict.__getitem__(self, flipped)
        raise KeyError(key)

    def __contains__(self, key: Any) -> bool:
        if dict.__contains__(self, key):
            return True
        flipped = _flipped(key)
        return flipped is not None and dict.__contains__(self, flipped)

    def get(self, key: Any, default: Any = None) -> Any:
        """``R[key]`` in either orientation, ``default`` if the edge is absent."""
        return self[key] if key in self else default


def _flipped(key: Any) -> tuple | None:
    return (key[1], key[0]) if isinstance(key, tuple) and len(key) == 2 else None


def edge_resistances(
    G: Any,
    *,
    weight: str | None = "weight",
    method: str = "exact",
    epsilon: float = 0.3,
    seed: int | np.random.Generator | None = None,
    jl_constant: float = 8.0,
) -> dict:
    r"""Effective resistance of every edge of an undirected (multi)graph.

    Parameters
    ----------
    G : networkx.Graph or networkx.MultiGraph
        Undirected; any hashable node labels.
    weight : str or None, default "weight"
        Edge attribute holding the **conductance** (missing: 1).  ``None`` ignores weights.
    method : {"exact", "approx"}
        ``"exact"``: grounded Cholesky per connected component (dense for small
        components, sparse LU for large sparse ones).  ``"approx"``: Spielman--Srivastava
        random projection (see :func:`edge_resistance_array`).
    epsilon : float in (0, 1), default 0.3
        Target relative error of ``"approx"``; ignored by ``"exact"`` but still checked.
    seed : int, numpy.random.Generator or None
        Randomness of ``"approx"``.
    jl_constant : float, default 8.0
        The ``C`` in ``k = ceil(C ln m / epsilon**2)`` projections; finite and positive
        (checked by both methods).

    Returns
    -------
    EdgeResistances
        A dict ``{(u, v): R_eff}`` with one key per edge as ``G.edges()`` yields it
        (parallel copies share a key and a value; a self-loop maps to 0.0).  Lookups
        accept either orientation: ``R[(v, u)] == R[(u, v)]``.

    Raises
    ------
    TypeError
        Non-graph input, a directed graph, a weight that is not a real number (see
        :func:`theory.laplacian.graph_arrays`), or a non-real ``epsilon``/``jl_constant``.
    ValueError
        No nodes, a weight that is not finite and positive, a misspelt ``weight`` (no edge
        has it, some edge has another numeric attribute), an unknown method, ``epsilon``
        outside (0, 1), ``jl_constant`` not finite and positive, or (``"exact"``) a
        result that cannot be trusted to :data:`EXACT_RTOL` (see Notes).

    Examples
    --------
    A bridge has resistance ``1/w``; an edge of a triangle ``2/3``:

    >>> import networkx as nx
    >>> G = nx.Graph([(0, 1), (1, 2), (2, 0)])
    >>> G.add_edge(2, "x", weight=4.0)
    >>> {e: round(r, 6) for e, r in edge_resistances(G).items()}
    {(0, 1): 0.666667, (0, 2): 0.666667, (1, 2): 0.666667, (2, 'x'): 0.25}

    Notes
    -----
    Foster's theorem, :math:`\sum_e w_e R_e = n - \#\text{components}`, and
    :math:`w_e R_e = \Pr[e \in T]` for a weighted uniform spanning tree ``T`` (Kirchhoff)
    are checked by the property tests.

    Accuracy of ``"exact"`` (details in the module docstring):

    * *exact*: bridges (``1/w``), self-loops (0), and the subtraction-free elimination
      (series, parallel and star-mesh reductions; a few ``eps`` per eliminated node);
    * *checked*: the grounded Cholesky/LU result is kept for a component whose
      conductances span at most ``RATIO_TRUSTED`` (1e6) and whose rounding estimate
      ``ERROR_SAFETY * eps * max_e (X_uu + X_vv + 2|X_uv|) / R_e`` is at most 1e-8;
      otherwise the component is rescaled by a power of two, split at its bridges, and
      each 2-edge-connected piece is checked again or eliminated exactly;
    * *raises* ``ValueError`` for a piece above ``REDUCTION_MAX`` (1000) nodes that fails
      the check, a piece whose conductances span more than ``RATIO_LIMIT`` (1e100), or a
      resistance outside float64's accurate range (e.g. a bridge of conductance ``1e-310``).

    ``"approx"`` is not affected: its error is the projection's, about ``epsilon``.
    """
    _check_method(method, epsilon, jl_constant)
    edges = graph_arrays(G, weight)
    r = _edge_resistances(edges, method, epsilon, seed, jl_constant, "auto")
    nodes = edges.nodes
    return EdgeResistances(
        ((nodes[a], nodes[b]), float(x)) for a, b, x in zip(edges.tails.tolist(), edges.heads.tolist(), r.tolist())
    )


def edge_resistance_array(
    n: int,
    tails: Any,
    heads: Any,
    conductances: Any = None,
    *,
    method: str = "exact",
    epsilon: float = 0.3,
    seed: int | np.random.Generator | None = None,
    jl_constant: float = 8.0,
    solver: str = "auto",
    info: dict | None = None,
) -> np.ndarray:
    r"""Effective resistance of each edge of an edge list -- no Python objects per edge.

    Parameters
    ----------
    n : int
        Number of nodes, ``0 .. n-1``.
    tails, heads : array_like of int, shape (m,)
        Edge ``i`` joins ``tails[i]`` and ``heads[i]``.
    conductances : array_like of float, shape (m,), optional
        Default all ones.
    method, epsilon, seed, jl_constant
        As :func:`edge_resistances`.
    solver : {"auto", "direct", "cg"}
        Laplacian solver of ``"approx"``: sparse LU, or block conjugate gradients with a
        Jacobi preconditioner; ``"auto"`` measures a short CG pilot and keeps CG only
        when it converges quickly (expander-like graphs), else factorises.
    info : dict, optional
        Filled by ``"approx"`` with diagnostics: ``projections``, ``block``, ``solver``,
        ``cg_iterations`` and ``work`` (multiply-adds, a machine-independent cost).

    Returns
    -------
    ndarray of float64, shape (m,)

    Raises
    ------
    TypeError
        ``n`` not an integer, non-integer node indices, a conductance that is not a real
        number, a non-real ``epsilon``/``jl_constant``, or ``info`` that is not a dict.
    ValueError
        ``n < 1``, arrays of different lengths, an index outside ``[0, n)``, a conductance
        that is not finite and positive, an unknown method or solver, ``epsilon`` outside
        (0, 1), ``jl_constant`` not finite and positive, or (``"exact"``) a result that
        cannot be trusted to :data:`EXACT_RTOL` (see :func:`edge_resistances`).

    Examples
    --------
    A 4-cycle: each edge is one resistor in parallel with three in series, ``3/4``.

    >>> edge_resistance_array(4, [0, 1, 2, 3], [1, 2, 3, 0]).tolist()
    [0.75, 0.75, 0.75, 0.75]

    Notes
    -----
    ``"approx"`` follows Spielman & Srivastava (SIAM J. Comput. 2011): with ``Q`` a
    ``k x m`` matrix of independent :math:`\pm 1/\sqrt k` entries,
    :math:`R_e \approx \lVert Q W^{1/2} B L^{+} (\mathbf 1_u - \mathbf 1_v) \rVert^2`.
    For Gaussian or Rademacher ``Q`` each estimate is :math:`R_e \chi^2_k / k`-like, with
    both tails below :math:`\exp(-k \epsilon^2 (1 - 2\epsilon/3) / 4)`; with
    ``k = ceil(C ln m / epsilon**2)`` the union bound over the ``m`` edges gives failure
    probability at most :math:`2 m^{1 - C (1 - 2\epsilon/3)/4}`.  ``C = 24`` (the paper's
    constant) makes that ``<= 2/m`` for every ``epsilon < 1``; the default ``C = 8`` is a
    cheaper practical choice whose bound is ``2 m^{-0.6}`` at ``epsilon = 0.3`` (the
    observed maximum error is well below ``epsilon``, see the benchmark).
    Cost: ``O(k)`` Laplacian solves, each ``~O(m)`` for CG on well-conditioned graphs.

    ``"exact"`` is exact or checked as described in the Notes of :func:`edge_resistances`.
    """
    _check_method(method, epsilon, jl_constant, info)
    edges = check_edge_arrays(n, tails, heads, conductances)
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}.")
    return _edge_resistances(edges, method, epsilon, seed, jl_constant, solver, info)


def resistance(G: Any, u: Any, v: Any, *, weight: str | None = "weight") -> float:
    """Exact effective resistance between two nodes of an undirected (multi)graph.

    Returns 0.0 when ``u == v`` and ``inf`` when they lie in different components.

    Raises
    ------
    ValueError
        If ``u`` or ``v`` is not a node of ``G``, or the result cannot be trusted to
        :data:`EXACT_RTOL` (see Notes); plus the input errors of :func:`edge_resistances`.

    Examples
    --------
    >>> import networkx as nx
    >>> resistance(nx.path_graph(5), 0, 4)
    4.0
    >>> resistance(nx.cycle_graph(6), 0, 3)
    1.5

    Notes
    -----
    The sparse LU solve of the grounded Laplacian (potentials ``x``, ``R = x_u - x_v``) is
    kept when the component's conductances span at most ``RATIO_TRUSTED`` (1e6), lie within
    ``2**+-64``, and ``ERROR_SAFETY * eps * sum_i d_i x_i**2 / R <= 1e-8`` (``d`` the
    diagonal: the effect of rounding the diagonal, which dominates).  Otherwise the
    component is rescaled by a power of two and every node but ``u`` and ``v`` is
    eliminated subtraction-free, lowest degree first: pendant trees drop out and paths
    fold by the series law exactly, so a tree gives the sum of ``1/w`` along the path
    (to a few ``eps`` per edge).  ``ValueError`` if that elimination would exceed
    ``REDUCTION_WORK`` fill updates, the ratio exceeds ``RATIO_LIMIT``, or ``R`` leaves
    float64's accurate range.
    """
    edges = graph_arrays(G, weight)
    index = {node: i for i, node in enumerate(edges.nodes)}
    for node in (u, v):
        if node not in index:
            raise ValueError(f"node {node!r} is not in the graph.")
    a, b = index[u], index[v]
    if a == b:
        return 0.0
    members, L = _component_of(edges, a)
    if b not in members:
        return math.inf
    local = {node: i for i, node in enumerate(members.tolist())}
    s = members.size
    rhs = np.zeros(s - 1)
    # Ground the last node of the component; its potential is 0.
    for node, sign in ((local[a], 1.0), (local[b], -1.0)):
        if node < s - 1:
            rhs[node] += sign
    w = -L.data[L.data < 0]  # the component's (merged) conductances: its off-diagonal entries
    if _trusted(w):
        try:
            x = splu(L[:-1, :-1].tocsc()).solve(rhs)
        except RuntimeError:  # "Factor is exactly singular": rounding swallowed a conductance
            x = None
        if x is not None:
            xa = x[local[a]] if local[a] < s - 1 else 0.0
            xb = x[local[b]] if local[b] < s - 1 else 0.0
            r = float(xa - xb)
            spread = float(np.dot(L.diagonal()[:-1], x * x))
            if r > 0 and ERROR_SAFETY * _EPS * spread <= EXACT_RTOL * r:
                return r
    _check_ratio(w, "the component of the two nodes")
    scale = _power_of_two(w)
    upper = sp.triu(L, 1).tocoo()
    try:
        conductance = pair_conductance(
            s, upper.row, upper.col, -upper.data * scale, local[a], local[b], max_work=REDUCTION_WORK
        )
    except ValueError as exc:
        raise ValueError(
            f"the resistance between the two nodes cannot be trusted to {EXACT_RTOL:g} from the standard solve, "
            f"and {exc}"
        ) from None
    return float(_accurate_range(np.array([scale / conductance]))[0])


def resistance_matrix(G: Any, nodelist: list | None = None, *, weight: str | None = "weight") -> np.ndarray:
    """Exact effective resistance between all pairs of nodes (dense, ``O(n**3)``).

    Parameters
    ----------
    G : networkx.Graph or networkx.MultiGraph
    nodelist : list, optional
        Row/column order; default ``list(G)``.  Must be nodes of ``G``, without repeats.
    weight : str or None
        Conductance attribute.

    Returns
    -------
    ndarray, shape (len(nodelist), len(nodelist))
        Zero diagonal; ``inf`` between components.

    Raises
    ------
    ValueError
        A node of ``nodelist`` not in ``G`` or given twice, or a result that cannot be
        trusted to :data:`EXACT_RTOL` (see Notes); plus the input errors of
        :func:`edge_resistances`.

    Notes
    -----
    Per component, the grounded Cholesky inverse ``X`` gives ``X_ii + X_jj - 2 X_ij``; it is
    kept when the conductances span at most ``RATIO_TRUSTED`` (1e6), lie within ``2**+-64``,
    and ``ERROR_SAFETY * eps * max_ij (X_ii + X_jj + 2|X_ij|) / R_ij <= 1e-8``.  Otherwise
    the component (rescaled by a power of two) is reduced subtraction-free onto every pair
    (see :func:`edge_resistances`), or, above ``REDUCTION_MATRIX_MAX`` (300) nodes,
    ``ValueError`` says the result cannot be trusted.

    Examples
    --------
    >>> import networkx as nx
    >>> resistance_matrix(nx.complete_graph(3)).round(4)
    array([[0.    , 0.6667, 0.6667],
           [0.6667, 0.    , 0.6667],
           [0.6667, 0.6667, 0.    ]])
    """
    edges = graph_arrays(G, weight)
    index = {node: i for i, node in enumerate(edges.nodes)}
    if nodelist is None:
        order = np.arange(edges.n)
    else:
        missing = [x for x in nodelist if x not in index]
        if missing:
            raise ValueError(f"node {missing[0]!r} is not in the graph.")
        order = np.array([index[x] for x in nodelist], dtype=np.int64)
        if np.unique(order).size != order.size:
            raise ValueError("nodelist contains a node twice.")
    pairs = merge_parallel_edges(edges)
    L = laplacian_matrix(edges.n, pairs.tails, pairs.heads, pairs.conductances)
    _, labels = connected_components(L, directed=False)
    local = np.empty(edges.n, dtype=np.int64)
    full = np.full((edges.n, edges.n), np.inf)
    for comp in np.unique(labels):
        members = np.flatnonzero(labels == comp)
        local[members] = np.arange(members.size)
        inside = labels[pairs.tails] == comp
        lt, lh, w = local[pairs.tails[inside]], local[pairs.heads[inside]], pairs.conductances[inside]
        block = None
        if _trusted(w):
            try:
                inv = _grounded_lower_inverse(members.size, lt, lh, w)
            except np.linalg.LinAlgError:
                inv = None
            if inv is not None:
                X = np.zeros((members.size, members.size))
                X[:-1, :-1] = np.tril(inv) + np.tril(inv, -1).T
                d = np.diag(X)
                block = d[:, None] + d[None, :] - 2 * X
                if _matrix_estimate(block, X, d) > EXACT_RTOL:
                    block = None
        if block is None:
            block = _careful_all_pairs(members.size, lt, lh, w)
        full[np.ix_(members, members)] = block
    np.fill_diagonal(full, 0.0)
    return full[np.ix_(order, order)]


# --------------------------------------------------------------------------- internals


def _check_method(method: str, epsilon: Any, jl_constant: Any, info: Any = None) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    check_sketch_parameters(epsilon, jl_constant)
    if info is not None and not isinstance(info, dict):
        raise TypeError(f"info must be a dict (it receives diagnostics) or None, got {type(info).__name__}.")


def _edge_resistances(
    edges: EdgeArrays,
    method: str,
    epsilon: float,
    seed: Any,
    jl_constant: float,
    solver: str,
    info: dict | None = None,
) -> np.ndarray:
    pairs = merge_parallel_edges(edges)
    if method == "exact":
        r_pair = _exact_pair_resistances(edges.n, pairs.tails, pairs.heads, pairs.conductances)
    else:
        r_pair = sketch_pair_resistances(
            edges.n,
            pairs.tails,
            pairs.heads,
            pairs.conductances,
            epsilon=float(epsilon),
            rng=np.random.default_rng(seed),
            jl_constant=jl_constant,
            solver=solver,
            info=info,
        )
    bridges = bridge_mask(edges.n, pairs.tails, pairs.heads)
    with np.errstate(over="ignore"):  # 1/w of a subnormal w: inf, rejected just below
        r_pair[bridges] = 1.0 / pairs.conductances[bridges]
    if method == "exact":
        _accurate_range(r_pair)
    elif not np.all(np.isfinite(r_pair)):
        raise ValueError(
            "an approximate resistance is not finite: the conductances overflow float64 in the "
            "Laplacian; rescale them (R scales as 1/c)."
        )
    out = np.zeros(edges.tails.size)
    proper = pairs.edge_to_pair >= 0
    out[proper] = r_pair[pairs.edge_to_pair[proper]]
    return out


def _component_of(edges: EdgeArrays, node: int) -> tuple[np.ndarray, sp.csr_matrix]:
    """Nodes of ``node``'s connected component and the component's Laplacian."""
    pairs = merge_parallel_edges(edges)
    L = laplacian_matrix(edges.n, pairs.tails, pairs.heads, pairs.conductances)
    _, labels = connected_components(L, directed=False)
    members = np.flatnonzero(labels == labels[node])
    return members, L[members][:, members]


def _grounded_lower_inverse(s: int, lt: np.ndarray, lh: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Lower triangle of the inverse of a connected Laplacian grounded at node ``s - 1``.

    The grounded Laplacian (``s - 1`` square, Fortran order so LAPACK works in place) is
    assembled from the local edge list; ``dpotrf`` + ``dpotri`` then cost ``s**3`` flops.
    Only the lower triangle of the result is meaningful.
    """
    g = s - 1
    A = np.zeros((g, g), order="F")
    if g == 0:
        return A
    deg = np.bincount(lt, weights=w, minlength=s) + np.bincount(lh, weights=w, minlength=s)
    A[np.diag_indices(g)] = deg[:g]
    inner = (lt < g) & (lh < g)
    hi = np.maximum(lt[inner], lh[inner])
    lo = np.minimum(lt[inner], lh[inner])
    np.subtract.at(A, (hi, lo), w[inner])  # lower triangle only: that is what dpotrf reads
    c, info = sla.lapack.dpotrf(A, lower=1, overwrite_a=1)
    if info != 0:
        raise np.linalg.LinAlgError("grounded Laplacian is not positive definite.")
    inv, info = sla.lapack.dpotri(c, lower=1, overwrite_c=1)
    if info != 0:
        raise np.linalg.LinAlgError("could not invert the grounded Laplacian.")
    return inv


def _dense_pair_resistances(s: int, lt: np.ndarray, lh: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``X_uu + X_vv - 2 X_uv`` from the grounded inverse ``X`` (zero row/column at ``s - 1``),
    and the amplification of its rounding (:func:`_amplification`)."""
    inv = _grounded_lower_inverse(s, lt, lh, w)
    g = s - 1
    diag = np.zeros(s)
    diag[:g] = np.diagonal(inv)
    hi, lo = np.maximum(lt, lh), np.minimum(lt, lh)
    off = np.zeros(lt.size)
    inside = hi < g
    off[inside] = inv[hi[inside], lo[inside]]
    r = diag[lt] + diag[lh] - 2 * off
    return r, _amplification(diag[lt] + diag[lh], off, r)


def _exact_pair_resistances(n: int, t: np.ndarray, h: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Exact resistance of each (loop-free, merged) pair, one component at a time."""
    r = np.full(t.size, np.nan)
    if t.size == 0:
        return r
    ncomp, labels = connected_components(sp.csr_matrix((np.ones(t.size), (t, h)), shape=(n, n)), directed=False)
    node_order = np.argsort(labels, kind="stable")
    node_bounds = np.searchsorted(labels[node_order], np.arange(ncomp + 1))
    local = np.empty(n, dtype=np.int64)
    pair_comp = labels[t]
    pair_order = np.argsort(pair_comp, kind="stable")
    pair_bounds = np.searchsorted(pair_comp[pair_order], np.arange(ncomp + 1))
    for comp in range(ncomp):
        idx = pair_order[pair_bounds[comp] : pair_bounds[comp + 1]]
        members = node_order[node_bounds[comp] : node_bounds[comp + 1]]
        if idx.size < members.size:  # a tree: every edge is a bridge, set by the caller
            continue
        local[members] = np.arange(members.size)
        r[idx] = _component_resistances(members.size, local[t[idx]], local[h[idx]], w[idx])
    return r


def _component_resistances(s: int, lt: np.ndarray, lh: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Exact resistances of the edges of one connected component.

    The standard result (:func:`_standard_resistances`) when the component is trusted and
    passes the rounding estimate; else :func:`_careful_resistances` (bridges left NaN).
    """
    if _trusted(w):
        try:
            r, amplification = _standard_resistances(s, lt, lh, w)
        except np.linalg.LinAlgError:
            pass
        else:
            if _rounding_estimate(amplification) <= EXACT_RTOL:
                return r
    return _careful_resistances(s, lt, lh, w)


def _standard_resistances(s: int, lt: np.ndarray, lh: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Resistances grounded at node ``s - 1`` (dense Cholesky, or sparse LU for large sparse
    components) and their rounding amplification."""
    if s <= DENSE_MAX:
        return _dense_pair_resistances(s, lt, lh, w)
    grounded = laplacian_matrix(s, lt, lh, w)[:-1, :-1].tocsc()
    try:
        lu = splu(grounded, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
    except RuntimeError as err:  # an exactly singular factor
        raise np.linalg.LinAlgError(str(err)) from None
    if lu.nnz * DENSE_FILL_RATIO > s * s and s <= DENSE_LIMIT:
        return _dense_pair_resistances(s, lt, lh, w)
    return _sparse_selected_resistances(lu, s, lt, lh)


def _sparse_selected_resistances(lu: Any, s: int, lt: np.ndarray, lh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Resistances from the entries ``X[u,u], X[v,v], X[u,v]`` of the grounded inverse.

    The inverse is formed a block of columns at a time (``lu.solve`` on identity
    columns), keeping only the diagonal and the entries on the queried pairs, so memory
    stays ``O(s * block)``.  Also returns the rounding amplification (:func:`_amplification`).
    """
    ground = s - 1
    # Read X[u, v] from column col = (an endpoint that is not the ground), row = the other.
    col = np.where(lt != ground, lt, lh)
    row = np.where(lt != ground, lh, lt)
    diag = np.zeros(s)
    offdiag = np.zeros(lt.size)
    block = int(max(1, min(512, SPARSE_BLOCK_BYTES // (8 * s))))
    by_col = np.argsort(col, kind="stable")
    starts = np.searchsorted(col[by_col], np.arange(0, ground + block, block))
    for b, j0 in enumerate(range(0, ground, block)):
        j1 = min(j0 + block, ground)
        E = np.zeros((ground, j1 - j0))
        E[np.arange(j0, j1), np.arange(j1 - j0)] = 1.0
        Xb = lu.solve(E)
        diag[j0:j1] = Xb[np.arange(j0, j1), np.arange(j1 - j0)]
        sel = by_col[starts[b] : starts[b + 1]]
        r_sel = row[sel]
        inside = r_sel != ground
        vals = np.zeros(sel.size)
        vals[inside] = Xb[r_sel[inside], col[sel][inside] - j0]
        offdiag[sel] = vals
    r = diag[lt] + diag[lh] - 2 * offdiag
    return r, _amplification(diag[lt] + diag[lh], offdiag, r)


def resistance_stack(adjacency: Any) -> np.ndarray:
    r"""Effective resistance between every pair of nodes of every graph in a stack of adjacency matrices.

    For many small graphs at once (the training sets of the weighted loss ``1 + lam R_eff``,
    Siami, Algorithm 4.1): one batched symmetric pseudo-inverse of the Laplacians,
    :math:`R(u, v) = L^+_{uu} + L^+_{vv} - 2 L^+_{uv}` (eq. 3.1), ``O(N n^3)``.

    Parameters
    ----------
    adjacency : array_like, shape (N, n, n)
        Symmetric, non-negative, finite weighted adjacency matrices (weights are conductances;
        the diagonal is ignored).

    Returns
    -------
    ndarray of float64, shape (N, n, n)
        ``R[k, u, v]``; 0 on the diagonal and ``inf`` between nodes in different components of
        graph ``k``, the conventions of :func:`resistance_matrix`.

    Raises
    ------
    ValueError
        If the stack is not ``(N, n, n)``, or an entry is negative, not finite or asymmetric.

    Notes
    -----
    Within a component the pseudo-inverse gives the exact resistance up to round-off (about
    ``1e-12`` relative for well-conditioned graphs; tested against :func:`edge_resistance_array`);
    unlike the per-graph engine it does not set bridges to ``1/w`` exactly.

    Examples
    --------
    Two graphs on three nodes: a path, and one edge plus an isolated node.

    >>> A = np.array([[[0, 1, 0], [1, 0, 1], [0, 1, 0]], [[0, 2, 0], [2, 0, 0], [0, 0, 0]]])
    >>> R = resistance_stack(A)
    >>> np.round(R[0], 12).tolist()
    [[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 0.0]]
    >>> float(np.round(R[1, 0, 1], 12)), float(R[1, 0, 2])
    (0.5, inf)
    """
    A = np.asarray(adjacency, dtype=float)
    if A.ndim != 3 or A.shape[1] != A.shape[2]:
        raise ValueError(f"adjacency must have shape (N, n, n), got {A.shape}.")
    if not np.all(np.isfinite(A)) or np.any(A < 0):
        raise ValueError("adjacency entries must be finite, non-negative conductances.")
    if not np.array_equal(A, np.swapaxes(A, 1, 2)):
        raise ValueError("adjacency matrices must be symmetric (undirected graphs).")
    idx = np.arange(A.shape[1])
    L = -A.copy()
    L[:, idx, idx] = A.sum(axis=2) - A[:, idx, idx]
    Lp = np.linalg.pinv(L, hermitian=True)
    d = Lp[:, idx, idx]
    R = d[:, :, None] + d[:, None, :] - 2.0 * Lp
    # components of every graph at once: the stack as one block-diagonal graph on N * n nodes
    N, n = A.shape[0], A.shape[1]
    g, i, j = np.nonzero(A)
    union = sp.csr_matrix((np.ones(g.size), (g * n + i, g * n + j)), shape=(N * n, N * n))
    labels = connected_components(union, directed=False)[1].reshape(N, n)
    R[labels[:, :, None] != labels[:, None, :]] = np.inf
    R[:, idx, idx] = 0.0
    return R


# --------------------------------------------------------------------------- accuracy checks


def _trusted(w: np.ndarray) -> bool:
    """Whether the standard path may take a component with conductances ``w``: their ratio
    is at most :data:`RATIO_TRUSTED` and the largest lies within :data:`MAGNITUDE_TRUSTED`."""
    if w.size == 0:
        return True
    top, bottom = float(w.max()), float(w.min())
    return top <= RATIO_TRUSTED * bottom and 1.0 / MAGNITUDE_TRUSTED <= top <= MAGNITUDE_TRUSTED


def _amplification(diag_sum: np.ndarray, off: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``(X_uu + X_vv + 2|X_uv|) / R``: how much ``R = X_uu + X_vv - 2 X_uv`` magnifies the
    rounding of its terms; ``inf`` where ``R <= 0`` (or NaN), which no resistance is."""
    with np.errstate(divide="ignore", invalid="ignore"):
        amp = (np.abs(diag_sum) + 2 * np.abs(off)) / r
    return np.where(r > 0, amp, np.inf)


def _rounding_estimate(amplification: np.ndarray) -> float:
    """Estimated relative error of a component's standard resistances (NaN counts as inf)."""
    if amplification.size == 0:
        return 0.0
    worst = float(np.max(amplification))
    return ERROR_SAFETY * _EPS * worst if worst == worst else math.inf


def _matrix_estimate(R: np.ndarray, X: np.ndarray, d: np.ndarray) -> float:
    """:func:`_rounding_estimate` over every pair ``i != j`` of a grounded inverse ``X``
    (``inf`` if some ``R_ij <= 0``)."""
    amp = np.abs(X)
    amp *= 2
    amp += d[:, None]
    amp += d[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        amp /= R  # inf or NaN on the zero diagonal, negative where R_ij < 0
    np.fill_diagonal(amp, 0.0)
    if not amp.min() >= 0:
        return math.inf
    return _rounding_estimate(amp)


def _check_ratio(w: np.ndarray, where: str) -> None:
    """Raise unless the (merged) conductances ``w`` are finite and span at most :data:`RATIO_LIMIT`."""
    top, bottom = float(w.max()), float(w.min())
    if not math.isfinite(top):
        raise ValueError(
            f"parallel conductances in {where} add up beyond float64's range, so its resistances "
            "cannot be trusted; rescale the conductances (R scales as 1/c)."
        )
    if top < 2.0**-1000:
        raise ValueError(
            f"the conductances of {where} are at most {top!r}, so every resistance exceeds "
            "float64's range and cannot be trusted; rescale the conductances (R scales as 1/c)."
        )
    ratio = top / bottom
    if not ratio <= RATIO_LIMIT:
        raise ValueError(
            f"the conductances of {where} span a ratio of {ratio:.1e}, above {RATIO_LIMIT:.0e}: "
            f"float64 cannot resolve such a network, so its resistances cannot be trusted to {EXACT_RTOL:g}."
        )


def _power_of_two(w: np.ndarray) -> float:
    """``2**k`` with ``max(w) * 2**k`` in ``[0.5, 1)``: scaling by it is exact, and
    ``R(w) = 2**k * R(w * 2**k)`` since resistance scales as ``1/c``."""
    return math.ldexp(1.0, -math.frexp(float(w.max()))[1])


def _accurate_range(r: np.ndarray) -> np.ndarray:
    """``r`` (resistances of distinct nodes), unless one over- or underflowed float64."""
    bad = ~(np.isfinite(r) & (r >= _SMALLEST_ACCURATE))
    if np.any(bad):
        raise ValueError(
            f"an effective resistance comes out as {float(r[bad][0])!r}, outside the range where "
            f"float64 holds it to {EXACT_RTOL:g}, so it cannot be trusted; rescale the "
            "conductances (R scales as 1/c)."
        )
    return r


# --------------------------------------------------------------------------- exact fallback


def _careful_resistances(s: int, lt: np.ndarray, lh: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Resistances of the non-bridge pairs of a component the standard path cannot be trusted on.

    Bridges (left NaN: the caller sets them to ``1/w``) split the component into
    2-edge-connected pieces, each solved alone -- a current between the two ends of an
    edge never crosses a bridge, so the rest of the graph does not matter.  Each piece is
    rescaled by a power of two, then solved by :func:`_piece_resistances`.  Only a
    piece's own conductance ratio is limited (:data:`RATIO_LIMIT`); bridges are exact.
    """
    r = np.full(lt.size, np.nan)
    inner = ~bridge_mask(s, lt, lh)
    npieces, piece = connected_components(
        sp.csr_matrix((np.ones(int(inner.sum())), (lt[inner], lh[inner])), shape=(s, s)), directed=False
    )
    pair_piece = np.where(inner, piece[lt], -1)
    node_order = np.argsort(piece, kind="stable")
    node_bounds = np.searchsorted(piece[node_order], np.arange(npieces + 1))
    pair_order = np.argsort(pair_piece, kind="stable")
    pair_bounds = np.searchsorted(pair_piece[pair_order], np.arange(npieces + 1))
    local = np.empty(s, dtype=np.int64)
    for label in range(npieces):
        idx = pair_order[pair_bounds[label] : pair_bounds[label + 1]]
        if idx.size == 0:  # a single node between bridges
            continue
        members = node_order[node_bounds[label] : node_bounds[label + 1]]
        local[members] = np.arange(members.size)
        _check_ratio(w[idx], "a 2-edge-connected piece")
        scale = _power_of_two(w[idx])
        r[idx] = scale * _piece_resistances(members.size, local[lt[idx]], local[lh[idx]], w[idx] * scale)
    return r


def _piece_resistances(s: int, lt: np.ndarray, lh: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Resistances of the pairs of one 2-edge-connected piece (conductances scaled to max < 1)."""
    estimate = math.inf
    if float(w.max()) <= RATIO_TRUSTED * float(w.min()):
        try:
            r, amplification = _standard_resistances(s, lt, lh, w)
        except np.linalg.LinAlgError:
            pass
        else:
            estimate = _rounding_estimate(amplification)
            if estimate <= EXACT_RTOL:
                return r
    if s > REDUCTION_MAX:
        raise ValueError(
            f"a 2-edge-connected piece of {s} nodes has conductances spanning a ratio of "
            f"{float(w.max() / w.min()):.1e} and an estimated rounding error of {estimate:.1e}, so its "
            f"resistances cannot be trusted to {EXACT_RTOL:g}; the exact fallback takes at most "
            f"{REDUCTION_MAX} nodes."
        )
    pos = banded_positions(s, lt, lh)
    W = np.zeros((s, s))
    W[pos[lt], pos[lh]] = w
    W[pos[lh], pos[lt]] = w
    return pair_resistances(W, pos[lt], pos[lh])


def _careful_all_pairs(s: int, lt: np.ndarray, lh: np.ndarray, w: np.ndarray) -> np.ndarray:
    """All-pairs resistances of one connected component by subtraction-free elimination."""
    if s == 1:
        return np.zeros((1, 1))
    _check_ratio(w, "a connected component")
    if s > REDUCTION_MATRIX_MAX:
        raise ValueError(
            f"a component of {s} nodes has conductances spanning a ratio of {float(w.max() / w.min()):.1e} "
            f"(or a rounding estimate above {EXACT_RTOL:g}), so its resistance matrix cannot be trusted "
            f"to {EXACT_RTOL:g}; the exact fallback takes at most {REDUCTION_MATRIX_MAX} nodes."
        )
    scale = _power_of_two(w)
    pos = banded_positions(s, lt, lh)
    W = np.zeros((s, s))
    W[pos[lt], pos[lh]] = w * scale
    W[pos[lh], pos[lt]] = w * scale
    a, b = np.triu_indices(s, 1)
    R = np.zeros((s, s))
    R[a, b] = scale * pair_resistances(W, pos[a], pos[b])
    _accurate_range(R[a, b])
    return R + R.T
