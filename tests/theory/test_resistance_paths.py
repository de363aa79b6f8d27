"""Each internal route of the exact engine, forced on small graphs, against the dense reference.

Components above ``DENSE_MAX`` nodes go to a sparse LU with block solves unless the factor
is too dense (``DENSE_FILL_RATIO``), and then fall back to dense.  Real graphs only reach
those routes at thousands of nodes, so the thresholds are patched here to send small
hypothesis graphs down every route.
"""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from strategies.graphs import connected_graphs, graphs_with_components, reference_edge_resistances

import theory.effective_resistance as er

ROUTES = {
    "dense": {"DENSE_MAX": 10**9},
    "sparse": {"DENSE_MAX": 1, "DENSE_FILL_RATIO": 0.0},
    "dense-fallback": {"DENSE_MAX": 1, "DENSE_FILL_RATIO": math.inf},
}


def _check(G):
    got = er.edge_resistances(G)
    want = reference_edge_resistances(G)
    for e, r in got.items():
        assert r == pytest.approx(want[e], rel=1e-9, abs=1e-12), e


@pytest.mark.parametrize("route", ROUTES)
@given(G=connected_graphs(min_nodes=2, max_nodes=25))
def test_each_exact_route_matches_reference(route, G):
    with pytest.MonkeyPatch.context() as mp:
        for name, value in ROUTES[route].items():
            mp.setattr(er, name, value)
        _check(G)


@pytest.mark.parametrize("route", ROUTES)
@given(G=graphs_with_components())
def test_each_exact_route_handles_components(route, G):
    with pytest.MonkeyPatch.context() as mp:
        for name, value in ROUTES[route].items():
            mp.setattr(er, name, value)
        _check(G)


def test_sparse_route_in_several_column_blocks(monkeypatch):
    """A 40x40 grid through the sparse route with tiny column blocks equals the dense route."""
    G = nx.convert_node_labels_to_integers(nx.grid_2d_graph(40, 40))
    dense = er.edge_resistances(G)
    monkeypatch.setattr(er, "DENSE_MAX", 1)
    monkeypatch.setattr(er, "DENSE_FILL_RATIO", 0.0)
    monkeypatch.setattr(er, "SPARSE_BLOCK_BYTES", 8 * 1600 * 16)  # 16 columns per block
    sparse = er.edge_resistances(G)
    assert max(abs(sparse[e] - dense[e]) / dense[e] for e in dense) < 1e-10


def test_approx_info_reports_its_work():
    n = 400
    G = nx.random_regular_graph(3, n, seed=2)
    tails, heads = map(np.array, zip(*G.edges()))
    k = er.sketch_size(G.number_of_edges(), 0.5)
    for solver in ("direct", "cg"):
        info = {}
        er.edge_resistance_array(n, tails, heads, method="approx", epsilon=0.5, seed=0, solver=solver, info=info)
        assert info["projections"] == k
        assert info["solver"] == solver
        assert info["work"] > 2 * G.number_of_edges() * k  # solves cost more than the gather alone
        assert (info["cg_iterations"] > 0) == (solver == "cg")


def test_auto_solver_picks_cg_on_an_expander_and_direct_on_a_long_path():
    expander = nx.random_regular_graph(4, 600, seed=1)
    path = nx.path_graph(3000)
    path.add_edge(0, 2999)  # a cycle, so nothing is a bridge and the solver is exercised
    picked = {}
    for name, G in (("expander", expander), ("cycle", path)):
        tails, heads = map(np.array, zip(*G.edges()))
        info = {}
        er.edge_resistance_array(G.number_of_nodes(), tails, heads, method="approx", seed=0, info=info)
        picked[name] = info["solver"]
    assert picked == {"expander": "cg", "cycle": "direct"}
