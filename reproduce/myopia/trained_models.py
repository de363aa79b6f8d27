"""Shared pieces of the trained-model claims (issues 5 and 11): model settings, replicates, readouts.

Every ``myopia.trained_*`` claim (and the capacity, overhead and starvation claims) asks
:func:`model` for the networks it needs.  A model is identified by its
:class:`~reproduce.myopia.graph_diffusion.TrainSpec`; models are trained once and shared between
claims through the checkpoint cache (``.cache/checkpoints``, see
:mod:`reproduce.myopia.graph_diffusion.training`).

Replicates (issue 11).  A trained verdict rests on ``settings.replicates`` independent runs.  Their
seeds come from the master seed through :func:`reproduce.replicates.replicate_seeds` under the one
run name :data:`RUN` (:func:`replicate_seeds_of`), so every claim that needs the same training spec
asks for the same seeds and reads the same trained models.  A replicate's seed is the
``TrainSpec.seed``: it draws the training graphs, initialises the network, and drives the
minibatches, the forward noise and the probe noise; the claim's own generator drives sampling.

How a score is read from a trained model: its **sample marginal**, the fraction of ``S``
generated graphs that contain each edge, i.e. the model's ``P(A_e = 1)`` as a generator.  The
network's ``x_0``-prediction from the fully noised input, averaged over noise draws, is
reported beside it (for these edge-independent data both estimate the learned marginal).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from scipy.stats import norm

from reproduce.claims import Training
from reproduce.myopia.graph_diffusion import TrainedModel, TrainSpec, edge_marginals, sample, trained_model
from reproduce.replicates import replicate_seeds
from reproduce.trained_tolerances import FIXED
from theory.sparsifier_quality import is_connected

__all__ = [
    "REPLICATES",
    "REPLICATE_KEYS",
    "RUN",
    "SETTINGS",
    "ModelSettings",
    "Replicated",
    "bridge_frequency",
    "connected_fraction",
    "covers",
    "critical_z",
    "describe",
    "draw",
    "model",
    "model_spec",
    "over_replicates",
    "replicate_seeds_of",
    "tilted_optimum",
    "torch_generator",
    "training",
]

RUN = "graph_diffusion"
"""The run name every graph-diffusion claim asks :func:`reproduce.replicates.replicate_seeds` with."""

REPLICATES = {"quick": 1, "default": 3, "paper": 5}
"""Independent replicates per preset: the counts of the spectral claims (``SEEDS`` of
:mod:`reproduce.spectral_bias.denoisers.experiments`, kept equal by a test; not imported, so that the
graph claims' code fingerprint does not take in the EDM stack)."""

REPLICATE_KEYS = {"*seeds.*": FIXED, "*.n": FIXED}
"""Reproduction-tolerance patterns of the replicate bookkeeping: seeds and counts are exact."""


@dataclass(frozen=True)
class ModelSettings:
    """Architecture, optimisation and replicate count shared by the claims of one preset (see :class:`TrainSpec`)."""

    width: int = 16
    depth: int = 2
    T: int = 20
    train_graphs: int = 2000
    steps: int = 1000
    batch: int = 64
    lr: float = 1e-2
    replicates: int = 1

    def __post_init__(self) -> None:
        r = self.replicates
        if isinstance(r, bool) or not isinstance(r, (int, np.integer)) or r < 1:
            raise ValueError(f"replicates must be a positive integer, got {r!r}.")


SETTINGS = {
    "quick": ModelSettings(width=8, depth=1, T=10, train_graphs=500, steps=400, replicates=REPLICATES["quick"]),
    "default": ModelSettings(replicates=REPLICATES["default"]),
    "paper": ModelSettings(
        width=32, depth=3, T=50, train_graphs=5000, steps=5000, batch=128, lr=5e-3, replicates=REPLICATES["paper"]
    ),
}
"""Model settings per preset (the paper gives none: schedule, T, architecture, data size, optimiser are [open])."""


class Replicated:
    """Mixin for a trained claim's frozen config with a ``settings: ModelSettings`` field.

    :meth:`with_budget` applies a preset's budget overrides (:attr:`reproduce.presets.Preset.overrides`):
    ``replicates`` replaces ``settings.replicates``; ``records`` does not apply to these claims.
    """

    def with_budget(self, replicates: int | None = None, records: int | None = None):
        """This config training ``replicates`` seeds (``None`` keeps the preset's); ``records`` is ignored."""
        if replicates is None:
            return self
        settings = dataclasses.replace(self.settings, replicates=int(replicates))  # type: ignore[attr-defined]
        return dataclasses.replace(self, settings=settings)  # type: ignore[type-var]


def replicate_seeds_of(settings: ModelSettings, rng: np.random.Generator) -> tuple[int, ...]:
    """The ``settings.replicates`` training seeds under the master seed carried by ``rng``."""
    return replicate_seeds(rng, RUN, settings.replicates)


def over_replicates(seeds, run_one):
    """``run_one(seed) -> (values, details)`` for every replicate seed, in order: the list of the values
    and the first replicate's details (what the figures draw)."""
    out = [run_one(int(seed)) for seed in seeds]
    return [v for v, _ in out], out[0][1]


def model_spec(
    settings: ModelSettings,
    seed: int,
    *,
    family: str = "barbell",
    epsilon: float = 0.05,
    lam: float = 0.0,
    width: int | None = None,
    depth: int | None = None,
    optimizer: str = "adam",
    lr: float | None = None,
    steps: int | None = None,
    batch: int | None = None,
    **family_kw,
) -> TrainSpec:
    """The :class:`TrainSpec` of replicate ``seed`` for these settings.

    ``width``, ``depth``, ``lr``, ``steps`` and ``batch`` override the settings' values; ``optimizer``
    is ``"adam"`` (the settings' optimiser) or ``"sgd"``; ``family_kw`` go to the spec (``common``,
    ``clique``, ``thickness``...).
    """
    return TrainSpec(
        family=family,
        epsilon=epsilon,
        lam=lam,
        width=settings.width if width is None else width,
        depth=settings.depth if depth is None else depth,
        T=settings.T,
        train_graphs=settings.train_graphs,
        steps=settings.steps if steps is None else steps,
        batch=settings.batch if batch is None else batch,
        lr=settings.lr if lr is None else lr,
        optimizer=optimizer,
        seed=int(seed),
        **family_kw,
    )


def model(settings: ModelSettings, seed: int, **kw) -> TrainedModel:
    """The trained model of :func:`model_spec` ``(settings, seed, **kw)`` (loaded from the cache when present)."""
    return trained_model(model_spec(settings, seed, **kw))


def _train_only(spec: TrainSpec) -> None:
    trained_model(spec)


def training(settings: ModelSettings, seed: int, **kw) -> Training:
    """The unit of work that trains :func:`model` ``(settings, seed, **kw)`` ahead of the claim that reads it.

    A claim's ``trainings`` function returns these for every model its ``measure`` asks for, so a
    parallel or cluster run (:mod:`reproduce.plan`) can train them first, once each.
    """
    spec = model_spec(settings, seed, **kw)
    return Training(f"graph {spec.label()} seed {spec.seed}", _train_only, (spec,))


def tilted_optimum(m: TrainedModel) -> np.ndarray:
    """Exact minimiser of the (weighted) cross-entropy on ``m``'s training set, per base edge, shape (m,).

    ``sum_g W_ge A_ge / (sum_g W_ge A_ge + sum_g (1 - A_ge))`` over the training graphs ``g``: what a
    network of unlimited capacity learns as edge ``e``'s marginal (``W = 1 + lam R_eff`` on present
    edges, 1 elsewhere; with ``lam = 0`` it is the edge's frequency in the training set).
    """
    d = m.data
    A = d.adjacency[:, d.tails, d.heads].numpy().astype(float)
    W = d.weight[:, d.tails, d.heads].numpy().astype(float)
    pos = (W * A).sum(0)
    return pos / (pos + (1 - A).sum(0))


def torch_generator(rng: np.random.Generator, device: torch.device) -> torch.Generator:
    """A torch generator on ``device`` seeded from ``rng`` (no global seeding)."""
    return torch.Generator(device=device).manual_seed(int(rng.integers(2**63)))


def bridge_frequency(m: TrainedModel) -> float:
    """Frequency of the (first) bridge in the model's own training set (the Lemma 3.1 target)."""
    u, v = m.data.tails[m.data.bridge][0], m.data.heads[m.data.bridge][0]
    return float(m.data.adjacency[:, u, v].mean())


def connected_fraction(samples: torch.Tensor) -> np.ndarray:
    """Whether each sampled graph (S, n, n) is connected, over all its slots, shape (S,)."""
    n = samples.shape[-1]
    iu = np.triu_indices(n, 1)
    masks = samples.cpu().numpy()[:, iu[0], iu[1]] > 0.5
    return is_connected(n, iu[0], iu[1], masks)


def draw(m: TrainedModel, count: int, rng: np.random.Generator) -> tuple[torch.Tensor, np.ndarray]:
    """``count`` samples of ``m`` and its sample marginal on the base edges."""
    s = sample(m, count, torch_generator(rng, m.device))
    return s, edge_marginals(s, m)


def critical_z(level: float, tests: int, two_sided: bool = True) -> float:
    """The Bonferroni critical ``z`` of ``tests`` normal tests at family level ``level``.

    Examples
    --------
    >>> round(critical_z(0.99, 1), 3), round(critical_z(0.99, 1, two_sided=False), 3)
    (2.576, 2.326)
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}.")
    if isinstance(tests, bool) or int(tests) != tests or tests < 1:
        raise ValueError(f"tests must be a positive integer, got {tests!r}.")
    return float(norm.ppf(1 - (1 - level) / ((2 if two_sided else 1) * int(tests))))


def describe(est: Mapping, digits: int = 3, scale: float = 1.0, unit: str = "") -> str:
    """``0.951 [0.940, 0.962]`` (mean and 95% interval of :func:`reproduce.replicates.interval`), or
    the bare value when there is no interval (one replicate); ``scale``/``unit`` print e.g. percentages.

    Examples
    --------
    >>> from reproduce.replicates import interval
    >>> describe(interval([0.1, 0.2, 0.3])), describe(interval([0.5]), 1, 100, "%")
    ('0.200 [-0.048, 0.448]', '50.0%')
    """
    f = f"{{:.{digits}f}}{unit}"
    mean = f.format(scale * est["mean"])
    if est.get("low") is None:
        return mean
    return f"{mean} [{f.format(scale * est['low'])}, {f.format(scale * est['high'])}]"


def covers(est: Mapping, target: float) -> bool | None:
    """Whether the 95% interval of ``est`` (:func:`reproduce.replicates.interval`) contains ``target``;
    ``None`` with a single replicate (no between-run interval; rules then rest on their per-replicate tests).

    Examples
    --------
    >>> from reproduce.replicates import interval
    >>> covers(interval([0.1, 0.2, 0.3]), 0.0), covers(interval([0.1, 0.2, 0.3]), 0.5), covers(interval([0.1]), 0.1)
    (True, False, None)
    """
    if est.get("low") is None:
        return None
    return bool(est["low"] <= target <= est["high"])
