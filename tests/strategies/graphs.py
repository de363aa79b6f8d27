"""Shared hypothesis strategies for the effective-resistance tests, and the slow
obvious references they are checked against.

Every strategy builds a *valid* input by construction, so no test needs
``assume`` to throw examples away:

* a connected graph is a random spanning tree (node ``i > 0`` attaches to an
  earlier node drawn at random) plus extra edges drawn among the non-edges;
* a planted bridge is the one edge joining two connected pieces;
* several components are a disjoint union of connected pieces;
* a cut vertex is one node shared by two connected pieces.

Weights are *conductances*. They are drawn in ``[0.1, 10]`` (floats), as the
integers ``1..10``, or left out (the missing attribute means 1), so that every
resistance stays in a range where ``1e-8`` relative tolerances hold: the
smallest Laplacian eigenvalue of a 25-node graph is then above ~1e-3 and the
largest below ~500.

Wider options, never used by default: :func:`wide_weight_schemes` draws
conductances log-uniformly over ``[1e-6, 1e6]`` (or from the two extremes and 1),
so one graph spans ratios up to ``1e12``; pass it as ``schemes=`` to
:func:`connected_graphs` (and raise ``max_nodes``, e.g. to 60). The dense numpy
references below are *not* accurate at such ratios; tests of wide graphs check
identities of the code under test instead.

The reference functions at the bottom invert a dense matrix or solve a linear
system with numpy; they share no code with ``theory``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable

import networkx as nx
import numpy as np
from hypothesis import strategies as st

__all__ = [
    "WEIGHT",
    "MIN_CONDUCTANCE",
    "MAX_CONDUCTANCE",
    "WIDE_MIN_CONDUCTANCE",
    "WIDE_MAX_CONDUCTANCE",
    "conductance",
    "weight_schemes",
    "wide_conductances",
    "wide_weight_schemes",
    "connected_graphs",
    "trees",
    "graphs_with_bridge",
    "graphs_with_components",
    "multigraphs",
    "glued_at_cut_vertex",
    "hashable_labels",
    "relabelled",
    "merged_conductances",
    "reference_laplacian",
    "reference_resistance_matrix",
    "reference_edge_resistances",
    "reference_commute_time",
    "reference_electrical_flow",
    "reference_cycle_space",
]

WEIGHT = "weight"
MIN_CONDUCTANCE = 0.1
MAX_CONDUCTANCE = 10.0
WIDE_MIN_CONDUCTANCE = 1e-6
WIDE_MAX_CONDUCTANCE = 1e6


def conductance(data: dict, weight: str = WEIGHT) -> float:
    """Conductance stored in an edge's data dict; a missing attribute means 1."""
    return float(data.get(weight, 1))


# --------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------

_FLOAT_WEIGHTS = st.floats(MIN_CONDUCTANCE, MAX_CONDUCTANCE, allow_nan=False, allow_infinity=False)
_INT_WEIGHTS = st.integers(1, int(MAX_CONDUCTANCE))


def weight_schemes() -> st.SearchStrategy:
    """A strategy of weight strategies: floats in [0.1, 10], ints 1..10, or
    ``None`` (edges carry no weight attribute, i.e. unit conductance)."""
    return st.sampled_from([_FLOAT_WEIGHTS, _INT_WEIGHTS, None])


def wide_conductances() -> st.SearchStrategy:
    """One conductance, log-uniform over ``[1e-6, 1e6]``: ``10**x`` with ``x`` uniform in [-6, 6]."""
    lo, hi = math.log10(WIDE_MIN_CONDUCTANCE), math.log10(WIDE_MAX_CONDUCTANCE)
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(lambda x: 10.0**x)


def wide_weight_schemes() -> st.SearchStrategy:
    """A strategy of weight strategies spanning ratios up to ``1e12``: log-uniform over
    ``[1e-6, 1e6]``, or only the extremes ``1e-6``, ``1e6`` and ``1`` (strong clusters
    joined by weak edges and vice versa)."""
    extremes = st.sampled_from([WIDE_MIN_CONDUCTANCE, 1.0, WIDE_MAX_CONDUCTANCE])
    return st.sampled_from([wide_conductances(), extremes])


def _add_edge(G: nx.Graph, u: Hashable, v: Hashable, draw, weights) -> None:
    if weights is None:
        G.add_edge(u, v)
    else:
        G.add_edge(u, v, **{WEIGHT: draw(weights)})


# --------------------------------------------------------------------------
# graphs
# --------------------------------------------------------------------------


@st.composite
def connected_graphs(
    draw,
    min_nodes: int = 2,
    max_nodes: int = 25,
    min_extra_edges: int = 0,
    max_extra_edges: int = 30,
    weights: st.SearchStrategy | None = None,
    schemes: st.SearchStrategy | None = None,
) -> nx.Graph:
    """Connected simple ``nx.Graph`` on nodes ``0..n-1``, ``min_nodes <= n <= max_nodes``.

    Connected by construction: a random recursive spanning tree on a random
    ordering of the nodes, then up to ``max_extra_edges`` distinct non-edges
    (at least ``min_extra_edges`` when the graph has room for them).
    ``weights`` is a strategy for one conductance; by default a scheme is drawn
    from ``schemes`` (default :func:`weight_schemes`; e.g.
    :func:`wide_weight_schemes`) and used for every edge of the graph.
    """
    n = draw(st.integers(min_nodes, max_nodes))
    if weights is None:
        weights = draw(weight_schemes() if schemes is None else schemes)
    order = draw(st.permutations(range(n)))
    G = nx.Graph()
    G.add_nodes_from(range(n))
    for i in range(1, n):
        parent = draw(st.integers(0, i - 1))
        _add_edge(G, order[i], order[parent], draw, weights)
    non_edges = [(u, v) for u in range(n) for v in range(u + 1, n) if not G.has_edge(u, v)]
    if non_edges and max_extra_edges > 0:
        hi = min(max_extra_edges, len(non_edges))
        extra = draw(
            st.lists(
                st.sampled_from(non_edges),
                min_size=min(min_extra_edges, hi),
                max_size=hi,
                unique=True,
            )
        )
        for u, v in extra:
            _add_edge(G, u, v, draw, weights)
    return G


def trees(min_nodes: int = 2, max_nodes: int = 25, weights=None, schemes=None) -> st.SearchStrategy:
    """Weighted trees: :func:`connected_graphs` with no extra edges."""
    return connected_graphs(
        min_nodes=min_nodes, max_nodes=max_nodes, max_extra_edges=0, weights=weights, schemes=schemes
    )


def _disjoint_union(graphs: Iterable[nx.Graph]) -> tuple[nx.Graph, list[list[int]]]:
    """Union with nodes renumbered consecutively; also returns each piece's new nodes."""
    graphs = list(graphs)
    U = nx.MultiGraph() if any(g.is_multigraph() for g in graphs) else nx.Graph()
    pieces = []
    offset = 0
    for g in graphs:
        mapping = {v: offset + i for i, v in enumerate(g)}
        U.add_nodes_from(mapping.values())
        U.add_edges_from((mapping[u], mapping[v], d) for u, v, d in g.edges(data=True))
        pieces.append(list(mapping.values()))
        offset += g.number_of_nodes()
    return U, pieces


@st.composite
def graphs_with_bridge(draw, max_piece_nodes: int = 12) -> tuple[nx.Graph, tuple[int, int]]:
    """``(G, (u, v))``: two connected pieces joined by the single edge ``(u, v)``,
    which is therefore a bridge (there may be other bridges inside the pieces).
    ``(u, v)`` is given exactly as ``G.edges()`` yields it."""
    left = draw(connected_graphs(min_nodes=1, max_nodes=max_piece_nodes, max_extra_edges=12))
    right = draw(connected_graphs(min_nodes=1, max_nodes=max_piece_nodes, max_extra_edges=12))
    G, (a, b) = _disjoint_union([left, right])
    u, v = draw(st.sampled_from(a)), draw(st.sampled_from(b))
    G.add_edge(u, v, **{WEIGHT: draw(_FLOAT_WEIGHTS)})
    (planted,) = [e for e in G.edges() if set(e) == {u, v}]
    return G, planted


@st.composite
def graphs_with_components(
    draw,
    min_components: int = 2,
    max_components: int = 5,
    max_piece_nodes: int = 8,
    schemes: st.SearchStrategy | None = None,
) -> nx.Graph:
    """Disjoint union of ``min_components..max_components`` connected pieces,
    including single isolated nodes (each piece draws its own weight scheme)."""
    k = draw(st.integers(min_components, max_components))
    pieces = [
        draw(connected_graphs(min_nodes=1, max_nodes=max_piece_nodes, max_extra_edges=8, schemes=schemes))
        for _ in range(k)
    ]
    return _disjoint_union(pieces)[0]


@st.composite
def multigraphs(
    draw,
    min_nodes: int = 1,
    max_nodes: int = 15,
    max_parallel: int = 10,
    max_self_loops: int = 4,
    connected: bool = True,
) -> nx.MultiGraph:
    """``nx.MultiGraph`` with parallel edges and self-loops (float conductances).

    A connected graph (or, with ``connected=False``, several components) is
    copied into a MultiGraph, then some of its edges get parallel copies (drawn
    in either orientation) and some nodes get self-loops.
    """
    if connected:
        base = draw(connected_graphs(min_nodes=min_nodes, max_nodes=max_nodes, weights=_FLOAT_WEIGHTS))
    else:
        base = draw(graphs_with_components(max_piece_nodes=max(1, max_nodes // 3)))
    G = nx.MultiGraph()
    G.add_nodes_from(base)
    G.add_edges_from(base.edges(data=True))
    edges = list(base.edges())
    if edges:
        for u, v in draw(st.lists(st.sampled_from(edges), max_size=max_parallel)):
            if draw(st.booleans()):
                u, v = v, u
            G.add_edge(u, v, **{WEIGHT: draw(_FLOAT_WEIGHTS)})
    for x in draw(st.lists(st.sampled_from(list(base)), max_size=max_self_loops)):
        G.add_edge(x, x, **{WEIGHT: draw(_FLOAT_WEIGHTS)})
    return G


@st.composite
def glued_at_cut_vertex(draw, max_piece_nodes: int = 12):
    """``(G, G1, G2, c)``: connected ``G1`` and ``G2`` glued at the single node ``c``.

    ``G1`` keeps its labels ``0..n1-1``; ``G2`` is relabelled so that its drawn
    vertex becomes ``c`` (a node of ``G1``) and its other nodes follow ``n1``.
    Both pieces have at least two nodes so each side has a node besides ``c``.
    """
    G1 = draw(connected_graphs(min_nodes=2, max_nodes=max_piece_nodes, max_extra_edges=12))
    G2 = draw(connected_graphs(min_nodes=2, max_nodes=max_piece_nodes, max_extra_edges=12))
    c = draw(st.sampled_from(list(G1)))
    c2 = draw(st.sampled_from(list(G2)))
    others = [x for x in G2 if x != c2]
    mapping = {c2: c} | {x: G1.number_of_nodes() + i for i, x in enumerate(others)}
    G2 = nx.relabel_nodes(G2, mapping)
    G = nx.compose(G1, G2)
    return G, G1, G2, c


def hashable_labels() -> st.SearchStrategy:
    """Node labels of several hashable kinds (never floats, so no NaN or 1 == 1.0 clashes)."""
    return st.one_of(
        st.text(max_size=4),
        st.integers(-(10**6), 10**6),
        st.tuples(st.integers(0, 9), st.text(max_size=2)),
        st.frozensets(st.integers(0, 9), max_size=3),
    )


@st.composite
def relabelled(draw, graphs: st.SearchStrategy):
    """``(G, H, mapping)``: a drawn graph ``G`` and ``H = relabel_nodes(G, mapping)``
    where ``mapping`` sends the nodes injectively to arbitrary hashable labels."""
    G = draw(graphs)
    labels = draw(st.lists(hashable_labels(), min_size=G.number_of_nodes(), max_size=G.number_of_nodes(), unique=True))
    mapping = dict(zip(G, labels, strict=True))
    return G, nx.relabel_nodes(G, mapping, copy=True), mapping


# --------------------------------------------------------------------------
# independent references (dense numpy; slow and obvious)
# --------------------------------------------------------------------------


def merged_conductances(G: nx.Graph, weight: str = WEIGHT) -> dict[frozenset, float]:
    """Total conductance of each unordered pair of distinct nodes (parallel edges
    add, self-loops are dropped)."""
    total: dict[frozenset, float] = defaultdict(float)
    for u, v, d in G.edges(data=True):
        if u != v:
            total[frozenset((u, v))] += conductance(d, weight)
    return dict(total)


def reference_laplacian(G: nx.Graph, nodelist=None, weight: str = WEIGHT) -> np.ndarray:
    """Dense weighted Laplacian ``L = sum_e w_e (x_u - x_v)(x_u - x_v)^T``."""
    nodelist = list(G) if nodelist is None else list(nodelist)
    pos = {v: i for i, v in enumerate(nodelist)}
    L = np.zeros((len(nodelist), len(nodelist)))
    for pair, w in merged_conductances(G, weight).items():
        u, v = (pos[x] for x in pair)
        L[u, u] += w
        L[v, v] += w
        L[u, v] -= w
        L[v, u] -= w
    return L


def reference_resistance_matrix(G: nx.Graph, nodelist=None, weight: str = WEIGHT) -> np.ndarray:
    """All-pairs effective resistance, component by component.

    On a connected component with Laplacian ``L_c`` of size ``k``,
    ``X = (L_c + J/k)^{-1} = L_c^+ + J/k`` and ``R_uv = X_uu + X_vv - 2 X_uv``
    (the ``J/k`` part cancels). Pairs in different components get ``inf``.
    """
    nodelist = list(G) if nodelist is None else list(nodelist)
    pos = {v: i for i, v in enumerate(nodelist)}
    L = reference_laplacian(G, nodelist, weight)
    R = np.full((len(nodelist), len(nodelist)), math.inf)
    for comp in nx.connected_components(G):
        idx = [pos[v] for v in comp]
        k = len(idx)
        X = np.linalg.inv(L[np.ix_(idx, idx)] + np.ones((k, k)) / k)
        d = np.diag(X)
        block = d[:, None] + d[None, :] - 2 * X
        R[np.ix_(idx, idx)] = (block + block.T) / 2
    np.fill_diagonal(R, 0.0)
    return R


def reference_edge_resistances(G: nx.Graph, weight: str = WEIGHT) -> dict:
    """``{(u, v): R_uv}`` for every edge as ``G.edges()`` yields it (self-loops 0)."""
    nodes = list(G)
    pos = {v: i for i, v in enumerate(nodes)}
    R = reference_resistance_matrix(G, nodes, weight)
    return {(u, v): float(R[pos[u], pos[v]]) for u, v in G.edges()}


def reference_commute_time(G: nx.Graph, u: Hashable, v: Hashable, weight: str = WEIGHT) -> float:
    """Expected commute time ``E_u[T_v] + E_v[T_u]`` of the random walk on a connected
    simple graph that steps to a neighbour with probability proportional to the
    conductance (no loops).

    Hitting times ``h(x) = E_x[T_t]`` solve ``h(t) = 0`` and ``h(x) = 1 + sum_y P_xy h(y)``
    for ``x != t``, i.e. ``(I - P)`` restricted to the other nodes times ``h`` is all ones;
    one dense ``numpy.linalg.solve`` per target.
    """
    nodes = list(G)
    pos = {x: i for i, x in enumerate(nodes)}
    W = np.zeros((len(nodes), len(nodes)))
    for a, b, d in G.edges(data=True):
        W[pos[a], pos[b]] += conductance(d, weight)
        W[pos[b], pos[a]] += conductance(d, weight)
    P = W / W.sum(axis=1, keepdims=True)

    def hitting_time(source: Hashable, target: Hashable) -> float:
        others = [i for i in range(len(nodes)) if i != pos[target]]
        A = np.eye(len(others)) - P[np.ix_(others, others)]
        h = np.linalg.solve(A, np.ones(len(others)))
        return float(h[others.index(pos[source])])

    return hitting_time(u, v) + hitting_time(v, u)


def reference_electrical_flow(G: nx.Graph, u: Hashable, v: Hashable, weight: str = WEIGHT):
    """The unit electrical ``u -> v`` flow of a connected simple graph.

    Potentials ``phi`` solve ``L phi = 1_u - 1_v`` (numpy least squares on the dense
    Laplacian); edge ``e = (a, b)`` (as ``G.edges()`` yields it) carries
    ``i_e = w_e (phi_a - phi_b)`` from ``a`` to ``b`` (Ohm's law).

    Returns ``(B, flow, resistances)``: the node-by-edge incidence matrix (``+1`` at the
    tail ``a``, ``-1`` at the head ``b``; ``B @ flow`` is the net outflow at each node),
    the flow, and ``1 / w_e``.
    """
    nodes = list(G)
    pos = {x: i for i, x in enumerate(nodes)}
    L = reference_laplacian(G, nodes, weight)
    rhs = np.zeros(len(nodes))
    rhs[pos[u]], rhs[pos[v]] = 1.0, -1.0
    phi = np.linalg.lstsq(L, rhs, rcond=None)[0]
    edges = list(G.edges(data=True))
    B = np.zeros((len(nodes), len(edges)))
    w = np.array([conductance(d, weight) for _, _, d in edges])
    for k, (a, b, _) in enumerate(edges):
        B[pos[a], k], B[pos[b], k] = 1.0, -1.0
    flow = w * (B.T @ phi)
    return B, flow, 1.0 / w


def reference_cycle_space(B: np.ndarray) -> np.ndarray:
    """Orthonormal basis (columns) of the circulations: edge flows ``c`` with ``B @ c = 0``,
    the null space of the incidence matrix ``B`` (by SVD); ``m - n + 1`` columns for a
    connected graph."""
    _, s, vt = np.linalg.svd(B)
    rank = int(np.sum(s > 1e-10 * max(1.0, s.max(initial=0.0))))
    return vt[rank:].T
