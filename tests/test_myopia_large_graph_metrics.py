"""Scalable connectivity and lambda_2 against the dense reference metrics; the planted-bridge family."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reproduce.myopia.graphs import edge_arrays, planted_bridge_communities
from reproduce.myopia.large_graph_metrics import algebraic_connectivity_sparse, is_connected_sparse, sparse_laplacian
from theory.sparsifier_quality import algebraic_connectivity, is_connected, laplacian_stack


def _random_graph(seed, n, extra):
    rng = np.random.default_rng(seed)
    t = np.arange(1, n)
    h = np.array([rng.integers(0, i) for i in range(1, n)])  # a random spanning tree
    et, eh = rng.integers(0, n, extra), rng.integers(0, n, extra)
    keep = et != eh
    return rng, np.concatenate([t, et[keep]]), np.concatenate([h, eh[keep]])


@given(st.integers(0, 10_000), st.integers(4, 40), st.integers(0, 60))
def test_sparse_metrics_match_dense(seed, n, extra):
    rng, t, h = _random_graph(seed, n, extra)
    mask = rng.random(t.size) < 0.8
    w = 10 ** rng.uniform(-1, 1, t.size)
    dense_L = laplacian_stack(n, t, h, mask[None], w)[0]
    np.testing.assert_allclose(sparse_laplacian(n, t, h, mask, w).toarray(), dense_L, atol=1e-12)
    assert is_connected_sparse(n, t, h, mask) == bool(is_connected(n, t, h, mask[None])[0])
    expected = float(algebraic_connectivity(dense_L[None])[0]) if is_connected_sparse(n, t, h, mask) else 0.0
    assert algebraic_connectivity_sparse(n, t, h, mask, w) == pytest.approx(expected, rel=1e-7, abs=1e-10)


def test_path_and_complete_graph_formulas():
    n = 30
    t, h = np.arange(n - 1), np.arange(1, n)
    # path P_n: lambda_2 = 2 (1 - cos(pi / n)); K_n: lambda_2 = n
    assert algebraic_connectivity_sparse(n, t, h) == pytest.approx(2 * (1 - np.cos(np.pi / n)), rel=1e-8)
    _, ct, ch = edge_arrays(nx.complete_graph(12))
    assert algebraic_connectivity_sparse(12, ct, ch) == pytest.approx(12.0, rel=1e-8)


def test_disconnected_graph_has_zero_lambda2():
    assert algebraic_connectivity_sparse(4, [0, 2], [1, 3]) == 0.0
    assert not is_connected_sparse(4, [0, 2], [1, 3])


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: sparse_laplacian(3, [0, 1], [1]), "same length"),
        (lambda: sparse_laplacian(3, [0, 1], [1, 5]), "endpoints"),
        (lambda: is_connected_sparse(3, [0, 1], [1, 2], [True]), "mask"),
        (lambda: sparse_laplacian(3, [0, 1], [1, 2], None, [1.0]), "conductances"),
    ],
)
def test_bad_inputs_are_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()


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
