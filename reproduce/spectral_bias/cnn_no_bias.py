"""Claim ``spectral.cnn_no_bias`` -- Figs. 4 and 12: a convolutional UNet shows (almost) no spectral bias.

Paper (EDM SongUNet on the image sets): the rising modes emerge together and the falling modes
co-decay later, an effective exponent ``alpha ≈ 0``; early in training the CNN denoiser behaves like a
local linear filter, so local patch structure appears first rather than the global principal
components.  Here a small convolutional UNet (:mod:`.cnn_unet`, a scaled-down SongUNet) is trained
with the same EDM loss and recorder on both image stand-ins (:mod:`.image_data`: photograph
patches and digits) and the emergence times are fitted exactly as for the MLP.  Rule: on each
stand-in every branch (rising, falling) with at least 3 modes has ``|slope| <=`` :data:`FLAT_TOL`;
the MLP's slopes on the same data are reported beside it for contrast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.trained_tolerances import SPECTRAL_TRAINED

from .trained_denoisers import Experiment, experiment
from .trained_spectra import MIN_MODES, branches, draw_spectral_figure, run_values, summary

FLAT_TOL = 0.3
"""Largest |slope| of ln tau* on ln lam read as "emerge together" (fixed before the first run)."""
DATASETS = {"patches": "8x8 photograph patches (FFHQ stand-in)", "digits": "8x8 digits (MNIST stand-in)"}


@dataclass(frozen=True)
class Config:
    """The CNN and MLP runs on both stand-ins (same data, same EDM recipe)."""

    patches_cnn: Experiment
    digits_cnn: Experiment
    patches_mlp: Experiment
    digits_mlp: Experiment
    criterion: str = "geometric"


CONFIGS = {p: Config(*(experiment(p, r) for r in ("patches_cnn", "digits_cnn", "patches_mlp", "digits_mlp")))
           for p in ("quick", "default", "paper")}


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Fit the CNN's and the MLP's emergence times on each stand-in."""
    values, details = {}, {}
    for data in DATASETS:
        for arch in ("cnn", "mlp"):
            name = f"{data}_{arch}"
            values[name], d = run_values(getattr(config, name), config.criterion, f"{data} {arch.upper()}")
            if arch == "cnn":
                details[name] = d
        cnn, mlp = values[f"{data}_cnn"]["tau_range"]["falling"], values[f"{data}_mlp"]["tau_range"]["falling"]
        values[f"{data}_falling_median_mlp_over_cnn"] = mlp["median"] / cnn["median"] if cnn and mlp else None
    headline = "; ".join(f"{n.replace('_', ' ')}: {summary(v)}" for n, v in values.items() if isinstance(v, dict))
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Every CNN branch with N >= 3 modes is flat: |slope| <= FLAT_TOL (MLP slopes reported beside)."""
    tol = {"max_abs_slope": FLAT_TOL, "min_modes": MIN_MODES}
    notes, ok = [], True
    for data, label in DATASETS.items():
        cnn, mlp = branches(values[f"{data}_cnn"]), branches(values[f"{data}_mlp"])
        ok &= bool(cnn) and all(abs(f["slope"]) <= FLAT_TOL for f in cnn.values())
        c = ", ".join(f"{b} {f['slope']:.2f} (R^2 {f['r2']:.2f}, N {f['n']})" for b, f in cnn.items()) or "no branch with N >= 3"
        m = ", ".join(f"{b} {f['slope']:.2f}" for b, f in mlp.items()) or "none"
        ratio = values.get(f"{data}_falling_median_mlp_over_cnn")
        speed = f"; median tau* of the falling modes, MLP over CNN: {ratio:.1f}" if ratio else ""
        notes.append(f"{label}: CNN {c}; MLP {m}{speed}")
    t = config.patches_cnn.train
    params = values["patches_cnn"].get("parameters")
    size = f"{params:,} parameters, " if params else ""
    scaled = (f"here a scaled-down SongUNet on the stand-ins: {t.levels} resolutions, {t.base} base channels, "
              f"{size}{t.steps} steps at lr {t.lr:g}, batch {t.batch}, "
              "n decoder blocks per level instead of n + 1, average-pool downsampling, no dropout; "
              "paper: SongUNet, e.g. 4 resolutions, 128 channels, attention at 8x8, 50k steps at lr 1e-4")
    text = "; ".join(notes) + f". Paper: effective alpha ≈ 0 ({scaled})."
    if ok:
        return Judgement("reproduced", f"The CNN's modes emerge (and decay) nearly together: {text}", tol)
    return Judgement("differs", f"The CNN's emergence times still depend on the variance: {text}", tol)


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Figs. 4/12 per stand-in: CNN sample grids, variance per mode, heat-map with tau*, fits."""
    return [draw_spectral_figure(result["details"][f"{data}_cnn"], result["measured"][f"{data}_cnn"],
                                 f"Figs. 4/12: EDM-trained convolutional UNet on {label}",
                                 out_dir / f"spectral.cnn_no_bias_{data}.png")
            for data, label in DATASETS.items()]


CLAIM = register(Claim(
    id="spectral.cnn_no_bias",
    version=2,
    location="Sec. 6, Figs. 4 and 12",
    statement="A convolutional UNet denoiser shows little spectral bias: its rising modes emerge together (effective alpha ≈ 0).",
    paper_value={"effective alpha": 0.0},
    configs=CONFIGS, measure=measure, judge=judge, figure=figure,
    reproduction=SPECTRAL_TRAINED,
))
