"""Claim ``myopia.capacity_independence`` -- the standard model's failure does not go away with capacity.

Siami (Sec. 3) argues the bridge is unlearnable "regardless of model capacity": the standard loss
is minimised by the frequency ``eps`` (Lemma 3.1), so a better network only matches ``eps`` more
closely and disconnects with probability ``1 - eps`` (Theorem 3.2).  We train the denoiser of
:mod:`reproduce.myopia.graph_diffusion` at several widths/depths (parameter counts spanning at least
16x at the default preset) with the standard loss on the Exp I barbell (``eps = 0.05``), and the
smallest network also with the weighted loss.  For each we report the bridge's sample marginal and
the fraction of disconnected samples.

Every network is trained in ``settings.replicates`` independent replicates (own training set,
initialisation and training noise; :mod:`reproduce.myopia.trained_models`).

Verdict: the claim is that capacity does not *rescue* the bridge, so the test is one-sided.  A
network that under-fits the bridge and disconnects *more* often than ``1 - eps`` (the smallest one
does) fails the theorem's equality but not this claim; its two-sided ``z`` is reported.  (The first
default run used a two-sided rule and was "differs" for exactly that reason; the rule was changed
to match the claim's statement and the change is stated here.)  The weighted small network is
reported against its ``p*`` (its change comes from the loss, not from capacity).

Rule (written for issue 11 before the replicated runs; the former one-seed rule was test (i) below
with Bonferroni over the capacities only, and the one-seed record read 0.977, 0.947, 0.947 against
0.950): **reproduced** when for every standard network (i) in every replicate
``P(disconnected) >= 1 - eps - z sqrt(p(1-p)/S + eps(1-eps)/N)``, ``z`` the one-sided Bonferroni 99%
quantile over the capacities *and* the replicates, and (ii) the 95% interval over replicates of the
mean ``P(disconnected)`` reaches ``1 - eps`` (its upper end is at least ``1 - eps``: the mean is not
significantly below it, a one-sided 2.5% test; with one replicate there is no interval and (i)
decides).  Otherwise **differs**.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, Training, register
from reproduce.myopia.trained_models import (
    REPLICATE_KEYS,
    SETTINGS,
    ModelSettings,
    Replicated,
    bridge_frequency,
    connected_fraction,
    critical_z,
    describe,
    draw,
    model,
    replicate_seeds_of,
    training,
)
from reproduce.replicates import interval
from reproduce.trained_tolerances import FIXED, graph_sampling
from theory.gradient_starvation import stationary_marginal


@dataclass(frozen=True)
class Config(Replicated):
    """Parameters of ``myopia.capacity_independence``: (width, depth) pairs, bridge frequency, lam, samples."""

    settings: ModelSettings = field(default_factory=ModelSettings)
    capacities: tuple[tuple[int, int], ...] = ((8, 1), (16, 2), (32, 2))
    epsilon: float = 0.05
    lam: float = 20.0
    samples: int = 1000
    level: float = 0.99


CONFIGS = {
    "quick": Config(settings=SETTINGS["quick"], capacities=((4, 1), (8, 1), (16, 2)), samples=500),
    "default": Config(settings=SETTINGS["default"]),
    "paper": Config(
        settings=SETTINGS["paper"], capacities=((8, 1), (16, 2), (32, 3), (64, 3), (128, 4)), samples=10000
    ),
}


def _networks(config: Config) -> list[dict]:
    """The networks' :func:`model` keywords, in order: standard at every capacity, then the smallest one weighted."""
    runs = [(w, d, 0.0) for w, d in config.capacities] + [(*config.capacities[0], config.lam)]
    return [dict(epsilon=config.epsilon, lam=lam, width=width, depth=depth) for width, depth, lam in runs]


def _network(config: Config, kw: dict, seed: int, rng: np.random.Generator) -> dict:
    """One replicate of one network (:func:`model` keywords ``kw``): its bridge marginal and P(disconnected)."""
    lam = kw["lam"]
    m = model(config.settings, seed, **kw)
    s, marg = draw(m, config.samples, rng)
    disc = float(1 - connected_fraction(s).mean())
    eps_hat = bridge_frequency(m)
    target = 1.0 - config.epsilon if lam == 0 else float(stationary_marginal(eps_hat, 1.0 + lam))
    sd = float(
        np.sqrt(
            disc * (1 - disc) / config.samples + config.epsilon * (1 - config.epsilon) / config.settings.train_graphs
        )
    )
    out = {
        "parameters": m.parameters,
        "learned_bridge": float(marg[m.data.bridge].mean()),
        "train_bridge": eps_hat,
        "disconnected": disc,
        "target": target,
    }
    if lam == 0:  # the weighted network is read against its p*, not tested
        out.update(sd=sd, z=(disc - target) / max(sd, 1e-12))
    return out


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Standard networks of every capacity, and the smallest one weighted, in every replicate."""
    seeds = replicate_seeds_of(config.settings, rng)
    rows = []
    for kw in _networks(config):
        per_seed = [_network(config, kw, seed, rng) for seed in seeds]
        lam = kw["lam"]
        row: dict[str, Any] = {
            "width": kw["width"],
            "depth": kw["depth"],
            "lam": lam,
            "parameters": per_seed[0]["parameters"],
        }
        for key in ("learned_bridge", "train_bridge", "disconnected", "target"):
            row[key] = interval([r[key] for r in per_seed])
        if lam == 0:
            row["min_z"] = min(r["z"] for r in per_seed)
            row["max_z"] = max(r["z"] for r in per_seed)
        row["per_seed"] = per_seed
        rows.append(row)
    std = [r for r in rows if r["lam"] == 0]
    zc = critical_z(config.level, len(std) * len(seeds), two_sided=False)
    params = [r["parameters"] for r in std]
    values = {
        "seeds": list(seeds),
        "rows": rows,
        "critical_z": zc,
        "parameter_span": max(params) / min(params),
        "epsilon": config.epsilon,
        "samples": config.samples,
    }
    w = rows[-1]
    headline = (
        f"{len(seeds)} seed(s); standard P(disconnected): "
        + ", ".join(f"{r['parameters']} params {describe(r['disconnected'])}" for r in std)
        + f" vs 1 - eps = {1 - config.epsilon:.3f}; weighted (lam {config.lam:g}, {w['parameters']} params) bridge "
        f"{describe(w['learned_bridge'])} vs p* {describe(w['target'])}, P(disconnected) {describe(w['disconnected'])}"
    )
    return Measurement(values, headline)


def trainings(config: Config, rng: np.random.Generator) -> list[Training]:
    """Every model :func:`measure` trains: each network of :func:`_networks` in every replicate, in its order."""
    seeds = replicate_seeds_of(config.settings, rng)
    return [training(config.settings, seed, **kw) for kw in _networks(config) for seed in seeds]


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced iff no standard network disconnects significantly less often than 1 - eps, per
    replicate and on average."""
    zc = values["critical_z"]
    goal = 1 - values["epsilon"]
    std = [r for r in values["rows"] if r["lam"] == 0]
    w = values["rows"][-1]
    tol = {
        "rule": "one-sided, every capacity: in every replicate P_dis >= (1 - eps) - z_c sqrt(P(1-P)/S + eps(1-eps)/N), "
        "Bonferroni over capacities and replicates; the upper end of the 95% interval of the mean P_dis >= 1 - eps",
        "critical_z": zc,
        "interval": "95%",
    }
    off = [
        r
        for r in std
        if r["min_z"] < -zc or (r["disconnected"]["high"] is not None and r["disconnected"]["high"] < goal)
    ]
    under = [r for r in std if r["max_z"] > zc]
    n = len(values["seeds"])
    summary = ", ".join(f"{r['parameters']} params: {describe(r['disconnected'])}" for r in std)
    wnote = (
        f" The smallest network with the weighted loss (lam {w['lam']:g}) learns the bridge "
        f"at {describe(w['learned_bridge'])} (p* = {describe(w['target'])}) and "
        f"disconnects {describe(w['disconnected'])} of the time: the change comes from the loss, not capacity."
    )
    unote = "".join(
        f" The {r['parameters']}-parameter network under-fits the bridge ({describe(r['learned_bridge'])} vs training "
        f"frequency {describe(r['train_bridge'])}) and disconnects more often than 1 - eps (z up to {r['max_z']:.1f})."
        for r in under
    )
    if not off:
        return Judgement(
            "reproduced",
            f"Across a {values['parameter_span']:.0f}x span of parameters and {n} replicate(s) no "
            f"standard network keeps the bridge more often than eps = {values['epsilon']} ({summary}; 1 - eps = "
            f"{goal:.3f})." + unote + wnote,
            tol,
        )
    return Judgement(
        "differs",
        f"A standard network keeps the bridge more often than the data ({n} replicate(s); {summary}; "
        "lowest z " + ", ".join(f"{r['min_z']:.1f}" for r in off) + f" against -{zc:.2f})." + wnote,
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """P(disconnected) and bridge marginal against parameter count (per-replicate Wilson bars)."""
    import matplotlib.pyplot as plt

    from reproduce.myopia.figures import wilson_yerr
    from reproduce.plotting import figure_path, legend_outside, save_figure

    v = result["measured"]
    S = result["config"]["samples"]
    std = [r for r in v["rows"] if r["lam"] == 0]
    w = v["rows"][-1]
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    p = [r["parameters"] for r in std]
    for r in std:
        each = np.array([q["disconnected"] for q in r["per_seed"]])
        axes[0].errorbar(
            r["parameters"] * np.linspace(1.04, 1.12, each.size),
            each,
            yerr=wilson_yerr(each, S),
            fmt=".",
            color="0.5",
            capsize=2,
            label=f"each replicate (99% Wilson, {S} samples)",
        )
    axes[0].plot(
        p,
        [r["disconnected"]["mean"] for r in std],
        "o-",
        label=f"standard loss, mean of {len(v['seeds'])} replicate(s)",
    )
    axes[0].plot(
        [w["parameters"]], [w["disconnected"]["mean"]], "s", color="C1", ms=9, label=f"weighted, lam = {w['lam']:g}"
    )
    axes[0].axhline(1 - v["epsilon"], color="k", ls="--", label="paper (Theorem 3.2): 1 - eps")
    axes[0].set_ylabel("fraction of samples disconnected")
    axes[0].set_title("disconnected samples")
    axes[1].plot(p, [r["learned_bridge"]["mean"] for r in std], "o-")
    axes[1].axhline(v["epsilon"], color="k", ls=":", label="eps (Lemma 3.1)")
    axes[1].plot([w["parameters"]], [w["learned_bridge"]["mean"]], "s", color="C1", ms=9)
    axes[1].axhline(w["target"]["mean"], color="C1", ls=":", label="p* of the weighted loss")
    axes[1].set_ylabel("bridge marginal in samples")
    axes[1].set_title("learned bridge marginal")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("network parameters")
    fig.suptitle(f"capacity does not fix the standard loss (bridge frequency eps = {v['epsilon']})")
    legend_outside(fig, ncols=3)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.capacity_independence",
        version=2,
        location="Sec. 3 (Theorem 3.2 discussion, 'regardless of model capacity')",
        statement=(
            "The standard model's failure to keep a rare bridge persists at every model capacity; "
            "the weighted loss changes it without extra capacity."
        ),
        paper_value="unlearnable regardless of model capacity",
        configs=CONFIGS,
        measure=measure,
        trainings=trainings,
        judge=judge,
        figure=figure,
        reproduction=graph_sampling(1000, parameter_span=FIXED, **REPLICATE_KEYS),
    )
)
