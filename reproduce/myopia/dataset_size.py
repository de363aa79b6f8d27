"""Claim ``myopia.dataset_size`` -- more training data does not teach the standard model the rare bridge.

Siami, Sec. 7: scaling "model capacity or dataset size" will not fix generative myopia, because the
cause is the objective (gradient starvation), not a lack of capacity or data.  Capacity is tested by
``myopia.capacity_independence``; here the data grow.  Lemma 3.1 says what more data does: the
standard loss is minimised by the bridge's frequency in the training set, ``eps_hat_N``, which
converges to ``eps`` (at the rate ``sqrt(eps(1 - eps)/N)``), not to 1; so ``P(disconnected)``
stays near ``1 - eps`` (Theorem 3.2) at every size.

We train the standard model of :mod:`reproduce.myopia.graph_diffusion` on the Exp I barbell
(``eps = 0.05``, clique edges 0.95) with the model settings every trained claim of the preset uses
(:data:`reproduce.myopia.trained_models.SETTINGS`), changing only the number ``N`` of training graphs,
in ``settings.replicates`` replicates per size.  A replicate's seed draws its training set from one
stream, so the smaller sets are the first graphs of the larger ones (nested data); the size equal to
``settings.train_graphs`` is the very model ``myopia.trained_theorem3_2`` and
``myopia.capacity_independence`` train (the plan trains it once).  Every model is sampled ``samples``
times: its bridge marginal and its fraction of disconnected samples.

Budget: one training costs about 15 s of CPU at the default settings (optimiser steps, not ``N``, set
the cost), so the default preset adds one size, ``N = 100``, beside the shared ``N = 2000`` (a 20x
range); ``N = 10^3, 10^4, 10^5`` are in the paper preset.

Verdict rule (written before the first run; one-sided like ``myopia.capacity_independence``, because
the claim is that more data does not *rescue* the bridge): **reproduced** when for every size (i) in
every replicate ``P_dis >= 1 - eps - z sqrt(P_dis(1 - P_dis)/S + eps(1 - eps)/N)`` (the sampling
error of ``S`` samples plus that of the bridge frequency in ``N`` training graphs), ``z`` the one-sided
Bonferroni 99% quantile over sizes and replicates, and (ii) the 95% interval over replicates of the mean
``P_dis`` reaches ``1 - eps`` (its upper end is at least ``1 - eps``; with one replicate (i) decides).
Otherwise **differs**.  Lemma 3.1's two-sided statement, ``|bridge marginal - eps| <= z_2 sqrt(b(1-b)/S +
eps(1 - eps)/N)`` (``z_2`` two-sided Bonferroni), is reported beside the verdict, not judged.
"""

from __future__ import annotations

import dataclasses
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


@dataclass(frozen=True)
class Config(Replicated):
    """Parameters of ``myopia.dataset_size``.

    Attributes
    ----------
    settings : ModelSettings
        The preset's shared model settings; only ``train_graphs`` is replaced, by each size.
    sizes : tuple of int
        Numbers of training graphs ``N``, increasing.
    epsilon : float
        Bridge frequency of the data (paper: 0.05).
    samples : int
        Generated graphs per model.
    level : float
        Family level of the per-replicate tests.
    """

    settings: ModelSettings = field(default_factory=ModelSettings)
    sizes: tuple[int, ...] = (100, 2000)
    epsilon: float = 0.05
    samples: int = 1000
    level: float = 0.99

    def __post_init__(self) -> None:
        if not self.sizes or any(int(n) != n or n < 1 for n in self.sizes) or list(self.sizes) != sorted(self.sizes):
            raise ValueError(f"sizes must be increasing positive integers, got {self.sizes!r}.")


CONFIGS = {
    "quick": Config(settings=SETTINGS["quick"], sizes=(100, SETTINGS["quick"].train_graphs), samples=300),
    "default": Config(settings=SETTINGS["default"], sizes=(100, SETTINGS["default"].train_graphs)),
    "paper": Config(
        settings=SETTINGS["paper"],
        sizes=(100, 1000, SETTINGS["paper"].train_graphs, 10_000, 100_000),
        samples=10000,
    ),
}


def _settings(config: Config, size: int) -> ModelSettings:
    """The preset's model settings trained on ``size`` graphs."""
    return dataclasses.replace(config.settings, train_graphs=int(size))


def _replicate(config: Config, size: int, seed: int, rng: np.random.Generator) -> dict:
    """One trained model: its bridge marginal, its training frequency, P(disconnected) and their z-scores."""
    eps, S = config.epsilon, config.samples
    m = model(_settings(config, size), seed, epsilon=eps)
    s, marg = draw(m, S, rng)
    disc = float(1.0 - connected_fraction(s).mean())
    b = float(marg[m.data.bridge].mean())
    data_var = eps * (1 - eps) / size
    sd = float(np.sqrt(disc * (1 - disc) / S + data_var))
    sd_b = float(np.sqrt(b * (1 - b) / S + data_var))
    return {
        "learned_bridge": b,
        "train_bridge": bridge_frequency(m),
        "disconnected": disc,
        "abs_error": abs(b - eps),
        "z": (disc - (1 - eps)) / max(sd, 1e-12),
        "bridge_z": (b - eps) / max(sd_b, 1e-12),
    }


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """One standard model per size and replicate, sampled ``samples`` times."""
    seeds = replicate_seeds_of(config.settings, rng)
    eps = config.epsilon
    rows = []
    for size in config.sizes:
        per_seed = [_replicate(config, size, seed, rng) for seed in seeds]
        row: dict[str, Any] = {"train_graphs": int(size), "lemma_rate": float(np.sqrt(eps * (1 - eps) / size))}
        for key in ("learned_bridge", "train_bridge", "disconnected", "abs_error"):
            row[key] = interval([r[key] for r in per_seed])
        learned = np.array([r["learned_bridge"] for r in per_seed])
        row["rms_to_eps"] = float(np.sqrt(np.mean((learned - eps) ** 2)))
        row["rms_to_train"] = float(np.sqrt(np.mean((learned - [r["train_bridge"] for r in per_seed]) ** 2)))
        row["min_z"] = min(r["z"] for r in per_seed)
        row["max_abs_bridge_z"] = max(abs(r["bridge_z"]) for r in per_seed)
        row["per_seed"] = per_seed
        rows.append(row)
    tests = len(config.sizes) * len(seeds)
    values = {
        "seeds": list(seeds),
        "rows": rows,
        "critical_z": critical_z(config.level, tests, two_sided=False),
        "lemma_critical_z": critical_z(config.level, tests),
        "epsilon": eps,
        "theorem": 1 - eps,
        "samples": config.samples,
        "sampling_sd": float(np.sqrt(eps * (1 - eps) / config.samples)),
        "size_span": config.sizes[-1] / config.sizes[0],
    }
    headline = (
        f"{len(seeds)} seed(s), S = {config.samples}; "
        + "; ".join(
            f"N = {r['train_graphs']}: bridge {describe(r['learned_bridge'])}, P(disconnected) "
            f"{describe(r['disconnected'])}"
            for r in rows
        )
        + f" (eps = {eps:g}, 1 - eps = {1 - eps:.3f})"
    )
    return Measurement(values, headline)


def trainings(config: Config, rng: np.random.Generator) -> list[Training]:
    """Every model :func:`measure` reads: the standard model at every size, in every replicate."""
    seeds = replicate_seeds_of(config.settings, rng)
    return [training(_settings(config, size), seed, epsilon=config.epsilon) for size in config.sizes for seed in seeds]


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced iff no size keeps the bridge significantly more often than eps, per replicate and on average."""
    zc, goal = values["critical_z"], values["theorem"]
    tol = {
        "rule": "one-sided, every size: in every replicate P_dis >= (1 - eps) - z_c sqrt(P(1-P)/S + eps(1-eps)/N), "
        "Bonferroni over sizes and replicates; the upper end of the 95% interval of the mean P_dis >= 1 - eps",
        "critical_z": zc,
        "interval": "95%",
    }
    rows = values["rows"]
    off = [
        r
        for r in rows
        if r["min_z"] < -zc or (r["disconnected"]["high"] is not None and r["disconnected"]["high"] < goal)
    ]
    n = len(values["seeds"])
    cells = ", ".join(
        f"N = {r['train_graphs']}: {describe(r['disconnected'])} (bridge {describe(r['learned_bridge'])})" for r in rows
    )
    lz = values["lemma_critical_z"]
    lemma_off = [r["train_graphs"] for r in rows if r["max_abs_bridge_z"] > lz]
    spread = ", ".join(
        f"{r['rms_to_eps']:.4f} (N = {r['train_graphs']}, data term {r['lemma_rate']:.4f})" for r in rows
    )
    lemma = (
        f" Lemma 3.1: every replicate's bridge marginal is within its two-sided error of eps (|z| <= {lz:.2f}); "
        if not lemma_off
        else f" Lemma 3.1: the bridge marginal lies outside its two-sided error of eps at N = {lemma_off}; "
    ) + f"root-mean-square distance to eps {spread}; sampling error {values['sampling_sd']:.4f}."
    if not off:
        return Judgement(
            "reproduced",
            f"Over a {values['size_span']:.0f}x range of training-set sizes ({n} replicate(s)) no standard model keeps "
            f"the bridge significantly more often than eps = {values['epsilon']:g} (one-sided, Bonferroni): "
            f"P(disconnected) {cells}; 1 - eps = {goal:.3f}." + lemma,
            tol,
        )
    return Judgement(
        "differs",
        f"A standard model keeps the bridge more often than the data allow ({n} replicate(s)): "
        + ", ".join(f"N = {r['train_graphs']}: {describe(r['disconnected'])}, lowest z {r['min_z']:.1f}" for r in off)
        + f" against 1 - eps = {goal:.3f} and -{zc:.2f}."
        + lemma,
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Bridge marginal and P(disconnected) against the number of training graphs."""
    import matplotlib.pyplot as plt

    from reproduce.myopia.figures import wilson_yerr
    from reproduce.plotting import figure_path, legend_outside, save_figure
    from reproduce.replicates import Z_99

    v = result["measured"]
    rows, eps, S = v["rows"], v["epsilon"], v["samples"]
    N = np.array([r["train_graphs"] for r in rows], dtype=float)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    grid = np.geomspace(N.min() / 1.5, N.max() * 1.5, 60)
    band = Z_99 * np.sqrt(eps * (1 - eps) / grid)
    for ax, key, target, lab in (
        (axes[0], "learned_bridge", eps, "eps (Lemma 3.1)"),
        (axes[1], "disconnected", 1 - eps, "1 - eps (Theorem 3.2)"),
    ):
        ax.fill_between(
            grid,
            np.clip(target - band, 0, 1),
            np.clip(target + band, 0, 1),
            color="0.88",
            label="99% spread of the training frequency",
        )
        ax.axhline(target, color="k", ls="--", label=lab)
        for r in rows:
            each = np.array([q[key] for q in r["per_seed"]])
            xs = r["train_graphs"] * np.linspace(1.06, 1.18, each.size)
            ax.errorbar(
                xs,
                each,
                yerr=wilson_yerr(each, S),
                fmt=".",
                color="0.45",
                capsize=2,
                label=f"each replicate (99% Wilson, {S} samples)",
            )
            if key == "learned_bridge":
                ax.plot(xs, [q["train_bridge"] for q in r["per_seed"]], "x", color="C3", label="its training frequency")
        mean = np.array([r[key]["mean"] for r in rows])
        if rows[0][key]["low"] is not None:
            err = np.array([[r[key]["mean"] - r[key]["low"], r[key]["high"] - r[key]["mean"]] for r in rows]).T
            ax.errorbar(N, mean, yerr=err, fmt="o-", color="C0", capsize=4, label="mean over replicates (95% interval)")
        else:
            ax.plot(N, mean, "o-", color="C0", label="one replicate")
        ax.set_xscale("log")
        ax.set_xlabel("training graphs N")
    axes[0].set_ylabel("bridge marginal in generated graphs")
    axes[0].set_title("learned bridge marginal (scaling data would need it -> 1)")
    axes[1].set_ylabel("fraction of generated graphs disconnected")
    axes[1].set_title("disconnected samples")
    fig.suptitle(f"more data does not teach the standard loss the bridge (eps = {eps:g}, {len(v['seeds'])} seed(s))")
    legend_outside(fig, ncols=3)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.dataset_size",
        location="Sec. 7 (conclusion: scaling dataset size will not help)",
        statement=(
            "Training the standard model on more data does not fix the failure: the learned bridge marginal "
            "converges to eps (Lemma 3.1), not to 1, and P(disconnected) stays at 1 - eps at every size."
        ),
        paper_value="scaling dataset size will not help (no number)",
        configs=CONFIGS,
        measure=measure,
        trainings=trainings,
        judge=judge,
        figure=figure,
        reproduction=graph_sampling(
            1000, **REPLICATE_KEYS, **{"*train_graphs": FIXED, "*lemma_rate": FIXED, "sampling_sd": FIXED}
        ),
    )
)
