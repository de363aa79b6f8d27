"""Shared pieces of the trained-model claims (issue 5): model settings per preset and readouts.

Every ``myopia.trained_*`` claim (and the capacity, overhead and starvation claims) asks
:func:`model` for the networks it needs.  A model is identified by its
:class:`~reproduce.myopia.graph_diffusion.TrainSpec`; models are trained once and shared between
claims through the checkpoint cache (``.cache/checkpoints``, see
:mod:`reproduce.myopia.graph_diffusion.training`).  The training seed is a field of the
settings, not drawn from a claim's generator, precisely so that claims share their models;
the claim's generator drives the sampling.

How a score is read from a trained model: its **sample marginal**, the fraction of ``S``
generated graphs that contain each edge, i.e. the model's ``P(A_e = 1)`` as a generator.  The
network's ``x_0``-prediction from the fully noised input, averaged over noise draws, is
reported beside it (for these edge-independent data both estimate the learned marginal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from reproduce.myopia.graph_diffusion import TrainSpec, TrainedModel, edge_marginals, sample, trained_model
from theory.sparsifier_quality import is_connected

__all__ = ["SETTINGS", "ModelSettings", "bridge_frequency", "connected_fraction", "draw", "model", "torch_generator"]


@dataclass(frozen=True)
class ModelSettings:
    """Architecture and optimisation shared by the claims of one preset (see :class:`TrainSpec`)."""

    width: int = 16
    depth: int = 2
    T: int = 20
    train_graphs: int = 2000
    steps: int = 1000
    batch: int = 64
    lr: float = 1e-2
    seed: int = 0
    use_gpu: bool = False


SETTINGS = {
    "quick": ModelSettings(width=8, depth=1, T=10, train_graphs=500, steps=400),
    "default": ModelSettings(),
    "paper": ModelSettings(width=32, depth=3, T=50, train_graphs=5000, steps=5000, batch=128, lr=5e-3, use_gpu=True),
}
"""Model settings per preset (the paper gives none: schedule, T, architecture, data size, optimiser are [open])."""


def model(settings: ModelSettings, *, family: str = "barbell", epsilon: float = 0.05, lam: float = 0.0,
          width: int | None = None, depth: int | None = None, **family_kw) -> TrainedModel:
    """The trained model for these settings (loaded from the cache when present)."""
    spec = TrainSpec(
        family=family, epsilon=epsilon, lam=lam,
        width=settings.width if width is None else width, depth=settings.depth if depth is None else depth,
        T=settings.T, train_graphs=settings.train_graphs, steps=settings.steps, batch=settings.batch,
        lr=settings.lr, seed=settings.seed, **family_kw,
    )
    return trained_model(spec, use_gpu=settings.use_gpu)


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
