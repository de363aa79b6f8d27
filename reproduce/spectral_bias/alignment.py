"""Claim ``spectral.alignment`` -- Fig. 10: the MLP's generated covariance aligns with the data eigenbasis.

The alignment score of the generated covariance (:func:`.generated_spectrum.alignment_score`) is 1
when the data eigenbasis diagonalises it.  With ``S`` samples even a perfect generator scores
below 1 (the sample covariance has off-diagonal noise of order ``1/sqrt(S)``), so the reference is
not 1 but the score of ``S`` draws from the data themselves (``S`` training points without
replacement, or fresh Gaussian draws; the *finite-sample ceiling*).  Rule: at the last record
the score of each MLP run (Gaussian and the two image stand-ins) must reach the ceiling minus
:data:`SLACK`, and exceed the score at the first record (the alignment is learned, not built in),
in every replicate (the runs and seeds of ``spectral.gaussian_mlp`` and ``spectral.image_mlp``);
means and 95% intervals over the replicates are reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, Training, register
from reproduce.replicates import interval, replicate_seeds
from reproduce.trained_tolerances import SPECTRAL_TRAINED

from .denoisers.experiments import SEEDS, Budgeted, Experiment, experiment, replicate, replicate_trainings, run
from .denoisers.generated_spectrum import alignment_score

SLACK = 0.05
RUNS = ("gaussian_mlp", "digits_mlp", "patches_mlp")


@dataclass(frozen=True)
class Config(Budgeted):
    """The three MLP runs (shared with ``spectral.gaussian_mlp`` and ``spectral.image_mlp``) and their replicates."""

    gaussian: Experiment
    digits: Experiment
    patches: Experiment
    seeds: int
    ceiling_draws: int = 5


CONFIGS = {p: Config(*(experiment(p, r) for r in RUNS), SEEDS[p]) for p in ("quick", "default", "paper")}


def finite_sample_ceiling(data: np.ndarray, basis, samples: int, draws: int, rng: np.random.Generator) -> float:
    """Mean alignment score of ``samples`` data points drawn without replacement (``draws`` repetitions)."""
    x = np.asarray(data, float).reshape(data.shape[0], -1)
    size = min(samples, x.shape[0])
    return float(
        np.mean([alignment_score(x[rng.choice(x.shape[0], size, replace=False)], basis) for _ in range(draws)])
    )


def _runs(config: Config) -> list[tuple[str, Experiment]]:
    return list(zip(RUNS, (config.gaussian, config.digits, config.patches)))


def trainings(config: Config, rng: np.random.Generator) -> list[Training]:
    """Every model :func:`measure` trains: the replicates of the three runs."""
    return replicate_trainings(_runs(config), config.seeds, rng)


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Alignment trajectories of every replicate of the three runs and their finite-sample ceilings."""
    values, details = {}, {}
    for name, exp in _runs(config):
        seeds = replicate_seeds(rng, name, config.seeds)
        per_seed, curves = [], []
        for i, seed in enumerate(seeds):
            rec, data = run(replicate(exp, seed), desc=f"{name.replace('_', ' ')}, seed {i + 1}/{len(seeds)}")
            ceiling = finite_sample_ceiling(data, rec.basis, exp.train.samples, config.ceiling_draws, rng)
            per_seed.append({"first": float(rec.alignment[0]), "final": float(rec.alignment[-1]), "ceiling": ceiling})
            curves.append(rec.alignment)
        values[name] = {
            "seeds": list(seeds),
            "per_seed": per_seed,
            "samples": exp.train.samples,
            "parameters": rec.parameters,
            **{k: interval([p[k] for p in per_seed]) for k in ("first", "final", "ceiling")},
        }
        details[name] = {"steps": rec.steps, "alignment": curves}
    headline = (
        "; ".join(
            f"{n.split('_')[0]}: {_fmt(v['first'])} -> {_fmt(v['final'])} (ceiling {_fmt(v['ceiling'])})"
            for n, v in values.items()
        )
        + f" ({config.seeds} seed(s) each)"
    )
    return Measurement(values, headline, details)


def _fmt(est: Mapping[str, Any]) -> str:
    span = "" if est["low"] is None else f" [{est['low']:.3f}, {est['high']:.3f}]"
    return f"{est['mean']:.3f}{span}"


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """In every replicate: final score within SLACK of its finite-sample ceiling, and above the first record's."""
    tol = {"slack_below_ceiling": SLACK, "must_increase": True, "in_every_replicate": True}
    bad = [
        f"{n} (seed {v['seeds'][i]})"
        for n, v in values.items()
        for i, p in enumerate(v["per_seed"])
        if not (p["final"] >= p["ceiling"] - SLACK and p["final"] > p["first"])
    ]
    text = "; ".join(
        f"{n.split('_')[0]} {_fmt(v['first'])} -> {_fmt(v['final'])} (ceiling {_fmt(v['ceiling'])} with "
        f"{v['samples']} samples; mean [95% interval] over {len(v['seeds'])} seed(s))"
        for n, v in values.items()
    )
    if bad:
        return Judgement("differs", f"Alignment short of the finite-sample ceiling for {', '.join(bad)}: {text}.", tol)
    return Judgement(
        "reproduced", f"The generated covariance aligns with the data eigenbasis as training proceeds: {text}.", tol
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Fig. 10: alignment score vs training step, with the finite-sample ceilings and the verdict's slack."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    slack = result["tolerance"]["slack_below_ceiling"]
    fig, ax = plt.subplots(figsize=(9, 5.6))
    for j, (name, d) in enumerate(result["details"].items()):
        v = result["measured"][name]
        label = name.replace("_", " ")
        for i, curve in enumerate(d["alignment"]):
            ax.semilogx(
                d["steps"],
                curve,
                "o-",
                ms=2.5,
                lw=1,
                alpha=0.85,
                color=f"C{j}",
                label=f"{label} ({len(d['alignment'])} seeds)" if i == 0 else None,
            )
        ceiling = v["ceiling"]["mean"]
        ax.axhline(ceiling, color=f"C{j}", ls=":", lw=1.2)
        ax.axhspan(ceiling - slack, ceiling, color=f"C{j}", alpha=0.08, lw=0)
    ax.plot([], [], ":", color="0.3", label="ceiling with S data samples")
    ax.fill_between([], [], color="0.3", alpha=0.15, lw=0, label=f"verdict: final within {slack:g} of it")
    ax.set_xlabel("training step")
    ax.set_ylabel("alignment score of the generated covariance")
    ax.set_title("Fig. 10: alignment of the generated covariance with the data eigenbasis")
    legend_outside(fig, ncols=2)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.alignment",
        version=2,
        location="Sec. 6, Fig. 10",
        statement=(
            "During training the generated covariance of an EDM-trained MLP aligns with the data "
            "eigenbasis (alignment score -> 1)."
        ),
        paper_value="alignment score -> 1",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
        trainings=trainings,
        reproduction=SPECTRAL_TRAINED,
    )
)
