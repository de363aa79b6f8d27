"""Training data, the (spectrally weighted) loss, resumable training, and sampling.

Training families (Siami, Sec. 5), on a fixed labelled node set:

* ``barbell`` (Exp I): two ``K_c`` joined by one bridge; each clique edge is present
  independently with probability ``common`` (paper: 0.95), the bridge with ``epsilon``;
* ``chain`` (Exp II): complete blocks of ``sizes`` in a chain joined by single bridges
  (:func:`reproduce.myopia.graphs.clique_chain`), same frequencies.

Pairs that are not edges of the base graph are never present.  ``N`` training graphs are
drawn once per spec (numpy, seeded by ``spec.seed``).

Loss (Algorithm 4.1).  Per edge slot ``ij`` (``i < j``), the cross-entropy of the ``x_0``-
prediction on both classes, times a weight: ``W_ij = 1 + lam R_eff(ij; G_0)`` when ``ij`` is an
edge of the training graph ``G_0``, and ``W_ij = 1`` when it is not (the paper defines the
weight only on edges; weight 1 on non-edges is our stated reading).  ``R_eff`` is computed once
per training graph (:func:`theory.effective_resistance.edge_resistance_array`, per connected
component) before training.  The loss is the mean over slots and over the batch.  ``lam = 0``
is the standard loss.  Optimiser: Adam, constant learning rate, ``t`` uniform on ``1..T``.

Checkpoints.  :func:`train` writes ``<checkpoint_dir>/<spec hash>.pt`` atomically every
``checkpoint_every`` steps and at the end: parameters, optimiser state, the training
generator's state, the step, and the logged history.  A rerun loads it and continues; on CPU
the continuation is bit-for-bit the uninterrupted run (tested).  The directory is
``$MYOPIA_CHECKPOINT_DIR`` or ``<repo>/.cache/checkpoints`` (git-ignored).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path


import numpy as np
import torch

from reproduce.atomic import write_bytes_atomic
from reproduce.myopia.graphs import barbell, clique_chain, edge_arrays
from reproduce.paths import REPO_ROOT
from theory.effective_resistance import edge_resistance_array

from .denoiser import EdgeDenoiser
from .diffusion import CosineSchedule, forward_probability, reverse_probability

__all__ = [
    "TrainSpec",
    "TrainedModel",
    "checkpoint_dir",
    "edge_marginals",
    "make_dataset",
    "pick_device",
    "predicted_at_noise",
    "sample",
    "train",
    "trained_model",
    "weighted_edge_loss",
]

FORMAT = 1
"""Checkpoint format version; enters the spec hash."""

FAMILIES = ("barbell", "chain")


@dataclass(frozen=True)
class TrainSpec:
    """Everything that determines a trained model (its hash names the checkpoint).

    Attributes
    ----------
    family : {"barbell", "chain"}
    clique : int
        Clique size of the barbell.
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
        Adam steps, batch size, learning rate.
    seed : int
        Seed of the training set, the initialisation and the training noise.
    checkpoint_every, log_every : int
        Checkpoint and history intervals (steps).
    """

    family: str = "barbell"
    clique: int = 8
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
    seed: int = 0
    checkpoint_every: int = 250
    log_every: int = 25

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {FAMILIES}, got {self.family!r}.")
        for name in ("common", "epsilon"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be a probability in [0, 1], got {getattr(self, name)!r}.")
        if not self.lam >= 0:
            raise ValueError(f"lam must be non-negative, got {self.lam!r}.")
        for name in ("width", "depth", "T", "train_graphs", "steps", "batch", "checkpoint_every", "log_every"):
            if int(getattr(self, name)) != getattr(self, name) or getattr(self, name) < 1:
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)!r}.")

    def key(self) -> str:
        """Hex hash of the spec (and checkpoint format); names the checkpoint file."""
        blob = json.dumps({"format": FORMAT, **dataclasses.asdict(self)}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:20]


@dataclass
class Dataset:
    """Training graphs of a spec, with the precomputed loss weights.

    Attributes
    ----------
    n : int
    tails, heads : ndarray (m,)
        Edges of the base graph.
    bridge : ndarray of bool (m,)
        Which base edges are the rare bridges.
    frequency : ndarray (m,)
        Generator frequency of each base edge.
    adjacency : Tensor (N, n, n) float32
        The training graphs.
    weight : Tensor (N, n, n) float32
        ``1 + lam R_eff`` on present edges, 1 elsewhere.
    pi : float
        Marginal edge density over all slots ``i < j`` (the forward chain's limit).
    reff_seconds : float
        Time spent computing effective resistances (0 when ``lam = 0``).
    """

    n: int
    tails: np.ndarray
    heads: np.ndarray
    bridge: np.ndarray
    frequency: np.ndarray
    adjacency: torch.Tensor
    weight: torch.Tensor
    pi: float
    reff_seconds: float


def make_dataset(spec: TrainSpec) -> Dataset:
    """Draw ``spec.train_graphs`` graphs of the family and precompute their weights (Alg. 4.1)."""
    if spec.family == "barbell":
        G, rare = barbell(spec.clique)
    else:
        G, rare = clique_chain(spec.sizes)
    n, tails, heads = edge_arrays(G)
    bridge = np.array([(min(u, v), max(u, v)) in rare for u, v in zip(tails, heads)])
    freq = np.where(bridge, spec.epsilon, spec.common)
    rng = np.random.default_rng([spec.seed, 7])
    present = rng.random((spec.train_graphs, tails.size)) < freq
    adj = np.zeros((spec.train_graphs, n, n), np.float32)
    g_idx, e_idx = np.nonzero(present)
    adj[g_idx, tails[e_idx], heads[e_idx]] = 1.0
    adj[g_idx, heads[e_idx], tails[e_idx]] = 1.0
    weight = np.ones_like(adj)
    t0 = time.perf_counter()
    reff_seconds = 0.0
    if spec.lam > 0:
        for k in range(spec.train_graphs):
            keep = present[k]
            r = edge_resistance_array(n, tails[keep], heads[keep])
            w = 1.0 + spec.lam * r
            weight[k, tails[keep], heads[keep]] = w
            weight[k, heads[keep], tails[keep]] = w
        reff_seconds = time.perf_counter() - t0
    pi = float(present.sum() / (spec.train_graphs * n * (n - 1) / 2))
    return Dataset(n, tails, heads, bridge, freq, torch.from_numpy(adj), torch.from_numpy(weight), pi, reff_seconds)


def weighted_edge_loss(logits: torch.Tensor, a0: torch.Tensor, weight: torch.Tensor | None = None) -> torch.Tensor:
    """Mean over slots ``i < j`` and the batch of ``W_ij * CE(logit_ij, A0_ij)`` (both classes).

    ``weight=None`` (or all ones) is the standard per-edge cross-entropy.
    """
    if logits.shape != a0.shape:
        raise ValueError(f"logits {tuple(logits.shape)} and targets {tuple(a0.shape)} must have one shape.")
    n = logits.shape[-1]
    iu = torch.triu_indices(n, n, 1, device=logits.device)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(logits[:, iu[0], iu[1]], a0[:, iu[0], iu[1]], reduction="none")
    if weight is not None:
        ce = ce * weight[:, iu[0], iu[1]]
    return ce.mean()


def _symmetric_bernoulli(p: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Symmetric 0/1 matrices with independent upper-triangle entries ``Bernoulli(p_ij)``, zero diagonal."""
    u = torch.rand(p.shape, generator=gen, device=p.device)
    upper = torch.triu((u < p).float(), diagonal=1)
    return upper + upper.transpose(-1, -2)


def pick_device(use_gpu: bool) -> torch.device:
    """CUDA when asked for and present, else CPU."""
    return torch.device("cuda") if use_gpu and torch.cuda.is_available() else torch.device("cpu")


def checkpoint_dir() -> Path:
    """``$MYOPIA_CHECKPOINT_DIR`` or ``<repo>/.cache/checkpoints``."""
    env = os.environ.get("MYOPIA_CHECKPOINT_DIR")
    return Path(env) if env else REPO_ROOT / ".cache" / "checkpoints"


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
) -> TrainedModel:
    """Train (or resume, or load) the model of ``spec``; checkpoints under ``cache``.

    ``stop_after`` ends this call after that many *new* steps (after a checkpoint), as if the
    process had been killed; a later call resumes.  Returns the model in its current state.
    """
    device = torch.device("cpu") if device is None else device
    cache = checkpoint_dir() if cache is None else Path(cache)
    path = cache / f"{spec.key()}.pt"
    data = make_dataset(spec)
    schedule = CosineSchedule(spec.T)
    features = torch.eye(data.n, device=device)
    init = torch.Generator().manual_seed(spec.seed)
    net = EdgeDenoiser(data.n, spec.width, spec.depth, spec.T)
    with torch.no_grad():  # initialise from our own generator: no global seeding
        for p in net.parameters():
            if p.dim() > 1:
                bound = 1.0 / np.sqrt(p.shape[1])
                p.copy_(torch.rand(p.shape, generator=init) * 2 * bound - bound)
    net.to(device)
    opt = torch.optim.Adam(net.parameters(), lr=spec.lr)
    gen = torch.Generator(device=device).manual_seed(spec.seed + 1)
    probe_gen = torch.Generator(device=device).manual_seed(spec.seed + 2)
    pi_t = torch.full((64, data.n, data.n), data.pi, device=device)
    probe_noise = _symmetric_bernoulli(pi_t, probe_gen)
    history: dict[str, list] = {"step": [], "bridge": [], "ordinary": [], "loss": []}
    step, train_seconds = 0, 0.0
    if path.exists():
        state = torch.load(path, map_location=device, weights_only=False)
        net.load_state_dict(state["model"])
        opt.load_state_dict(state["optim"])
        gen.set_state(state["gen"].to("cpu") if device.type == "cpu" else state["gen"])
        step, history, train_seconds = state["step"], state["history"], state["train_seconds"]
    adj = data.adjacency.to(device)
    wts = data.weight.to(device)
    ab = torch.tensor(schedule.alpha_bar, dtype=torch.float32, device=device)
    new = 0
    t0 = time.perf_counter()
    while step < spec.steps:
        idx = torch.randint(0, adj.shape[0], (spec.batch,), generator=gen, device=device)
        t = torch.randint(1, spec.T + 1, (spec.batch,), generator=gen, device=device)
        a0 = adj[idx]
        p_t = forward_probability(a0, ab[t][:, None, None], data.pi)
        a_t = _symmetric_bernoulli(p_t, gen)
        loss = weighted_edge_loss(net(a_t, t, features), a0, wts[idx] if spec.lam > 0 else None)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        new += 1
        if step % spec.log_every == 0 or step == spec.steps:
            b, o = _probe(net, data, features, schedule, probe_noise)
            history["step"].append(step)
            history["bridge"].append(b)
            history["ordinary"].append(o)
            history["loss"].append(float(loss))
        if step % spec.checkpoint_every == 0 or step == spec.steps:
            train_seconds += time.perf_counter() - t0
            t0 = time.perf_counter()
            _save(path, net, opt, gen, step, history, train_seconds)
            if stop_after is not None and new >= stop_after:
                break
    net.eval()
    return TrainedModel(spec, net, data, schedule, features, history, train_seconds, device)


def _save(path: Path, net, opt, gen, step, history, train_seconds) -> None:
    buf = io.BytesIO()
    torch.save(
        {"model": net.state_dict(), "optim": opt.state_dict(), "gen": gen.get_state(), "step": step,
         "history": history, "train_seconds": train_seconds},
        buf,
    )
    write_bytes_atomic(path, buf.getvalue())


_MEMO: dict[tuple[str, str], TrainedModel] = {}


def trained_model(spec: TrainSpec, use_gpu: bool = False) -> TrainedModel:
    """The fully trained model of ``spec``: from this process's memo, the checkpoint cache, or training.

    Claims share models through this function, so a model is trained once per spec.
    """
    device = pick_device(use_gpu)
    key = (spec.key(), str(device))
    if key not in _MEMO:
        _MEMO[key] = train(spec, device=device)
    return _MEMO[key]


def sample(model: TrainedModel, count: int, gen: torch.Generator, batch: int = 500) -> torch.Tensor:
    """``count`` graphs by ancestral sampling through the exact posterior; (count, n, n) float 0/1.

    ``A_T`` is i.i.d. Bernoulli(``pi``) per slot; each step draws ``A_{t-1}`` from
    ``p(A_{t-1} = 1 | A_t) = sum_a q(A_{t-1} = 1 | A_t, A_0 = a) p_theta(A_0 = a | A_t)``.
    """
    if int(count) != count or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}.")
    s, n, dev = model.schedule, model.data.n, model.device
    out = []
    with torch.inference_mode():
        for start in range(0, int(count), batch):
            b = min(batch, int(count) - start)
            a = _symmetric_bernoulli(torch.full((b, n, n), model.data.pi, device=dev), gen)
            for t in range(s.T, 0, -1):
                p0 = torch.sigmoid(model.net(a, torch.full((b,), t, device=dev), model.features))
                p = reverse_probability(a, p0, float(s.alpha[t]), float(s.alpha_bar[t - 1]), model.data.pi)
                a = _symmetric_bernoulli(p, gen)
            out.append(a)
    return torch.cat(out)


def edge_marginals(samples: torch.Tensor, model: TrainedModel) -> np.ndarray:
    """Fraction of ``samples`` containing each base edge (``G.edges()`` order), shape (m,)."""
    freq = samples.float().mean(0).cpu().numpy()
    return freq[model.data.tails, model.data.heads]


def predicted_at_noise(model: TrainedModel, draws: int, gen: torch.Generator) -> np.ndarray:
    """The network's ``P(A_0,e = 1 | A_T, T)`` for each base edge, averaged over ``draws`` noise inputs."""
    n, dev = model.data.n, model.device
    with torch.inference_mode():
        a = _symmetric_bernoulli(torch.full((draws, n, n), model.data.pi, device=dev), gen)
        p = torch.sigmoid(model.net(a, torch.full((draws,), model.schedule.T, device=dev), model.features)).mean(0)
    p = p.cpu().numpy()
    return p[model.data.tails, model.data.heads]


