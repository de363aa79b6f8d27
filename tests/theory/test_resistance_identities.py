"""Theorems about effective resistance, each checked against an independent computation.

Foster (sum of leverages), Kirchhoff (leverage = spanning-tree probability via the
matrix-tree theorem), Rayleigh monotonicity, metric axioms, cut-vertex additivity,
the Kirchhoff index as a Laplacian spectral sum, the double-centring identity
``-1/2 P R P = L^+``, the commute time ``2 W R_eff`` (against random-walk hitting times)
and Thomson's principle (against an electrical flow plus circulations); Foster, agreement
of the exact entry points and scaling also with conductances spanning ``1e-6 .. 1e6``.
Weights are conductances.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies.graphs import (
    MAX_CONDUCTANCE,
    MIN_CONDUCTANCE,
    WEIGHT,
    conductance,
    connected_graphs,
    glued_at_cut_vertex,
    graphs_with_components,
    merged_conductances,
    multigraphs,
    reference_commute_time,
    reference_cycle_space,
    reference_electrical_flow,
    reference_laplacian,
    reference_resistance_matrix,
    wide_weight_schemes,
)

from theory.effective_resistance import edge_resistances, resistance, resistance_matrix

conductances = st.floats(MIN_CONDUCTANCE, MAX_CONDUCTANCE, allow_nan=False, allow_infinity=False)


def leverages(G: nx.Graph) -> dict:
    """``w_e R_e`` for every non-loop edge of a simple graph."""
    R = edge_resistances(G)
    return {(u, v): conductance(d) * R[(u, v)] for u, v, d in G.edges(data=True) if u != v}


# --------------------------------------------------------------------------
# Foster and leverage range
# --------------------------------------------------------------------------


@given(st.one_of(connected_graphs(), graphs_with_components()))
def test_foster_sum_of_leverages(G):
    expected = G.number_of_nodes() - nx.number_connected_components(G)
    assert sum(leverages(G).values()) == pytest.approx(expected, abs=1e-8)


@given(multigraphs(connected=False))
def test_foster_on_multigraphs(G):
    # Over merged pairs: sum_{u~v} W_uv R_uv = n - c. Summing w R over every parallel
    # copy gives the same total, since the copies share R_uv and their w add to W_uv.
    R = edge_resistances(G)
    pos = {v: i for i, v in enumerate(G)}
    ref = reference_resistance_matrix(G)
    expected = G.number_of_nodes() - nx.number_connected_components(G)
    merged = merged_conductances(G)
    key = {frozenset(e): e for e in R}
    assert sum(W * R[key[pair]] for pair, W in merged.items()) == pytest.approx(expected, abs=1e-8)
    # the merged weights come from the reference, R from the code under test; also
    # check the reference itself satisfies Foster, so the identity is not vacuous
    assert sum(W * ref[tuple(pos[x] for x in pair)] for pair, W in merged.items()) == pytest.approx(expected, abs=1e-8)
    per_copy = sum(conductance(d) * R[(u, v)] for u, v, d in G.edges(data=True))
    assert per_copy == pytest.approx(expected, abs=1e-8)


@given(st.one_of(connected_graphs(), graphs_with_components()))
def test_leverage_in_unit_interval(G):
    for lev in leverages(G).values():
        assert 0.0 < lev <= 1.0 + 1e-12


@given(multigraphs())
def test_parallel_copy_leverage_below_one(G):
    R = edge_resistances(G)
    merged = merged_conductances(G)
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        lev = conductance(d) * R[(u, v)]
        assert 0.0 < lev <= 1.0 + 1e-12
        if conductance(d) < merged[frozenset((u, v))]:
            # a copy with a parallel sibling is never a bridge
            assert lev < 1.0 - 1e-9


# --------------------------------------------------------------------------
# Kirchhoff: leverage = probability of e in a weighted uniform spanning tree
# --------------------------------------------------------------------------


def log_tree_count(L: np.ndarray) -> tuple[float, float]:
    """``(sign, log|det|)`` of the Laplacian with node 0 removed: the weighted
    spanning-tree count (matrix-tree theorem)."""
    return np.linalg.slogdet(L[1:, 1:])


@given(connected_graphs(max_nodes=15))
def test_kirchhoff_spanning_tree_probability(G):
    nodes = list(G)
    pos = {v: i for i, v in enumerate(nodes)}
    L = reference_laplacian(G, nodes)
    sign, logtau = log_tree_count(L)
    assert sign > 0
    lev = leverages(G)
    for (u, v), p in lev.items():
        w = conductance(G[u][v])
        i, j = pos[u], pos[v]
        L_minus = L.copy()
        L_minus[i, i] -= w
        L_minus[j, j] -= w
        L_minus[i, j] += w
        L_minus[j, i] += w
        sign_m, logtau_m = log_tree_count(L_minus)
        # tau(G - e) / tau(G) = 1 - w_e R_e  (0 for a bridge)
        ratio = sign_m * math.exp(logtau_m - logtau) if sign_m != 0 else 0.0
        assert 1.0 - p == pytest.approx(ratio, abs=1e-8)


# --------------------------------------------------------------------------
# Rayleigh monotonicity
# --------------------------------------------------------------------------


def assert_not_larger(after: np.ndarray, before: np.ndarray) -> None:
    # inf stays comparable: inf <= inf, finite <= inf; a finite before forbids inf after
    slack = 1e-9 * np.where(np.isfinite(before), before, 0.0) + 1e-12
    assert np.all(after <= before + slack)


@given(st.one_of(connected_graphs(max_nodes=15), graphs_with_components()), st.data())
def test_rayleigh_raising_a_conductance(G, data):
    edges = list(G.edges())
    if not edges:
        return
    u, v = data.draw(st.sampled_from(edges))
    factor = data.draw(st.floats(1.0, 10.0))
    nodes = list(G)
    before = resistance_matrix(G, nodes)
    H = G.copy()
    H[u][v][WEIGHT] = conductance(G[u][v]) * factor
    assert_not_larger(resistance_matrix(H, nodes), before)


@given(st.one_of(connected_graphs(max_nodes=15), graphs_with_components()), st.data(), conductances)
def test_rayleigh_adding_an_edge(G, data, w):
    non_edges = list(nx.non_edges(G))
    if not non_edges:
        return
    u, v = data.draw(st.sampled_from(non_edges))
    nodes = list(G)
    before = resistance_matrix(G, nodes)
    H = G.copy()
    H.add_edge(u, v, **{WEIGHT: w})
    after = resistance_matrix(H, nodes)
    assert_not_larger(after, before)
    i, j = nodes.index(u), nodes.index(v)
    # the new edge is in parallel with the old u-v resistance
    assert after[i, j] <= 1.0 / w * (1 + 1e-9)


@given(multigraphs(max_nodes=10), st.data(), conductances)
def test_rayleigh_adding_a_parallel_copy(G, data, w):
    pairs = [e for e in G.edges() if e[0] != e[1]]
    if not pairs:
        return
    u, v = data.draw(st.sampled_from(pairs))
    nodes = list(G)
    before = resistance_matrix(G, nodes)
    H = G.copy()
    H.add_edge(u, v, **{WEIGHT: w})
    assert_not_larger(resistance_matrix(H, nodes), before)


# --------------------------------------------------------------------------
# metric
# --------------------------------------------------------------------------


@given(st.one_of(connected_graphs(), graphs_with_components()))
def test_resistance_is_a_metric(G):
    R = resistance_matrix(G)
    n = G.number_of_nodes()
    np.testing.assert_array_equal(np.diag(R), 0.0)
    np.testing.assert_array_equal(R, R.T)
    off = ~np.eye(n, dtype=bool)
    assert np.all(R[off] > 0)
    # R[i, k] <= R[i, j] + R[j, k] for all i, j, k
    through = R[:, :, None] + R[None, :, :]
    assert np.all(R[:, None, :] <= through + 1e-9 * np.where(np.isfinite(through), through, 0) + 1e-12)


@given(connected_graphs())
def test_double_centred_resistance_is_laplacian_pseudoinverse(G):
    # R_ij = L+_ii + L+_jj - 2 L+_ij and L+ has zero row sums, so
    # -1/2 P R P = L+ with P = I - J/n (R is a squared Euclidean distance matrix).
    n = G.number_of_nodes()
    R = resistance_matrix(G)
    P = np.eye(n) - np.ones((n, n)) / n
    pinv = np.linalg.pinv(reference_laplacian(G), hermitian=True)
    np.testing.assert_allclose(-0.5 * P @ R @ P, pinv, rtol=1e-7, atol=1e-8 * np.abs(pinv).max())


@given(st.one_of(connected_graphs(), graphs_with_components()), st.floats(0.1, 10.0))
def test_scaling_all_conductances(G, c):
    H = G.copy()
    for _, _, d in H.edges(data=True):
        d[WEIGHT] = conductance(d) * c
    before, after = resistance_matrix(G), resistance_matrix(H)
    np.testing.assert_array_equal(np.isinf(after), np.isinf(before))
    finite = np.isfinite(before)
    np.testing.assert_allclose(after[finite], before[finite] / c, rtol=1e-8, atol=1e-12)


# --------------------------------------------------------------------------
# cut vertex
# --------------------------------------------------------------------------


@given(glued_at_cut_vertex())
def test_cut_vertex_additivity(glued):
    G, G1, G2, c = glued
    R = resistance_matrix(G, list(G))
    pos = {v: i for i, v in enumerate(G)}
    R1 = reference_resistance_matrix(G1, list(G1))
    R2 = reference_resistance_matrix(G2, list(G2))
    pos1 = {v: i for i, v in enumerate(G1)}
    pos2 = {v: i for i, v in enumerate(G2)}
    for u in G1:
        for v in G2:
            if c in (u, v):
                continue
            expected = R1[pos1[u], pos1[c]] + R2[pos2[c], pos2[v]]
            assert R[pos[u], pos[v]] == pytest.approx(expected, rel=1e-8)
            assert R[pos[u], pos[v]] == pytest.approx(R[pos[u], pos[c]] + R[pos[c], pos[v]], rel=1e-8)
    # and the other side does not change resistances within a side
    for H, RH, posH in ((G1, R1, pos1), (G2, R2, pos2)):
        idx = [pos[v] for v in H]
        idxH = [posH[v] for v in H]
        np.testing.assert_allclose(R[np.ix_(idx, idx)], RH[np.ix_(idxH, idxH)], rtol=1e-8, atol=1e-10)


# --------------------------------------------------------------------------
# Kirchhoff index
# --------------------------------------------------------------------------


@given(connected_graphs())
def test_kirchhoff_index_is_spectral_sum(G):
    n = G.number_of_nodes()
    R = resistance_matrix(G)
    eig = np.linalg.eigvalsh(reference_laplacian(G))
    # eigenvalues ascending; the single zero eigenvalue of a connected graph is dropped
    expected = n * np.sum(1.0 / eig[1:])
    assert np.sum(np.triu(R, 1)) == pytest.approx(expected, rel=1e-8)
    # networkx computes the same index from its own (resistance-weighted) Laplacian
    H = G.copy()
    for _, _, d in H.edges(data=True):
        d[WEIGHT] = conductance(d)
    assert nx.effective_graph_resistance(H, weight=WEIGHT, invert_weight=False) == pytest.approx(expected, rel=1e-8)


# --------------------------------------------------------------------------
# wide conductance ratios: weights log-uniform over [1e-6, 1e6], up to 60 nodes
# --------------------------------------------------------------------------

WIDE_RTOL = 1e-8  # the exact paths promise 1e-8 relative at any conductance ratio (or ValueError, never at <= 60 nodes)


@settings(max_examples=40)  # wide graphs go through the exact fallback (about 0.1 s each)
@given(connected_graphs(max_nodes=60, max_extra_edges=60, schemes=wide_weight_schemes()))
def test_foster_with_wide_conductances(G):
    lev = leverages(G)
    # every leverage w_e R_e is within WIDE_RTOL relative of the truth, <= 1, so the sum is within m * WIDE_RTOL
    assert sum(lev.values()) == pytest.approx(G.number_of_nodes() - 1, abs=WIDE_RTOL * len(lev))
    assert all(0.0 < x <= 1.0 + WIDE_RTOL for x in lev.values())


@settings(max_examples=40)
@given(connected_graphs(max_nodes=40, max_extra_edges=40, schemes=wide_weight_schemes()), st.data())
def test_exact_paths_agree_with_wide_conductances(G, data):
    # edge_resistances (edge pairs), resistance (one pair) and resistance_matrix (all pairs)
    # take different routes; each is within WIDE_RTOL of the truth, so two differ by <= 2 WIDE_RTOL
    nodes = list(G)
    pos = {x: i for i, x in enumerate(nodes)}
    R = edge_resistances(G)
    M = resistance_matrix(G, nodes)
    for u, v in G.edges():
        assert R[(u, v)] == pytest.approx(M[pos[u], pos[v]], rel=2 * WIDE_RTOL)
    for _ in range(3):
        u, v = data.draw(st.sampled_from(nodes)), data.draw(st.sampled_from(nodes))
        assert resistance(G, u, v) == pytest.approx(M[pos[u], pos[v]], rel=2 * WIDE_RTOL)


@settings(max_examples=40)
@given(
    graphs_with_components(max_piece_nodes=20, schemes=wide_weight_schemes()),
    st.floats(-250.0, 250.0).map(lambda x: 10.0**x),
)
def test_scaling_with_wide_conductances(G, c):
    # R(c w) = R(w) / c; both sides within WIDE_RTOL of the truth (c * w rounds by 1e-16)
    H = G.copy()
    for _, _, d in H.edges(data=True):
        d[WEIGHT] = conductance(d) * c
    before, after = resistance_matrix(G), resistance_matrix(H)
    np.testing.assert_array_equal(np.isinf(after), np.isinf(before))
    finite = np.isfinite(before)
    np.testing.assert_allclose(after[finite], before[finite] / c, rtol=2 * WIDE_RTOL, atol=0)


# --------------------------------------------------------------------------
# commute time = 2 W R_eff (Chandra et al. 1989)
# --------------------------------------------------------------------------

COMMUTE_RTOL = 1e-9  # numpy's hitting-time solve (n <= 25, ratio <= 100: condition <~1e6) carries <~1e-10


@given(connected_graphs(min_nodes=2), st.data())
def test_commute_time_is_twice_total_conductance_times_resistance(G, data):
    # The walk steps along an edge with probability proportional to its conductance;
    # E_u[T_v] + E_v[T_u] = 2 W R_eff(u, v) with W the total conductance of the edges.
    nodes = list(G)
    u = data.draw(st.sampled_from(nodes))
    v = data.draw(st.sampled_from([x for x in nodes if x != u]))
    total = sum(conductance(d) for _, _, d in G.edges(data=True))
    assert reference_commute_time(G, u, v) == pytest.approx(2 * total * resistance(G, u, v), rel=COMMUTE_RTOL)


@pytest.mark.parametrize("n", [2, 3, 6, 15])
def test_commute_time_end_to_end_of_a_path(n):
    # unit weights: W = n - 1 edges, R = n - 1, so the commute time is 2 (n - 1)**2
    G = nx.path_graph(n)
    assert reference_commute_time(G, 0, n - 1) == pytest.approx(2 * (n - 1) ** 2, rel=COMMUTE_RTOL)
    assert 2 * (n - 1) * resistance(G, 0, n - 1) == pytest.approx(2 * (n - 1) ** 2, rel=1e-12)


# --------------------------------------------------------------------------
# Thomson's principle: the electrical flow minimises the energy sum_e r_e i_e**2
# --------------------------------------------------------------------------

THOMSON_RTOL = 1e-9  # reference potentials by numpy lstsq on well-conditioned Laplacians (n <= 15, ratio <= 100)


@given(connected_graphs(min_nodes=2, max_nodes=15), st.data())
def test_thomson_principle(G, data):
    nodes = list(G)
    u = data.draw(st.sampled_from(nodes))
    v = data.draw(st.sampled_from([x for x in nodes if x != u]))
    B, flow, r = reference_electrical_flow(G, u, v)
    unit = np.zeros(len(nodes))
    unit[nodes.index(u)], unit[nodes.index(v)] = 1.0, -1.0
    np.testing.assert_allclose(B @ flow, unit, atol=1e-9)  # one unit from u to v
    R = resistance(G, u, v)
    assert np.sum(r * flow**2) == pytest.approx(R, rel=THOMSON_RTOL)  # the electrical flow attains R_eff
    cycles = reference_cycle_space(B)
    assert cycles.shape[1] == G.number_of_edges() - G.number_of_nodes() + 1
    if cycles.shape[1] == 0:  # a tree: the electrical flow is the only unit flow
        return
    coefficients = data.draw(st.lists(st.floats(-3.0, 3.0), min_size=cycles.shape[1], max_size=cycles.shape[1]))
    circulation = cycles @ np.array(coefficients)
    other = flow + circulation
    np.testing.assert_allclose(B @ other, unit, atol=1e-9)  # still a unit u -> v flow
    energy = np.sum(r * other**2)
    assert energy >= R * (1 - THOMSON_RTOL)
    # the cross term vanishes (r i = B^T phi is orthogonal to circulations), so the excess
    # is exactly the circulation's own energy
    assert energy == pytest.approx(R + np.sum(r * circulation**2), rel=THOMSON_RTOL)
