"""Bridges: ``bridge_mask`` against ``networkx.bridges``, and bridge <=> leverage 1.

An edge ``e`` is a bridge exactly when every spanning tree contains it, i.e. when its
leverage ``w_e R_e`` (Kirchhoff's spanning-tree probability) equals 1.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies.graphs import (
    conductance,
    connected_graphs,
    graphs_with_bridge,
    graphs_with_components,
    multigraphs,
    trees,
)

from theory.bridges import bridge_mask
from theory.effective_resistance import edge_resistances

LEVERAGE_ONE_ATOL = 1e-9  # bridge: w * (1/w) = 1 to round-off; non-bridge: >= 4e-4 below 1 (w in [0.1, 10], n <= 25)


def arrays(G: nx.Graph):
    nodes = list(G)
    pos = {v: i for i, v in enumerate(nodes)}
    edges = list(G.edges())
    tails = np.array([pos[u] for u, _ in edges], dtype=np.int64)
    heads = np.array([pos[v] for _, v in edges], dtype=np.int64)
    return len(nodes), tails, heads, edges


def nx_bridge_set(G: nx.Graph) -> set[frozenset]:
    return {frozenset(e) for e in nx.bridges(G)}


def assert_mask_matches_networkx(G: nx.Graph) -> None:
    n, tails, heads, edges = arrays(G)
    mask = bridge_mask(n, tails, heads)
    assert mask.dtype == bool
    assert mask.shape == (len(edges),)
    expected = nx_bridge_set(G)
    assert {frozenset(e) for e, b in zip(edges, mask) if b} == expected
    # a pair's copies (parallel edges) are all bridges or none
    assert all(b == (frozenset(e) in expected) for e, b in zip(edges, mask))


@given(st.one_of(connected_graphs(), graphs_with_components(), trees()))
def test_bridge_mask_matches_networkx(G):
    assert_mask_matches_networkx(G)


@given(st.one_of(multigraphs(), multigraphs(connected=False)))
def test_bridge_mask_on_multigraphs(G):
    # networkx.bridges accepts multigraphs and never reports a parallel pair or a loop.
    n, tails, heads, edges = arrays(G)
    mask = bridge_mask(n, tails, heads)
    multiplicity = {}
    for u, v in edges:
        multiplicity[frozenset((u, v))] = multiplicity.get(frozenset((u, v)), 0) + 1
    simple = nx.Graph(G)
    simple.remove_edges_from(nx.selfloop_edges(simple))
    expected = {p for p in nx_bridge_set(simple) if multiplicity[p] == 1}
    assert expected == nx_bridge_set(G)
    for (u, v), b in zip(edges, mask):
        assert b == (frozenset((u, v)) in expected)
        if u == v or multiplicity[frozenset((u, v))] > 1:
            assert not b


@given(graphs_with_bridge())
def test_planted_bridge_is_found(planted):
    G, e = planted
    n, tails, heads, edges = arrays(G)
    mask = bridge_mask(n, tails, heads)
    assert mask[edges.index(e)]
    assert_mask_matches_networkx(G)


@given(st.one_of(connected_graphs(), graphs_with_components(), graphs_with_bridge().map(lambda p: p[0])))
def test_bridge_iff_leverage_one(G):
    R = edge_resistances(G)
    bridges = nx_bridge_set(G)
    for u, v, d in G.edges(data=True):
        leverage = conductance(d) * R[(u, v)]
        assert (abs(leverage - 1.0) <= LEVERAGE_ONE_ATOL) == (frozenset((u, v)) in bridges)


@given(trees())
def test_every_tree_edge_is_a_bridge(T):
    n, tails, heads, _ = arrays(T)
    assert bridge_mask(n, tails, heads).all()


@pytest.mark.parametrize("leaves", [1, 2, 10, 500])
def test_star_all_bridges(leaves):
    G = nx.star_graph(leaves)
    assert_mask_matches_networkx(G)
    n, tails, heads, _ = arrays(G)
    assert bridge_mask(n, tails, heads).all()


@pytest.mark.parametrize("n", [2, 3, 50, 2000])
def test_path_all_bridges(n):
    G = nx.path_graph(n)
    assert_mask_matches_networkx(G)
    _, tails, heads, _ = arrays(G)
    assert bridge_mask(n, tails, heads).all()


@pytest.mark.parametrize("n", [3, 4, 50, 2000])
def test_cycle_no_bridges(n):
    G = nx.cycle_graph(n)
    assert_mask_matches_networkx(G)
    _, tails, heads, _ = arrays(G)
    assert not bridge_mask(n, tails, heads).any()


def test_cycle_with_pendant_path():
    # a lollipop: clique edges are not bridges, the stick edges are
    G = nx.lollipop_graph(5, 4)
    assert_mask_matches_networkx(G)


def test_many_components():
    # 300 components: triangles, single edges, paths of length 2, isolated nodes
    pieces = [nx.cycle_graph(3), nx.path_graph(2), nx.path_graph(3), nx.empty_graph(1)] * 75
    G = nx.disjoint_union_all(pieces)
    assert_mask_matches_networkx(G)
    n, tails, heads, _ = arrays(G)
    assert bridge_mask(n, tails, heads).sum() == 75 * (0 + 1 + 2 + 0)


def test_parallel_pair_and_self_loop_are_never_bridges():
    n = 3
    tails = np.array([0, 1, 1, 2])
    heads = np.array([1, 0, 2, 2])  # {0,1} twice (reversed), {1,2} once, loop at 2
    np.testing.assert_array_equal(bridge_mask(n, tails, heads), [False, False, True, False])


def test_bridge_mask_empty_and_isolated():
    assert bridge_mask(4, np.array([], dtype=int), np.array([], dtype=int)).shape == (0,)
    np.testing.assert_array_equal(bridge_mask(5, [3], [1]), [True])


@pytest.mark.parametrize(
    ("n", "tails", "heads", "match"),
    [
        (3, [0, 1], [1], "length"),
        (3, [0, 3], [1, 2], "range"),
        (3, [0, -1], [1, 2], "range"),
        (0, [], [], "no nodes"),
    ],
)
def test_bridge_mask_rejects_bad_arrays(n, tails, heads, match):
    with pytest.raises(ValueError, match=match):
        bridge_mask(n, np.array(tails, dtype=int), np.array(heads, dtype=int))
