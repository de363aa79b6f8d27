r"""Effective resistance of graph edges: exact, and Spielman--Srivastava approximate.

For a graph with Laplacian :math:`L = D - A` (edge weights are **conductances**), the
effective resistance between nodes ``u`` and ``v`` is (Siami, eq. 3.1)

.. math:: R_{\mathrm{eff}}(u, v) = (\mathbf 1_u - \mathbf 1_v)^\top L^{+} (\mathbf 1_u - \mathbf 1_v).

Conventions (shared by every function here, see :mod:`theory.laplacian`):

* a missing weight attribute means conductance 1; weights must be finite and positive;
* parallel edges add their conductances; self-loops are ignored (their own resistance is 0);
* nodes in different connected components are at resistance ``inf``;
* a bridge ``e`` has ``R_eff(e) = 1 / w_e`` *exactly*: bridges are found combinatorially
  (:func:`theory.bridges.bridge_mask`) and set, by both methods.

.. note:: networkx's :func:`networkx.resistance_distance` reads a ``weight`` attribute as a
   **resistance** (``invert_weight=True`` is its default) and ignores weights unless asked
   (``weight=None``).  Here the attribute is a conductance and is used by default.  To get
   networkx's numbers from this module, store ``1/w`` in the attribute, or call networkx
   with ``invert_weight=False``.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from theory.bridges import bridge_mask
from theory.laplacian import (
    EdgeArrays,
    check_edge_arrays,
    graph_arrays,
    laplacian_matrix,
    merge_parallel_edges,
)
from theory.resistance_sketch import SOLVERS, sketch_pair_resistances, sketch_size

__all__ = [
    "DENSE_MAX",
    "edge_resistance_array",
    "edge_resistances",
    "resistance",
    "resistance_matrix",
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
        The ``C`` in ``k = ceil(C ln m / epsilon**2)`` projections.

    Returns
    -------
    dict
        ``{(u, v): R_eff}`` with one key per edge as ``G.edges()`` yields it (parallel
        copies share a key and a value; a self-loop maps to 0.0).

    Raises
    ------
    TypeError
        Non-graph input, a directed graph, or a non-numeric weight.
    ValueError
        No nodes, a weight that is not finite and positive, an unknown method, or
        ``epsilon`` outside (0, 1).

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
    """
    _check_method(method, epsilon)
    edges = graph_arrays(G, weight)
    r = _edge_resistances(edges, method, epsilon, seed, jl_constant, "auto")
    nodes = edges.nodes
    return {
        (nodes[a], nodes[b]): float(x)
        for a, b, x in zip(edges.tails.tolist(), edges.heads.tolist(), r.tolist())
    }


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
    """
    _check_method(method, epsilon)
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
        If ``u`` or ``v`` is not a node of ``G`` (plus the errors of :func:`edge_resistances`).

    Examples
    --------
    >>> import networkx as nx
    >>> resistance(nx.path_graph(5), 0, 4)
    4.0
    >>> resistance(nx.cycle_graph(6), 0, 3)
    1.5
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
    x = splu(L[:-1, :-1].tocsc()).solve(rhs)
    xa = x[local[a]] if local[a] < s - 1 else 0.0
    xb = x[local[b]] if local[b] < s - 1 else 0.0
    return float(xa - xb)


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
        inv = _grounded_lower_inverse(
            members.size, local[pairs.tails[inside]], local[pairs.heads[inside]], pairs.conductances[inside]
        )
        X = np.zeros((members.size, members.size))
        X[:-1, :-1] = np.tril(inv) + np.tril(inv, -1).T
        d = np.diag(X)
        full[np.ix_(members, members)] = d[:, None] + d[None, :] - 2 * X
    np.fill_diagonal(full, 0.0)
    return full[np.ix_(order, order)]


# --------------------------------------------------------------------------- internals


def _check_method(method: str, epsilon: float) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    if not isinstance(epsilon, Real) or isinstance(epsilon, bool):
        raise TypeError(f"epsilon must be a real number, got {type(epsilon).__name__}.")
    if not 0.0 < float(epsilon) < 1.0:
        raise ValueError(f"epsilon must lie in the open interval (0, 1), got {epsilon!r}.")


def _edge_resistances(
    edges: EdgeArrays, method: str, epsilon: float, seed: Any, jl_constant: float, solver: str,
    info: dict | None = None,
) -> np.ndarray:
    pairs = merge_parallel_edges(edges)
    if method == "exact":
        r_pair = _exact_pair_resistances(edges.n, pairs.tails, pairs.heads, pairs.conductances)
    else:
        r_pair = sketch_pair_resistances(
            edges.n, pairs.tails, pairs.heads, pairs.conductances,
            epsilon=float(epsilon), rng=np.random.default_rng(seed),
            jl_constant=jl_constant, solver=solver, info=info,
        )
    bridges = bridge_mask(edges.n, pairs.tails, pairs.heads)
    r_pair[bridges] = 1.0 / pairs.conductances[bridges]
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


def _dense_pair_resistances(s: int, lt: np.ndarray, lh: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``X_uu + X_vv - 2 X_uv`` from the grounded inverse ``X`` (zero row/column at ``s - 1``)."""
    inv = _grounded_lower_inverse(s, lt, lh, w)
    g = s - 1
    diag = np.zeros(s)
    diag[:g] = np.diagonal(inv)
    hi, lo = np.maximum(lt, lh), np.minimum(lt, lh)
    off = np.zeros(lt.size)
    inside = hi < g
    off[inside] = inv[hi[inside], lo[inside]]
    return diag[lt] + diag[lh] - 2 * off


def _exact_pair_resistances(n: int, t: np.ndarray, h: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Exact resistance of each (loop-free, merged) pair, one component at a time."""
    r = np.full(t.size, np.nan)
    if t.size == 0:
        return r
    ncomp, labels = connected_components(
        sp.csr_matrix((np.ones(t.size), (t, h)), shape=(n, n)), directed=False
    )
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
    """Exact resistances of the edges of one connected component (grounded at node ``s - 1``)."""
    if s <= DENSE_MAX:
        return _dense_pair_resistances(s, lt, lh, w)
    grounded = laplacian_matrix(s, lt, lh, w)[:-1, :-1].tocsc()
    lu = splu(grounded, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
    if lu.nnz * DENSE_FILL_RATIO > s * s and s <= DENSE_LIMIT:
        return _dense_pair_resistances(s, lt, lh, w)
    return _sparse_selected_resistances(lu, s, lt, lh)


def _sparse_selected_resistances(lu: Any, s: int, lt: np.ndarray, lh: np.ndarray) -> np.ndarray:
    """Resistances from the entries ``X[u,u], X[v,v], X[u,v]`` of the grounded inverse.

    The inverse is formed a block of columns at a time (``lu.solve`` on identity
    columns), keeping only the diagonal and the entries on the queried pairs, so memory
    stays ``O(s * block)``.
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
    return diag[lt] + diag[lh] - 2 * offdiag
