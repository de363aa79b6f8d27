"""Quality metrics of a sparsifier against networkx and independent linear algebra."""

import networkx as nx
import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import connected_graphs

from theory.sparsifier_quality import (
    algebraic_connectivity,
    is_connected,
    laplacian_stack,
    relative_spectral_error,
    spectral_approximation,
)


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
        assert np.array_equal(L[i], nx.laplacian_matrix(H, nodelist=range(n)).toarray())
        assert conn[i] == nx.is_connected(H)
        expected = np.sort(np.linalg.eigvalsh(nx.laplacian_matrix(H, nodelist=range(n)).toarray()))[1]
        assert lam2[i] == pytest.approx(max(expected, 0.0), abs=1e-9)
        assert (lam2[i] > 1e-9) == conn[i]  # Fiedler: lambda_2 > 0 iff connected


def test_closed_forms_of_lambda2():
    """lambda_2(K_n) = n, lambda_2(P_n) = 2 - 2 cos(pi / n), lambda_2(C_n) = 2 - 2 cos(2 pi / n)."""
    for G, expected in (
        (nx.complete_graph(7), 7.0),
        (nx.path_graph(9), 2 - 2 * np.cos(np.pi / 9)),
        (nx.cycle_graph(10), 2 - 2 * np.cos(2 * np.pi / 10)),
    ):
        n, t, h = arrays(G)
        L = laplacian_stack(n, t, h, np.ones((1, t.size), bool))
        assert algebraic_connectivity(L)[0] == pytest.approx(expected, rel=1e-12)


def test_rse_of_disconnected_subgraph_is_exactly_one():
    G = nx.barbell_graph(5, 0)
    n, t, h = arrays(G)
    mask = np.ones(t.size, bool)
    mask[[i for i, (a, b) in enumerate(zip(t, h)) if {a, b} == {4, 5}]] = False
    lam2 = algebraic_connectivity(laplacian_stack(n, t, h, np.stack([np.ones_like(mask), mask])))
    rse = relative_spectral_error(lam2[0], lam2)
    assert rse[0] == 0.0 and rse[1] == pytest.approx(1.0, abs=1e-12)
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
        assert eps[i] == pytest.approx(_pencil_eps_reference(LG, LH[i]), abs=1e-7)


def test_spectral_approximation_simple_cases():
    G = nx.cycle_graph(6)
    n, t, h = arrays(G)
    LG = laplacian_stack(n, t, h, np.ones((1, t.size), bool))[0]
    assert spectral_approximation(LG, [LG, 1.5 * LG, 0.25 * LG]) == pytest.approx([0.0, 0.5, 0.75])
    drop = np.ones(t.size, bool)
    drop[:2] = False  # two edges of a cycle: disconnected
    assert spectral_approximation(LG, laplacian_stack(n, t, h, drop))[0] == pytest.approx(1.0)


def test_laplacian_stack_rejects_mismatched_masks():
    with pytest.raises(ValueError, match="lengths must match"):
        laplacian_stack(3, [0, 1], [1, 2], [[True, False, True]])
