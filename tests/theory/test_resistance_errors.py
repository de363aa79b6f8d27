"""Every documented error path of the effective-resistance API, with its message."""

from __future__ import annotations

import math
from fractions import Fraction

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
    sketch_size,
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
        edge_resistance_array(3, np.array([0, 1]), np.array([1, 2]), method="approx", epsilon=epsilon, seed=0)


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
        edge_resistance_array(3, np.array([0, 1, 2]), np.array([1, 2, 0]), method="approx", seed=0, solver=solver)


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


# --------------------------------------------------------------------------
# sketch parameters: sketch_size, jl_constant, info
# --------------------------------------------------------------------------


@pytest.mark.parametrize("epsilon", [0.0, -0.5, 1.0, 2.0, math.nan])
def test_sketch_size_epsilon_outside_open_unit_interval_rejected(epsilon):
    with pytest.raises(ValueError, match=r"epsilon must lie in the open interval \(0, 1\)"):
        sketch_size(100, epsilon)


@pytest.mark.parametrize("epsilon", ["0.3", None, True])
def test_sketch_size_non_real_epsilon_rejected(epsilon):
    with pytest.raises(TypeError, match="epsilon must be a real number"):
        sketch_size(100, epsilon)


@pytest.mark.parametrize("m", [-1, -100])
def test_sketch_size_negative_m_rejected(m):
    with pytest.raises(ValueError, match="number of edges, must be non-negative"):
        sketch_size(m, 0.3)


@pytest.mark.parametrize("m", [2.5, 100.0, "100", None, True])
def test_sketch_size_non_integer_m_rejected(m):
    with pytest.raises(TypeError, match="number of edges, must be an integer"):
        sketch_size(m, 0.3)


@pytest.mark.parametrize(
    ("jl_constant", "error"),
    [(math.inf, ValueError), (0.0, ValueError), (-8.0, ValueError), (math.nan, ValueError), ("8", TypeError)],
)
def test_bad_jl_constant_rejected(jl_constant, error):
    match = "jl_constant must be"
    with pytest.raises(error, match=match):
        sketch_size(100, 0.3, jl_constant)
    with pytest.raises(error, match=match):
        edge_resistances(nx.cycle_graph(4), method="approx", seed=0, jl_constant=jl_constant)
    with pytest.raises(error, match=match):
        edge_resistance_array(
            3, np.array([0, 1, 2]), np.array([1, 2, 0]), method="approx", seed=0, jl_constant=jl_constant
        )


def test_sketch_size_of_no_edges_is_one():
    # the complement of the error paths at the boundary: m = 0 is a valid (empty) graph
    assert sketch_size(0, 0.3) == 1
    assert sketch_size(np.int64(1), 0.5) == 1


@pytest.mark.parametrize("info", ["x", [], 0])
def test_info_not_a_dict_rejected(info):
    with pytest.raises(TypeError, match="info must be a dict"):
        edge_resistance_array(3, np.array([0, 1, 2]), np.array([1, 2, 0]), method="approx", seed=0, info=info)


# --------------------------------------------------------------------------
# weight values: arrays, Fractions, bools, huge ints
# --------------------------------------------------------------------------


@graph_calls
@pytest.mark.parametrize("bad", [np.array([1.0]), np.array([1.0, 2.0]), np.array([[3.0]])])
def test_array_valued_weight_rejected(call, bad):
    # a 1-element array used to be unwrapped silently, a 2-element one raised IndexError
    with pytest.raises(TypeError, match=r"edge weight 'weight' must be a real number, got array\(\["):
        call(triangle_with(bad))


@graph_calls
@pytest.mark.parametrize("bad", [True, False, np.True_, 1 + 2j])
def test_bool_or_complex_weight_rejected(call, bad):
    with pytest.raises(TypeError, match="edge weight 'weight' must be a real number"):
        call(triangle_with(bad))


@graph_calls
def test_weight_too_large_for_float64_rejected(call):
    with pytest.raises(ValueError, match=r"must be finite, got .* \(too large for float64\)"):
        call(triangle_with(10**400))


def test_fraction_weights_accepted():
    # any finite positive numbers.Real is a weight; Fractions convert with float()
    G = triangle_with(Fraction(1, 3))
    H = triangle_with(1 / 3)
    assert edge_resistances(G) == edge_resistances(H)
    assert resistance(G, 0, 2) == resistance(H, 0, 2)
    np.testing.assert_array_equal(resistance_matrix(G), resistance_matrix(H))
    tails, heads = np.array([0, 1, 2]), np.array([1, 2, 0])
    arr = edge_resistance_array(3, tails, heads, [Fraction(1), Fraction(2), Fraction(1, 3)])
    np.testing.assert_array_equal(arr, edge_resistance_array(3, tails, heads, [1.0, 2.0, 1 / 3]))


@pytest.mark.parametrize("bad", [Fraction(0), Fraction(-1, 2)])
def test_non_positive_fraction_weight_rejected(bad):
    with pytest.raises(ValueError, match="positive"):
        edge_resistances(triangle_with(bad))


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (["1.0", "2.0"], "real number, got '1.0'"),
        ([True, True], "real number, got True"),
        ([1 + 2j, 1.0], r"real number, got \(1\+2j\)"),
    ],
)
def test_array_api_non_real_conductances_rejected(bad, match):
    with pytest.raises(TypeError, match=match):
        edge_resistance_array(3, np.array([0, 1]), np.array([1, 2]), bad)


# --------------------------------------------------------------------------
# a misspelt weight attribute
# --------------------------------------------------------------------------


@graph_calls
def test_misspelt_weight_attribute_rejected(call):
    G = nx.Graph([(0, 1, {"wieght": 2.0}), (1, 2, {"wieght": 3.0}), (2, 0, {"wieght": 4.0})])
    with pytest.raises(ValueError, match="no edge carries the weight attribute 'weight'.*'wieght'.*weight=None"):
        call(G)


def test_misspelt_weight_name_passed_explicitly_rejected():
    G = triangle_with(3.0)
    with pytest.raises(ValueError, match="no edge carries the weight attribute 'weigth'"):
        edge_resistances(G, weight="weigth")


def test_missing_weight_attribute_still_means_unit_conductance():
    # the complement: unweighted graphs (no numeric attribute at all), a non-numeric
    # attribute, and weight=None all give unit conductances, as before
    plain = edge_resistances(nx.cycle_graph(4))
    assert plain == pytest.approx({e: 3 / 4 for e in nx.cycle_graph(4).edges()}, rel=1e-12)
    labelled = nx.cycle_graph(4)
    nx.set_edge_attributes(labelled, "red", "color")
    assert edge_resistances(labelled) == plain
    weighted = nx.cycle_graph(4)
    nx.set_edge_attributes(weighted, 5.0, "cost")
    assert edge_resistances(weighted, weight=None) == plain
    # some edges without the attribute: those count as 1
    partly = nx.cycle_graph(4)
    partly[0][1]["weight"] = 1.0
    assert edge_resistances(partly) == plain


# --------------------------------------------------------------------------
# edge lookups in either orientation
# --------------------------------------------------------------------------


def test_edge_resistances_lookup_in_either_order():
    G = nx.Graph([(7, 8, {"weight": 2.0}), (8, 9, {"weight": 1.0})])
    R = edge_resistances(G)
    assert list(R) == [(7, 8), (8, 9)]  # one key per edge, as G.edges() yields it
    assert R[(8, 7)] == R[(7, 8)] == 0.5
    assert (8, 7) in R and (7, 8) in R
    assert R.get((8, 7)) == 0.5 and R.get((9, 8)) == 1.0
    assert R.get((7, 9)) is None and R.get((7, 9), -1.0) == -1.0
    assert (7, 9) not in R and (9, 7) not in R


def test_edge_resistances_lookup_in_either_order_on_a_multigraph():
    G = nx.MultiGraph([(1, 0), (0, 1), (1, 2)])
    R = edge_resistances(G)
    for u, v in G.edges():
        assert R[(v, u)] == R[(u, v)]
    assert R[(2, 1)] == 1.0


def test_edge_resistances_missing_edge_raises_key_error():
    R = edge_resistances(nx.path_graph(3))
    with pytest.raises(KeyError, match=r"\(0, 2\)"):
        R[(0, 2)]
    with pytest.raises(KeyError, match="'a'"):
        R["a"]
