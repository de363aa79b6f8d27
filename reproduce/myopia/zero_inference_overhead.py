"""Claim ``myopia.zero_inference_overhead`` -- the weighted loss costs nothing at sampling time.

Siami (Sec. 4) states that spectrally weighted diffusion has zero inference overhead: the weight
``1 + lam R_eff`` enters only the training loss, sampling is unchanged at ``O(T N^2)``.  We time
ancestral sampling of the trained standard and weighted networks (same architecture, same ``T``,
:mod:`reproduce.myopia.graph_diffusion`) in one process, alternating which goes first, over
``repeats`` rounds of ``count`` graphs each, and report the time ratio weighted/standard with its
spread.  The training-side cost of Algorithm 4.1 is the one-off ``R_eff`` computation for all
training graphs (one batched pseudo-inverse), reported against the training time.

Judged reproduced when the median ratio lies within ``1 +- tolerance`` (10%: two identical
computations on a shared 2-core machine).  Timings are not deterministic.

One replicate is enough for a timing (issue 11 left the rule as it was): the two networks are
those of the first replicate seed of the shared graph-diffusion run, derived from the master seed
(:func:`reproduce.myopia.trained_models.replicate_seeds_of`), so they are the models the other
claims read first.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, Training, register
from reproduce.myopia.graph_diffusion import sample
from reproduce.myopia.trained_models import (
    SETTINGS,
    ModelSettings,
    model,
    replicate_seeds_of,
    torch_generator,
    training,
)


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.zero_inference_overhead`` (``settings.replicates`` is 1: one replicate is timed)."""

    settings: ModelSettings = field(default_factory=ModelSettings)
    epsilon: float = 0.05
    lam: float = 2.0
    count: int = 500
    repeats: int = 5
    tolerance: float = 0.10


CONFIGS = {
    "quick": Config(settings=dataclasses.replace(SETTINGS["quick"], replicates=1), lam=20.0, count=200, repeats=3),
    "default": Config(settings=dataclasses.replace(SETTINGS["default"], replicates=1)),
    "paper": Config(settings=dataclasses.replace(SETTINGS["paper"], replicates=1), count=2000, repeats=10),
}


def _models(config: Config) -> dict[str, dict]:
    """The :func:`model` keywords of the standard and weighted networks timed."""
    return {"standard": dict(epsilon=config.epsilon), "weighted": dict(epsilon=config.epsilon, lam=config.lam)}


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Alternating sampling timings of the two networks; R_eff cost vs training time."""
    seed = replicate_seeds_of(config.settings, rng)[0]
    kws = _models(config)
    std = model(config.settings, seed, **kws["standard"])
    wtd = model(config.settings, seed, **kws["weighted"])
    gen = torch_generator(rng, std.device)
    sample(std, 20, gen)
    sample(wtd, 20, gen)  # warm-up
    times: dict[str, list[float]] = {"standard": [], "weighted": []}
    for r in range(config.repeats):
        order = ("standard", "weighted") if r % 2 == 0 else ("weighted", "standard")
        for name in order:
            m = std if name == "standard" else wtd
            t0 = time.perf_counter()
            sample(m, config.count, gen)
            times[name].append(time.perf_counter() - t0)
    ratio = np.array(times["weighted"]) / np.array(times["standard"])
    values: dict[str, Any] = {
        "seeds": [seed],
        "parameters": {"standard": std.parameters, "weighted": wtd.parameters},
        "T": std.schedule.T,
        "count": config.count,
        "sampling_seconds": times,
        "ratio_median": float(np.median(ratio)),
        "ratio_min": float(ratio.min()),
        "ratio_max": float(ratio.max()),
        "graphs_per_second": {k: float(config.count / np.median(v)) for k, v in times.items()},
        "reff_seconds": wtd.data.reff_seconds,
        "train_graphs": config.settings.train_graphs,
        "train_seconds": {"standard": std.train_seconds, "weighted": wtd.train_seconds},
        "train_steps_per_second": {
            "standard": std.spec.steps / std.train_seconds,
            "weighted": wtd.spec.steps / wtd.train_seconds,
        },
    }
    values["reff_fraction_of_training"] = values["reff_seconds"] / wtd.train_seconds
    headline = (
        f"sampling time weighted/standard {values['ratio_median']:.3f} "
        f"(range {values['ratio_min']:.3f}-{values['ratio_max']:.3f}, {config.repeats} rounds of {config.count} "
        f"graphs); R_eff for {config.settings.train_graphs} training graphs "
        f"{values['reff_seconds']:.3f} s = {100 * values['reff_fraction_of_training']:.2f}% of training"
    )
    return Measurement(values, headline)


def trainings(config: Config, rng: np.random.Generator) -> list[Training]:
    """Every model :func:`measure` trains: the standard and weighted networks of :func:`_models`, first
    replicate only."""
    seed = replicate_seeds_of(config.settings, rng)[0]
    return [training(config.settings, seed, **kw) for kw in _models(config).values()]


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced iff the median ratio is within ``1 +- tolerance`` and the networks are the same size."""
    r = values["ratio_median"]
    same = values["parameters"]["standard"] == values["parameters"]["weighted"]
    tol = {
        "rule": "|median(t_weighted / t_standard) - 1| <= tolerance, same parameter count",
        "tolerance": config.tolerance,
    }
    if same and abs(r - 1) <= config.tolerance:
        return Judgement(
            "reproduced",
            f"Sampling the weighted network takes {r:.3f}x the standard one's time (range "
            f"{values['ratio_min']:.3f}-{values['ratio_max']:.3f}); the only extra cost is R_eff before training "
            f"({values['reff_seconds']:.3f} s, {100 * values['reff_fraction_of_training']:.2f}% of training).",
            tol,
        )
    return Judgement(
        "differs",
        f"Sampling time ratio {r:.3f} (range {values['ratio_min']:.3f}-{values['ratio_max']:.3f}) is outside "
        f"1 +- {config.tolerance}; both run the same network, so the gap is machine noise.",
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Per-round sampling times of both networks, and the training-time split (log axis, values printed)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from reproduce.plotting import figure_path, legend_outside, save_figure

    v = result["measured"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    ax = axes[0]
    for j, name in enumerate(("standard", "weighted")):
        ts = np.array(v["sampling_seconds"][name])
        ax.plot(
            np.arange(1, ts.size + 1),
            ts,
            "o-",
            color=f"C{j}",
            label=f"{name} network: {v['graphs_per_second'][name]:.0f} graphs/s",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("timing round")
    ax.set_ylabel(f"seconds to sample {v['count']} graphs (T = {v['T']})")
    ax.set_ylim(bottom=0)
    ax.set_title(f"sampling: median time ratio weighted / standard = {v['ratio_median']:.3f}")
    ax = axes[1]
    ts = v["train_seconds"]
    names = ["standard:\ntraining steps", "weighted:\ntraining steps", "weighted:\nR_eff, all training graphs"]
    seconds = [ts["standard"], ts["weighted"], v["reff_seconds"]]
    bars = ax.bar(names, seconds, color=["C0", "C1", "crimson"])
    ax.bar_label(bars, [f"{s:.3g} s" for s in seconds], padding=3)
    ax.set_yscale("log")
    ax.set_ylim(min(seconds) / 3, max(seconds) * 4)
    ax.set_ylabel("seconds (log scale)")
    ax.set_title(f"training cost: R_eff is {v['reff_fraction_of_training']:.2%} of the weighted training")
    legend_outside(fig, [axes[0]], ncols=2)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.zero_inference_overhead",
        version=2,
        location="Sec. 4 (Algorithm 4.1, cost remarks)",
        statement=(
            "Spectrally weighted diffusion has zero inference overhead: sampling is unchanged; "
            "R_eff is computed once per training graph."
        ),
        paper_value="sampling cost unchanged, O(T N^2); R_eff once per training graph",
        configs=CONFIGS,
        measure=measure,
        trainings=trainings,
        judge=judge,
        figure=figure,
        deterministic=False,
    )
)
