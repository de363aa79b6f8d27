"""Algorithm 5.1 rankers and Spielman--Srivastava sampling on graphs whose answer is known."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.effective_resistance import edge_resistance_array
from theory.sparsifiers import METHODS, edge_budget, importance_sample, method_scores, rank_sparsify

TIE_Z = 4.5  # standard errors per edge: P(|Z| > 4.5) = 6.8e-6, so about 2.4e-4 that any of K_9's 36 edges falls outside
TIE_RATE_ATOL = 0.06  # 5.4 standard errors (0.011) of a 2,000-trial keep frequency at p = 1/2
FOSTER_RTOL = 1e-9  # Foster's identity sum_e w_e R_e = n - 1 from solver resistances: round-off over ~120 edges


def arrays(G):
    E = np.array(list(G.edges()))
    return G.number_of_nodes(), E[:, 0], E[:, 1]


@given(st.integers(0, 500), st.floats(0.001, 1.0))
def test_edge_budget_roundings(m, rho):
    x = rho * m
    lo = edge_budget(m, rho, "floor")
    hi = edge_budget(m, rho, "ceil")
    assert lo <= hi <= min(m, lo + 1)
    assert lo == min(m, max(1 if m else 0, math.floor(round(x, 9))))
    assert hi == min(m, max(1 if m else 0, math.ceil(round(x, 9))))
    assert edge_budget(m, 1.0) == m


def test_edge_budget_paper_values():
    # 0.5 x 57 = 28.5 (Table 1); 0.6 x 342 = 205.2 (Table 2), where float noise must not round down.
    assert (edge_budget(57, 0.5), edge_budget(57, 0.5, "ceil"), edge_budget(57, 0.5, "round")) == (28, 29, 29)
    assert edge_budget(342, 0.6) == 205 and edge_budget(10, 0.7) == 7


@pytest.mark.parametrize("rho", [0.0, -0.1, 1.0001, 2, float("nan")])
def test_rho_outside_unit_interval_is_rejected(rho):
    with pytest.raises(ValueError, match="rho"):
        edge_budget(10, rho)
    with pytest.raises(ValueError, match="rho"):
        rank_sparsify([1.0, 2.0], rho, np.random.default_rng(0))


def test_bad_arguments_are_rejected():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rho"):
        edge_budget(10, "half")
    with pytest.raises(ValueError, match="rounding"):
        edge_budget(10, 0.5, "nearest")
    with pytest.raises(ValueError, match="method"):
        method_scores("diffusion", [0.1], [1.0])
    with pytest.raises(ValueError, match="lam"):
        method_scores("weighted", [0.1], [1.0], lam=-0.5)
    with pytest.raises(TypeError, match="lam"):
        method_scores("weighted", [0.1], [1.0], lam="2")
    with pytest.raises(ValueError, match="frequencies"):
        method_scores("standard", None, [1.0])
    with pytest.raises(ValueError, match="resistances"):
        method_scores("oracle", [0.5], None)
    with pytest.raises(TypeError, match="Generator"):
        rank_sparsify([1.0, 2.0], 0.5, 0)
    with pytest.raises(ValueError, match="finite"):
        rank_sparsify([1.0, np.nan], 0.5, rng)
    with pytest.raises(ValueError, match="trials"):
        rank_sparsify([[1.0, 2.0]], 0.5, rng, trials=3)
    with pytest.raises(ValueError, match="probabilities"):
        importance_sample([0.5, -0.1], 1, rng)
    with pytest.raises(ValueError, match="k must"):
        importance_sample([0.5, 0.0], 2, rng)


def test_scores_follow_their_definitions():
    f, r = np.array([0.95, 0.05]), np.array([0.25, 1.0])
    assert method_scores("standard", f, r).tolist() == f.tolist()
    assert method_scores("oracle", f, r).tolist() == r.tolist()
    assert method_scores("weighted", f, r, lam=1.5).tolist() == (f + 1.5 * r).tolist()
    assert method_scores("random", f, r).tolist() == [0.0, 0.0]


def test_top_k_is_exact_when_scores_are_distinct():
    rng = np.random.default_rng(1)
    scores = rng.permutation(20).astype(float)
    mask = rank_sparsify(scores, 0.25, rng, trials=7)
    assert (mask == (scores >= 15)).all()


def test_path_every_edge_is_a_bridge_so_any_cut_disconnects():
    G = nx.path_graph(12)
    n, t, h = arrays(G)
    R = edge_resistance_array(n, t, h)
    assert np.allclose(R, 1.0)
    masks = rank_sparsify(method_scores("oracle", resistance=R), 0.5, np.random.default_rng(2), trials=50)
    assert (masks.sum(axis=1) == 5).all()  # floor(5.5)
    assert len({tuple(m) for m in masks}) > 1  # all tied: the subsets vary


def test_complete_graph_ties_are_broken_uniformly():
    """In K_n every edge has R = 2/n (with round-off): each edge must be kept with probability k/m."""
    G = nx.complete_graph(9)
    n, t, h = arrays(G)
    R = edge_resistance_array(n, t, h)
    trials = 4000
    masks = rank_sparsify(method_scores("oracle", resistance=R), 0.5, np.random.default_rng(3), trials=trials)
    m, k = t.size, edge_budget(t.size, 0.5)
    p = k / m
    rate = masks.mean(axis=0)
    tol = TIE_Z * math.sqrt(p * (1 - p) / trials)  # every one of 36 edges within 4.5 sigma
    assert np.all(np.abs(rate - p) < tol)


def test_roundoff_sized_differences_count_as_ties():
    scores = 0.25 + np.array([4e-16, -4e-16, 0.0, 2e-16])
    masks = rank_sparsify(scores, 0.5, np.random.default_rng(4), trials=2000)
    assert np.all(np.abs(masks.mean(axis=0) - 0.5) < TIE_RATE_ATOL)


def test_barbell_rankings():
    """Standard drops the bridge, oracle keeps it, weighted keeps it iff lam > 1.2 (0.05 + lam > 0.95 + lam/4)."""
    G = nx.barbell_graph(8, 0)
    n, t, h = arrays(G)
    R = edge_resistance_array(n, t, h)
    bridge = np.isclose(R, 1.0)
    f = np.where(bridge, 0.05, 0.95)
    rng = np.random.default_rng(5)

    def keep(method, lam=0.0):
        return rank_sparsify(method_scores(method, f, R, lam), 0.5, rng, trials=200)[:, bridge]

    assert not keep("standard").any()
    assert keep("oracle").all()
    assert keep("weighted", 1.21).all()
    assert not keep("weighted", 1.19).any()


def test_importance_sampling_budget_and_foster_identity():
    """With p_e = w_e R_e / (n - 1), the reweighted sparsifier satisfies sum_e w'_e R_e = n - 1 exactly."""
    G = nx.gnm_random_graph(30, 120, seed=6)
    G = G.subgraph(max(nx.connected_components(G), key=len)).copy()
    G = nx.convert_node_labels_to_integers(G)
    n, t, h = arrays(G)
    R = edge_resistance_array(n, t, h)
    p = R / (n - 1)
    assert math.isclose(p.sum(), 1.0, rel_tol=FOSTER_RTOL)  # Foster
    rng = np.random.default_rng(7)
    for k in (20, 60, t.size):
        mask, w = importance_sample(p, k, rng)
        assert mask.sum() == k and np.all((w > 0) == mask)
        assert math.isclose(float(w @ R), n - 1, rel_tol=FOSTER_RTOL)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_keeps_the_budget(method):
    rng = np.random.default_rng(8)
    f, r = rng.random(40), rng.random(40)
    masks = rank_sparsify(method_scores(method, f, r, lam=1.0), 0.3, rng, trials=5, rounding="ceil")
    assert (masks.sum(axis=1) == 12).all()


@pytest.mark.parametrize("tie_rtol", [0.0, -1e-9, float("nan"), float("inf")])
def test_rank_sparsify_rejects_a_non_positive_tie_tolerance(tie_rtol):
    # tie_rtol <= 0 used to keep the lowest scores (negative) or a random set (zero)
    with pytest.raises(ValueError, match="tie_rtol must be finite and positive"):
        rank_sparsify([0.1, 0.9, 0.5], 0.5, np.random.default_rng(0), tie_rtol=tie_rtol)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"trials": 2.7}, "trials must be an integer"),
        ({"trials": True}, "trials must be an integer"),
        ({"trials": "3"}, "trials must be an integer"),
        ({"tie_rtol": "1e-9"}, "tie_rtol must be a real number"),
        ({"tie_rtol": True}, "tie_rtol must be a real number"),
    ],
)
def test_rank_sparsify_rejects_non_numeric_options(kwargs, match):
    with pytest.raises(TypeError, match=match):
        rank_sparsify([0.1, 0.9, 0.5], 0.5, np.random.default_rng(0), **kwargs)


def test_rank_sparsify_accepts_numpy_integer_trials():
    a = rank_sparsify([0.1, 0.9, 0.5, 0.9], 0.5, np.random.default_rng(3), trials=np.int64(4))
    b = rank_sparsify([0.1, 0.9, 0.5, 0.9], 0.5, np.random.default_rng(3), trials=4)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("frequency", [[0.5, np.nan], [0.5, 1.5], [-0.1, 0.5], [0.5, np.inf]])
def test_method_scores_rejects_frequencies_outside_unit_interval(method, frequency):
    with pytest.raises(ValueError, match=r"frequencies must lie in \[0, 1\]"):
        method_scores(method, frequency, [1.0, 0.5], lam=1.0)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("resistance", [[1.0, np.nan], [1.0, -0.5], [1.0, np.inf]])
def test_method_scores_rejects_negative_or_infinite_resistances(method, resistance):
    with pytest.raises(ValueError, match="resistances must be finite and non-negative"):
        method_scores(method, [0.5, 0.5], resistance, lam=1.0)


def test_method_scores_accepts_the_ends_of_the_ranges():
    assert method_scores("weighted", [0.0, 1.0], [0.0, 2.0], lam=0.5).tolist() == [0.0, 2.0]


@pytest.mark.parametrize("m", [2.5, 10.0, True, "10", None])
def test_edge_budget_rejects_a_non_integer_edge_count(m):
    with pytest.raises(TypeError, match="m must be an integer"):
        edge_budget(m, 0.5)


def test_edge_budget_accepts_numpy_integers_and_rejects_infinite_rho():
    assert edge_budget(np.int64(57), 0.5) == 28 and isinstance(edge_budget(np.int64(57), 0.5), int)
    with pytest.raises(ValueError, match="rho"):
        edge_budget(10, float("inf"))
    with pytest.raises(TypeError, match="rho"):
        edge_budget(10, True)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"k": 1.5}, TypeError, "k must be an integer"),
        ({"k": 2.0}, TypeError, "k must be an integer"),
        ({"k": True}, TypeError, "k must be an integer"),
        ({"rng": 0}, TypeError, r"np\.random\.default_rng\(seed\)"),
        ({"rng": np.random.RandomState(0)}, TypeError, r"np\.random\.default_rng\(seed\)"),
        ({"weights": [1.0, -1.0, 1.0]}, ValueError, "weights must be finite positive"),
        ({"weights": [1.0, 0.0, 1.0]}, ValueError, "weights must be finite positive"),
        ({"weights": [1.0, np.nan, 1.0]}, ValueError, "weights must be finite positive"),
        ({"weights": [1.0, 1.0]}, ValueError, "weights must have shape"),
        ({"max_draws": 0}, ValueError, "max_draws must be at least 1"),
        ({"max_draws": 10.5}, TypeError, "max_draws must be an integer"),
    ],
)
def test_importance_sample_rejects_bad_arguments(kwargs, error, match):
    args = {"probabilities": [0.2, 0.3, 0.5], "k": 2, "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(error, match=match):
        importance_sample(**args)


def test_importance_sample_accepts_numpy_integer_k():
    a = importance_sample([0.2, 0.3, 0.5], np.int64(2), np.random.default_rng(5))
    b = importance_sample([0.2, 0.3, 0.5], 2, np.random.default_rng(5))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
