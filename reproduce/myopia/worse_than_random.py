"""Claim ``myopia.worse_than_random`` -- on rare-bridge instances standard diffusion is strictly worse than random.

Siami's introduction (contribution 1, attributed to Theorem 3.2): on "Rare Bridge" instances standard
diffusion performs "strictly worse than naive random sampling".  Two readings of "standard diffusion"
are tested, on graphs made of complete blocks joined in a tree by single-edge bridges whose training
frequency is ``eps`` (block edges ``common`` = 0.95):

* the **frequency ranking** of Algorithm 5.1 (score ``P_freq``, top ``k = floor(rho |E|)`` kept, ties
  at random): the bridges have the lowest score, so they are kept only when ``k = |E|``; its
  connectivity is exactly 0 for every ``k < |E|``;
* a **frequency-faithful sampler** (what Lemma 3.1's optimum generates: every edge drawn independently
  with its frequency): connected with probability ``eps^b prod_i C(s_i, common)``
  (:func:`theory.connectivity.clique_tree_connected_probability`, ``b`` bridges).

**Random sampling** keeps a uniformly random ``k``-subset; it is connected iff it keeps every bridge
*and* a connected spanning subgraph of every block.  Its connectivity is computed exactly
(:func:`theory.connectivity.clique_tree_subset_connected_probability`; the hypergeometric chance of
keeping the bridges, ``k/|E|`` for one and ``k(k-1)/(|E|(|E|-1))`` for two, is its upper bound) and
simulated.  Hence the condition: random connectivity is positive iff ``k >= n - 1`` (a spanning tree
fits the budget), so the ranking is strictly worse exactly for ``n - 1 <= k < |E|`` and ties (at 0)
below, (at 1) at ``k = |E|``; the sampler is strictly worse exactly when random's connectivity exceeds
``eps^b prod C``, i.e. above a density ``rho*(eps)`` that grows with ``eps``.

Measured: on the paper's graphs (Exp I barbell 2 x K8 at ``rho = 0.5``, Exp II chain K10-K15-K20 at
``rho = 0.6``) the exact curves over every budget ``k``, Algorithm 5.1 simulated (``trials`` each) at the
paper's ``rho`` and over a sweep of ``rho``, the sampler simulated, the two thresholds ``(n-1)/|E|`` and
``rho*(eps)`` for several ``eps``; and random rare-bridge instances (random number and sizes of complete
blocks, random ``eps`` and ``rho``), each compared exactly and by simulation.

Verdict rule (written before any number was computed): with ``z`` the two-sided 99% normal quantile,
Bonferroni over the four comparisons below, and Wilson intervals of the simulated connectivities:
**reproduced** when on both paper graphs at the paper's ``rho`` (floor budget) the exact random
connectivity exceeds both exact standard connectivities (ranking and sampler) *and* the simulated
random connectivity's interval lies entirely above the simulated ranking's and the simulated sampler's
intervals (strictly worse beyond the Monte-Carlo error).  Otherwise **differs**.  The failure region
(budgets below a spanning tree, ``k = |E|``, and ``rho < rho*(eps)`` for the sampler) and the random
instances are reported in the reason; they are findings about the statement's scope, not the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import norm

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.monte_carlo import wilson_interval
from reproduce.myopia.graphs import clique_chain, edge_arrays, edge_frequencies
from theory.connectivity import (
    clique_tree_connected_probability,
    clique_tree_subset_connected_probability,
    subset_keeps_all_probability,
)
from theory.sparsifier_quality import is_connected
from theory.sparsifiers import edge_budget, method_scores, rank_sparsify

COMPARISONS = 4
"""Tests the verdict makes (2 graphs x {ranking, sampler}): the Bonferroni count of its ``z``."""


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.worse_than_random``.

    Attributes
    ----------
    clique, barbell_rho : int, float
        Exp I: the barbell ``2 x K_clique`` and its density (paper: 8, 0.5).
    chain_sizes, chain_rho : tuple of int, float
        Exp II: the chain's block sizes and density (paper: (10, 15, 20), 0.6).
    common, epsilon : float
        Training frequency of block edges / bridges (paper: 0.95 / 0.05).
    epsilons : tuple of float
        Bridge frequencies at which the sampler's threshold density ``rho*`` is reported.
    sweep : tuple of float
        Densities at which Algorithm 5.1 is simulated besides the paper's.
    trials : int
        Simulated trials per point (Algorithm 5.1's ``K``; the paper's is 500).
    instances : int
        Random rare-bridge instances.
    blocks, sizes : (int, int)
        Inclusive ranges of an instance's number of blocks and block sizes.
    instance_eps, instance_rho : (float, float)
        Ranges of an instance's bridge frequency (log-uniform) and density (uniform).
    instance_trials : int
        Simulated trials per instance.
    level : float
        Family level of the verdict's intervals.
    """

    clique: int = 8
    barbell_rho: float = 0.5
    chain_sizes: tuple[int, ...] = (10, 15, 20)
    chain_rho: float = 0.6
    common: float = 0.95
    epsilon: float = 0.05
    epsilons: tuple[float, ...] = (0.01, 0.05, 0.2, 0.5)
    sweep: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    trials: int = 2000
    instances: int = 40
    blocks: tuple[int, int] = (2, 4)
    sizes: tuple[int, int] = (3, 12)
    instance_eps: tuple[float, float] = (0.01, 0.3)
    instance_rho: tuple[float, float] = (0.15, 0.95)
    instance_trials: int = 500
    level: float = 0.99


CONFIGS = {
    "quick": Config(sweep=(0.2, 0.4, 0.8), trials=400, instances=8, instance_trials=200),
    "default": Config(),
    "paper": Config(
        sweep=tuple(np.round(np.arange(0.05, 0.96, 0.05), 2)), trials=10000, instances=200, instance_trials=2000
    ),
}


def verdict_z(level: float) -> float:
    """Two-sided normal quantile at family level ``level``, Bonferroni over :data:`COMPARISONS` tests."""
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}.")
    return float(norm.ppf(1 - (1 - level) / (2 * COMPARISONS)))


def _rate(hits: np.ndarray, z: float) -> dict:
    """A simulated proportion with its Wilson interval."""
    p = float(np.mean(hits))
    low, high = wilson_interval(p, hits.size, z)
    return {"rate": p, "low": float(low), "high": float(high), "trials": int(hits.size)}


def _graph(sizes: tuple[int, ...], common: float, eps: float):
    """Edge arrays and frequencies of complete blocks ``sizes`` chained by single-edge bridges."""
    G, bridges = clique_chain(tuple(sizes))
    n, t, h = edge_arrays(G)
    return n, t, h, edge_frequencies(G, bridges, common, eps), len(bridges)


def _simulate(n, t, h, freq, method: str, rho: float, trials: int, rng, z: float) -> dict:
    """Connectivity of ``trials`` subgraphs: Algorithm 5.1's ``random``/``standard`` rankers, or the sampler."""
    if method == "sampler":
        masks = rng.random((trials, t.size)) < freq
    else:
        masks = rank_sparsify(method_scores(method, freq), rho, rng, trials=trials)
    return _rate(is_connected(n, t, h, masks), z)


def thresholds(sizes: tuple[int, ...], common: float, epsilons) -> dict:
    """Where "strictly worse" starts: the ranking's ``(n - 1)/|E|`` and the sampler's ``rho*(eps)``.

    ``rho*(eps) = k*/|E|`` with ``k*`` the smallest budget whose exact random connectivity exceeds the
    sampler's ``eps^b prod C``; ``None`` when no budget below ``|E|`` does.
    """
    n, b = sum(sizes), len(sizes) - 1
    M = sum(s * (s - 1) // 2 for s in sizes) + b
    curve = clique_tree_subset_connected_probability(sizes, np.arange(M + 1))
    rows = []
    for eps in epsilons:
        sampler = float(clique_tree_connected_probability(sizes, common, eps))
        above = np.nonzero(curve[:M] > sampler)[0]
        rows.append(
            {"epsilon": float(eps), "sampler": sampler, "rho_star": float(above[0] / M) if above.size else None}
        )
    return {"edges": M, "nodes": n, "bridges": b, "rho_min_ranking": (n - 1) / M, "sampler": rows, "curve": curve}


def _paper_graph(name: str, sizes, rho: float, config: Config, rng, z: float) -> tuple[dict, dict]:
    """Exact and simulated connectivity of the three methods on one paper graph (values, curve details)."""
    n, t, h, freq, b = _graph(sizes, config.common, config.epsilon)
    M = t.size
    k = edge_budget(M, rho)
    th = thresholds(sizes, config.common, config.epsilons)
    curve = th.pop("curve")
    sampler_exact = float(clique_tree_connected_probability(sizes, config.common, config.epsilon))
    sim = {m: _simulate(n, t, h, freq, m, rho, config.trials, rng, z) for m in ("random", "standard", "sampler")}
    sweep = []
    for r in config.sweep:
        kr = edge_budget(M, r)
        sweep.append(
            {
                "rho": float(r),
                "kept": kr,
                "random_exact": float(curve[kr]),
                "random": _simulate(n, t, h, freq, "random", r, config.trials, rng, z),
                "standard": _simulate(n, t, h, freq, "standard", r, config.trials, rng, z),
            }
        )
    random_exact = float(curve[k])
    values = {
        "sizes": list(sizes),
        "rho": rho,
        "kept": k,
        **th,
        "random_exact": random_exact,
        "bridges_kept_exact": float(subset_keeps_all_probability(M, b, k)),
        "standard_exact": 1.0 if k == M else 0.0,  # the bridges rank last: kept only when everything is
        "sampler_exact": sampler_exact,
        "simulated": sim,
        "ranking_worse": bool(
            random_exact > (1.0 if k == M else 0.0) and sim["random"]["low"] > sim["standard"]["high"]
        ),
        "sampler_worse": bool(random_exact > sampler_exact and sim["random"]["low"] > sim["sampler"]["high"]),
        "sweep": sweep,
        "exact_outside_interval": sum(
            not (p["random"]["low"] <= p["random_exact"] <= p["random"]["high"]) for p in sweep
        ),
    }
    ks = np.arange(M + 1)
    details = {
        "rho": (ks / M).tolist(),
        "random": curve.tolist(),
        "bridges": subset_keeps_all_probability(M, b, ks).tolist(),
        "name": name,
    }
    return values, details


def _instance(config: Config, rng: np.random.Generator, z: float) -> dict:
    """One random rare-bridge instance: exact and simulated connectivity at a random density."""
    count = int(rng.integers(config.blocks[0], config.blocks[1] + 1))
    sizes = tuple(int(s) for s in rng.integers(config.sizes[0], config.sizes[1] + 1, count))
    eps = float(np.exp(rng.uniform(*np.log(config.instance_eps))))
    rho = float(rng.uniform(*config.instance_rho))
    n, t, h, freq, b = _graph(sizes, config.common, eps)
    M = t.size
    k = edge_budget(M, rho)
    random_exact = float(clique_tree_subset_connected_probability(sizes, k))
    sampler_exact = float(clique_tree_connected_probability(sizes, config.common, eps))
    standard_exact = 1.0 if k == M else 0.0
    sim = {
        m: _simulate(n, t, h, freq, m, rho, config.instance_trials, rng, z) for m in ("random", "standard", "sampler")
    }
    return {
        "sizes": list(sizes),
        "nodes": n,
        "edges": M,
        "epsilon": eps,
        "rho": rho,
        "kept": k,
        "spanning_tree_fits": bool(k >= n - 1),
        "random_exact": random_exact,
        "standard_exact": standard_exact,
        "sampler_exact": sampler_exact,
        "ranking_worse_exact": bool(random_exact > standard_exact),
        "sampler_worse_exact": bool(random_exact > sampler_exact),
        "ranking_worse_detected": bool(sim["random"]["low"] > sim["standard"]["high"]),
        "sampler_worse_detected": bool(sim["random"]["low"] > sim["sampler"]["high"]),
        "exact_in_interval": bool(sim["random"]["low"] <= random_exact <= sim["random"]["high"]),
        "simulated": sim,
    }


def _summary(rows: list[dict]) -> dict:
    """Counts over the random instances: where the condition predicts "strictly worse", and what was seen."""
    fits = [r for r in rows if r["spanning_tree_fits"] and r["kept"] < r["edges"]]
    small = [r for r in rows if not r["spanning_tree_fits"]]
    return {
        "instances": len(rows),
        "condition_holds": len(fits),  # n - 1 <= k < |E|
        "ranking_worse_exact": sum(r["ranking_worse_exact"] for r in rows),
        "ranking_worse_exact_where_condition": sum(r["ranking_worse_exact"] for r in fits),
        "ranking_worse_detected": sum(r["ranking_worse_detected"] for r in rows),
        "budget_below_spanning_tree": len(small),
        "ties_below_spanning_tree": sum(
            r["random_exact"] == 0 and r["simulated"]["random"]["rate"] == 0 for r in small
        ),
        "sampler_worse_exact": sum(r["sampler_worse_exact"] for r in rows),
        "sampler_worse_detected": sum(r["sampler_worse_detected"] for r in rows),
        "exact_in_interval": sum(r["exact_in_interval"] for r in rows),
        "condition_matches_exact": sum(
            r["ranking_worse_exact"] == (r["spanning_tree_fits"] and r["kept"] < r["edges"]) for r in rows
        ),
    }


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """The paper's two graphs (exact curves, simulations, thresholds) and the random instances."""
    z = verdict_z(config.level)
    graphs, curves = {}, {}
    for name, sizes, rho in (
        ("barbell", (config.clique, config.clique), config.barbell_rho),
        ("chain", tuple(config.chain_sizes), config.chain_rho),
    ):
        graphs[name], curves[name] = _paper_graph(name, sizes, rho, config, rng, z)
    rows = [_instance(config, rng, z) for _ in range(config.instances)]
    values = {
        "z": z,
        "trials": config.trials,
        "epsilon": config.epsilon,
        "graphs": graphs,
        "instances": rows,
        "instance_summary": _summary(rows),
    }
    cells = []
    for name, g in graphs.items():
        s = g["simulated"]
        cells.append(
            f"{name} rho {g['rho']:g} ({g['kept']} of {g['edges']} edges): random {g['random_exact']:.3f} exact, "
            f"{s['random']['rate']:.3f} simulated; ranking {s['standard']['rate']:.3f}; sampler "
            f"{g['sampler_exact']:.4f} exact, {s['sampler']['rate']:.4f} simulated"
        )
    su = values["instance_summary"]
    where = (
        "exactly where a spanning tree fits the budget"
        if su["condition_matches_exact"] == su["instances"]
        else "NOT exactly where a spanning tree fits the budget"
    )
    headline = "; ".join(cells) + (
        f"; random instances: ranking strictly worse in {su['ranking_worse_exact']}/{su['instances']} ({where})"
    )
    return Measurement(values, headline, {"curves": curves})


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced iff on both paper graphs at the paper's rho random sampling beats the ranking and the
    sampler, exactly and beyond the Bonferroni 99% Wilson intervals of the simulations."""
    tol = {
        "rule": "both paper graphs at the paper's rho: exact random > exact standard (ranking and sampler), and "
        "the Wilson interval of simulated random lies above those of the simulated ranking and sampler",
        "z": values["z"],
        "comparisons": COMPARISONS,
    }
    graphs = values["graphs"]
    scope = []
    for name, g in graphs.items():
        stars = ", ".join(
            f"eps {r['epsilon']:g}: {r['rho_star']:.3f}"
            if r["rho_star"] is not None
            else f"eps {r['epsilon']:g}: never"
            for r in g["sampler"]
        )
        scope.append(
            f"{name}: the ranking is strictly worse for {g['rho_min_ranking']:.3f} <= rho < 1 (below, a spanning tree "
            f"of {g['nodes'] - 1} edges does not fit and both are 0; at rho = 1 both keep everything), the sampler "
            f"above rho* ({stars})"
        )
    su = values["instance_summary"]
    exactly = "exactly" if su["condition_matches_exact"] == su["instances"] else "not exactly"
    inst = (
        f"On {su['instances']} random rare-bridge instances the ranking is strictly worse in "
        f"{su['ranking_worse_exact']} ({exactly} the {su['condition_holds']} whose budget fits a spanning tree; "
        f"detected beyond the interval in {su['ranking_worse_detected']}), ties at 0 in the "
        f"{su['budget_below_spanning_tree']} whose budget does not; the sampler is strictly worse in "
        f"{su['sampler_worse_exact']}."
    )
    cells = "; ".join(
        f"{name} rho {g['rho']:g}: random {g['random_exact']:.3f} (simulated {g['simulated']['random']['rate']:.3f} "
        f"[{g['simulated']['random']['low']:.3f}, {g['simulated']['random']['high']:.3f}]) vs ranking "
        f"{g['simulated']['standard']['rate']:.3f} and sampler {g['sampler_exact']:.4f}"
        for name, g in graphs.items()
    )
    failing = [name for name, g in graphs.items() if not (g["ranking_worse"] and g["sampler_worse"])]
    if not failing:
        return Judgement(
            "reproduced",
            f"Standard diffusion is strictly worse than random sampling on both paper graphs: {cells}. The statement "
            f"needs a budget that fits a spanning tree: {'; '.join(scope)}. {inst}",
            tol,
        )
    return Judgement(
        "differs",
        f"Random sampling is not strictly better on {', '.join(failing)}: {cells}. Scope: {'; '.join(scope)}. {inst}",
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Connectivity against density on the two paper graphs (exact curves, simulated points), and the instances."""
    import matplotlib.pyplot as plt

    from reproduce.myopia.figures import METHOD_COLORS
    from reproduce.plotting import figure_path, legend_outside, save_figure

    v, curves = result["measured"], result["details"]["curves"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.2))
    for ax, (name, g) in zip(axes[:2], v["graphs"].items()):
        c = curves[name]
        ax.axvspan(0, g["rho_min_ranking"], color="0.9", zorder=0, label="budget below a spanning tree: all tie at 0")
        ax.plot(c["rho"], c["random"], color=METHOD_COLORS["random"], label="random sampling, exact")
        ax.plot(c["rho"], c["bridges"], ":", color=METHOD_COLORS["random"], label="random keeps every bridge, exact")
        sw = g["sweep"]
        for key, colour, lab in (("random", "random", "random"), ("standard", "standard", "frequency ranking")):
            p = np.array([q[key]["rate"] for q in sw])
            err = np.array([[q[key]["rate"] - q[key]["low"], q[key]["high"] - q[key]["rate"]] for q in sw]).T
            ax.errorbar(
                [q["rho"] for q in sw],
                p,
                yerr=err,
                fmt="o" if key == "random" else "s",
                ms=4,
                capsize=2,
                color=METHOD_COLORS[colour],
                label=f"{lab}, simulated (Wilson, Bonferroni 99%)",
            )
        for i, r in enumerate(g["sampler"]):
            ax.axhline(r["sampler"], color="C1", lw=2.2 if r["epsilon"] == v["epsilon"] else 0.8, ls="--")
            x_text = 0.97 - 0.14 * (len(g["sampler"]) - 1 - i)  # staggered: the chain's small values crowd near 0
            ax.text(x_text, r["sampler"], f"eps {r['epsilon']:g}", color="C1", fontsize=8, va="bottom", ha="right")
        paper = result["paper_value"].get(name, {}).get("random")
        if paper is not None:
            ax.plot([g["rho"]], [paper], "*", color="k", ms=12, label="paper's random row (Tables 1, 2)")
        ax.plot([], [], "--", color="C1", label="frequency-faithful sampler, exact (per eps)")
        ax.axvline(g["rho"], color="k", lw=1, label="paper's rho")
        ax.set_xlabel("density rho (kept edges / |E|)")
        ax.set_ylabel("fraction of connected outputs")
        sizes = "-".join(f"K{s}" for s in g["sizes"])
        ax.set_title(f"{name} {sizes}, {g['edges']} edges")
        ax.set_ylim(-0.02, 1.02)
    ax = axes[2]
    rows = v["instances"]
    x = np.array([r["kept"] / (r["nodes"] - 1) for r in rows])
    y = np.array([r["random_exact"] for r in rows])
    seen = np.array([r["ranking_worse_detected"] for r in rows])
    ax.scatter(x[seen], y[seen], color="C2", s=22, label="ranking strictly worse, detected by simulation")
    ax.scatter(x[~seen], y[~seen], facecolor="none", edgecolor="C3", s=30, label="not detected (a tie or a tiny gap)")
    ax.axvspan(0, 1.0, color="0.9", zorder=0)
    ax.axvline(1.0, color="k", ls="--", lw=1, label="budget = a spanning tree (n - 1 edges)")
    ax.set_xlim(0, max(1.5, float(x.max()) * 1.05))
    ax.set_xlabel("kept edges / (n - 1)")
    ax.set_ylabel("random sampling connectivity, exact")
    ax.set_title(f"{len(rows)} random rare-bridge instances")
    fig.suptitle('"strictly worse than naive random sampling": where it holds')
    legend_outside(fig, ncols=3)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.worse_than_random",
        location="Sec. 1 (contribution 1), attributed to Theorem 3.2",
        statement=('On "Rare Bridge" instances standard diffusion performs strictly worse than naive random sampling.'),
        paper_value={
            "statement": "standard strictly worse than random sampling",
            "barbell": {"standard": 0.0, "random": 0.460},
            "chain": {"standard": 0.0, "random": 0.530},
        },
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
