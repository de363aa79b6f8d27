"""The trained graph-diffusion claims: their helpers, their replicates, and their verdict rules.

The rules are read from the claims' docstrings (issue 11): each test builds the measurement that
sits just inside or just outside a rule and checks the verdict, so a rule cannot silently change.
"""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from reproduce.bridge import starvation_dynamics
from reproduce.myopia import (
    capacity_independence,
    lambda_sweep,
    trained_lemma3_1,
    trained_table1_barbell,
    trained_table2_chain,
    trained_theorem3_2,
    trained_visible_bridge,
    trained_weighted_marginal,
    zero_inference_overhead,
)
from reproduce.myopia.graph_diffusion import TrainSpec, make_dataset, training
from reproduce.myopia.table1_barbell import PAPER as TABLE1
from reproduce.myopia.tables import PAPER_TRIALS, compare_rows
from reproduce.myopia.trained_models import (
    REPLICATES,
    SETTINGS,
    ModelSettings,
    connected_fraction,
    critical_z,
    model,
    replicate_seeds_of,
    tilted_optimum,
)
from reproduce.myopia.trained_tables import replicated_table
from reproduce.presets import PRESETS
from reproduce.replicates import interval
from reproduce.results import claim_rng
from theory.gradient_starvation import stationary_marginal
from theory.sparsifiers import METHODS

REPLICATED = (
    trained_lemma3_1,
    trained_table1_barbell,
    trained_table2_chain,
    trained_theorem3_2,
    trained_weighted_marginal,
    trained_visible_bridge,
    capacity_independence,
    starvation_dynamics,
)
FLOAT32_MEAN_RTOL = 1e-6  # the training-set frequencies are float32 torch means: ~1e-7 relative round-off
VISIBLE_BRIDGE_ATOL = 0.05  # 3.5 sd (0.014) of the cross-edge frequency over 400 graphs x 3 cross edges
VISIBLE_CLIQUE_ATOL = 0.02  # over 10 sd (0.0015) of the clique-edge frequency over 400 graphs x 56 edges
T95_2 = 4.302652729911275  # Student t, 2 degrees of freedom, 97.5% quantile
TINY = ModelSettings(width=4, depth=1, T=4, train_graphs=60, steps=20, batch=16, replicates=2)


# --- helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lam", [0.0, 2.0, 20.0])
def test_tilted_optimum_of_the_bridge_is_the_closed_form(lam):
    spec = TrainSpec(clique=4, train_graphs=300, epsilon=0.2, lam=lam)
    data = make_dataset(spec)
    p = tilted_optimum(SimpleNamespace(data=data))
    b = data.bridge
    u, v = data.tails[b][0], data.heads[b][0]
    eps_hat = float(data.adjacency[:, u, v].mean())
    # a present bridge always has R_eff = 1, so omega = 1 + lam exactly
    assert p[b][0] == pytest.approx(stationary_marginal(eps_hat, 1.0 + lam), rel=FLOAT32_MEAN_RTOL)
    if lam == 0.0:
        np.testing.assert_allclose(p, data.adjacency[:, data.tails, data.heads].numpy().mean(0), rtol=FLOAT32_MEAN_RTOL)


def test_connected_fraction_counts_components():
    a = torch.zeros(2, 4, 4)
    path = [(0, 1), (1, 2), (2, 3)]
    for i, j in path:
        a[0, i, j] = a[0, j, i] = 1
    a[1, 0, 1] = a[1, 1, 0] = a[1, 2, 3] = a[1, 3, 2] = 1
    assert connected_fraction(a).tolist() == [True, False]


def test_critical_z_is_bonferroni():
    from scipy.stats import norm

    assert critical_z(0.99, 6) == pytest.approx(norm.ppf(1 - 0.01 / 12))
    assert critical_z(0.99, 6, two_sided=False) == pytest.approx(norm.ppf(1 - 0.01 / 6))
    with pytest.raises(ValueError, match="level"):
        critical_z(1.0, 3)
    with pytest.raises(ValueError, match="tests"):
        critical_z(0.99, 0)


# --- replicates ----------------------------------------------------------------------------------


def test_replicate_counts_are_the_spectral_ones():
    from reproduce.spectral_bias.denoisers.experiments import SEEDS

    assert REPLICATES == SEEDS
    assert {p: s.replicates for p, s in SETTINGS.items()} == REPLICATES


@pytest.mark.parametrize("module", REPLICATED)
def test_replicated_configs_follow_the_presets_and_take_a_budget(module):
    for preset, config in module.CONFIGS.items():
        assert config.settings.replicates == REPLICATES[preset]
    one = module.CLAIM.configure(dataclasses.replace(PRESETS["default"], replicates=1))
    assert one.settings.replicates == 1
    assert one == dataclasses.replace(
        module.CONFIGS["default"], settings=dataclasses.replace(module.CONFIGS["default"].settings, replicates=1)
    )
    assert module.CONFIGS["default"].with_budget(records=7) == module.CONFIGS["default"]  # records do not apply


def test_the_timing_claim_times_one_replicate():
    for config in zero_inference_overhead.CONFIGS.values():
        assert config.settings.replicates == 1
    assert not hasattr(zero_inference_overhead.CONFIGS["default"], "with_budget")


def test_model_settings_reject_a_bad_replicate_count():
    with pytest.raises(ValueError, match="replicates"):
        ModelSettings(replicates=0)


def test_every_claim_asks_the_same_seeds_of_the_shared_run():
    a = replicate_seeds_of(SETTINGS["default"], claim_rng(0, "myopia.trained_lemma3_1"))
    b = replicate_seeds_of(SETTINGS["default"], claim_rng(0, "bridge.starvation_dynamics"))
    c = replicate_seeds_of(SETTINGS["default"], claim_rng(1, "myopia.trained_lemma3_1"))
    assert a == b and len(set(a)) == 3
    assert not set(a) & set(c)
    # the first replicate is the same whatever the count (the timing claim reads it)
    assert replicate_seeds_of(SETTINGS["quick"], claim_rng(0, "myopia.zero_inference_overhead"))[0] == a[0]


@pytest.fixture
def scratch_checkpoints(tmp_path, monkeypatch):
    """A fresh checkpoint directory and an empty model memo: every model is trained anew."""
    monkeypatch.setenv("REPRODUCE_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    monkeypatch.setattr(training, "_MEMO", {})
    return tmp_path


def test_different_master_seeds_train_different_models(scratch_checkpoints, one_torch_thread):
    s0 = replicate_seeds_of(TINY, claim_rng(0, "x.y"))[0]
    s1 = replicate_seeds_of(TINY, claim_rng(1, "x.y"))[0]
    m0, m1 = model(TINY, s0, epsilon=0.3), model(TINY, s1, epsilon=0.3)
    assert m0.spec.seed == s0 and m1.spec.seed == s1 and s0 != s1
    assert not torch.equal(m0.data.adjacency, m1.data.adjacency)  # another training set
    w0, w1 = m0.net.state_dict(), m1.net.state_dict()
    assert any(not torch.equal(w0[k], w1[k]) for k in w0)  # another network
    assert m0.history["bridge"] != m1.history["bridge"]


def test_the_same_master_seed_gives_bit_identical_values(scratch_checkpoints, monkeypatch, one_torch_thread):
    config = trained_lemma3_1.Config(settings=TINY, samples=40)

    def run(seed):
        monkeypatch.setattr(training, "_MEMO", {})  # train again, in another checkpoint directory
        monkeypatch.setenv("REPRODUCE_CHECKPOINT_DIR", str(scratch_checkpoints / f"run{seed}-{len(calls)}"))
        calls.append(seed)
        m = trained_lemma3_1.measure(config, claim_rng(seed, trained_lemma3_1.CLAIM.id))
        return json.dumps(m.values, sort_keys=True)

    calls: list[int] = []
    first, again, other = run(0), run(0), run(1)
    assert first == again
    assert first != other
    assert json.loads(first)["seeds"] != json.loads(other)["seeds"]
    assert len(json.loads(first)["per_seed"]) == 2


# --- Lemma 3.1 ----------------------------------------------------------------------------------


def lemma_values(errors, max_z=1.0, non_edge=0.0, samples=2000, edges=57):
    per_seed = [
        {
            "bridge": {"learned": 0.04 + e, "train_frequency": 0.04, "z": 0.0},
            "non_edges": {"learned_mean": non_edge},
            "max_abs_z": max_z,
        }
        for e in errors
    ]
    return {
        "seeds": list(range(len(errors))),
        "samples": samples,
        "per_seed": per_seed,
        "bridge_learned": interval([0.04 + e for e in errors]),
        "bridge_train_frequency": interval([0.04] * len(errors)),
        "bridge_error": interval(errors),
        "non_edge_mean": interval([non_edge] * len(errors)),
        "max_abs_z": max_z,
        "critical_z": critical_z(0.99, edges * len(errors)),
    }


def test_lemma_rule():
    cfg = trained_lemma3_1.CONFIGS["default"]
    zc = critical_z(0.99, 57 * 3)
    assert trained_lemma3_1.judge(lemma_values([-0.002, 0.0, 0.003], max_z=zc - 0.01), cfg).verdict == "reproduced"
    assert trained_lemma3_1.judge(lemma_values([-0.002, 0.0, 0.003], max_z=zc + 0.01), cfg).verdict == "differs"
    # the interval of the mean bridge error must contain 0: mean 0.002, sd 0.001 -> low 0.002 - 4.30 * 0.001 / sqrt(3)
    inside = lemma_values([0.001, 0.002, 0.003])
    assert inside["bridge_error"]["low"] < 0 and trained_lemma3_1.judge(inside, cfg).verdict == "reproduced"
    outside = lemma_values([0.004, 0.005, 0.006])
    assert outside["bridge_error"]["low"] > 0 and trained_lemma3_1.judge(outside, cfg).verdict == "differs"
    assert "interval of the bridge error" in trained_lemma3_1.judge(outside, cfg).reason
    assert trained_lemma3_1.judge(lemma_values([0.0, 0.0, 0.001], non_edge=3 / 2000 + 1e-6), cfg).verdict == "differs"
    # one replicate: no interval, the z-test decides
    assert trained_lemma3_1.judge(lemma_values([0.01]), cfg).verdict == "reproduced"


def test_lemma_critical_z_is_bonferroni_over_edges_and_replicates():
    assert lemma_values([0.0, 0.0, 0.0])["critical_z"] == pytest.approx(critical_z(0.99, 171))


# --- Theorem 3.2 --------------------------------------------------------------------------------


def theorem_values(disconnected_by_eps, max_z=1.0):
    rows = []
    for eps, disc in disconnected_by_eps.items():
        rows.append(
            {
                "epsilon": eps,
                "theorem": 1 - eps,
                "disconnected": interval(disc),
                "learned_bridge": interval([eps] * len(disc)),
                "train_bridge": interval([eps] * len(disc)),
                "max_abs_z": max_z,
                "per_seed": [{"disconnected": d} for d in disc],
            }
        )
    n = len(next(iter(disconnected_by_eps.values())))
    return {"seeds": list(range(n)), "rows": rows, "critical_z": critical_z(0.99, len(rows) * n)}


def test_theorem_rule():
    cfg = trained_theorem3_2.CONFIGS["default"]
    half = T95_2 * 0.01 / np.sqrt(3)  # sd 0.01 over three replicates
    ok = theorem_values(
        {0.05: [0.95 + half - 0.011, 0.95 + half - 0.001, 0.95 + half + 0.009]}
    )  # mean 0.95 + half - 0.001
    assert trained_theorem3_2.judge(ok, cfg).verdict == "reproduced"
    off = theorem_values(
        {0.05: [0.95 + half - 0.009, 0.95 + half + 0.001, 0.95 + half + 0.011]}
    )  # mean 0.95 + half + 0.001
    assert trained_theorem3_2.judge(off, cfg).verdict == "differs"
    zc = critical_z(0.99, 3)
    assert (
        trained_theorem3_2.judge(theorem_values({0.05: [0.95, 0.951, 0.949]}, max_z=zc + 0.01), cfg).verdict
        == "differs"
    )
    assert (
        trained_theorem3_2.judge(theorem_values({0.05: [0.95, 0.951, 0.949]}, max_z=zc - 0.01), cfg).verdict
        == "reproduced"
    )
    assert (
        trained_theorem3_2.judge(theorem_values({0.05: [0.99]}, max_z=1.0), cfg).verdict == "reproduced"
    )  # one replicate: z decides


# --- weighted marginal ----------------------------------------------------------------------------


def weighted_values(errors, max_z=1.0):
    p = float(stationary_marginal(0.05, 3.0))
    row = {
        "lam": 2.0,
        "epsilon": 0.05,
        "learned_bridge": interval([p + e for e in errors]),
        "p_star": interval([p] * len(errors)),
        "error": interval(errors),
        "max_abs_z": max_z,
    }
    return {"seeds": list(range(len(errors))), "rows": [row], "critical_z": critical_z(0.99, len(errors))}


def test_weighted_marginal_prediction():
    cfg = trained_weighted_marginal.CONFIGS["default"]
    holds = trained_weighted_marginal.judge(weighted_values([-0.004, 0.0, 0.006]), cfg)
    assert (holds.verdict, holds.prediction) == ("extension", "holds")
    shifted = trained_weighted_marginal.judge(weighted_values([0.010, 0.011, 0.012]), cfg)  # interval [0.0085, 0.0135]
    assert shifted.prediction == "fails" and "error 0.011 [0.009, 0.013]" in shifted.reason
    zc = critical_z(0.99, 3)
    assert (
        trained_weighted_marginal.judge(weighted_values([0.0, 0.001, -0.001], max_z=zc + 0.01), cfg).prediction
        == "fails"
    )
    assert (
        trained_weighted_marginal.judge(weighted_values([0.0, 0.001, -0.001], max_z=zc - 0.01), cfg).prediction
        == "holds"
    )


# --- capacity ------------------------------------------------------------------------------------


def capacity_values(disc, min_z=0.0, max_z=0.0, eps=0.05):
    std = {
        "lam": 0.0,
        "parameters": 1000,
        "disconnected": interval(disc),
        "learned_bridge": interval([eps] * len(disc)),
        "train_bridge": interval([eps] * len(disc)),
        "min_z": min_z,
        "max_z": max_z,
    }
    weighted = {
        "lam": 20.0,
        "parameters": 1000,
        "disconnected": interval([0.5] * len(disc)),
        "learned_bridge": interval([0.5] * len(disc)),
        "target": interval([0.5] * len(disc)),
    }
    return {
        "seeds": list(range(len(disc))),
        "rows": [std, weighted],
        "critical_z": critical_z(0.99, len(disc), two_sided=False),
        "parameter_span": 1.0,
        "epsilon": eps,
    }


def test_capacity_rule_is_one_sided():
    cfg = capacity_independence.CONFIGS["default"]
    zc = critical_z(0.99, 3, two_sided=False)
    assert (
        capacity_independence.judge(capacity_values([0.95, 0.96, 0.97], min_z=-zc + 0.01), cfg).verdict == "reproduced"
    )
    assert capacity_independence.judge(capacity_values([0.95, 0.96, 0.97], min_z=-zc - 0.01), cfg).verdict == "differs"
    # disconnecting more often than 1 - eps (under-fitting) is not a rescue
    assert capacity_independence.judge(capacity_values([0.98, 0.99, 0.995], max_z=10.0), cfg).verdict == "reproduced"
    half = T95_2 * 0.001 / np.sqrt(3)
    reaches = capacity_values([0.95 - half - 0.0005, 0.95 - half + 0.0005, 0.95 - half + 0.0015])  # upper end 0.9505
    assert capacity_independence.judge(reaches, cfg).verdict == "reproduced"
    short = capacity_values([0.95 - half - 0.0015, 0.95 - half - 0.0005, 0.95 - half + 0.0005])  # upper end 0.9495
    assert capacity_independence.judge(short, cfg).verdict == "differs"


# --- tables --------------------------------------------------------------------------------------


def _rows(conn, rse, rse_std=0.2):
    return {m: {"connectivity": conn[m], "rse_mean": rse[m], "rse_std": rse_std} for m in METHODS}


def table_values(weighted_connectivity, trials=2000, paper=TABLE1):
    per_seed = []
    for c in weighted_connectivity:
        conn = {m: paper[m]["connectivity"] for m in METHODS}
        rse = {m: paper[m]["rse_mean"] for m in METHODS}
        conn["weighted"] = c
        per_seed.append({"floor": _rows(conn, rse), "ceil": _rows(conn, rse)})
    values = {
        "seeds": list(range(len(per_seed))),
        "edges": 57,
        "trials": trials,
        "lambda": 2.0,
        "models": {},
        "per_seed": per_seed,
    }
    values.update(replicated_table(per_seed, paper, trials))
    return values


def test_table_rule_widens_the_monte_carlo_tolerance_by_the_interval():
    cfg = trained_table1_barbell.CONFIGS["default"]
    p = TABLE1["weighted"]["connectivity"]
    mean = p - 0.05
    sd = 0.02
    v = table_values([mean - sd, mean, mean + sd])
    cmp = v["comparison_floor"]["weighted"]
    tau = compare_rows(
        TABLE1, {m: {k: v["floor"][m][k] for k in ("connectivity", "rse_mean", "rse_std")} for m in METHODS}, 3 * 2000
    )["weighted"]["connectivity_tolerance"]
    assert cmp["connectivity_between_seeds"] == pytest.approx(T95_2 * sd / np.sqrt(3))
    assert cmp["connectivity_tolerance"] == pytest.approx(tau + T95_2 * sd / np.sqrt(3))
    assert cmp["within"] and trained_table1_barbell.judge(v, cfg).verdict == "reproduced"  # 0.05 <= 0.0497 + tau
    tight = table_values([mean - 0.001, mean, mean + 0.001])  # the same mean, no spread: outside
    assert trained_table1_barbell.judge(tight, cfg).verdict == "differs"
    assert "weighted 84.6% [84.4%, 84.8%]" in trained_table1_barbell.judge(tight, cfg).reason
    one = table_values([p - 0.01])  # one replicate: the Monte-Carlo tolerance alone
    assert one["comparison_floor"]["weighted"]["connectivity_between_seeds"] == 0.0
    assert trained_table1_barbell.judge(one, cfg).verdict == "reproduced"


def test_table_pools_trials_over_replicates():
    v = table_values([0.89, 0.9, 0.91], trials=500)
    means = {m: {k: v["floor"][m][k] for k in ("connectivity", "rse_mean", "rse_std")} for m in METHODS}
    base = compare_rows(TABLE1, means, 1500)
    assert v["comparison_floor"]["random"]["connectivity_tolerance"] == pytest.approx(
        base["random"]["connectivity_tolerance"]
    )
    assert PAPER_TRIALS == 500


# --- starvation dynamics ---------------------------------------------------------------------------


# --- extensions without training -------------------------------------------------------------------


def test_lambda_sweep_prediction():
    good = {
        "same_result_beyond_last_crossing": True,
        "result_equals_oracle_beyond": True,
        "ranking_fixed_beyond": 1.2,
        "connectivity_above_inclusion": 0.89,
        "bridges_kept_beyond": 1.0,
        "same_result_beyond_inclusion": True,
    }
    values = {"barbell 2xK8": good, "chain K10-K15-K20": dict(good)}
    cfg = lambda_sweep.CONFIGS["default"]
    assert lambda_sweep.judge(values, cfg).prediction == "holds"
    values["chain K10-K15-K20"]["result_equals_oracle_beyond"] = False
    j = lambda_sweep.judge(values, cfg)
    assert (j.verdict, j.prediction) == ("extension", "fails")


def test_real_graphs_makes_no_prediction():
    from reproduce.myopia import real_graphs

    assert "makes no prediction" in real_graphs.__doc__


# --- Exp III with trained networks ---------------------------------------------------------------


def test_visible_family_trains_on_the_thickened_graph():
    data = make_dataset(TrainSpec(family="visible", thickness=3, epsilon=0.5, train_graphs=400))
    cross = {(int(t), int(h)) for t, h, b in zip(data.tails, data.heads, data.bridge) if b}
    assert cross == {(0, 8), (1, 9), (2, 10)} and data.tails.size == 56 + 3
    A = data.adjacency[:, data.tails, data.heads].numpy()
    assert (
        abs(A[:, data.bridge].mean() - 0.5) < VISIBLE_BRIDGE_ATOL
        and abs(A[:, ~data.bridge].mean() - 0.95) < VISIBLE_CLIQUE_ATOL
    )
    assert TrainSpec(family="visible", thickness=3).label().startswith("visible K8 k=3")
    with pytest.raises(ValueError, match="thickness"):
        TrainSpec(family="visible", thickness=0)
    with pytest.raises(ValueError, match="between 1 and n"):
        make_dataset(TrainSpec(family="visible", thickness=9))


def visible_values(standard, weighted, seeds=3, trials=500):
    """Values whose every replicate has the given connectivities (k -> value) at k = 1, 2, 3, 4."""

    def est(x):
        return interval([x] * seeds)

    curves = [
        {
            "k": k,
            "frequency": min(1.0, 0.25 * k),
            "standard": est(standard[k]),
            "weighted": est(weighted[k]),
            "frequency_ranking": est(0.0),
            "weighted_optimum": est(0.0),
            "weighted_cross_score": est(0.5),
            "weighted_clique_score_min": est(0.9),
        }
        for k in (1, 2, 3, 4)
    ]
    return {"seeds": list(range(seeds)), "trials": trials, "lambda": 20.0, "curves": curves}


def test_visible_bridge_rule():
    cfg = trained_visible_bridge.CONFIGS["default"]
    level = trained_visible_bridge.WEIGHTED_LEVEL
    paper = {1: 0.0, 2: 0.0, 3: 0.4, 4: 1.0}  # k = 3 is not judged
    ok = trained_visible_bridge.judge(visible_values(paper, {k: 0.97 for k in paper}), cfg)
    assert ok.verdict == "reproduced"
    # the weighted part: one k far below the level fails, one just below it is within the tolerance
    low = trained_visible_bridge.judge(visible_values(paper, {1: 0.3, 2: 0.97, 3: 0.97, 4: 0.97}), cfg)
    assert low.verdict == "differs" and "weighted networks are below" in low.reason and "k = 1" in low.reason
    assert (
        trained_visible_bridge.judge(visible_values(paper, {k: level - 0.005 for k in paper}), cfg).verdict
        == "reproduced"
    )
    # the standard part: connected below the transition, or not connected above it
    assert (
        "miss the paper's step"
        in trained_visible_bridge.judge(visible_values({**paper, 2: 0.2}, {k: 0.97 for k in paper}), cfg).reason
    )
    assert (
        "miss the paper's step"
        in trained_visible_bridge.judge(visible_values({**paper, 4: 0.8}, {k: 0.97 for k in paper}), cfg).reason
    )
    # a between-replicate spread widens the tolerance
    spread = visible_values(paper, {k: 0.97 for k in paper})
    spread["curves"][0]["standard"] = interval([0.0, 0.0, 0.15])
    assert trained_visible_bridge.judge(spread, cfg).verdict == "reproduced"
    spread["curves"][0]["standard"] = interval([0.15, 0.15, 0.16])
    assert trained_visible_bridge.judge(spread, cfg).verdict == "differs"
    # the weighted part judges k = 3 too; the standard part does not
    at3 = trained_visible_bridge.judge(visible_values({**paper, 3: 0.9}, {**{k: 0.97 for k in paper}, 3: 0.2}), cfg)
    assert at3.verdict == "differs" and "k = 3: 0.20" in at3.reason and "miss the paper's step" not in at3.reason


def test_visible_bridge_rule_says_what_passes_only_through_the_spread():
    cfg = trained_visible_bridge.CONFIGS["default"]
    paper = {1: 0.0, 2: 0.0, 3: 0.4, 4: 1.0}
    v = visible_values(paper, {k: 0.97 for k in paper})
    v["curves"][3]["standard"] = interval([1.0, 0.4, 1.0])  # mean 0.8: outside tau, inside h + tau
    j = trained_visible_bridge.judge(v, cfg)
    assert (
        j.verdict == "reproduced"
        and "only through the replicates' spread" in j.reason
        and "standard at k = 4" in j.reason
    )
    clean = trained_visible_bridge.judge(visible_values(paper, {k: 0.97 for k in paper}), cfg)
    assert "only through" not in clean.reason
    # one replicate: no spread to lean on (h = 0)
    one = visible_values({**paper, 4: 0.8}, {k: 0.97 for k in paper}, seeds=1)
    assert trained_visible_bridge.judge(one, cfg).verdict == "differs"


def test_visible_bridge_measures_every_thickness_and_replicate(scratch_checkpoints, one_torch_thread):
    config = trained_visible_bridge.Config(settings=TINY, steps=20, thicknesses=(1, 4), samples=30, trials=20)
    m = trained_visible_bridge.measure(config, claim_rng(0, trained_visible_bridge.CLAIM.id))
    assert [c["k"] for c in m.values["curves"]] == [1, 4] and len(m.values["per_seed"]) == 2
    assert [c["frequency"] for c in m.values["curves"]] == [0.25, 1.0]
    for c in m.values["curves"]:
        for key in ("standard", "weighted", "frequency_ranking", "weighted_optimum"):
            assert 0.0 <= c[key]["mean"] <= 1.0 and c[key]["n"] == 2
    # a perfect standard model at k = 1 never keeps the cross edge (0.25 < 0.95), so it is never connected
    assert m.values["curves"][0]["frequency_ranking"]["mean"] == 0.0
    assert set(m.details["scores"]) == {"k=1 standard", "k=1 weighted", "k=4 standard", "k=4 weighted"}
