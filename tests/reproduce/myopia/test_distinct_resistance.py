"""myopia.distinct_resistance: link resistances against series/parallel reasoning, and the verdict rule."""

import networkx as nx
import numpy as np
import pytest

from reproduce.myopia import distinct_resistance as claim
from reproduce.myopia.graphs import clique_chain


def test_single_edge_links_are_bridges_with_resistance_one():
    links = claim.link_resistances((4, 5, 6), (1, 1))
    assert links == [[pytest.approx(1.0, abs=1e-12)], [pytest.approx(1.0, abs=1e-12)]]


def test_a_thick_link_matches_networkx_resistance_distance():
    sizes, thickness = (5, 6, 7), (2, 3)
    links = claim.link_resistances(sizes, thickness)
    G, _ = clique_chain(sizes, thickness)
    start = sizes[0]
    for j, value in enumerate(links[0]):
        assert value == pytest.approx(nx.resistance_distance(G, start - 1 - j, start + j), rel=1e-10)
    assert all(v < 1 for v in links[0] + links[1])  # parallel routes lower it below a bridge's 1


def test_the_rule_reads_equal_bridges_as_differs_and_distinct_ones_as_reproduced():
    config = claim.CONFIGS["quick"]
    values = dict(claim.measure(config, np.random.default_rng(0)).values)
    assert claim.judge(values, config).verdict == "differs"
    values["literal_R"], values["literal_abs_diff"] = [1.0, 0.9], 0.1
    assert claim.judge(values, config).verdict == "reproduced"
