"""The graph families of the experiments: the planted-bridge communities of the large-graph claim."""

import networkx as nx
import numpy as np
import pytest

from reproduce.myopia.graphs import planted_bridge_communities


def test_planted_communities_have_exactly_the_planted_bridges():
    G, bridges = planted_bridge_communities(np.random.default_rng(5), communities=6, size=30, degree=6.0)
    assert nx.is_connected(G) and G.number_of_nodes() == 180
    assert {tuple(sorted(e)) for e in nx.bridges(G)} == bridges and len(bridges) == 5
    # a Hamiltonian cycle per community plus at most (degree - 2) size / 2 chords (repeats merge)
    assert 6 * 30 + 5 < G.number_of_edges() <= 6 * 30 * 6 / 2 + 5


def test_planted_communities_reject_bad_sizes():
    with pytest.raises(ValueError, match="community"):
        planted_bridge_communities(np.random.default_rng(0), communities=0)
    with pytest.raises(ValueError, match="mean degree"):
        planted_bridge_communities(np.random.default_rng(0), size=10, degree=20.0)
