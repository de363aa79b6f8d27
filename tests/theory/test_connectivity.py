"""Exact connectivity of edge-independent graphs (Theorem 3.2), against enumeration of every subgraph."""

import itertools

import networkx as nx
import numpy as np
import pytest

from theory.connectivity import barbell_disconnection_probability, gnp_connected_probability

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
