"""Training data, the (spectrally weighted) loss, and resumable training (sampling: :mod:`.sampling`).

Training data: :mod:`.data` (the Exp I / Exp II / Exp III families and the precomputed weights).

Loss (Algorithm 4.1).  Per edge slot ``ij`` (``i < j``), the cross-entropy of the ``x_0``-
prediction on both classes, times a weight: ``W_ij = 1 + lam R_eff(ij; G_0)`` when ``ij`` is an
edge of the training graph ``G_0``, and ``W_ij = 1`` when it is not (the paper defines the
weight only on edges; weight 1 on non-edges is our stated reading).  ``R_eff`` is computed once
per training graph, before training (:func:`.data.batched_edge_resistance`, per connected
component).  The loss is the mean over slots and over the batch; ``lam = 0`` is the standard
loss.  Optimiser (``TrainSpec.optimizer``): Adam with the learning rate ``lr`` decayed to 0 on a
cosine (the default; the rare edge's estimate must settle), or plain SGD -- no momentum, the
constant rate ``lr`` -- the discretised gradient flow that the starvation law of
:mod:`theory.gradient_starvation` speaks about.  ``t`` is uniform on ``1..T``.

Checkpoints.  :func:`train` writes ``<checkpoint_dir>/<spec hash>.pt`` atomically every
``checkpoint_every`` steps and at the end: parameters, optimiser state, the training
generator's state, the step, and the logged history.  A rerun loads it and continues; on CPU
the continuation is bit-for-bit the uninterrupted run (tested).  The folder, the key and the safe
save/load are :mod:`reproduce.torch_runtime`'s (``<repo>/.cache/checkpoints/graph_diffusion``,
git-ignored; an unreadable checkpoint is discarded with a warning and the model retrained).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from reproduce import torch_runtime
from reproduce.progress import Progress
from reproduce.torch_runtime import (
    cache_lock,
    entry_name,
    load_checkpoint,
    run_device,
    save_checkpoint,
    spec_key,
    torch_threads,
)

from .data import Dataset, make_dataset
from .denoiser import EdgeDenoiser
from .diffusion import CosineSchedule, forward_probability

__all__ = [
    "TrainSpec",
    "TrainedModel",
    "symmetric_bernoulli",
    "train",
    "torch_threads",
    "trained_model",
    "weighted_edge_loss",
]

FORMAT = 2
"""Checkpoint format version; enters the spec hash (2: read with ``weights_only=True``)."""

FAMILIES = ("barbell", "visible", "chain")
OPTIMIZERS = ("adam", "sgd")


@dataclass(frozen=True)
class TrainSpec:
    """Everything that determines a trained model (its hash names the checkpoint).

    Attributes
    ----------
    family : {"barbell", "visible", "chain"}
    clique : int
        Clique size of the barbell (and of the visible-bridge graph).
    thickness : int
        ``k`` cross edges of the ``visible`` family (Exp III; ignored by the others).
    sizes : tuple of int
        Block sizes of the chain.
    common, epsilon : float
        Frequency of ordinary edges / of the bridges.
    lam : float
        lambda of the weight ``1 + lam R_eff`` (0: standard loss).
    width, depth : int
        Capacity of the denoiser.
    T : int
        Diffusion steps.
    train_graphs : int
        ``N`` training graphs.
    steps, batch, lr : int, int, float
        Optimiser steps, batch size, (initial) learning rate.
    optimizer : {"adam", "sgd"}
        Adam with a cosine-decayed rate, or plain SGD (no momentum) at the constant rate ``lr``.
    seed : int
        Seed of the training set, the initialisation and the training noise.
    checkpoint_every, log_every : int
        Checkpoint and history intervals (steps).
    """

    family: str = "barbell"
    clique: int = 8
    thickness: int = 1
    sizes: tuple[int, ...] = (10, 15, 20)
    common: float = 0.95
    epsilon: float = 0.05
    lam: float = 0.0
    width: int = 32
    depth: int = 2
    T: int = 50
    train_graphs: int = 2000
    steps: int = 1500
    batch: int = 64
    lr: float = 3e-3
    optimizer: str = "adam"
    seed: int = 0
    checkpoint_every: int = 250
    log_every: int = 25

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {FAMILIES}, got {self.family!r}.")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}.")
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be a positive number, got {self.lr!r}.")
        for name in ("common", "epsilon"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be a probability in [0, 1], got {getattr(self, name)!r}.")
        if not self.lam >= 0:
            raise ValueError(f"lam must be non-negative, got {self.lam!r}.")
        for name in (
            "thickness",
            "width",
            "depth",
            "T",
            "train_graphs",
            "steps",
            "batch",
            "checkpoint_every",
            "log_every",
        ):
            if int(getattr(self, name)) != getattr(self, name) or getattr(self, name) < 1:
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)!r}.")

    def label(self) -> str:
        """A short name for progress lines, e.g. ``barbell K8 eps=0.05 lam=2 w16x2`` (`` sgd`` for plain SGD)."""
        if self.family == "chain":
            shape = "-".join(f"K{k}" for k in self.sizes)
        else:
            shape = f"K{self.clique}" + (f" k={self.thickness}" if self.family == "visible" else "")
        opt = "" if self.optimizer == "adam" else f" {self.optimizer}"
        return f"{self.family} {shape} eps={self.epsilon:g} lam={self.lam:g} w{self.width}x{self.depth}{opt}"

    def key(self) -> str:
        """Hex hash of the spec, the checkpoint format and the training code; names the checkpoint file.

        The code enters through :func:`reproduce.fingerprint.code_fingerprint` of this module, so a
        checkpoint left by older training code is never loaded.
        """
        return spec_key(self, checkpoint_format=FORMAT, code_module=__name__)


def weighted_edge_loss(logits: torch.Tensor, a0: torch.Tensor, weight: torch.Tensor | None = None) -> torch.Tensor:
    """Mean over slots ``i < j`` and the batch of ``W_ij * CE(logit_ij, A0_ij)`` (both classes).

    ``weight=None`` (or all ones) is the standard per-edge cross-entropy.
    """
    if logits.shape != a0.shape:
        raise ValueError(f"logits {tuple(logits.shape)} and targets {tuple(a0.shape)} must have one shape.")
    n = logits.shape[-1]
    iu = torch.triu_indices(n, n, 1, device=logits.device)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(
        logits[:, iu[0], iu[1]], a0[:, iu[0], iu[1]], reduction="none"
    )
    if weight is not None:
        ce = ce * weight[:, iu[0], iu[1]]
    return ce.mean()


def symmetric_bernoulli(p: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Symmetric 0/1 matrices with independent upper-triangle entries ``Bernoulli(p_ij)``, zero diagonal."""
    u = torch.rand(p.shape, generator=gen, device=p.device)
    upper = torch.triu((u < p).float(), diagonal=1)
    return upper + upper.transpose(-1, -2)


@dataclass
class TrainedModel:
    """A trained denoiser with what sampling needs.

    Attributes
    ----------
    spec : TrainSpec
    net : EdgeDenoiser
    data : Dataset
    schedule : CosineSchedule
    features : Tensor (n, n)
        One-hot node identities.
    history : dict
        ``step`` and the predicted ``P(A_0 = 1 | A_T)`` of the bridge(s) and of the ordinary
        edges (mean) at those steps, averaged over fixed noise draws.
    train_seconds : float
        Wall time of the training steps (summed over resumed runs).
    device : torch.device
    """

    spec: TrainSpec
    net: EdgeDenoiser
    data: Dataset
    schedule: CosineSchedule
    features: torch.Tensor
    history: dict
    train_seconds: float
    device: torch.device

    @property
    def parameters(self) -> int:
        return int(sum(p.numel() for p in self.net.parameters()))


def _probe(net, data, features, schedule, probe_noise) -> tuple[float, float]:
    """Mean predicted ``P(A_0 = 1 | A_T, T)`` of the bridges and of the ordinary edges."""
    with torch.no_grad():
        t = torch.full((probe_noise.shape[0],), schedule.T, device=probe_noise.device)
        p = torch.sigmoid(net(probe_noise, t, features)).mean(0).cpu().numpy()
    pe = p[data.tails, data.heads]
    return float(pe[data.bridge].mean()), float(pe[~data.bridge].mean())


def train(
    spec: TrainSpec,
    *,
    device: torch.device | None = None,
    cache: Path | None = None,
    stop_after: int | None = None,
    threads: int | None = 1,
) -> TrainedModel:
    """Train (or resume, or load) the model of ``spec``; checkpoints under ``cache``.

    ``stop_after`` ends this call after that many *new* steps (after a checkpoint), as if the
    process had been killed; a later call resumes.  Returns the model in its current state.
    """
    device = run_device() if device is None else device
    path = (torch_runtime.checkpoint_dir("graph_diffusion") if cache is None else Path(cache)) / entry_name(
        spec.key(), device
    )
    with torch_threads(threads), cache_lock(path):
        return _train(spec, device, path, stop_after)


def _train(spec: TrainSpec, device, path, stop_after) -> TrainedModel:
    data = make_dataset(spec)
    schedule = CosineSchedule(spec.T)
    features = torch.eye(data.n, device=device)
    init = torch.Generator().manual_seed(spec.seed)
    net = EdgeDenoiser(data.n, spec.width, spec.depth, spec.T)
    with torch.no_grad():  # initialise every Linear from our own generator: no global seeding
        for mod in net.modules():
            if isinstance(mod, torch.nn.Linear):
                bound = 1.0 / np.sqrt(mod.in_features)
                mod.weight.copy_(torch.rand(mod.weight.shape, generator=init) * 2 * bound - bound)
                mod.bias.copy_(torch.rand(mod.bias.shape, generator=init) * 2 * bound - bound)
    net.to(device)
    if spec.optimizer == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=spec.lr)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=spec.lr, momentum=0.0)
    gen = torch.Generator(device=device).manual_seed(spec.seed + 1)
    probe_gen = torch.Generator(device=device).manual_seed(spec.seed + 2)
    pi_t = torch.full((64, data.n, data.n), data.pi, device=device)
    probe_noise = symmetric_bernoulli(pi_t, probe_gen)
    history: dict[str, list] = {"step": [], "bridge": [], "ordinary": [], "loss": []}
    step, train_seconds = 0, 0.0
    # loaded on the CPU: parameters and optimiser state are copied to the device on loading,
    # and a generator state is always a CPU byte tensor, whatever the generator's device
    state = load_checkpoint(path, required=CHECKPOINT_KEYS)
    if state is not None:
        net.load_state_dict(state["model"])
        opt.load_state_dict(state["optim"])
        gen.set_state(state["gen"])
        step, history, train_seconds = state["step"], state["history"], state["train_seconds"]
    adj = data.adjacency.to(device)
    wts = data.weight.to(device)
    ab = torch.tensor(schedule.alpha_bar, dtype=torch.float32, device=device)
    new = 0
    t0 = time.perf_counter()
    bar = Progress(spec.steps, f"train {spec.label()}", unit="step", initial=step)
    while step < spec.steps:
        idx = torch.randint(0, adj.shape[0], (spec.batch,), generator=gen, device=device)
        t = torch.randint(1, spec.T + 1, (spec.batch,), generator=gen, device=device)
        a0 = adj[idx]
        p_t = forward_probability(a0, ab[t][:, None, None], data.pi)
        a_t = symmetric_bernoulli(p_t, gen)
        loss = weighted_edge_loss(net(a_t, t, features), a0, wts[idx] if spec.lam > 0 else None)
        if spec.optimizer == "adam":
            for group in opt.param_groups:  # cosine decay to 0: the rare edge's estimate must settle
                group["lr"] = spec.lr * 0.5 * (1.0 + np.cos(np.pi * step / spec.steps))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        new += 1
        bar.update()
        if step % spec.log_every == 0 or step == spec.steps:
            b, o = _probe(net, data, features, schedule, probe_noise)
            history["step"].append(step)
            history["bridge"].append(b)
            history["ordinary"].append(o)
            history["loss"].append(float(loss.detach()))
        if step % spec.checkpoint_every == 0 or step == spec.steps:
            train_seconds += time.perf_counter() - t0
            t0 = time.perf_counter()
            _save(path, net, opt, gen, step, history, train_seconds)
            if stop_after is not None and new >= stop_after:
                break
    bar.close()
    net.eval()
    return TrainedModel(spec, net, data, schedule, features, history, train_seconds, device)


CHECKPOINT_KEYS = ("model", "optim", "gen", "step", "history", "train_seconds")


def _save(path: Path, net, opt, gen, step, history, train_seconds) -> None:
    save_checkpoint(
        path,
        {
            "model": net.state_dict(),
            "optim": opt.state_dict(),
            "gen": gen.get_state(),
            "step": step,
            "history": history,
            "train_seconds": train_seconds,
        },
    )


_MEMO: dict[tuple[str, str], TrainedModel] = {}


def trained_model(spec: TrainSpec) -> TrainedModel:
    """The fully trained model of ``spec``: from this process's memo, the checkpoint cache, or training.

    Claims share models through this function, so a model is trained once per spec.  The device is
    the run's (:func:`reproduce.torch_runtime.run_device`).
    """
    device = run_device()
    key = (spec.key(), str(device))
    if key not in _MEMO:
        _MEMO[key] = train(spec, device=device)
    return _MEMO[key]
