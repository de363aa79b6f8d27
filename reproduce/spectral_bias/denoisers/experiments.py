"""Training sets and run settings of the trained spectral-bias claims (issue 6), per preset.

Several claims read one run (``spectral.gaussian_mlp`` and ``spectral.alignment`` share the
Gaussian MLP run, for example): a run is identified by its :class:`Experiment` (data + training
spec), trained once, cached on disk by :mod:`.training` and memoised in the process.
Seeds: the presets' experiments carry seed 0; a claim trains ``S`` replicates of each run
(:func:`replicate`) with seeds drawn by :func:`reproduce.replicates.replicate_seeds` from the master
seed and the run's name, so every claim reading a run under the same master seed reads the same
models.

What the presets use (the paper's values in the spec, Sec. 4 and 6).  Every MLP is the printed
``UNetBlockStyleMLP_backbone`` (:class:`.mlp_unet.MLPUNet`); ``nlayers`` counts its blocks and the
final layer, as the paper does:

- ``paper``: Gaussian ``d = 256``, MLP nlayers 5, width 256, embedding 256, 5,000 steps, batch
  1,024, lr 1e-4, the authors' record schedule, 10,000 samples per record; images: MLP nlayers 8,
  width 1024, embedding 128, for 100k steps and the CNN for 50k steps, batch 256, 2,000 samples per
  record (the paper used one A100/H100 GPU).
- ``default`` (minutes on 2 CPU cores): Gaussian ``d = 128``, MLP nlayers 5, width 128, embedding
  128, 1,500 steps, batch 256, **lr 1e-3** (10x the paper's, so that the slow modes emerge within
  the step budget: a budget choice, not tuned on the measured exponent), 36 log-spaced records of
  2,000 samples.  Images: 8x8 digits and 8x8 photograph patches (``d = 64``), same MLP; the
  convolutional UNet for 800 steps, batch 128, 16 log-spaced records of 500 samples (24 records of
  1,000 until issue 11: sampling is 80% of a CNN run's cost, and a third of it kept the default preset
  within its CPU budget once every trained claim ran three seeds; a mode variance from 500 samples has
  a relative standard error of 6.3%, from 1,000 of 4.5%).
- ``quick``: the same pipeline at smoke scale (numbers are rough).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from reproduce.claims import Training
from reproduce.replicates import replicate_seeds
from reproduce.torch_runtime import run_device

from ..common import random_rotation
from .generated_spectrum import log_record_steps, paper_record_steps
from .image_data import image_dataset
from .training import DenoiserSpec, Recording, train_and_record

__all__ = [
    "SEEDS",
    "Budgeted",
    "DataSpec",
    "Experiment",
    "experiment",
    "gaussian_data",
    "make_data",
    "replicate",
    "replicate_trainings",
    "run",
    "training",
    "with_records",
]

SOURCES = ("gaussian", "digits", "patches", "folder")


@dataclass(frozen=True)
class DataSpec:
    """A training set.

    Attributes
    ----------
    source : {"gaussian", "digits", "patches", "folder"}
        Gaussian with a log-normal spectrum and a random rotation (spec Sec. 4), scikit-learn's
        8x8 digits (MNIST stand-in), patches of matplotlib's bundled photograph (FFHQ stand-in),
        or a user folder/array (``path``).
    dim : int
        Gaussian dimension ``d``.
    count : int
        Number of training samples (Gaussian, patches; all digits when larger than 1,797).
    patch : int
        Patch side for ``patches``.
    seed : int
        Seeds the data draw.
    path : str
        For ``folder``: a directory of images or a ``.npy``/``.npz`` array.
    size : int
        For ``folder``: resize images to ``size x size`` (0 keeps them as they are).
    grayscale : bool
        For ``folder``: convert colour images to gray (luma).
    """

    source: str = "gaussian"
    dim: int = 64
    count: int = 10_000
    patch: int = 8
    seed: int = 0
    path: str = ""
    size: int = 0
    grayscale: bool = False

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, got {self.source!r}.")
        if self.source == "folder" and not self.path:
            raise ValueError("the 'folder' source needs a path to the user's images.")


def gaussian_data(dim: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """Spec Sec. 4: variances ``exp(N(0, 1))`` sorted and normalised to mean 1, rotated by a Haar ``Q``.

    Returns ``(count, dim)`` samples ``x = Q diag(sqrt(lam)) z``.
    """
    lam = np.sort(np.exp(rng.standard_normal(dim)))[::-1]
    lam /= lam.mean()
    q = random_rotation(dim, rng)
    return (rng.standard_normal((count, dim)) * np.sqrt(lam)) @ q.T


def make_data(spec: DataSpec) -> np.ndarray:
    """The training set of ``spec``: (n, d) for Gaussian data, (n, C, H, W) in [-1, 1] for images."""
    rng = np.random.default_rng(spec.seed)
    if spec.source == "gaussian":
        return gaussian_data(spec.dim, spec.count, rng)
    if spec.source == "digits":
        return image_dataset("digits", rng, count=min(spec.count, 1797))
    if spec.source == "patches":
        return image_dataset("patches", rng, count=spec.count, patch_size=spec.patch)
    return image_dataset(
        "folder", rng, count=spec.count, path=spec.path, size=spec.size or None, grayscale=spec.grayscale
    )


@dataclass(frozen=True)
class Experiment:
    """Data + training spec of one run (see :class:`DataSpec`, :class:`DenoiserSpec`)."""

    data: DataSpec
    train: DenoiserSpec


def _records(steps: int, count: int | None) -> tuple[int, ...]:
    r = paper_record_steps(steps) if count is None else log_record_steps(steps, count)
    return tuple(int(s) for s in r)


def _mlp(steps, batch, lr, width, nlayers, samples, records, emb=None, heun=20) -> DenoiserSpec:
    return DenoiserSpec(
        arch="mlp",
        width=width,
        nlayers=nlayers,
        emb_dim=emb or width,
        steps=steps,
        batch=batch,
        lr=lr,
        records=_records(steps, records),
        samples=samples,
        heun_steps=heun,
    )


def _cnn(steps, batch, lr, base, levels, samples, records, heun=20) -> DenoiserSpec:
    return DenoiserSpec(
        arch="cnn",
        base=base,
        levels=levels,
        steps=steps,
        batch=batch,
        lr=lr,
        records=_records(steps, records),
        samples=samples,
        heun_steps=heun,
    )


EXPERIMENTS: dict[str, dict[str, Experiment]] = {
    "quick": {
        "gaussian_mlp": Experiment(
            DataSpec("gaussian", dim=32, count=4000), _mlp(300, 128, 1e-3, 64, 3, 1000, 16, heun=12)
        ),
        "digits_mlp": Experiment(DataSpec("digits"), _mlp(300, 128, 1e-3, 64, 3, 1000, 16, heun=12)),
        "patches_mlp": Experiment(DataSpec("patches", count=4000), _mlp(300, 128, 1e-3, 64, 3, 1000, 16, heun=12)),
        "patches_cnn": Experiment(DataSpec("patches", count=4000), _cnn(200, 64, 1e-3, 8, 2, 500, 12, heun=12)),
        "digits_cnn": Experiment(DataSpec("digits"), _cnn(200, 64, 1e-3, 8, 2, 500, 12, heun=12)),
    },
    "default": {
        "gaussian_mlp": Experiment(DataSpec("gaussian", dim=128), _mlp(1500, 256, 1e-3, 128, 5, 2000, 36)),
        "digits_mlp": Experiment(DataSpec("digits"), _mlp(1500, 256, 1e-3, 128, 5, 2000, 36)),
        "patches_mlp": Experiment(DataSpec("patches"), _mlp(1500, 256, 1e-3, 128, 5, 2000, 36)),
        "patches_cnn": Experiment(DataSpec("patches"), _cnn(800, 128, 1e-3, 16, 2, 500, 16)),
        "digits_cnn": Experiment(DataSpec("digits"), _cnn(800, 128, 1e-3, 16, 2, 500, 16)),
    },
    "paper": {
        "gaussian_mlp": Experiment(DataSpec("gaussian", dim=256), _mlp(5000, 1024, 1e-4, 256, 5, 10_000, None)),
        "digits_mlp": Experiment(DataSpec("digits"), _mlp(100_000, 256, 1e-4, 1024, 8, 2000, None, emb=128, heun=40)),
        "patches_mlp": Experiment(
            DataSpec("patches", count=50_000, patch=16), _mlp(100_000, 256, 1e-4, 1024, 8, 2000, None, emb=128, heun=40)
        ),
        "patches_cnn": Experiment(
            DataSpec("patches", count=50_000, patch=16), _cnn(50_000, 256, 1e-4, 64, 3, 2000, None, heun=40)
        ),
        "digits_cnn": Experiment(DataSpec("digits"), _cnn(50_000, 256, 1e-4, 64, 2, 2000, None, heun=40)),
    },
}
"""Runs per preset.  ``records=None`` uses the authors' schedule (:func:`paper_record_steps`)."""


def replicate(exp: Experiment, seed: int) -> Experiment:
    """``exp`` re-seeded as one independent replicate: the data draw and the training (initialisation,
    minibatches, EDM noise, the sampler's noise bank) all take ``seed``."""
    return dataclasses.replace(
        exp, data=dataclasses.replace(exp.data, seed=int(seed)), train=dataclasses.replace(exp.train, seed=int(seed))
    )


def with_records(exp: Experiment, count: int) -> Experiment:
    """``exp`` recording at about ``count`` log-spaced steps instead of its schedule (a budget override)."""
    return dataclasses.replace(exp, train=dataclasses.replace(exp.train, records=_records(exp.train.steps, count)))


def experiment(preset: str, name: str, **data_overrides: Any) -> Experiment:
    """The run ``name`` of ``preset``; ``data_overrides`` replace fields of its :class:`DataSpec`."""
    try:
        exp = EXPERIMENTS[preset][name]
    except KeyError:
        raise ValueError(
            f"no run {name!r} in preset {preset!r}; runs: {sorted(EXPERIMENTS.get(preset, {}))}."
        ) from None
    return dataclasses.replace(exp, data=dataclasses.replace(exp.data, **data_overrides)) if data_overrides else exp


SEEDS = {"quick": 1, "default": 3, "paper": 5}
"""Independent replicates per trained run and preset (issue 11: quick 1, default >= 3, paper >= 5)."""


class Budgeted:
    """Mixin for a trained claim's frozen config (fields of type :class:`Experiment`, a ``seeds`` count).

    :meth:`with_budget` applies a preset's budget overrides (:attr:`reproduce.presets.Preset.overrides`).
    """

    def with_budget(self, replicates: int | None = None, records: int | None = None):
        """This config with ``seeds = replicates`` and every run recording at ``records`` log-spaced steps."""
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if records is not None and isinstance(value, Experiment):
                changes[f.name] = with_records(value, records)
        if replicates is not None and any(f.name == "seeds" for f in dataclasses.fields(self)):
            changes["seeds"] = int(replicates)
        return dataclasses.replace(self, **changes)


_MEMO: dict[tuple[Experiment, str], tuple[Recording, np.ndarray]] = {}


def run(exp: Experiment, desc: str = "train") -> tuple[Recording, np.ndarray]:
    """The recording of ``exp`` and its training data (memoised per device; trained or loaded from the cache)."""
    key = (exp, str(run_device()))
    if key not in _MEMO:
        data = make_data(exp.data)
        _MEMO[key] = (train_and_record(exp.train, data, desc=desc), data)
    return _MEMO[key]


def _train_only(exp: Experiment) -> None:
    run(exp, desc=_label(exp))


def _label(exp: Experiment) -> str:
    t = exp.train
    net = f"mlp {t.nlayers}x{t.width}" if t.arch == "mlp" else f"cnn base {t.base}x{t.levels}"
    return f"{exp.data.source} {net} {t.steps} steps seed {t.seed}"


def training(exp: Experiment) -> Training:
    """The unit of work that trains (and records) ``exp`` ahead of the claims that read it (see
    :class:`reproduce.claims.Training`)."""
    return Training(f"denoiser {_label(exp)}", _train_only, (exp,))


def replicate_trainings(runs: Iterable[tuple[str, Experiment]], seeds: int, rng: np.random.Generator) -> list[Training]:
    """:func:`training` of every replicate of every ``(name, exp)`` in ``runs``, the replicate seeds drawn as
    the claims draw them (:func:`reproduce.replicates.replicate_seeds` of ``rng``, ``name``, ``seeds``)."""
    return [training(replicate(exp, seed)) for name, exp in runs for seed in replicate_seeds(rng, name, seeds)]
