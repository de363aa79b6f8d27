"""Where and how torch runs: threads, device, and seeding of module initialisation.

Shared by every trained model (the graph-diffusion networks of :mod:`reproduce.myopia` and the EDM
denoisers of :mod:`reproduce.spectral_bias`), so that one policy holds everywhere:

- **threads**: one torch thread per model by default (``$REPRODUCE_THREADS`` raises it).  The
  models are small; two threads are 1.2-1.7x faster on an idle 2-core machine but oversubscribe a
  shared one (``python -m reproduce.bench.denoisers`` prints the ratio).  Results are bit-identical
  for a fixed thread count; other counts may change the last bits.
- **device**: ``"cpu"``, ``"cuda"`` or ``"auto"`` (CUDA when torch sees one).
- **initialisation**: :func:`seeded` runs module constructors, which draw from torch's global
  generator, on a private copy of it, so a network is a function of its seed alone.
"""

from __future__ import annotations

import contextlib
import os

import torch

__all__ = ["DEVICES", "cpu_threads", "pick_device", "seeded", "torch_threads"]

DEVICES = ("cpu", "cuda", "auto")


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


@contextlib.contextmanager
def seeded(seed: int):
    """Run the block with the CPU generator seeded to ``seed``; restore the global RNG state after."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        yield
