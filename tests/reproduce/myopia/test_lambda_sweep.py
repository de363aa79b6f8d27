"""Score crossings and bridge-inclusion thresholds of the weighted score f + lambda R."""

import numpy as np
import pytest
from scipy.stats import rankdata

from reproduce.myopia.graphs import barbell, clique_chain, edge_arrays, edge_frequencies
from reproduce.myopia.lambda_sweep import crossings, dense_ranks, inclusion_threshold
from theory.effective_resistance import edge_resistance_array
from theory.sparsifiers import edge_budget


def _setup(G, bridges):
    n, t, h = edge_arrays(G)
    f = edge_frequencies(G, bridges)
    R = edge_resistance_array(n, t, h)
    is_bridge = np.array([(min(a, b), max(a, b)) in bridges for a, b in zip(t.tolist(), h.tolist())])
    return f, R, is_bridge


def test_dense_ranks_agree_with_scipy():
    rng = np.random.default_rng(0)
    s = rng.integers(0, 5, 40).astype(float)
    expected = rankdata(-s, method="dense") - 1
    assert dense_ranks(s).tolist() == expected.tolist()


def test_dense_ranks_absorb_round_off():
    assert dense_ranks(np.array([0.25, 0.25 + 4e-16, 1.0])).tolist() == [1, 1, 0]


def test_barbell_has_one_crossing_at_1_2():
    f, R, is_bridge = _setup(*barbell(8))
    assert crossings(f, R).tolist() == [pytest.approx(0.9 / 0.75)]
    assert inclusion_threshold(f, R, is_bridge, edge_budget(f.size, 0.5)) == pytest.approx(1.2)


def test_chain_crossings_and_inclusion():
    f, R, is_bridge = _setup(*clique_chain((10, 15, 20)))
    # bridge (0.05, 1) against K_s edges (0.95, 2/s): lambda = 0.9 / (1 - 2/s)
    expected = sorted(0.9 / (1 - 2 / s) for s in (10, 15, 20))
    np.testing.assert_allclose(crossings(f, R), expected)
    # 45 + 105 = 150 edges of K10 and K15 sit above the K20 edges; the budget 205 covers them and the bridges,
    # so the bridges are safe once they pass the K20 edges, at lambda = 0.9 / 0.9 = 1.
    assert inclusion_threshold(f, R, is_bridge, edge_budget(f.size, 0.6)) == pytest.approx(1.0)
    # with a budget of 100 they must also pass the K15 edges
    assert inclusion_threshold(f, R, is_bridge, 100) == pytest.approx(0.9 / (1 - 2 / 15))


def test_bridges_outside_any_budget_give_infinity():
    f = np.array([0.9, 0.9, 0.1])
    R = np.array([0.5, 0.5, 0.2])  # the "bridge" never overtakes
    assert inclusion_threshold(f, R, np.array([False, False, True]), 1) == float("inf")
