"""The dense Laplacian stack of :mod:`theory.laplacian` against networkx and a loop-by-edge reference."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies.graphs import WEIGHT, conductance, connected_graphs, multigraphs

from theory import sparsifier_quality
from theory.laplacian import laplacian_matrix, laplacian_stack

STACK_ATOL = 1e-12  # against the references: the same sums in another order (conductances <= 10, degree < 30)


def arrays(G):
    E = np.array(list(G.edges()))
    return G.number_of_nodes(), E[:, 0], E[:, 1]


@st.composite
def subgraph_masks(draw):
    G = nx.convert_node_labels_to_integers(draw(connected_graphs(min_nodes=2, max_nodes=14, weights=st.just(None))))
    n, t, h = arrays(G)
    masks = np.array(draw(st.lists(st.lists(st.booleans(), min_size=t.size, max_size=t.size), min_size=1, max_size=4)))
    return n, t, h, masks


@st.composite
def weighted_multigraph_masks(draw):
    """A multigraph (parallel edges, self-loops) as edge arrays, masks and per-trial conductances."""
    G = draw(multigraphs(min_nodes=2, max_nodes=10))
    E = list(G.edges(data=True))
    t = np.array([u for u, _, _ in E], dtype=np.int64)
    h = np.array([v for _, v, _ in E], dtype=np.int64)
    w = np.array([conductance(d) for _, _, d in E])
    K = draw(st.integers(1, 3))
    masks = np.array(draw(st.lists(st.lists(st.booleans(), min_size=t.size, max_size=t.size), min_size=K, max_size=K)))
    scale = np.array(draw(st.lists(st.floats(0.5, 2.0), min_size=K, max_size=K)))
    return G.number_of_nodes(), t, h, masks, scale[:, None] * w[None, :]


def test_sparsifier_quality_reexports_the_one_builder():
    assert sparsifier_quality.laplacian_stack is laplacian_stack


@given(subgraph_masks())
def test_unweighted_stack_equals_networkx_exactly(case):
    n, t, h, masks = case
    L = laplacian_stack(n, t, h, masks)
    assert L.shape == (len(masks), n, n)
    for i, mask in enumerate(masks):
        H = nx.Graph()
        H.add_nodes_from(range(n))
        H.add_edges_from(zip(t[mask], h[mask]))
        assert np.array_equal(L[i], nx.laplacian_matrix(H, nodelist=range(n)).toarray())


@given(weighted_multigraph_masks())
def test_weighted_multigraph_stack_matches_edge_loop_and_sparse_builder(case):
    """Parallel edges add and self-loops vanish, as in :func:`laplacian_matrix`."""
    n, t, h, masks, w = case
    L = laplacian_stack(n, t, h, masks, w)
    for i, mask in enumerate(masks):
        ref = np.zeros((n, n))
        for a, b, c in zip(t[mask], h[mask], w[i, mask]):
            if a != b:
                ref[[a, b], [a, b]] += c
                ref[a, b] -= c
                ref[b, a] -= c
        assert np.allclose(L[i], ref, rtol=0, atol=STACK_ATOL)
        proper = mask & (t != h)
        sparse = laplacian_matrix(n, t[proper], h[proper], w[i, proper]).toarray()
        assert np.allclose(L[i], sparse, rtol=0, atol=STACK_ATOL)


def test_conductance_shapes_and_dropped_entries():
    G = nx.petersen_graph()
    n, t, h = arrays(G)
    rng = np.random.default_rng(0)
    masks = rng.random((3, t.size)) < 0.6
    w = rng.uniform(0.5, 2.0, t.size)
    per_trial = laplacian_stack(n, t, h, masks, np.broadcast_to(w, masks.shape).copy())
    assert np.array_equal(laplacian_stack(n, t, h, masks, w), per_trial)
    assert np.array_equal(laplacian_stack(n, t, h, masks, 2.0), 2.0 * laplacian_stack(n, t, h, masks))
    junk = np.where(masks, w, np.nan)  # entries of dropped edges are ignored, even NaN
    assert np.array_equal(laplacian_stack(n, t, h, masks, junk), per_trial)
    assert np.array_equal(laplacian_stack(n, t, h, masks[0]), laplacian_stack(n, t, h, masks[:1]))


def test_graph_with_weight_attribute():
    G = nx.path_graph(4)
    for i, (u, v) in enumerate(G.edges()):
        G[u][v][WEIGHT] = i + 1.0
    n, t, h = arrays(G)
    w = np.array([G[u][v][WEIGHT] for u, v in zip(t, h)])
    L = laplacian_stack(n, t, h, np.ones(t.size, bool), w)[0]
    assert np.array_equal(L, nx.laplacian_matrix(G, nodelist=range(n), weight=WEIGHT).toarray())


def test_laplacian_stack_rejects_mismatched_masks():
    with pytest.raises(ValueError, match="lengths must match"):
        laplacian_stack(3, [0, 1], [1, 2], [[True, False, True]])


@pytest.mark.parametrize(
    "args, error, match",
    [
        # a negative index used to wrap into the previous trial's block of the flat buffer
        ((3, [0, -1], [1, 2], [[True, True], [True, True]]), ValueError, r"range \[0, 3\)"),
        ((3, [0, 1], [1, 3], [[True, True]]), ValueError, r"range \[0, 3\)"),
        ((3, [0, 1], [1], [[True, True]]), ValueError, "same length"),
        ((3, [[0, 1]], [[1, 2]], [[True, True]]), ValueError, "one-dimensional"),
        ((3, [0.0, 1.0], [1.0, 2.0], [[True, True]]), TypeError, "integer node indices"),
        ((3.0, [0, 1], [1, 2], [[True, True]]), TypeError, "number of nodes must be an integer"),
        ((True, [0], [0], [[True]]), TypeError, "number of nodes must be an integer"),
        ((0, [], [], [[]]), ValueError, "no nodes"),
        ((3, [0, 1], [1, 2], np.ones((1, 1, 2), bool)), ValueError, "masks must have shape"),
    ],
)
def test_bad_edges_and_masks_are_rejected(args, error, match):
    with pytest.raises(error, match=match):
        laplacian_stack(*args)


@pytest.mark.parametrize(
    "conductances, error, match",
    [
        ([1.0, 2.0, 3.0], ValueError, "do not broadcast"),
        (np.ones((3, 2)), ValueError, "do not broadcast"),
        ([1.0, np.nan], ValueError, "finite"),
        ([1.0, np.inf], ValueError, "finite"),
        ([1.0, 0.0], ValueError, "positive conductances"),
        ([1.0, -2.0], ValueError, "positive conductances"),
        (["a", "b"], TypeError, "real numbers"),
    ],
)
def test_bad_conductances_are_rejected(conductances, error, match):
    with pytest.raises(error, match=match):
        laplacian_stack(3, [0, 1], [1, 2], [[True, True], [False, True]], conductances)
