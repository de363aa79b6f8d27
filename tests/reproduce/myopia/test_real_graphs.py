"""Real networks and the noisy-observation frequency model of myopia.real_graphs."""

import networkx as nx
import numpy as np
import pytest

from reproduce.myopia.real_graphs import (
    REAL_GRAPHS,
    betweenness_observation_probability,
    load_real_graph,
    snapshot_frequencies,
)

ORDER_ATOL = 1e-12  # pi is an affine map of the betweenness rank: round-off of O(1) values only
MEAN_ATOL = 0.01  # 5.7 sd (0.0018) of the mean of 4,000 draws of a 20-snapshot frequency at p = 1/2
VARIANCE_RTOL = 0.15  # about 6 relative sd (0.024, binomial kurtosis included) of a 4,000-draw sample variance


@pytest.mark.parametrize("name", sorted(REAL_GRAPHS))
def test_real_graphs_load_connected_unweighted_and_integer_labelled(name):
    G = load_real_graph(name)
    original = REAL_GRAPHS[name]()
    assert nx.is_connected(G)
    assert set(G) == set(range(original.number_of_nodes()))
    assert G.number_of_edges() == original.number_of_edges()
    assert all(not d for _, _, d in G.edges(data=True))


def test_unknown_graph_is_rejected():
    with pytest.raises(ValueError, match="unknown graph"):
        load_real_graph("zachary")


def test_observation_probability_spans_the_range_and_orders_by_betweenness():
    G = load_real_graph("karate")
    pi = betweenness_observation_probability(G, 0.95, 0.05)
    bc = nx.edge_betweenness_centrality(G)
    b = np.array([bc[e] for e in G.edges()])
    assert pi.max() == pytest.approx(0.95) and pi.min() == pytest.approx(0.05)
    assert np.all(np.diff(pi[np.argsort(b, kind="stable")]) <= ORDER_ATOL)


def test_snapshot_frequencies_are_binomial_fractions():
    rng = np.random.default_rng(0)
    f = snapshot_frequencies(np.array([0.1, 0.5, 0.9]), 20, rng, draws=4000)
    assert f.shape == (4000, 3)
    assert np.all(np.isclose(f * 20, np.round(f * 20)))
    np.testing.assert_allclose(f.mean(0), [0.1, 0.5, 0.9], atol=MEAN_ATOL)
    np.testing.assert_allclose(f.var(0), np.array([0.09, 0.25, 0.09]) / 20, rtol=VARIANCE_RTOL)


@pytest.mark.parametrize("pi,T,match", [([0.5, 1.5], 10, r"\[0, 1\]"), ([0.5], 0, "snapshots")])
def test_snapshot_bad_inputs(pi, T, match):
    with pytest.raises(ValueError, match=match):
        snapshot_frequencies(np.array(pi), T, np.random.default_rng(0))
