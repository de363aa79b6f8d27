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
- **checkpoints**: one folder per model family (:func:`checkpoint_dir`, moved as a whole by
  ``$REPRODUCE_CHECKPOINT_DIR``), one content key per model (:func:`spec_key`: the spec, the
  checkpoint format, the training code's fingerprint and, where given, the training data), and a
  safe save/load pair.  :func:`save_checkpoint` writes atomically; :func:`load_checkpoint` reads
  with ``weights_only=True`` (a file planted under a checkpoint's name cannot run code), discards
  an unreadable, truncated or incomplete file with a warning so that the model is retrained, and
  removes the temporary files an interrupted write left beside the entry.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from filelock import FileLock

from reproduce.atomic import write_bytes_atomic
from reproduce.devices import DEVICE_ENV, DEVICES
from reproduce.fingerprint import code_fingerprint
from reproduce.paths import REPO_ROOT

__all__ = [
    "CHECKPOINT_ENV",
    "DEVICES",
    "DEVICE_ENV",
    "cache_lock",
    "checkpoint_dir",
    "cpu_threads",
    "entry_name",
    "load_checkpoint",
    "pick_device",
    "run_device",
    "save_checkpoint",
    "seeded",
    "spec_key",
    "torch_threads",
]

CHECKPOINT_ENV = "REPRODUCE_CHECKPOINT_DIR"
"""Environment variable that moves every checkpoint folder (default ``<repo>/.cache/checkpoints``)."""

CHECKPOINT_FAMILIES = ("graph_diffusion", "denoisers")
"""The model families with a checkpoint folder of their own."""


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


def checkpoint_dir(family: str) -> Path:
    """The checkpoint folder of a model family: ``<$REPRODUCE_CHECKPOINT_DIR or .cache/checkpoints>/<family>``.

    Examples
    --------
    >>> import os
    >>> CHECKPOINT_ENV in os.environ or checkpoint_dir("denoisers").parts[-2:] == ("checkpoints", "denoisers")
    True
    """
    if family not in CHECKPOINT_FAMILIES:
        raise ValueError(f"unknown model family {family!r}; choose one of {', '.join(CHECKPOINT_FAMILIES)}.")
    root = os.environ.get(CHECKPOINT_ENV)
    if root is not None and not root.strip():
        raise ValueError(f"{CHECKPOINT_ENV} is set but empty; unset it or give a folder.")
    return (Path(root) if root else REPO_ROOT / ".cache" / "checkpoints") / family


def spec_key(spec: Any, *, checkpoint_format: int, code_module: str, data: np.ndarray | None = None) -> str:
    """The 20-hex-digit content key of a trained model: its checkpoint's file name (before the device).

    Parameters
    ----------
    spec : dataclass instance
        Every training setting (hashed through :func:`dataclasses.asdict`, keys sorted).
    checkpoint_format : int
        The layout version of the checkpoint's payload.
    code_module : str
        The training module; its :func:`reproduce.fingerprint.code_fingerprint` enters the key, so
        a checkpoint left by older training code is never loaded.
    data : ndarray, optional
        The training data, hashed by shape and float32 bytes.
    """
    if not dataclasses.is_dataclass(spec) or isinstance(spec, type):
        raise TypeError(f"spec must be a dataclass instance, got {type(spec).__name__}.")
    blob = {"format": checkpoint_format, "code": code_fingerprint(code_module), **dataclasses.asdict(spec)}
    digest = hashlib.sha256(json.dumps(blob, sort_keys=True).encode())
    if data is not None:
        digest.update(str(data.shape).encode())
        digest.update(np.ascontiguousarray(data, dtype=np.float32).tobytes())
    return digest.hexdigest()[:20]


_NUMPY = "__numpy__"


def _encode(value: Any) -> Any:
    """Numpy arrays as tensors and numpy scalars as Python numbers: what ``weights_only`` loads."""
    if isinstance(value, np.ndarray):
        return {_NUMPY: torch.from_numpy(np.ascontiguousarray(value).copy())}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_encode(v) for v in value)
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_NUMPY}:
            return value[_NUMPY].numpy()
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_decode(v) for v in value)
    return value


def save_checkpoint(path: Path, payload: dict) -> None:
    """Write ``payload`` (tensors, state dicts, numbers, strings, numpy arrays, nested in dicts and
    lists) to ``path`` atomically: a reader sees the old checkpoint or the new one."""
    if not isinstance(payload, dict):
        raise TypeError(f"a checkpoint payload is a dict, got {type(payload).__name__}.")
    buffer = io.BytesIO()
    torch.save(_encode(payload), buffer)
    write_bytes_atomic(Path(path), buffer.getvalue())


def load_checkpoint(path: Path, required: Iterable[str] = ()) -> dict | None:
    """The payload saved at ``path``, or ``None`` when there is none or it cannot be trusted.

    Call it while holding :func:`cache_lock` of ``path``: it first removes the temporary files of
    an interrupted write of this entry (only the lock holder writes them).  The file is read with
    ``torch.load(weights_only=True)``; a file that fails to load (truncated, corrupt, or holding
    objects other than tensors and plain containers) or lacks a ``required`` key is deleted with a
    :class:`RuntimeWarning`, and the caller trains from scratch.
    """
    path = Path(path)
    for orphan in path.parent.glob(f".{path.name}.*.tmp"):
        orphan.unlink(missing_ok=True)
    if not path.exists():
        return None
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(payload, dict):
            raise ValueError(f"the payload is a {type(payload).__name__}, not a dict")
        missing = [key for key in required if key not in payload]
        if missing:
            raise ValueError(f"the payload lacks {', '.join(missing)}")
    except Exception as exc:  # noqa: BLE001 -- any failure to read means the file cannot be used
        warnings.warn(
            f"discarding the unreadable checkpoint {path} ({type(exc).__name__}: {exc}); the model is trained again.",
            RuntimeWarning,
            stacklevel=2,
        )
        path.unlink(missing_ok=True)
        return None
    return _decode(payload)
