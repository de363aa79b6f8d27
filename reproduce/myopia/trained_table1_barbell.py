"""Claim ``myopia.trained_table1_barbell`` -- Table 1 (Exp I) with *trained* models as the rankers.

The paper simulates its models by scores (standard: ``P_freq``; weighted: ``P_freq + lam R_eff``).
Here the scores are read from networks trained on the Exp I data (barbell 2 x K8, clique edges
0.95, bridge 0.05; :mod:`reproduce.myopia.graph_diffusion`): a model's score of an edge is its
**sample marginal**, the fraction of ``S`` generated graphs containing it (its ``P(A_e = 1)``).
Algorithm 5.1 then keeps the top ``rho |E|`` edges (``rho = 0.5``, ties at random, ``K`` trials,
floor rounding judged, ceil reported), exactly as in ``myopia.table1_barbell``; the random and
oracle rows do not involve a model and are recomputed as there.

The weighted row uses the network trained with ``1 + lam R_eff`` at ``lam = 2`` (the value the
simulated claims use); networks at other ``lam`` are reported beside it.  A weighted network
learns ``p* = omega eps/(omega eps + 1 - eps)`` per edge (``myopia.trained_weighted_marginal``), so
the bridge (``omega = 1 + lam``) outranks a clique edge (``omega = 1 + lam R_c``, ``R_c ~ 0.25``)
iff ``(1 + lam) eps (1 - f) > (1 + lam R_c) f (1 - eps)``; at ``eps = 0.05``, ``f = 0.95`` this holds
for **no** ``lam`` (the left side grows like ``0.0025 lam``, the right like ``0.23 lam``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.myopia.graphs import barbell, edge_arrays, edge_frequencies
from reproduce.myopia.protocol import Workload, run_protocol
from reproduce.myopia.table1_barbell import PAPER
from reproduce.myopia.tables import compare_rows, draw_table_figure, format_rows, judge_table
from reproduce.myopia.trained_models import SETTINGS, ModelSettings, draw, model
from reproduce.trained_tolerances import graph_sampling


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.trained_table1_barbell``.

    Attributes
    ----------
    settings : ModelSettings
    epsilon, common : float
        Bridge / clique-edge frequency of the training data (paper: 0.05 / 0.95).
    lam : float
        lambda of the weighted network in the table's weighted row.
    extra_lams : tuple of float
        Further weighted networks reported beside it.
    samples : int
        ``S`` generated graphs per model (the score is the sample marginal).
    rho : float
    trials : int
        ``K`` of Algorithm 5.1.
    """

    settings: ModelSettings = field(default_factory=ModelSettings)
    epsilon: float = 0.05
    common: float = 0.95
    lam: float = 2.0
    extra_lams: tuple[float, ...] = (20.0,)
    samples: int = 1000
    rho: float = 0.5
    trials: int = 2000


CONFIGS = {
    "quick": Config(settings=SETTINGS["quick"], lam=20.0, extra_lams=(), samples=500, trials=500),
    "default": Config(settings=SETTINGS["default"]),
    "paper": Config(settings=SETTINGS["paper"], extra_lams=(1.0, 5.0, 20.0, 100.0), samples=10000, trials=500),
}


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Trained-model scores through Algorithm 5.1, floor and ceil rounding."""
    G, rare = barbell(8)
    n, t, h = edge_arrays(G)
    work = Workload.from_edges(n, t, h, edge_frequencies(G, rare, config.common, config.epsilon))
    is_bridge = np.array([(min(u, v), max(u, v)) in rare for u, v in zip(t, h)])
    std = model(config.settings, epsilon=config.epsilon, common=config.common)
    _, score_std = draw(std, config.samples, rng)
    scores = {"standard": score_std}
    for lam in (config.lam, *config.extra_lams):
        _, scores[f"weighted lam={lam:g}"] = draw(model(config.settings, epsilon=config.epsilon, common=config.common, lam=lam), config.samples, rng)
    # the networks' edge order is G.edges() order: the training family is built by the same barbell()
    if not (np.array_equal(std.data.tails, t) and np.array_equal(std.data.heads, h)):
        raise RuntimeError("the trained model's edge order differs from the barbell's; scores would be misaligned.")

    def as_work(score):
        return Workload(n, t, h, np.asarray(score, float), work.resistance)

    values: dict[str, Any] = {"edges": int(t.size), "trials": config.trials, "lambda": config.lam, "samples": config.samples}
    for rounding in ("floor", "ceil"):
        kw = dict(rho=config.rho, trials=config.trials, rounding=rounding)
        rows = {
            "random": run_protocol(work, "random", rng=rng, **kw),
            "standard": run_protocol(as_work(score_std), "standard", rng=rng, **kw),
            "weighted": run_protocol(as_work(scores[f"weighted lam={config.lam:g}"]), "standard", rng=rng, **kw),
            "oracle": run_protocol(work, "oracle", rng=rng, **kw),
        }
        values[rounding] = rows
        values[f"comparison_{rounding}"] = compare_rows(PAPER, rows, config.trials)
    others = {}
    for name, score in scores.items():
        kw = dict(rho=config.rho, trials=config.trials, rounding="floor")
        rank = int(1 + np.sum(score > score[is_bridge][0]))
        others[name] = {"protocol": run_protocol(as_work(score), "standard", rng=rng, **kw),
                        "bridge_score": float(score[is_bridge][0]), "clique_score_min": float(score[~is_bridge].min()),
                        "clique_score_mean": float(score[~is_bridge].mean()), "bridge_rank": rank}
    # the paper's simulated weighted score applied to the trained standard marginals
    others["standard marginal + lam R (paper's score)"] = {
        "protocol": run_protocol(as_work(score_std), "weighted", lam=config.lam, rng=rng, rho=config.rho, trials=config.trials)}
    values["models"] = others
    headline = (f"{format_rows(values['floor'])} (floor, trained scores from S = {config.samples} samples, K = {config.trials}); "
                f"bridge rank among 57 edges: " + ", ".join(f"{k} {v['bridge_rank']}" for k, v in others.items() if "bridge_rank" in v))
    scatter = {"frequency": score_std, "resistance": work.resistance, "is_bridge": is_bridge,
               "jitter": rng.uniform(-0.015, 0.015, t.size)}
    return Measurement(values, headline, {"scatter": scatter, "scores": {k: np.asarray(v) for k, v in scores.items()}, "is_bridge": is_bridge})


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Rows within the 99% Monte-Carlo tolerances of Table 1 (floor rounding), as for the simulated table."""
    base = judge_table(values, PAPER, "Table 1 with trained networks")
    ranks = ", ".join(f"{k}: bridge ranked {v['bridge_rank']} of {values['edges']}" for k, v in values["models"].items() if "bridge_rank" in v)
    note = (f" Trained scores: {ranks}. A weighted network learns p* = omega eps/(omega eps + 1 - eps) per edge, which keeps"
            " the clique edges above the bridge for every lam at eps = 0.05, f = 0.95, so its row equals the standard one.")
    return Judgement(base.verdict, base.reason + note, base.tolerance)


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """The table figure (scatter of trained standard marginals) and the scores of every trained model."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import save_figure

    main = draw_table_figure(
        result,
        out_dir / "myopia.trained_table1_barbell.png",
        "Table 1, trained models",
        result["details"]["scatter"],
        frequency_label="standard network's sample marginal P(A_e = 1)",
    )
    scores = result["details"]["scores"]
    b = np.asarray(result["details"]["is_bridge"], bool)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for j, (name, s) in enumerate(scores.items()):
        s = np.asarray(s)
        ax.plot(np.full((~b).sum(), j) + np.linspace(-0.2, 0.2, (~b).sum()), s[~b], ".", color="0.5", label="clique edges" if j == 0 else None)
        ax.plot([j], s[b], "D", color="crimson", ms=9, label="bridge" if j == 0 else None)
    ax.set_xticks(range(len(scores)), [k.replace(" ", "\n") for k in scores])
    ax.set_ylabel("model score = sample marginal P(A_e = 1)")
    ax.set_title("scores read from trained networks (top 28 of 57 kept)")
    ax.legend()
    return [main, save_figure(fig, out_dir / "myopia.trained_table1_barbell_scores.png")]


CLAIM = register(
    Claim(
        id="myopia.trained_table1_barbell",
        location="Table 1, Exp I (trained networks, issue 5)",
        statement="Table 1 with scores read from trained networks: standard diffusion never keeps the bridge, weighted diffusion keeps it ~89% of the time.",
        paper_value=PAPER,
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
        reproduction=graph_sampling(1000, **{"*bridge_rank": (0.0, 57.0)}),
    )
)
