"""Exact connectivity of edge-independent graphs (Theorem 3.2) and of uniform edge subsets (random sampling),
against enumeration of every subgraph."""

import itertools

import networkx as nx
import numpy as np
import pytest

from theory.connectivity import (
    barbell_disconnection_probability,
    clique_tree_connected_probability,
    clique_tree_subset_connected_probability,
    connected_subgraph_counts,
    gnp_connected_probability,
    subset_keeps_all_probability,
)

ENUMERATION_ATOL = 1e-12  # both sides are sums of at most 2^15 products: float round-off only
CERTAIN_CLIQUE_ATOL = 1e-15  # p_clique = 1 gives C = 1 exactly, so only 1 - 0.05 rounds: a few ulps of 0.95 (1.1e-16)


def brute_force_connected(G: nx.Graph, p) -> float:
    """Sum of P(subgraph) over every connected spanning subgraph of G (edge probabilities p)."""
    edges = list(G.edges())
    p = np.broadcast_to(np.asarray(p, float), (len(edges),))
    total = 0.0
    for keep in itertools.product((0, 1), repeat=len(edges)):
        H = nx.Graph()
        H.add_nodes_from(G)
        H.add_edges_from(e for e, k in zip(edges, keep) if k)
        if nx.is_connected(H):
            total += float(np.prod(np.where(keep, p, 1 - p)))
    return total


@pytest.mark.parametrize("n,p", [(1, 0.3), (2, 0.3), (4, 0.5), (5, 0.8), (5, 0.1)])
def test_gilbert_recursion_matches_enumeration(n, p):
    assert gnp_connected_probability(n, p) == pytest.approx(
        brute_force_connected(nx.complete_graph(n), p), abs=ENUMERATION_ATOL
    )


@pytest.mark.parametrize("eps,common", [(0.05, 0.95), (0.3, 0.6)])
def test_barbell_disconnection_matches_enumeration(eps, common):
    G, bridge = nx.barbell_graph(3, 0), {(2, 3)}  # two triangles joined by the edge (2, 3)
    p = [eps if tuple(sorted(e)) in bridge else common for e in G.edges()]
    expected = 1 - brute_force_connected(G, p)
    assert float(barbell_disconnection_probability(3, common, eps)) == pytest.approx(expected, abs=ENUMERATION_ATOL)


def test_theorem_limit_with_certain_cliques():
    assert float(barbell_disconnection_probability(8, 1.0, 0.05)) == pytest.approx(0.95, abs=CERTAIN_CLIQUE_ATOL)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: gnp_connected_probability(0, 0.5), "n must"),
        (lambda: gnp_connected_probability(3, 1.5), "p must"),
    ],
)
def test_bad_inputs_are_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- random k-subsets of a tree of cliques (the random-sampling baseline) ---------------------------


def enumerate_subsets_connected(sizes, kept: int) -> float:
    """Fraction of all kept-subsets of the clique chain's edges that connect it (every subset listed)."""
    from math import comb

    G, _ = clique_chain_graph(sizes)
    nodes, edges = list(G), list(G.edges())
    hits = 0
    for subset in itertools.combinations(edges, kept):
        H = nx.Graph()
        H.add_nodes_from(nodes)
        H.add_edges_from(subset)
        hits += nx.is_connected(H)
    return hits / comb(len(edges), kept)


def clique_chain_graph(sizes):
    """Complete blocks of ``sizes`` joined in a path by single edges (first node of each block to the last of the
    previous one), built here with networkx alone."""
    G, start, bridges = nx.Graph(), 0, set()
    for i, s in enumerate(sizes):
        G.add_nodes_from(range(start, start + s))
        G.add_edges_from(itertools.combinations(range(start, start + s), 2))
        if i:
            G.add_edge(start - 1, start)
            bridges.add((start - 1, start))
        start += s
    return G, bridges


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_connected_subgraph_counts_match_enumeration(n):
    edges = list(nx.complete_graph(n).edges())
    counts = [0] * (len(edges) + 1)
    for keep in itertools.product((0, 1), repeat=len(edges)):
        H = nx.Graph()
        H.add_nodes_from(range(n))
        H.add_edges_from(e for e, k in zip(edges, keep) if k)
        counts[sum(keep)] += nx.is_connected(H)
    assert connected_subgraph_counts(n) == tuple(counts)


@pytest.mark.parametrize("n", [2, 6, 9, 13])
def test_connected_subgraph_counts_obey_cayley_and_gilbert(n):
    c = connected_subgraph_counts(n)
    M = n * (n - 1) // 2
    assert len(c) == M + 1 and c[M] == 1
    assert all(x == 0 for x in c[: n - 1]) and c[n - 1] == n ** (n - 2)  # Cayley: spanning trees
    for p in (0.2, 0.7):
        by_edges = sum(x * p**j * (1 - p) ** (M - j) for j, x in enumerate(c))
        assert by_edges == pytest.approx(gnp_connected_probability(n, p), rel=GILBERT_RTOL)


GILBERT_RTOL = 1e-10  # both sides are float sums of at most 79 terms of size <= 1: round-off only


@pytest.mark.parametrize("sizes", [(3, 3), (2, 3, 2), (1, 4), (4,), (3, 1, 3)])
def test_subset_connectivity_matches_enumeration_of_every_subset(sizes):
    G, _ = clique_chain_graph(sizes)
    M = G.number_of_edges()
    exact = clique_tree_subset_connected_probability(sizes, np.arange(M + 1))
    expected = [enumerate_subsets_connected(sizes, k) for k in range(M + 1)]
    assert exact == pytest.approx(expected, abs=ENUMERATION_ATOL)
    n = sum(sizes)
    assert np.all(exact[: n - 1] == 0) and np.all(exact[n - 1 :] > 0)  # positive iff a spanning tree fits


def test_subset_connectivity_is_at_most_the_chance_of_keeping_every_bridge():
    sizes = (10, 15, 20)
    M = 45 + 105 + 190 + 2
    k = np.arange(M + 1)
    exact = clique_tree_subset_connected_probability(sizes, k)
    bound = subset_keeps_all_probability(M, 2, k)
    assert np.all(exact <= bound + 1e-15)
    assert np.all(np.diff(exact) >= 0)  # connectivity is monotone in the budget
    assert bound[205] == pytest.approx(205 * 204 / (342 * 341), rel=1e-14)  # Table 2's bound


@pytest.mark.parametrize("total,required", [(7, 1), (7, 2), (6, 3), (5, 0)])
def test_subset_keeps_all_matches_enumeration(total, required):
    from math import comb

    for kept in range(total + 1):
        hits = sum(set(range(required)) <= set(s) for s in itertools.combinations(range(total), kept))
        expected = hits / comb(total, kept)
        assert float(subset_keeps_all_probability(total, required, kept)) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("sizes,common,eps", [((2, 3), 0.7, 0.2), ((2, 1, 3), 0.5, 0.4), ((3,), 0.6, 0.1)])
def test_clique_tree_sampler_matches_enumeration(sizes, common, eps):
    G, bridges = clique_chain_graph(sizes)
    p = [eps if tuple(sorted(e)) in bridges else common for e in G.edges()]
    expected = brute_force_connected(G, p)
    assert float(clique_tree_connected_probability(sizes, common, eps)) == pytest.approx(expected, abs=ENUMERATION_ATOL)


def test_clique_tree_sampler_is_the_barbell_formula():
    eps = np.array([0.01, 0.05, 0.5])
    assert clique_tree_connected_probability((8, 8), 0.95, eps) == pytest.approx(
        1 - barbell_disconnection_probability(8, 0.95, eps), abs=1e-15
    )


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: connected_subgraph_counts(0), "n must"),
        (lambda: connected_subgraph_counts(2.5), "n must"),
        (lambda: clique_tree_subset_connected_probability((), 1), "block sizes"),
        (lambda: clique_tree_subset_connected_probability((3, 0), 1), "block sizes"),
        (lambda: clique_tree_subset_connected_probability((3, 3), 8), "kept must"),
        (lambda: clique_tree_subset_connected_probability((3, 3), 1.5), "kept must"),
        (lambda: subset_keeps_all_probability(5, 6, 2), "required must"),
        (lambda: subset_keeps_all_probability(-1, 0, 0), "total must"),
        (lambda: clique_tree_connected_probability((3, 3), 1.5, 0.1), "p_clique must"),
        (lambda: clique_tree_connected_probability((3, 3), 0.5, -0.1), "epsilon must"),
    ],
)
def test_bad_subset_inputs_are_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()
