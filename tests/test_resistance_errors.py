"""Every documented error path of the effective-resistance API, with its message."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.effective_resistance import (
    edge_resistance_array,
    edge_resistances,
    resistance,
    resistance_matrix,
)

# The three graph-level entry points, each called on a graph that has nodes 0 and 1.
GRAPH_CALLS = {
    "edge_resistances": lambda G: edge_resistances(G),
    "resistance": lambda G: resistance(G, 0, 1),
    "resistance_matrix": lambda G: resistance_matrix(G),
}
graph_calls = pytest.mark.parametrize("call", list(GRAPH_CALLS.values()), ids=list(GRAPH_CALLS))


def triangle_with(weight) -> nx.Graph:
    G = nx.Graph([(0, 1, {"weight": 1.0}), (1, 2, {"weight": 2.0})])
    G.add_edge(2, 0, weight=weight)
    return G


# --------------------------------------------------------------------------
# graph input
# --------------------------------------------------------------------------


@graph_calls
@pytest.mark.parametrize("cls", [nx.DiGraph, nx.MultiDiGraph])
def test_directed_graph_rejected(call, cls):
    with pytest.raises(TypeError, match="directed"):
        call(cls([(0, 1), (1, 2)]))


@graph_calls
@pytest.mark.parametrize("not_a_graph", [[(0, 1), (1, 2)], {0: [1]}, np.eye(3), None])
def test_non_graph_rejected(call, not_a_graph):
    with pytest.raises(TypeError, match="graph"):
        call(not_a_graph)


@graph_calls
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_non_finite_weight_rejected(call, bad):
    with pytest.raises(ValueError, match="finite"):
        call(triangle_with(bad))


@graph_calls
@pytest.mark.parametrize("bad", [0, 0.0, -1.0, -1e-300])
def test_non_positive_weight_rejected(call, bad):
    with pytest.raises(ValueError, match="positive"):
        call(triangle_with(bad))


@graph_calls
@pytest.mark.parametrize("bad", ["1.0", "heavy", None, [1.0]])
def test_non_numeric_weight_rejected(call, bad):
    with pytest.raises(TypeError, match="weight"):
        call(triangle_with(bad))


@graph_calls
def test_bad_weight_in_a_multigraph_copy_rejected(call):
    G = nx.MultiGraph([(0, 1), (1, 2)])
    G.add_edge(0, 1, weight=-2.0)
    with pytest.raises(ValueError, match="positive"):
        call(G)


def test_bad_weight_on_a_self_loop_rejected():
    # a self-loop is dropped from the Laplacian, but its weight is still input
    G = nx.Graph([(0, 1)])
    G.add_edge(1, 1, weight=math.nan)
    with pytest.raises(ValueError, match="finite"):
        edge_resistances(G)


@pytest.mark.parametrize("cls", [nx.Graph, nx.MultiGraph])
def test_graph_without_nodes_rejected(cls):
    with pytest.raises(ValueError, match="no nodes"):
        edge_resistances(cls())
    with pytest.raises(ValueError, match="no nodes"):
        resistance_matrix(cls())
    # both "no nodes" and "node not in the graph" describe this call truthfully
    with pytest.raises(ValueError, match="no nodes|not in the graph"):
        resistance(cls(), 0, 1)


@pytest.mark.parametrize(("u", "v"), [(0, 99), (99, 0), ("a", 1), (99, 99)])
def test_resistance_node_not_in_graph(u, v):
    with pytest.raises(ValueError, match="not in the graph"):
        resistance(nx.path_graph(3), u, v)


# --------------------------------------------------------------------------
# method and epsilon
# --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["Exact", "fast", "", "spielman"])
def test_unknown_method_rejected(method):
    with pytest.raises(ValueError, match="method"):
        edge_resistances(nx.cycle_graph(4), method=method)
    with pytest.raises(ValueError, match="method"):
        edge_resistance_array(3, np.array([0, 1]), np.array([1, 2]), method=method)


@pytest.mark.parametrize("epsilon", [0.0, 1.0, -0.1, 1.5, math.nan, math.inf])
def test_epsilon_outside_open_unit_interval_rejected(epsilon):
    with pytest.raises(ValueError, match="epsilon"):
        edge_resistances(nx.cycle_graph(4), method="approx", epsilon=epsilon, seed=0)
    with pytest.raises(ValueError, match="epsilon"):
        edge_resistance_array(
            3, np.array([0, 1]), np.array([1, 2]), method="approx", epsilon=epsilon, seed=0
        )


@given(st.floats(0.05, 1.0, exclude_max=True))
def test_epsilon_inside_open_unit_interval_accepted(epsilon):
    # the complement of the error path; a path is all bridges, so approx is exact
    got = edge_resistances(nx.path_graph(3), method="approx", epsilon=epsilon, seed=0)
    assert got == {(0, 1): 1.0, (1, 2): 1.0}


# --------------------------------------------------------------------------
# array API
# --------------------------------------------------------------------------


def test_array_length_mismatch_rejected():
    with pytest.raises(ValueError, match="length"):
        edge_resistance_array(3, np.array([0, 1]), np.array([1]))


@pytest.mark.parametrize("tails", [[0, 3], [0, -1], [0, 100]])
def test_array_index_out_of_range_rejected(tails):
    with pytest.raises(ValueError, match="range"):
        edge_resistance_array(3, np.array(tails), np.array([1, 2]))
    with pytest.raises(ValueError, match="range"):
        edge_resistance_array(3, np.array([1, 2]), np.array(tails))


@pytest.mark.parametrize("n", [0, -1])
def test_array_without_nodes_rejected(n):
    with pytest.raises(ValueError, match="no nodes"):
        edge_resistance_array(n, np.array([], dtype=int), np.array([], dtype=int))


@pytest.mark.parametrize("solver", ["lu", "CG", "", "amg"])
def test_array_unknown_solver_rejected(solver):
    with pytest.raises(ValueError, match="solver"):
        edge_resistance_array(
            3, np.array([0, 1, 2]), np.array([1, 2, 0]), method="approx", seed=0, solver=solver
        )


@pytest.mark.parametrize("conductances", [[1.0], [1.0, 2.0, 3.0], []])
def test_array_conductances_wrong_length_rejected(conductances):
    with pytest.raises(ValueError, match="length"):
        edge_resistance_array(3, np.array([0, 1]), np.array([1, 2]), np.array(conductances))


@pytest.mark.parametrize(
    ("bad", "match"),
    [(math.nan, "finite"), (math.inf, "finite"), (0.0, "positive"), (-3.0, "positive")],
)
def test_array_bad_conductance_rejected(bad, match):
    with pytest.raises(ValueError, match=match):
        edge_resistance_array(3, np.array([0, 1]), np.array([1, 2]), np.array([1.0, bad]))
