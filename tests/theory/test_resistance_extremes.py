"""Effective resistance at extreme conductance ratios, against exact rational arithmetic.

Every exact entry point (``edge_resistances``, ``edge_resistance_array``, ``resistance``,
``resistance_matrix``) must return values within ``EXACT_RTOL`` relative of the exact
value, or raise ``ValueError`` saying why the result cannot be trusted.  The reference
below inverts the grounded Laplacian by Gauss--Jordan elimination over
:class:`fractions.Fraction` (each float conductance is converted exactly), so it has no
rounding at all; resistances are then compared exactly, as rationals.
"""

from __future__ import annotations

import math
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

import theory.effective_resistance as er
from theory.effective_resistance import (
    edge_resistance_array,
    edge_resistances,
    resistance,
    resistance_matrix,
)

EXACT_RTOL = 1e-8  # the bound the exact paths promise (the requirement)

# --------------------------------------------------------------------------
# the exact reference
# --------------------------------------------------------------------------


def exact_resistance_matrix(n: int, edges: list[tuple[int, int, float]]) -> list[list[Fraction]]:
    """All-pairs effective resistance of a *connected* network on nodes ``0..n-1``.

    ``edges`` are ``(a, b, conductance)``; parallel edges add, self-loops are dropped.
    ``X`` is the inverse of the Laplacian with node ``n - 1`` grounded (row and column
    removed), computed by Gauss--Jordan elimination over Fractions; with ``X`` padded by
    a zero row and column, ``R_uv = X_uu + X_vv - 2 X_uv`` holds exactly.
    """
    L = [[Fraction(0)] * n for _ in range(n)]
    for a, b, w in edges:
        if a != b:
            c = Fraction(w)
            L[a][a] += c
            L[b][b] += c
            L[a][b] -= c
            L[b][a] -= c
    g = n - 1
    # augmented [L_g | I]
    A = [L[i][:g] + [Fraction(int(i == j)) for j in range(g)] for i in range(g)]
    for col in range(g):
        pivot = next(r for r in range(col, g) if A[r][col] != 0)  # connected: never fails
        A[col], A[pivot] = A[pivot], A[col]
        p = A[col][col]
        A[col] = [x / p for x in A[col]]
        for r in range(g):
            if r != col and A[r][col] != 0:
                f = A[r][col]
                A[r] = [x - f * y for x, y in zip(A[r], A[col])]
    X = [[A[i][g + j] for j in range(g)] + [Fraction(0)] for i in range(g)] + [[Fraction(0)] * n]
    return [[X[u][u] + X[v][v] - 2 * X[u][v] for v in range(n)] for u in range(n)]


def assert_exact(got: float, exact: Fraction) -> None:
    """``|got - exact| <= EXACT_RTOL * exact``, compared as rationals (no rounding)."""
    assert math.isfinite(got), got
    assert abs(Fraction(got) - exact) <= EXACT_RTOL * exact, (got, float(exact))


def network(n: int, edges) -> nx.Graph:
    G = nx.MultiGraph() if len({frozenset(e[:2]) for e in edges}) < len(edges) else nx.Graph()
    G.add_nodes_from(range(n))
    for a, b, w in edges:
        G.add_edge(a, b, weight=w)
    return G


def check_every_exact_path(n: int, edges, pairs=None) -> None:
    """All four exact entry points against :func:`exact_resistance_matrix`."""
    R = exact_resistance_matrix(n, edges)
    G = network(n, edges)
    by_edge = edge_resistances(G)
    for a, b, _ in edges:
        if a != b:
            assert_exact(by_edge[(a, b)], R[a][b])
            assert by_edge[(b, a)] == by_edge[(a, b)]  # either orientation
    tails, heads, w = (np.array(x) for x in zip(*edges))
    for (a, b), r in zip(zip(tails, heads), edge_resistance_array(n, tails, heads, w)):
        if a != b:
            assert_exact(float(r), R[a][b])
    M = resistance_matrix(G, list(range(n)))
    for u in range(n):
        for v in range(n):
            if u != v:
                assert_exact(float(M[u, v]), R[u][v])
    for u, v in pairs if pairs is not None else [(0, n // 2), (1, n - 1), (n - 1, 0)]:
        if u != v:
            assert_exact(resistance(G, u, v), R[u][v])


# --------------------------------------------------------------------------
# cycles, triangles, trees
# --------------------------------------------------------------------------


def cycle_conductances(n: int, ratio: float, pattern: str) -> list[float]:
    """Conductances of an ``n``-cycle spanning ``ratio`` (``max / min``)."""
    if pattern == "alternating":  # strong and weak edges alternate
        return [math.sqrt(ratio) if i % 2 else 1 / math.sqrt(ratio) for i in range(n)]
    if pattern == "one strong":  # one edge `ratio` times stronger than the rest
        return [ratio] + [1.0] * (n - 1)
    if pattern == "one weak":
        return [1.0 / ratio] + [1.0] * (n - 1)
    rng = np.random.default_rng(n)  # log-uniform, with both extremes present
    w = 10.0 ** rng.uniform(-0.5, 0.5, n) * math.sqrt(ratio) ** rng.uniform(-1, 1, n)
    w[0], w[1] = math.sqrt(ratio), 1 / math.sqrt(ratio)
    return w.tolist()


@pytest.mark.parametrize("ratio", [1e4, 1e8, 1e12])
@pytest.mark.parametrize("pattern", ["alternating", "one strong", "one weak", "log-uniform"])
@pytest.mark.parametrize("n", [6, 15])
def test_cycle_at_extreme_ratio(n, pattern, ratio):
    w = cycle_conductances(n, ratio, pattern)
    check_every_exact_path(n, [(i, (i + 1) % n, w[i]) for i in range(n)])


@pytest.mark.parametrize(("strong", "weak"), [(1e8, 1e-8), (1e12, 1e-12)])
def test_triangle_with_one_strong_edge(strong, weak):
    check_every_exact_path(3, [(0, 1, strong), (1, 2, weak), (2, 0, weak)], pairs=[(0, 1), (1, 2), (2, 0)])
    # closed form of the strong edge: 1 / (W + 1 / (1/w + 1/w))
    expected = 1 / (Fraction(strong) + 1 / (2 / Fraction(weak)))
    assert_exact(resistance(network(3, [(0, 1, strong), (1, 2, weak), (2, 0, weak)]), 0, 1), expected)


def random_tree(n: int, exponent: int, seed: int) -> list[tuple[int, int, float]]:
    """Random recursive tree; each conductance is ``10**exponent`` or 1 (ratio ``1e|exponent|``),
    times a random factor in [1, 2)."""
    rng = np.random.default_rng(seed)
    return [
        (int(rng.integers(0, i)), i, float(10.0 ** (exponent * rng.integers(0, 2)) * rng.uniform(1, 2)))
        for i in range(1, n)
    ]


@pytest.mark.parametrize("exponent", [12, -12])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tree_resistance_is_the_exact_path_sum(exponent, seed):
    n = 30
    edges = random_tree(n, exponent, seed)
    T = network(n, edges)
    for u in range(n):
        for v in range(u + 1, n):
            path = nx.shortest_path(T, u, v)
            exact = sum(1 / Fraction(T[a][b]["weight"]) for a, b in zip(path, path[1:]))
            assert_exact(resistance(T, u, v), exact)
    check_every_exact_path(n, edges)


# --------------------------------------------------------------------------
# conductances at the ends of float64's range: R(c w) = R(w) / c
# --------------------------------------------------------------------------

UNIT_GRAPHS = {
    "K4 plus pendant": (5, [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (3, 4)]),
    "7-cycle": (7, [(i, (i + 1) % 7) for i in range(7)]),
    "Petersen": (10, list(nx.petersen_graph().edges())),
}


@pytest.mark.parametrize("c", [1e308, 1e-300])
@pytest.mark.parametrize("name", sorted(UNIT_GRAPHS))
def test_all_conductances_at_the_end_of_the_float_range(name, c):
    n, pairs = UNIT_GRAPHS[name]
    check_every_exact_path(n, [(a, b, c) for a, b in pairs])
    # scale invariance against the unit-conductance network
    unit = exact_resistance_matrix(n, [(a, b, 1.0) for a, b in pairs])
    M = resistance_matrix(network(n, [(a, b, c) for a, b in pairs]), list(range(n)))
    for u in range(n):
        for v in range(u + 1, n):
            assert_exact(float(M[u, v]), unit[u][v] / Fraction(c))


# --------------------------------------------------------------------------
# mixed structures: bridges, 2-edge-connected pieces, larger components
# --------------------------------------------------------------------------


def test_extreme_pieces_joined_by_extreme_bridges():
    # a 1e12-ratio 5-cycle and a 1e-12-ratio K4, joined by a 1e12 bridge, plus a 1e-12 leaf
    cycle = [(i, (i + 1) % 5, 1e12 if i % 2 else 1.0) for i in range(5)]
    k4 = [(a + 5, b + 5, 1e-12 if (a + b) % 2 else 1.0) for a in range(4) for b in range(a + 1, 4)]
    edges = cycle + k4 + [(2, 7, 1e12), (8, 9, 1e-12)]
    check_every_exact_path(10, edges, pairs=[(0, 9), (1, 3), (4, 6), (9, 5)])


def test_bridge_beyond_the_ratio_limit_between_ordinary_pieces():
    # the component spans 1e400 (above RATIO_LIMIT), but each 2-edge-connected piece is
    # uniform and the bridge is exact: only a piece's own ratio is limited
    edges = [(i, (i + 1) % 5, 1e200) for i in range(5)] + [(5, 6, 1.0), (6, 7, 1.0), (7, 5, 1.0), (0, 5, 1e-200)]
    R = exact_resistance_matrix(8, edges)
    got = edge_resistances(network(8, edges))
    for a, b, _ in edges:
        assert_exact(got[(a, b)], R[a][b])


@pytest.mark.parametrize("exponent", [12, 24])
def test_random_two_edge_connected_graph_with_log_uniform_conductances(exponent):
    # a Hamiltonian cycle plus 16 random chords: 2-edge-connected by construction
    rng = np.random.default_rng(exponent)
    G = nx.cycle_graph(14)
    chords = [e for e in nx.non_edges(G)]
    G.add_edges_from(chords[i] for i in rng.choice(len(chords), 16, replace=False))
    assert not any(nx.bridges(G))
    edges = [(a, b, float(10.0 ** rng.uniform(-exponent / 2, exponent / 2))) for a, b in G.edges()]
    check_every_exact_path(14, edges)


def test_multigraph_with_extreme_parallel_copies():
    # parallel copies add (1e12 + 1e-12 on one pair), a self-loop is ignored
    edges = [(0, 1, 1e12), (1, 0, 1e-12), (1, 2, 1e-12), (2, 0, 1.0), (2, 3, 1e6), (3, 0, 1e-6), (3, 3, 5.0)]
    check_every_exact_path(4, edges)


def test_long_chain_of_extreme_triangles_split_at_bridges():
    # 400 triangles (1200 nodes, above REDUCTION_MAX) with ratio 1e24, joined by 1e-12 bridges:
    # each triangle is a 2-edge-connected piece, solved alone
    k = 400
    edges = []
    for t in range(k):
        a, b, c = 3 * t, 3 * t + 1, 3 * t + 2
        edges += [(a, b, 1e12), (b, c, 1e-12), (c, a, 1e-12)]
        if t:
            edges.append((3 * t - 1, a, 1e-12))
    assert 3 * k > er.REDUCTION_MAX
    n = 3 * k
    tails, heads, w = (np.array(x) for x in zip(*edges))
    got = edge_resistance_array(n, tails, heads, w)
    strong, weak = Fraction(1e12), Fraction(1e-12)
    expected = {  # an edge of a triangle: its conductance in parallel with the other two in series
        1e12: 1 / (strong + 1 / (2 / weak)),
        "triangle weak": 1 / (weak + 1 / (1 / strong + 1 / weak)),
        "bridge": 1 / weak,
    }
    for (a, b, c), r in zip(edges, got):
        if a // 3 != b // 3:
            assert_exact(float(r), expected["bridge"])
        elif c == 1e12:
            assert_exact(float(r), expected[1e12])
        else:
            assert_exact(float(r), expected["triangle weak"])


# --------------------------------------------------------------------------
# the paths that raise: each with its reason
# --------------------------------------------------------------------------

ENTRY_POINTS = {
    "edge_resistances": lambda G: edge_resistances(G),
    "edge_resistance_array": lambda G: edge_resistance_array(
        G.number_of_nodes(),
        np.array([u for u, _ in G.edges()]),
        np.array([v for _, v in G.edges()]),
        np.array([d["weight"] for _, _, d in G.edges(data=True)]),
    ),
    "resistance": lambda G: resistance(G, 0, 1),
    "resistance_matrix": lambda G: resistance_matrix(G),
}
entry_points = pytest.mark.parametrize("call", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS))


@entry_points
def test_ratio_beyond_float64_raises(call):
    # 1e60 / 1e-60: products of weak conductances would underflow
    G = network(3, [(0, 1, 1e60), (1, 2, 1e-60), (2, 0, 1.0)])
    with pytest.raises(ValueError, match=r"span a ratio of 1\.0e\+120.*cannot be trusted"):
        call(G)


@entry_points
def test_conductance_too_small_for_float64_raises(call):
    # R >= 1 / 1e-310 overflows float64
    G = network(3, [(0, 1, 1e-310), (1, 2, 1e-310), (2, 0, 1e-310)])
    with pytest.raises(ValueError, match="cannot be trusted"):
        call(G)


def test_bridge_conductance_too_small_for_float64_raises():
    G = network(2, [(0, 1, 1e-310)])
    with pytest.raises(ValueError, match=r"comes out as inf.*cannot be trusted"):
        edge_resistances(G)
    with pytest.raises(ValueError, match="exceeds float64's range"):
        resistance(G, 0, 1)


def test_parallel_conductances_overflowing_float64_raise():
    G = nx.MultiGraph([(0, 1, {"weight": 1e308})] * 3)
    with pytest.raises(ValueError, match=r"comes out as 0\.0.*cannot be trusted"):
        edge_resistances(G)  # a bridge of conductance inf
    G.add_edges_from([(1, 2), (2, 0)])
    for call in (edge_resistances, lambda G: resistance(G, 0, 1), resistance_matrix):
        with pytest.raises(ValueError, match="add up beyond float64's range"):
            call(G)


def test_large_extreme_piece_raises(monkeypatch):
    monkeypatch.setattr(er, "REDUCTION_MAX", 5)
    w = cycle_conductances(12, 1e12, "alternating")
    G = network(12, [(i, (i + 1) % 12, w[i]) for i in range(12)])
    with pytest.raises(ValueError, match=r"piece of 12 nodes.*cannot be trusted.*at most 5 nodes"):
        edge_resistances(G)


def test_cycle_above_the_fallback_size_raises():
    # no monkeypatching: a 1001-node cycle is one 2-edge-connected piece above REDUCTION_MAX
    n = er.REDUCTION_MAX + 1
    w = np.array(cycle_conductances(n, 1e12, "alternating"))
    with pytest.raises(ValueError, match=rf"piece of {n} nodes.*cannot be trusted"):
        edge_resistance_array(n, np.arange(n), (np.arange(n) + 1) % n, w)


def test_large_extreme_matrix_raises(monkeypatch):
    monkeypatch.setattr(er, "REDUCTION_MATRIX_MAX", 5)
    w = cycle_conductances(12, 1e12, "alternating")
    G = network(12, [(i, (i + 1) % 12, w[i]) for i in range(12)])
    with pytest.raises(ValueError, match=r"component of 12 nodes.*cannot be trusted.*at most 5 nodes"):
        resistance_matrix(G)


def test_resistance_fallback_over_budget_raises(monkeypatch):
    monkeypatch.setattr(er, "REDUCTION_WORK", 3)
    G = nx.complete_graph(6)
    for i, (_, _, d) in enumerate(G.edges(data=True)):
        d["weight"] = 1e12 if i % 2 else 1e-12
    with pytest.raises(ValueError, match=r"cannot be trusted.*exceed 3e\+00 fill updates"):
        resistance(G, 0, 1)


# --------------------------------------------------------------------------
# ordinary inputs still take the standard path, unchanged
# --------------------------------------------------------------------------


def test_ordinary_graph_never_reaches_the_fallback(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the exact fallback ran on an ordinary graph")

    for name in ("_careful_resistances", "_careful_all_pairs", "pair_conductance"):
        monkeypatch.setattr(er, name, forbidden)
    rng = np.random.default_rng(0)
    G = nx.connected_watts_strogatz_graph(200, 6, 0.1, seed=1)
    for _, _, d in G.edges(data=True):
        d["weight"] = float(10 ** rng.uniform(-3, 3))  # conductances within 1e-3 .. 1e3
    edge_resistances(G)
    resistance_matrix(G)
    resistance(G, 0, 100)
