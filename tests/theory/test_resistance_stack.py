"""The batched dense resistances of many small graphs against the per-graph engine and formulas."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.effective_resistance import edge_resistance_array, resistance_stack

PINV_RTOL = 1e-9  # a dense pseudo-inverse of a well-conditioned Laplacian: round-off of O(n) eigen-solves
SERIES_ATOL = 1e-12  # resistances 0..4 on the unit path P_5 from the same pseudo-inverse: round-off only


def _random_stack(rng, count, n, density):
    A = np.triu(rng.random((count, n, n)) < density, 1) * rng.uniform(0.1, 10.0, (count, n, n))
    return A + np.swapaxes(A, 1, 2)


@given(st.integers(0, 2**32 - 1), st.integers(2, 12), st.floats(0.1, 0.9))
def test_every_pair_matches_the_engine_within_components_and_is_inf_across(seed, n, density):
    A = _random_stack(np.random.default_rng(seed), 4, n, density)
    R = resistance_stack(A)
    for k in range(4):
        G = nx.from_numpy_array(A[k])
        t, h = np.triu_indices(n, 1)
        labels = {v: c for c, comp in enumerate(nx.connected_components(G)) for v in comp}
        same = np.array([labels[u] == labels[v] for u, v in zip(t, h)])
        assert np.all(np.isinf(R[k, t[~same], h[~same]]))
        assert np.all(np.diag(R[k]) == 0.0)
        edges = np.array([(u, v, w) for u, v, w in G.edges(data="weight")]).reshape(-1, 3)
        if edges.size:
            tails, heads = edges[:, 0].astype(int), edges[:, 1].astype(int)
            ref = edge_resistance_array(n, tails, heads, edges[:, 2])
            np.testing.assert_allclose(R[k, tails, heads], ref, rtol=PINV_RTOL)


def test_formulas_path_and_complete_graph():
    A = np.stack([nx.to_numpy_array(nx.path_graph(5)), nx.to_numpy_array(nx.complete_graph(5))])
    R = resistance_stack(A)
    np.testing.assert_allclose(R[0, 0], [0, 1, 2, 3, 4], atol=SERIES_ATOL)  # series: sum of resistances
    np.testing.assert_allclose(R[1][~np.eye(5, dtype=bool)], 2 / 5, rtol=PINV_RTOL)  # K_n: 2/n


def test_self_loops_are_ignored():
    A = nx.to_numpy_array(nx.path_graph(3))[None]
    B = A.copy()
    B[0, 1, 1] = 7.0
    np.testing.assert_array_equal(resistance_stack(A), resistance_stack(B))


@pytest.mark.parametrize(
    "bad,match",
    [
        (np.zeros((3, 4)), "shape"),
        (np.zeros((1, 2, 3)), "shape"),
        (np.array([[[0.0, -1.0], [-1.0, 0.0]]]), "non-negative"),
        (np.array([[[0.0, np.nan], [np.nan, 0.0]]]), "finite"),
        (np.array([[[0.0, 1.0], [2.0, 0.0]]]), "symmetric"),
    ],
)
def test_bad_stacks_are_rejected(bad, match):
    with pytest.raises(ValueError, match=match):
        resistance_stack(bad)
