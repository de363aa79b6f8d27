"""EDM training of the MLP and CNN denoisers with the spectral recorder, cached and resumable.

One training run (spec Sec. 4): Adam with a constant learning rate, no EMA, minibatches drawn
with replacement from the training set, the EDM loss (:mod:`.edm`).  Right after the optimiser
step at every step of ``records`` the model samples ``samples`` points with the deterministic
Heun sampler (a fixed bank of initial noises, so records differ only by the network) and the
recorder stores ``lam~_k`` along every data eigenvector, the alignment score and the first
``snapshot`` samples (:mod:`.generated_spectrum`).

Cache and resume.  Runs are keyed by a hash of the :class:`DenoiserSpec` and of the training
data's bytes.  The state (network, optimiser, training generator, records so far) is written
atomically to ``<cache>/<key>.pt`` at a record when at least ``save_every_s`` seconds have passed
since the last save, and at the end; a rerun loads it and continues from that record, bit for
bit on the CPU (tested).  The folder, the key and the safe save/load are
:mod:`reproduce.torch_runtime`'s (``<repo>/.cache/checkpoints/denoisers``; an unreadable checkpoint
is discarded with a warning and the run retrained).

Device.  The run's device (:func:`reproduce.torch_runtime.run_device`: ``$REPRODUCE_DEVICE``, which
the command line sets from the preset, CPU for quick and default); ``device=`` overrides it for one
call.  Loading or training an entry holds its :func:`~reproduce.torch_runtime.cache_lock`.
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
    cpu_threads,
    entry_name,
    load_checkpoint,
    run_device,
    save_checkpoint,
    spec_key,
    torch_threads,
)

from .edm import Preconditioned, edm_loss, heun_sample, sigma_steps
from .generated_spectrum import Eigenbasis, alignment_score, eigenbasis, mode_variances
from .mlp_ablations import LegacyResidualMLP
from .mlp_unet import MLPUNet

__all__ = ["ARCHS", "MLP_VARIANTS", "DenoiserSpec", "Recording", "build_network", "train_and_record"]

FORMAT = 2
"""Checkpoint format version; enters the cache key."""

ARCHS = ("mlp", "cnn")

MLP_VARIANTS = ("printed", "no_first_skip", "norm_head", "legacy")
"""``printed``: the paper's network (every claim but the ablation); the others: ``spectral.architecture_ablation``."""


@dataclass(frozen=True)
class DenoiserSpec:
    """Architecture, optimisation and recording of one training run.

    Attributes
    ----------
    arch : {"mlp", "cnn"}
        :class:`~.mlp_unet.MLPUNet` on flattened data or :class:`~.cnn_unet.ConvUNet` on images.
    width, nlayers, emb_dim : int
        MLP sizes in the paper's terms: ``nhidden``, ``nlayers`` (blocks + the final layer) and
        ``time_embed_dim``.
    variant : {"printed", "no_first_skip", "norm_head", "legacy"}
        The MLP: the printed network, or one of the ablations (:data:`MLP_VARIANTS`); ``legacy`` is
        :class:`~.mlp_ablations.LegacyResidualMLP` with ``nlayers`` residual blocks.
    base, levels : int
        CNN sizes (channels at the top level, number of resolutions).
    steps, batch : int
        Adam steps and minibatch size.
    lr : float
        Constant Adam learning rate (paper: 1e-4).
    records : tuple of int
        Training steps after which the recorder samples (increasing, within ``1..steps``).
    samples : int
        Samples per record.
    heun_steps : int
        Noise levels of the Heun sampler (``2 heun_steps - 1`` network evaluations).
    snapshot : int
        Samples kept per record for the sample-grid figures.
    seed : int
        Seeds the initialisation, the training draws and the sampler's noise bank.
    """

    arch: str = "mlp"
    width: int = 256
    nlayers: int = 5
    emb_dim: int = 256
    variant: str = "printed"
    base: int = 32
    levels: int = 2
    steps: int = 5000
    batch: int = 1024
    lr: float = 1e-4
    records: tuple[int, ...] = (1, 10, 100, 1000, 5000)
    samples: int = 10_000
    heun_steps: int = 20
    snapshot: int = 16
    seed: int = 0

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {ARCHS}, got {self.arch!r}.")
        if self.variant not in MLP_VARIANTS:
            raise ValueError(f"variant must be one of {MLP_VARIANTS}, got {self.variant!r}.")
        if self.arch == "mlp" and self.variant != "legacy" and self.nlayers < 2:
            raise ValueError(
                f"nlayers counts the blocks and the final layer, so it must be >= 2, got {self.nlayers!r}."
            )
        for name in ("width", "nlayers", "emb_dim", "base", "levels", "steps", "batch", "samples", "heun_steps"):
            v = getattr(self, name)
            if int(v) != v or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}.")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}.")
        r = np.asarray(self.records)
        if r.ndim != 1 or r.size < 2 or np.any(np.diff(r) <= 0) or r[0] < 1 or r[-1] > self.steps:
            raise ValueError(f"records must be at least 2 increasing steps within 1..{self.steps}.")
        if self.snapshot > self.samples:
            raise ValueError("snapshot cannot exceed samples.")

    def key(self, data: np.ndarray) -> str:
        """Hex hash of the spec, the checkpoint format, the training code and the training data.

        The code enters through :func:`reproduce.fingerprint.code_fingerprint` of this module, so a
        checkpoint left by older training code is never loaded.
        """
        return spec_key(self, checkpoint_format=FORMAT, code_module=__name__, data=data)


@dataclass
class Recording:
    """What the recorder saw during one run.

    Attributes
    ----------
    steps : ndarray (R,)
        Recorded training steps.
    variances : ndarray (R, d)
        ``lam~_k`` along each data eigenvector (modes sorted by decreasing data variance).
    alignment : ndarray (R,)
        Alignment score of the generated covariance.
    snapshots : ndarray (R, snapshot, *shape)
        The first samples at each record (float32).
    basis : Eigenbasis
        Of the training data.
    train_seconds, sample_seconds : float
        Wall time of the optimiser steps and of the recorder's sampling (summed over resumes).
    parameters : int
    device : str
    """

    steps: np.ndarray
    variances: np.ndarray
    alignment: np.ndarray
    snapshots: np.ndarray
    basis: Eigenbasis
    train_seconds: float
    sample_seconds: float
    parameters: int
    device: str

    def throughput(self, spec: DenoiserSpec) -> dict:
        """Training steps per second and generated samples per second (Heun, ``spec.heun_steps``)."""
        n = len(self.steps)
        return {
            "train_steps_per_s": spec.steps / self.train_seconds if self.train_seconds else float("nan"),
            "samples_per_s": n * spec.samples / self.sample_seconds if self.sample_seconds else float("nan"),
        }


def build_network(spec: DenoiserSpec, shape: tuple[int, ...]) -> Preconditioned:
    """The preconditioned denoiser of ``spec`` for data of per-sample ``shape`` (initialised from ``spec.seed``)."""
    if spec.arch == "mlp":
        d = int(np.prod(shape))
        if spec.variant == "legacy":
            net = LegacyResidualMLP(d, spec.nlayers, spec.width, spec.emb_dim, seed=spec.seed)
        else:
            net = MLPUNet(
                d,
                spec.nlayers,
                spec.width,
                spec.emb_dim,
                seed=spec.seed,
                first_skip=spec.variant != "no_first_skip",
                head="norm" if spec.variant == "norm_head" else "linear",
            )
    else:
        from .cnn_unet import ConvUNet

        if len(shape) != 3 or shape[1] != shape[2]:
            raise ValueError(f"the CNN needs square images (C, H, W), got per-sample shape {shape}.")
        net = ConvUNet(
            shape[0], shape[1], base=spec.base, levels=spec.levels, generator=torch.Generator().manual_seed(spec.seed)
        )
    return Preconditioned(net)


def _model_input(data: np.ndarray, arch: str) -> np.ndarray:
    return data.reshape(data.shape[0], -1) if arch == "mlp" else data


def train_and_record(
    spec: DenoiserSpec,
    data: np.ndarray,
    *,
    device: str | None = None,
    cache: Path | None = None,
    stop_after_records: int | None = None,
    threads: int | None = None,
    save_every_s: float = 30.0,
    desc: str = "train",
) -> Recording:
    """Train ``spec`` on ``data`` (n, *shape) with recording; load, resume or run as the cache allows.

    ``stop_after_records`` ends this call after that many *new* records (after saving), as if the
    process had been killed; a later call resumes.  ``threads`` sets torch's CPU threads for the run;
    ``None`` reads :func:`reproduce.torch_runtime.cpu_threads` (``$REPRODUCE_THREADS``, default 1).
    ``device`` (``"cpu"``, ``"cuda"``, ``"auto"``) overrides the run's device for this call.
    """
    data = np.asarray(data)
    if data.ndim < 2 or data.shape[0] < 2 or not np.all(np.isfinite(data)):
        raise ValueError("data must be a finite array (n >= 2, ...).")
    dev = run_device() if device is None else torch_runtime.pick_device(device)
    path = (torch_runtime.checkpoint_dir("denoisers") if cache is None else Path(cache)) / entry_name(
        spec.key(data), dev
    )
    with torch_threads(cpu_threads() if threads is None else threads), cache_lock(path):
        return _run(spec, data, dev, path, stop_after_records, save_every_s, desc)


def _run(spec, data, device, path, stop_after_records, save_every_s, desc) -> Recording:
    basis = eigenbasis(data)
    x = torch.as_tensor(_model_input(data, spec.arch), dtype=torch.float32, device=device)
    model = build_network(spec, data.shape[1:]).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=spec.lr)
    gen = torch.Generator(device=device).manual_seed(spec.seed + 1)
    noise = torch.randn((spec.samples, *x.shape[1:]), generator=torch.Generator().manual_seed(spec.seed + 2)).to(device)
    sigmas = sigma_steps(spec.heun_steps)
    state = {"step": 0, "variances": [], "alignment": [], "snapshots": [], "train_seconds": 0.0, "sample_seconds": 0.0}
    saved = load_checkpoint(path, required=CHECKPOINT_KEYS)
    if saved is not None:
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optim"])
        gen.set_state(saved["gen"])
        state = saved["state"]
    done = len(state["variances"])
    records = list(spec.records)
    last_save, new = time.perf_counter(), 0
    bar = Progress(
        spec.steps, f"{desc} (train, and sample at {len(records)} records)", unit="step", initial=int(state["step"])
    )
    for r in range(done, len(records)):
        t0 = time.perf_counter()
        model.train()
        while state["step"] < records[r]:
            idx = torch.randint(0, x.shape[0], (spec.batch,), generator=gen, device=device)
            loss = edm_loss(model, x[idx], gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            state["step"] += 1
            bar.update()
        if not bool(torch.isfinite(loss)):
            raise FloatingPointError(f"training diverged (loss {float(loss)}) by step {state['step']}; lower lr.")
        t1 = time.perf_counter()
        model.eval()
        samples = _sample(model, noise, sigmas)
        t2 = time.perf_counter()
        flat = samples.reshape(samples.shape[0], -1)
        state["variances"].append(mode_variances(flat, basis))
        state["alignment"].append(alignment_score(flat, basis))
        state["snapshots"].append(samples[: spec.snapshot].astype(np.float32).reshape(spec.snapshot, *data.shape[1:]))
        state["train_seconds"] += t1 - t0
        state["sample_seconds"] += t2 - t1
        new += 1
        finished = r == len(records) - 1
        stopping = stop_after_records is not None and new >= stop_after_records
        if finished or stopping or time.perf_counter() - last_save >= save_every_s:
            _save(path, model, opt, gen, state)
            last_save = time.perf_counter()
        if stopping:
            break
    bar.close()
    n = len(state["variances"])
    return Recording(
        np.asarray(records[:n]),
        np.asarray(state["variances"]),
        np.asarray(state["alignment"]),
        np.asarray(state["snapshots"]),
        basis,
        state["train_seconds"],
        state["sample_seconds"],
        sum(p.numel() for p in model.parameters()),
        str(device),
    )


def _sample(model: Preconditioned, noise: torch.Tensor, sigmas: torch.Tensor, chunk: int = 5000) -> np.ndarray:
    """Heun samples for every row of the noise bank, as float64 numpy (chunked to bound memory)."""
    out = [heun_sample(model, noise[i : i + chunk], sigmas) for i in range(0, noise.shape[0], chunk)]
    return torch.cat(out).double().cpu().numpy()


CHECKPOINT_KEYS = ("model", "optim", "gen", "state")


def _save(path: Path, model, opt, gen, state) -> None:
    save_checkpoint(
        path, {"model": model.state_dict(), "optim": opt.state_dict(), "gen": gen.get_state(), "state": state}
    )
