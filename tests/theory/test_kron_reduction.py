"""Subtraction-free elimination against series/parallel formulas and the pseudo-inverse."""

from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from theory.kron_reduction import banded_positions, eliminate_trailing, pair_conductance, pair_resistances

ROUNDOFF_RTOL = 1e-13  # a few eps per elimination on graphs of at most 12 nodes


def _pinv_resistances(W, a, b):
    L = np.diag(W.sum(axis=1)) - W
    X = np.linalg.pinv(L)
    return X[a, a] + X[b, b] - 2 * X[a, b]


def test_all_pairs_of_a_random_network_match_the_pseudo_inverse():
    rng = np.random.default_rng(3)
    G = nx.connected_watts_strogatz_graph(12, 4, 0.3, seed=2)
    W = nx.to_numpy_array(G, weight=None) * np.exp(rng.uniform(-1, 1, (12, 12)))
    W = np.triu(W, 1) + np.triu(W, 1).T
    a, b = np.triu_indices(12, 1)
    got = pair_resistances(W.copy(), a, b)
    np.testing.assert_allclose(got, _pinv_resistances(W, a, b), rtol=ROUNDOFF_RTOL)


def test_series_and_parallel_on_a_path_and_a_cycle():
    # path 0-1-2-3 with conductances 1, 2, 4: series resistance 1 + 1/2 + 1/4
    rows, cols, w = np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([1.0, 2.0, 4.0])
    assert 1 / pair_conductance(4, rows, cols, w, 0, 3) == pytest.approx(1.75, rel=ROUNDOFF_RTOL)
    # 6-cycle of unit conductances: 1 in parallel with 5 in series between neighbours
    rows, cols = np.arange(6), (np.arange(6) + 1) % 6
    assert 1 / pair_conductance(6, rows, cols, np.ones(6), 0, 1) == pytest.approx(5 / 6, rel=ROUNDOFF_RTOL)


def test_extreme_ratios_stay_exact():
    """A triangle (1e12, 1e-12, 1e-12): the strong edge in parallel with two weak ones in series."""
    big, small = 10**12, Fraction(1, 10**12)
    exact = 1 / (big + small / 2)
    rows, cols, w = np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([1e12, 1e-12, 1e-12])
    assert 1 / pair_conductance(3, rows, cols, w, 0, 1) == pytest.approx(float(exact), rel=ROUNDOFF_RTOL)


def test_eliminating_a_leaf_and_the_budget():
    W = np.array([[0.0, 2.0, 0.0], [2.0, 0.0, 3.0], [0.0, 3.0, 0.0]])
    np.testing.assert_array_equal(eliminate_trailing(W.copy(), 2)[0, 1], 2.0)  # a leaf carries no current
    with pytest.raises(ValueError, match="would exceed"):
        pair_conductance(6, np.arange(6), (np.arange(6) + 1) % 6, np.ones(6), 0, 3, max_work=1)


def test_banded_positions_is_a_permutation():
    G = nx.grid_2d_graph(4, 5)
    G = nx.convert_node_labels_to_integers(G)
    t, h = map(np.array, zip(*G.edges()))
    pos = banded_positions(20, t, h)
    assert sorted(pos.tolist()) == list(range(20))
