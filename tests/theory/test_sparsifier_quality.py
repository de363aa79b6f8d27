"""Quality metrics of a sparsifier against networkx and independent linear algebra."""

import networkx as nx
import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies.graphs import connected_graphs

from theory.sparsifier_quality import (
    algebraic_connectivity,
    is_connected,
    laplacian_stack,
    relative_spectral_error,
    spectral_approximation,
)

EIGENVALUE_ATOL = 1e-9  # eigvalsh of integer Laplacians, n <= 14: round-off; connected ones have lambda_2 >= 0.05
LAMBDA2_FORMULA_RTOL = 1e-12  # dense eigvalsh of K_7, P_9 and C_10 against their exact lambda_2: round-off only
DISCONNECTED_ATOL = 1e-12  # the cut barbell's lambda_2 is 0 up to eigvalsh round-off, so its RSE is 1 to that size
PENCIL_ATOL = 1e-7  # the reference's sqrtm of the singular pinv(L_G) has no accuracy guarantee; measured ~3e-14


def arrays(G):
    E = np.array(list(G.edges()))
    return G.number_of_nodes(), E[:, 0], E[:, 1]


@st.composite
def subgraph_masks(draw):
    G = nx.convert_node_labels_to_integers(draw(connected_graphs(min_nodes=2, max_nodes=14, weights=st.just(None))))
    n, t, h = arrays(G)
    masks = np.array(draw(st.lists(st.lists(st.booleans(), min_size=t.size, max_size=t.size), min_size=1, max_size=4)))
    return G, n, t, h, masks


@given(subgraph_masks())
def test_stack_connectivity_and_lambda2_match_networkx(case):
    G, n, t, h, masks = case
    L = laplacian_stack(n, t, h, masks)
    lam2 = algebraic_connectivity(L)
    conn = is_connected(n, t, h, masks)
    for i, mask in enumerate(masks):
        H = nx.Graph()
        H.add_nodes_from(range(n))
        H.add_edges_from(zip(t[mask], h[mask]))
        assert conn[i] == nx.is_connected(H)
        expected = np.sort(np.linalg.eigvalsh(nx.laplacian_matrix(H, nodelist=range(n)).toarray()))[1]
        assert lam2[i] == pytest.approx(max(expected, 0.0), abs=EIGENVALUE_ATOL)
        assert (lam2[i] > EIGENVALUE_ATOL) == conn[i]  # Fiedler: lambda_2 > 0 iff connected


def test_closed_forms_of_lambda2():
    """lambda_2(K_n) = n, lambda_2(P_n) = 2 - 2 cos(pi / n), lambda_2(C_n) = 2 - 2 cos(2 pi / n)."""
    for G, expected in (
        (nx.complete_graph(7), 7.0),
        (nx.path_graph(9), 2 - 2 * np.cos(np.pi / 9)),
        (nx.cycle_graph(10), 2 - 2 * np.cos(2 * np.pi / 10)),
    ):
        n, t, h = arrays(G)
        L = laplacian_stack(n, t, h, np.ones((1, t.size), bool))
        assert algebraic_connectivity(L)[0] == pytest.approx(expected, rel=LAMBDA2_FORMULA_RTOL)


def test_rse_of_disconnected_subgraph_is_exactly_one():
    G = nx.barbell_graph(5, 0)
    n, t, h = arrays(G)
    mask = np.ones(t.size, bool)
    mask[[i for i, (a, b) in enumerate(zip(t, h)) if {a, b} == {4, 5}]] = False
    lam2 = algebraic_connectivity(laplacian_stack(n, t, h, np.stack([np.ones_like(mask), mask])))
    rse = relative_spectral_error(lam2[0], lam2)
    assert rse[0] == 0.0 and rse[1] == pytest.approx(1.0, abs=DISCONNECTED_ATOL)
    with pytest.raises(ValueError, match="positive"):
        relative_spectral_error(0.0, [1.0])


def _pencil_eps_reference(LG, LH):
    """Independent route: eigenvalues of pinv(L_G)^{1/2} L_H pinv(L_G)^{1/2} on range(L_G)."""
    S = sla.sqrtm(np.linalg.pinv(LG)).real
    ev = np.linalg.eigvalsh(S @ LH @ S)
    ev = ev[1:]  # drop the null direction 1 (S 1 = 0), eigenvalue 0
    return max(ev[-1] - 1, 1 - ev[0])


@settings(max_examples=30)
@given(subgraph_masks(), st.floats(0.2, 3.0))
def test_spectral_approximation_against_pseudoinverse_square_root(case, scale):
    G, n, t, h, masks = case
    if n < 3:
        return
    LG = laplacian_stack(n, t, h, np.ones((1, t.size), bool))[0]
    LH = laplacian_stack(n, t, h, masks, conductances=scale)
    eps = spectral_approximation(LG, LH)
    for i in range(len(masks)):
        assert eps[i] == pytest.approx(_pencil_eps_reference(LG, LH[i]), abs=PENCIL_ATOL)


def test_spectral_approximation_simple_cases():
    G = nx.cycle_graph(6)
    n, t, h = arrays(G)
    LG = laplacian_stack(n, t, h, np.ones((1, t.size), bool))[0]
    assert spectral_approximation(LG, [LG, 1.5 * LG, 0.25 * LG]) == pytest.approx([0.0, 0.5, 0.75])
    drop = np.ones(t.size, bool)
    drop[:2] = False  # two edges of a cycle: disconnected
    assert spectral_approximation(LG, laplacian_stack(n, t, h, drop))[0] == pytest.approx(1.0)


def test_is_connected_on_one_node_and_numpy_integers():
    assert is_connected(1, [0], [0], [[True], [False]]).tolist() == [True, True]
    assert is_connected(np.int64(3), np.array([0, 1], np.int32), np.array([1, 2], np.int32), [1, 1]).tolist() == [True]


@pytest.mark.parametrize(
    "args, error, match",
    [
        # a negative index used to wrap around to node n - 1
        ((3, [0, -1], [1, 2], [[True, True]]), ValueError, r"range \[0, 3\)"),
        ((3, [0, 3], [1, 2], [[True, True]]), ValueError, r"range \[0, 3\)"),
        ((3, [0, 1], [1, 2], [[True, True, True]]), ValueError, "masks must have shape"),
        ((3, [0, 1], [1, 2], np.ones((2, 1, 2), bool)), ValueError, "masks must have shape"),
        ((3, [0, 1], [1], [[True, True]]), ValueError, "same length"),
        ((3, [0.5, 1], [1, 2], [[True, True]]), TypeError, "integer node indices"),
        ((2.0, [0], [1], [[True]]), TypeError, "number of nodes must be an integer"),
        ((0, [], [], [[]]), ValueError, "no nodes"),
    ],
)
def test_is_connected_rejects_bad_edges(args, error, match):
    with pytest.raises(error, match=match):
        is_connected(*args)


def test_spectral_approximation_of_an_edgeless_graph_is_an_error():
    """range(L_G) = {0}: every eps satisfies the definition, so there is no answer to return."""
    Z = np.zeros((4, 4))
    with pytest.raises(ValueError, match="no nonzero eigenvalue"):
        spectral_approximation(Z, [Z, Z])
    with pytest.raises(ValueError, match="no nonzero eigenvalue"):
        spectral_approximation(np.zeros((1, 1)), np.zeros((1, 1)))


@pytest.mark.parametrize(
    "L_G, L_H, kwargs, match",
    [
        (np.eye(3)[:2], np.zeros((3, 3)), {}, "L_G must be a non-empty square matrix"),
        (np.zeros((0, 0)), np.zeros((0, 0)), {}, "L_G must be a non-empty square matrix"),
        (np.eye(3), np.zeros((2, 2)), {}, r"L_H must have shape \(K, 3, 3\)"),
        (np.eye(3), np.zeros((2, 2, 3, 3)), {}, r"L_H must have shape \(K, 3, 3\)"),
        (np.full((2, 2), np.nan), np.eye(2), {}, "finite"),
        (np.eye(2), np.full((2, 2), np.inf), {}, "finite"),
        (np.eye(2), np.eye(2), {"tol": -1e-9}, "tol must be finite and non-negative"),
        (np.eye(2), np.eye(2), {"tol": np.nan}, "tol must be finite and non-negative"),
    ],
)
def test_spectral_approximation_rejects_bad_input(L_G, L_H, kwargs, match):
    with pytest.raises(ValueError, match=match):
        spectral_approximation(L_G, L_H, **kwargs)
