"""Result files: what a claim's run leaves behind, and how it is keyed and stored.

A result is one JSON object per claim and preset.  The committed record keeps it at
``results/<preset>/<claim_id>.json``; every run also keeps it in the machine-local cache
(see :mod:`reproduce.paths` and :mod:`reproduce.runner`).  A result names what it depends on:
:func:`config_hash` (claim id, version, seed, configuration) and the code fingerprint of
the claim (:mod:`reproduce.fingerprint`); :func:`cache_key` joins the two.  Each claim draws
from its own random stream (:func:`claim_rng`), so its numbers do not depend on which other
claims ran before it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import math
import os
import platform
import subprocess
import sys
import warnings
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

import numpy as np

from .atomic import write_bytes_atomic
from .claims import Claim, Judgement, Measurement
from .devices import DEVICE_ENV
from .fingerprint import closure_digests, code_fingerprint
from .paths import REPO_ROOT
from .presets import Preset

__all__ = [
    "CODE_PATHS",
    "PROSE_PATHS",
    "SCHEMA",
    "build_result",
    "cache_key",
    "claim_rng",
    "config_hash",
    "dumps",
    "load_result",
    "load_results",
    "provenance",
    "to_jsonable",
    "verdict_label",
    "write_json_atomic",
]

SCHEMA = 3
"""Version of the result-file layout written by :func:`build_result` (2: adds ``code``; 3: adds
``prediction`` and ``overrides``)."""

CODE_PATHS = ("theory", "reproduce", "pyproject.toml", "constraints.txt", "Makefile")
"""What makes the numbers: a change here makes the tree "dirty" in :func:`provenance`."""

PROSE_PATHS = ("reproduce/discussion.md",)
"""Prose inside :data:`CODE_PATHS` that makes no number (the checklist's discussion)."""

_TRACKED = ("numpy", "scipy", "sympy", "networkx", "matplotlib", "torch")

_ENVIRONMENT = (
    "ATEN_CPU_CAPABILITY",
    "REPRODUCE_THREADS",
    "REPRODUCE_DEVICE",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "OPENBLAS_CORETYPE",
    "MKL_NUM_THREADS",
)
"""Environment variables that can change the last bits of a result; recorded in its provenance."""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _float(x: float) -> float | str:
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def to_jsonable(obj: Any) -> Any:
    """Convert ``obj`` recursively to plain JSON types.

    numpy scalars become Python scalars, arrays and tuples become lists, dataclass
    instances become dicts of their fields, paths become POSIX strings.  Non-finite floats
    become the strings ``"nan"``, ``"inf"`` and ``"-inf"`` because strict JSON has no
    spelling for them; readers must map them back (``float("nan")`` accepts all three).

    Raises
    ------
    TypeError
        For any other type (named in the message), or for a mapping key that is not a str.

    Examples
    --------
    >>> to_jsonable({"a": np.array([1.5, np.nan]), "b": (np.int64(2), np.inf)})
    {'a': [1.5, 'nan'], 'b': [2, 'inf']}
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _float(float(obj))
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biuf":
            raise TypeError(f"cannot convert a numpy array of dtype {obj.dtype} to JSON.")
        return [to_jsonable(x) for x in obj.tolist()] if obj.ndim else to_jsonable(obj.item())
    if isinstance(obj, Mapping):
        out = {}
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be str, got {type(key).__name__} {key!r}.")
            out[key] = to_jsonable(value)
        return out
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(x) for x in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, PurePath):
        return obj.as_posix()
    raise TypeError(f"cannot convert an object of type {type(obj).__name__} to JSON.")


def dumps(obj: Any) -> str:
    """The canonical text of a result file: sorted keys, indent 1, trailing newline."""
    return json.dumps(to_jsonable(obj), indent=1, sort_keys=True, allow_nan=False) + "\n"


def config_hash(claim: Claim, preset: Preset, seed: int | None = None) -> str:
    """SHA-256 hex digest identifying what a claim's result depends on.

    The digest covers the claim id, its ``version``, the seed (``seed`` when given, else
    ``preset.seed``) and the claim's configuration for ``preset``, serialised as canonical
    JSON (sorted keys, compact separators).  Code is covered by :func:`cache_key`.
    """
    if not isinstance(preset, Preset):
        raise TypeError(f"preset must be a Preset, got {type(preset).__name__}.")
    payload = {
        "claim_id": claim.id,
        "version": claim.version,
        "seed": preset.seed if seed is None else int(seed),
        "config": to_jsonable(dataclasses.asdict(claim.configure(preset))),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(claim: Claim, preset: Preset, seed: int | None = None) -> str:
    """SHA-256 hex digest of :func:`config_hash` and the claim's code fingerprint.

    Two runs with the same key execute the same code on the same inputs: the local cache
    reuses a result only when its key matches.  A run whose models train on another device than
    the CPU (``$REPRODUCE_DEVICE``, set by the runner) is keyed apart, since its last bits differ.
    """
    text = f"{config_hash(claim, preset, seed)}:{code_fingerprint(claim.module)}"
    device = os.environ.get(DEVICE_ENV, "cpu")
    if device != "cpu":
        text += f":device={device}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_rng(seed: int, claim_id: str) -> np.random.Generator:
    """The random generator of one claim: seeded by the master seed and the claim id.

    Keying on the id (through CRC-32) makes a claim's stream independent of run order and
    of ``--only``: a claim run alone draws exactly what it draws in a full run.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}.")
    return np.random.default_rng([int(seed), zlib.crc32(claim_id.encode("utf-8"))])


def verdict_label(result: dict) -> str:
    """A stored result's verdict as shown, with an extension's prediction: ``extension (holds)``."""
    verdict, prediction = result.get("verdict", "?"), result.get("prediction")
    return f"{verdict} ({prediction})" if prediction else verdict


def write_json_atomic(path: Path, obj: Any) -> Path:
    """Write ``obj`` as canonical JSON (see :func:`dumps`) to ``path`` atomically.

    The object is serialised before anything touches the disk; the file is replaced with
    :func:`reproduce.atomic.write_bytes_atomic`, so on failure the old file stays intact.
    """
    return write_bytes_atomic(Path(path), dumps(obj).encode("utf-8"))


def load_result(path: Path) -> dict | None:
    """The result stored at ``path``; ``None`` if absent or unreadable (with a warning).

    An unreadable file is treated as missing so that the claim is simply recomputed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        warnings.warn(f"ignoring {path}: not valid JSON ({exc}); it will be recomputed.", stacklevel=2)
        return None
    if not isinstance(data, dict):
        warnings.warn(f"ignoring {path}: not a JSON object; it will be recomputed.", stacklevel=2)
        return None
    return data


def load_results(directory: Path) -> list[dict]:
    """Every readable result in ``directory``, sorted by claim id."""
    found = [load_result(p) for p in sorted(Path(directory).glob("*.json"))]
    return sorted((r for r in found if r is not None), key=lambda r: str(r.get("claim_id", "")))


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def provenance() -> dict:
    """Where and with what a result was computed.

    Package versions are read with :mod:`importlib.metadata`, so torch is not imported
    (importing it costs seconds).  ``git_commit``/``git_dirty`` are ``None`` outside a git
    checkout or before the first commit; ``git_dirty`` looks only at :data:`CODE_PATHS` (less
    :data:`PROSE_PATHS`), so it says whether the *code* differs from the commit: what runs write
    (results, figures, the checklist) and prose (the README) do not count.
    """
    versions = {}
    for name in _TRACKED:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    commit = _git("rev-parse", "HEAD")
    exclude = [f":(exclude){p}" for p in PROSE_PATHS]
    status = _git("status", "--porcelain", "--", *CODE_PATHS, *exclude) if commit is not None else None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "environment": {name: os.environ.get(name) for name in _ENVIRONMENT},
        "versions": versions,
        "git_commit": commit.strip() if commit else None,
        "git_dirty": None if status is None else bool(status.strip()),
    }


def build_result(
    claim: Claim,
    preset: Preset,
    seed: int,
    measurement: Measurement,
    judgement: Judgement,
    wall_s: float,
    figures: Sequence[str],
) -> dict:
    """The JSON-able result of one claim's run (schema :data:`SCHEMA`).

    Parameters
    ----------
    claim, preset : Claim, Preset
        What was run, at which scale.
    seed : int
        The master seed actually used (``preset.seed`` unless overridden).
    measurement, judgement : Measurement, Judgement
        What ``claim.measure`` and ``claim.judge`` returned.
    wall_s : float
        Seconds spent in ``measure`` and ``judge``.
    figures : sequence of str
        Repository-relative POSIX paths of the claim's figures.

    Returns
    -------
    dict
        ``measured`` holds ``measurement.values``; ``code`` holds the claim's code fingerprint
        and the digest of each module it covers; ``cache_key`` keys the local cache.
    """
    if not isinstance(measurement, Measurement):
        raise TypeError(f"{claim.id}: measure() must return a Measurement, got {type(measurement).__name__}.")
    if not isinstance(judgement, Judgement):
        raise TypeError(f"{claim.id}: judge() must return a Judgement, got {type(judgement).__name__}.")
    config = claim.configure(preset)
    result = {
        "schema": SCHEMA,
        "claim_id": claim.id,
        "paper": claim.paper,
        "kind": claim.kind,
        "location": claim.location,
        "statement": claim.statement,
        "verdict": judgement.verdict,
        "prediction": judgement.prediction,
        "reason": judgement.reason,
        "paper_value": claim.paper_value,
        "measured": measurement.values,
        "headline": measurement.headline,
        "tolerance": judgement.tolerance,
        "details": measurement.details,
        "figures": [str(f) for f in figures],
        "seed": int(seed),
        "preset": preset.name,
        "overrides": preset.overrides,
        "config": dataclasses.asdict(config),
        "config_hash": config_hash(claim, preset, seed),
        "code": {"fingerprint": code_fingerprint(claim.module), "modules": closure_digests(claim.module)},
        "cache_key": cache_key(claim, preset, seed),
        "version": claim.version,
        "deterministic": claim.deterministic,
        "provenance": provenance(),
        "wall_s": round(float(wall_s), 3),
    }
    return to_jsonable(result)
