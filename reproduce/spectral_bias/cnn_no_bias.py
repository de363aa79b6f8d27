"""Claim ``spectral.cnn_no_bias`` -- Figs. 4 and 12: a convolutional UNet shows (almost) no spectral bias.

Paper (EDM SongUNet on the image sets): the rising modes emerge together and the falling modes
co-decay later, an effective exponent ``alpha ≈ 0``; early in training the CNN denoiser behaves like a
local linear filter, so local patch structure appears first rather than the global principal
components.  Here a small convolutional UNet (:mod:`.denoisers.cnn_unet`, a scaled-down SongUNet) is trained
with the same EDM loss and recorder on both image stand-ins (:mod:`.denoisers.image_data`: photograph
patches and digits) and the emergence times are fitted exactly as for the MLP, in ``seeds``
replicates per run.  The MLP's slopes on the same data (the runs of ``spectral.image_mlp``) are
reported beside it for contrast.

Rule (written for issue 11 before the replicated runs; the former one-seed rule read the point
estimate against the same :data:`FLAT_TOL`): on each stand-in the CNN has a branch with at least 3
modes in every replicate, and the 95% interval of every such branch's slope overlaps
``[-FLAT_TOL, FLAT_TOL]`` (consistent with ``alpha ≈ 0``) -- **reproduced**; a branch whose interval
lies entirely outside, or a stand-in without such a branch -- **differs**.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, Training, register
from reproduce.plotting import figure_path
from reproduce.replicates import interval, replicate_seeds
from reproduce.trained_tolerances import SPECTRAL_TRAINED

from .denoisers.experiments import SEEDS, Budgeted, Experiment, experiment, replicate_trainings
from .denoisers.spectra import (
    MIN_MODES,
    SlopeReference,
    describe_estimate,
    draw_spectral_figure,
    median_time_ratios,
    replicated_values,
)

FLAT_TOL = 0.3
"""Largest |slope| of ln tau* on ln lam read as "emerge together" (fixed before the first run)."""
DATASETS = {"patches": "8x8 photograph patches (FFHQ stand-in)", "digits": "8x8 digits (MNIST stand-in)"}


@dataclass(frozen=True)
class Config(Budgeted):
    """The CNN and MLP runs on both stand-ins (same data, same EDM recipe) and the replicates."""

    patches_cnn: Experiment
    digits_cnn: Experiment
    patches_mlp: Experiment
    digits_mlp: Experiment
    seeds: int
    criterion: str = "geometric"


CONFIGS = {
    p: Config(*(experiment(p, r) for r in ("patches_cnn", "digits_cnn", "patches_mlp", "digits_mlp")), SEEDS[p])
    for p in ("quick", "default", "paper")
}


def _names() -> list[str]:
    return [f"{data}_{arch}" for data in DATASETS for arch in ("cnn", "mlp")]


def trainings(config: Config, rng: np.random.Generator) -> list[Training]:
    """Every model :func:`measure` trains: the replicates of the CNN and MLP runs on both stand-ins."""
    return replicate_trainings([(name, getattr(config, name)) for name in _names()], config.seeds, rng)


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Fit every replicate of the CNN's and the MLP's emergence times on each stand-in."""
    values, details = {}, {}
    for data in DATASETS:
        for arch in ("cnn", "mlp"):
            name = f"{data}_{arch}"
            values[name], d = replicated_values(
                getattr(config, name),
                replicate_seeds(rng, name, config.seeds),
                config.criterion,
                f"{data} {arch.upper()}",
            )
            if arch == "cnn":
                details[name] = d
        ratios = median_time_ratios(values[f"{data}_mlp"]["per_seed"], values[f"{data}_cnn"]["per_seed"])
        values[f"{data}_falling_median_mlp_over_cnn"] = interval(ratios) if ratios else None
    s = config.seeds
    headline = f"slope mean [95% interval] over {s} seed(s): " + "; ".join(
        (
            f"{n.replace('_', ' ')}: rising {describe_estimate(v['rising'], s)}, "
            f"falling {describe_estimate(v['falling'], s)}"
        )
        for n, v in values.items()
        if isinstance(v, dict) and "rising" in v
    )
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Every CNN branch readable in every replicate has a slope interval overlapping [-FLAT_TOL, FLAT_TOL]."""
    tol = {"flat_band": [-FLAT_TOL, FLAT_TOL], "min_modes": MIN_MODES, "interval": "95%"}
    seeds = len(values["patches_cnn"]["seeds"])
    notes, ok = [], True
    for data, label in DATASETS.items():
        cnn = {b: e for b in ("rising", "falling") if (e := values[f"{data}_cnn"][b]) and e["seeds_fitted"] == seeds}
        flat = bool(cnn) and all(
            e["low"] is not None and e["low"] <= FLAT_TOL and e["high"] >= -FLAT_TOL for e in cnn.values()
        )
        ok &= flat
        c = ", ".join(f"{b} {describe_estimate(values[f'{data}_cnn'][b], seeds)}" for b in ("rising", "falling"))
        m = ", ".join(f"{b} {describe_estimate(values[f'{data}_mlp'][b], seeds)}" for b in ("rising", "falling"))
        ratio = values.get(f"{data}_falling_median_mlp_over_cnn")
        speed = f"; median tau* of the falling modes, MLP over CNN: {ratio['mean']:.1f}" if ratio else ""
        notes.append(f"{label}: CNN {c}; MLP {m}{speed}")
    t = config.patches_cnn.train
    params = values["patches_cnn"].get("parameters")
    size = f"{params:,} parameters, " if params else ""
    scaled = (
        f"here a scaled-down SongUNet on the stand-ins: {t.levels} resolutions, {t.base} base channels, "
        f"{size}{t.steps} steps at lr {t.lr:g}, batch {t.batch}, "
        "n decoder blocks per level instead of n + 1, average-pool downsampling, no dropout, no attention; "
        "paper: SongUNet, e.g. 4 resolutions, 128 channels, attention at 8x8, 50k steps at lr 1e-4"
    )
    text = "; ".join(notes) + f". Paper: effective alpha ≈ 0 ({scaled})."
    if ok:
        return Judgement("reproduced", f"The CNN's modes emerge (and decay) nearly together: {text}", tol)
    return Judgement("differs", f"The CNN's emergence times still depend on the variance: {text}", tol)


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Figs. 4/12 per stand-in: CNN sample grids, variance per mode, heat-map with tau*, fits with the MLP's
    fitted lines on the same data, and both architectures' slopes per replicate against the paper's alpha = 0."""
    m, tol = result["measured"], result["tolerance"]
    alpha = float(result["paper_value"]["effective alpha"])
    low, high = tol["flat_band"]
    references = [
        SlopeReference(
            f"verdict: each CNN interval must overlap slope {low:g} to {high:g}",
            band=(low, high),
            series=("CNN",),
            color="C2",
        ),
        SlopeReference(f"paper: effective alpha = {alpha:g} (CNN)", slope=-alpha, series=("CNN",)),
    ]
    paths = []
    for data, label in DATASETS.items():
        cnn, mlp = m[f"{data}_cnn"], m[f"{data}_mlp"]
        paths.append(
            draw_spectral_figure(
                result["details"][f"{data}_cnn"],
                cnn["per_seed"][0],
                f"Figs. 4/12: EDM-trained convolutional UNet on {label} (replicate 1 of {len(cnn['seeds'])} in "
                "panels 1-3); dashed: the MLP on the same data",
                figure_path(result, out_dir, data),
                estimates={"CNN": cnn, "MLP": mlp},
                references=references,
                overlays={"MLP fit (replicate 1)": mlp["per_seed"][0]},
            )
        )
    return paths


CLAIM = register(
    Claim(
        id="spectral.cnn_no_bias",
        version=3,
        location="Sec. 6, Figs. 4 and 12",
        statement=(
            "A convolutional UNet denoiser shows little spectral bias: its rising modes emerge "
            "together (effective alpha ≈ 0)."
        ),
        paper_value={"effective alpha": 0.0},
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
        trainings=trainings,
        reproduction=SPECTRAL_TRAINED,
    )
)
