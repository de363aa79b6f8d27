"""myopia.worse_than_random: simulations against the closed forms, the condition, and the verdict rule."""

import copy
import dataclasses

import numpy as np
import pytest
from scipy.stats import norm

from reproduce.monte_carlo import wilson_interval
from reproduce.myopia import worse_than_random as claim
from reproduce.results import claim_rng, to_jsonable
from theory.connectivity import clique_tree_connected_probability, clique_tree_subset_connected_probability

Z_CHECK = float(norm.ppf(1 - 0.001 / 2))  # a 99.9% Wilson band: a correct simulation misses it once in 1000 runs


@pytest.fixture(scope="module")
def quick():
    config = claim.CONFIGS["quick"]
    return config, claim.measure(config, claim_rng(0, claim.CLAIM.id))


@pytest.mark.parametrize("sizes,rho", [((8, 8), 0.5), ((10, 15, 20), 0.6), ((3, 4, 3), 0.8)])
def test_simulated_random_sampling_matches_the_exact_connectivity(sizes, rho):
    n, t, h, freq, _b = claim._graph(sizes, 0.95, 0.05)
    k = int(np.floor(rho * t.size + 1e-9))
    sim = claim._simulate(n, t, h, freq, "random", rho, 4000, np.random.default_rng(1), Z_CHECK)
    assert sim["low"] <= float(clique_tree_subset_connected_probability(sizes, k)) <= sim["high"]


@pytest.mark.parametrize("sizes,eps", [((8, 8), 0.05), ((4, 5, 4), 0.5)])
def test_simulated_sampler_matches_its_closed_form(sizes, eps):
    n, t, h, freq, _b = claim._graph(sizes, 0.95, eps)
    sim = claim._simulate(n, t, h, freq, "sampler", 0.5, 4000, np.random.default_rng(2), Z_CHECK)
    assert sim["low"] <= float(clique_tree_connected_probability(sizes, 0.95, eps)) <= sim["high"]


def test_the_frequency_ranking_keeps_the_bridges_only_when_it_keeps_everything():
    n, t, h, freq, _b = claim._graph((5, 6, 4), 0.95, 0.05)
    rng = np.random.default_rng(3)
    below = claim._simulate(n, t, h, freq, "standard", (t.size - 1) / t.size, 200, rng, Z_CHECK)
    full = claim._simulate(n, t, h, freq, "standard", 1.0, 200, rng, Z_CHECK)
    assert (below["rate"], full["rate"]) == (0.0, 1.0)


@pytest.mark.parametrize("sizes", [(8, 8), (10, 15, 20), (3, 3, 3, 3)])
def test_thresholds_are_where_the_exact_curves_cross(sizes):
    eps = (0.01, 0.05, 0.5)
    th = claim.thresholds(sizes, 0.95, eps)
    n, M, curve = sum(sizes), th["edges"], th["curve"]
    assert th["rho_min_ranking"] == pytest.approx((n - 1) / M)
    assert curve[n - 2] == 0 and curve[n - 1] > 0  # a spanning tree fits from n - 1 edges on
    for row in th["sampler"]:
        sampler = row["sampler"]
        assert sampler == pytest.approx(float(clique_tree_connected_probability(sizes, 0.95, row["epsilon"])))
        k = round(row["rho_star"] * M)
        assert curve[k] > sampler >= curve[k - 1]
    stars = [row["rho_star"] for row in th["sampler"]]
    assert stars == sorted(stars)  # a more frequent bridge needs a larger budget to lose to random


def test_on_random_instances_strictly_worse_is_exactly_the_spanning_tree_condition(quick):
    _config, m = quick
    rows = m.values["instances"]
    assert rows
    for r in rows:
        condition = r["nodes"] - 1 <= r["kept"] < r["edges"]
        assert r["ranking_worse_exact"] == condition
        if not r["spanning_tree_fits"]:  # below a spanning tree no subset can connect the graph
            assert r["simulated"]["random"]["rate"] == 0.0
        assert not r["ranking_worse_detected"] or r["ranking_worse_exact"]
    su = m.values["instance_summary"]
    assert su["condition_matches_exact"] == su["instances"] == len(rows)


def test_paper_graphs_at_the_paper_density(quick):
    config, m = quick
    bar, chain = m.values["graphs"]["barbell"], m.values["graphs"]["chain"]
    assert (bar["edges"], bar["kept"], chain["edges"], chain["kept"]) == (57, 28, 342, 205)
    assert bar["bridges_kept_exact"] == pytest.approx(28 / 57)
    assert chain["bridges_kept_exact"] == pytest.approx(205 * 204 / (342 * 341))
    assert bar["standard_exact"] == chain["standard_exact"] == 0.0
    assert bar["sampler_exact"] == pytest.approx(float(clique_tree_connected_probability((8, 8), 0.95, 0.05)))


def test_verdict_z_is_bonferroni_over_the_four_comparisons():
    assert claim.verdict_z(0.99) == pytest.approx(norm.ppf(1 - 0.01 / 8))
    with pytest.raises(ValueError, match="level must"):
        claim.verdict_z(1.0)


def _with(values, graph, **changes):
    out = copy.deepcopy(dict(values))
    out["graphs"][graph].update(changes)
    return out


def test_the_rule_needs_both_graphs_strictly_worse_beyond_the_intervals(quick):
    config, m = quick
    values = m.values
    assert claim.judge(values, config).verdict == "reproduced"
    assert claim.judge(_with(values, "chain", ranking_worse=False), config).verdict == "differs"
    assert claim.judge(_with(values, "barbell", sampler_worse=False), config).verdict == "differs"


def test_the_flags_follow_the_intervals():
    """The per-graph flags are what the rule reads: recompute them from the simulations of a config whose
    budget is below a spanning tree (a tie at 0, not strictly worse)."""
    config = dataclasses.replace(
        claim.CONFIGS["quick"], barbell_rho=0.2, sweep=(0.5,), instances=1, trials=300, instance_trials=50
    )
    m = claim.measure(config, np.random.default_rng(4))
    bar = m.values["graphs"]["barbell"]
    assert bar["kept"] < bar["nodes"] - 1 and bar["random_exact"] == 0.0
    assert not bar["ranking_worse"] and not bar["sampler_worse"]
    j = claim.judge(m.values, config)
    assert j.verdict == "differs" and "barbell" in j.reason


def test_wilson_interval_is_the_package_one():
    hits = np.array([True] * 30 + [False] * 70)
    got = claim._rate(hits, 2.0)
    low, high = wilson_interval(0.3, 100, 2.0)
    assert (got["low"], got["high"], got["trials"]) == (pytest.approx(float(low)), pytest.approx(float(high)), 100)


def test_figure_draws_from_the_result_alone(quick, tmp_path):
    config, m = quick
    result = {
        "claim_id": claim.CLAIM.id,
        "measured": to_jsonable(m.values),
        "details": to_jsonable(m.details),
        "config": to_jsonable(dataclasses.asdict(config)),
        "paper_value": claim.CLAIM.paper_value,
    }
    paths = claim.figure(result, tmp_path)
    assert [p.name for p in paths] == ["myopia.worse_than_random.png"] and paths[0].stat().st_size > 0
