"""Exp III helpers: k -> frequency mappings, their crossing points, and the lambda a cross edge needs."""

import numpy as np
import pytest

from reproduce.myopia.fig4_visible_bridge import cross_frequency, crossing_point, lambda_needed
from reproduce.myopia.graphs import edge_arrays, edge_frequencies, visible_bridge
from theory.effective_resistance import edge_resistance_array
from theory.sparsifiers import method_scores

THRESHOLD_NUDGE = 1e-3  # lambda 0.1% past lambda_needed either way: far beyond the round-off of the pairwise bound
ZERO_LAMBDA_NUDGE = 1e-9  # an absolute step above lambda_needed = 0, where the relative nudge vanishes


@pytest.mark.parametrize("kind,param", [("linear", 0.25), ("linear", 0.15), ("union", 0.5), ("union", 0.3)])
def test_mapping_reaches_the_clique_frequency_at_the_crossing(kind, param):
    k = crossing_point(kind, param, 0.95)
    assert float(cross_frequency(kind, param, k)) == pytest.approx(0.95)
    assert float(cross_frequency(kind, param, np.floor(k))) < 0.95 < float(cross_frequency(kind, param, np.ceil(k)))


def test_constant_mapping_never_crosses():
    assert crossing_point("constant", 0.05, 0.95) == float("inf")
    assert crossing_point("constant", 0.96, 0.95) == 0.0
    assert cross_frequency("constant", 0.05, [1, 5]).tolist() == [0.05, 0.05]


def test_unknown_mapping_is_rejected():
    with pytest.raises(ValueError, match="mapping kind"):
        cross_frequency("cubic", 0.1, 3)
    with pytest.raises(ValueError, match="mapping kind"):
        crossing_point("cubic", 0.1, 0.95)


def _visible(k, f_cross):
    G, cross = visible_bridge(8, k)
    n, t, h = edge_arrays(G)
    f = edge_frequencies(G, cross, rare_freq=f_cross)
    R = edge_resistance_array(n, t, h)
    is_cross = np.array([(min(a, b), max(a, b)) in cross for a, b in zip(t.tolist(), h.tolist())])
    return f, R, is_cross


def test_lambda_needed_on_the_barbell_is_exp1_threshold():
    f, R, is_cross = _visible(1, 0.05)
    assert lambda_needed(f, R, is_cross) == pytest.approx(0.9 / (1 - 0.25))


@pytest.mark.parametrize("k,f_cross", [(2, 0.05), (4, 0.05), (8, 0.05), (3, 0.5), (6, 0.9)])
def test_lambda_needed_separates_the_rankings(k, f_cross):
    f, R, is_cross = _visible(k, f_cross)
    lam = lambda_needed(f, R, is_cross)
    above = method_scores("weighted", f, R, lam=lam * (1 + THRESHOLD_NUDGE) + ZERO_LAMBDA_NUDGE)
    assert above[is_cross].min() > above[~is_cross].max()
    if lam > 0:
        below = method_scores("weighted", f, R, lam=lam * (1 - THRESHOLD_NUDGE))
        assert below[is_cross].min() < below[~is_cross].max()


def test_frequent_cross_edges_need_no_lambda():
    f, R, is_cross = _visible(5, 1.0)
    assert lambda_needed(f, R, is_cross) == 0.0
