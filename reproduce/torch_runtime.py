"""Where and how torch runs: threads, device, and seeding of module initialisation.

Shared by every trained model (the graph-diffusion networks of :mod:`reproduce.myopia` and the EDM
denoisers of :mod:`reproduce.spectral_bias`), so that one policy holds everywhere:

- **threads**: one torch thread per model by default (``$REPRODUCE_THREADS`` raises it).  The
  models are small; two threads are 1.2-1.7x faster on an idle 2-core machine but oversubscribe a
  shared one (``python -m reproduce.bench.denoisers`` prints the ratio).  Results are bit-identical
  for a fixed thread count; other counts may change the last bits.
- **device**: one policy for both model families.  :func:`run_device` reads ``$REPRODUCE_DEVICE``
  (``"cpu"``, ``"cuda"`` or ``"auto"``: CUDA when torch sees one), CPU when it is unset.  The
  command line sets it from the preset (``Preset.device``: the CPU for ``quick`` and ``default``,
  so their record is reproducible anywhere; ``auto`` for ``paper``) or from ``--device``; worker
  processes and cluster jobs inherit it.  A model trained on CUDA is cached apart from the CPU's.
- **cache locks**: :func:`cache_lock` serialises the load-or-train of one cache entry across
  processes, so that two workers never train the same model at once (the second waits, then
  loads what the first saved).
- **initialisation**: :func:`seeded` runs module constructors, which draw from torch's global
  generator, on a private copy of it, so a network is a function of its seed alone.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import torch
from filelock import FileLock

from reproduce.devices import DEVICE_ENV, DEVICES

__all__ = ["DEVICES", "DEVICE_ENV", "cache_lock", "cpu_threads", "entry_name", "pick_device", "run_device", "seeded",
           "torch_threads"]


def cpu_threads() -> int:
    """Torch CPU threads per model: ``$REPRODUCE_THREADS`` (a positive integer) or 1."""
    value = os.environ.get("REPRODUCE_THREADS", "1")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"REPRODUCE_THREADS must be a positive integer, got {value!r}.")
    return int(value)


@contextlib.contextmanager
def torch_threads(threads: int | None):
    """Run the block with ``torch.set_num_threads(threads)`` and restore the old value after.

    ``None`` leaves torch's setting (``OMP_NUM_THREADS``) alone.
    """
    old = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(int(threads))
    try:
        yield
    finally:
        torch.set_num_threads(old)


def pick_device(choice: str = "auto") -> torch.device:
    """``"cpu"``, ``"cuda"`` or ``"auto"`` (CUDA when present) as a :class:`torch.device`.

    Examples
    --------
    >>> pick_device("cpu")
    device(type='cpu')
    """
    if choice not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, got {choice!r}.")
    if choice == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for but torch sees no CUDA device.")
    if choice == "auto":
        choice = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(choice)


def run_device() -> torch.device:
    """The device every model trains and samples on: ``$REPRODUCE_DEVICE`` (default ``"cpu"``).

    Examples
    --------
    >>> import os
    >>> os.environ.get("REPRODUCE_DEVICE", "cpu") == "cpu" and run_device() == torch.device("cpu")
    True
    """
    value = os.environ.get(DEVICE_ENV, "cpu")
    if value not in DEVICES:
        raise ValueError(f"{DEVICE_ENV} must be one of {DEVICES}, got {value!r}.")
    return pick_device(value)


def entry_name(key: str, device: torch.device) -> str:
    """The checkpoint file name of cache key ``key`` trained on ``device`` (``<key>.pt`` on the CPU,
    ``<key>-cuda.pt`` on CUDA: the last bits of training differ between devices)."""
    return f"{key}.pt" if device.type == "cpu" else f"{key}-{device.type}.pt"


@contextlib.contextmanager
def cache_lock(path: Path):
    """Hold the inter-process lock of cache entry ``path`` (a file ``<path>.lock`` beside it).

    A second process asking for the same entry blocks until the first releases it, then finds the
    entry complete.  The lock is advisory (:class:`filelock.FileLock`) and released when its holder
    exits, even when killed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        yield


@contextlib.contextmanager
def seeded(seed: int):
    """Run the block with the CPU generator seeded to ``seed``; restore the global RNG state after."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        yield
