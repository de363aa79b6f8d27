"""Run claims: measure, judge, store the result, draw its figures — or reuse a cached result.

For each claim, top to bottom:

1. key the run with :func:`reproduce.results.config_hash` (claim id, version, seed, config);
2. if ``results/<preset>/<id>.json`` has that key (and not ``force``), reuse it: status
   ``cached``; only its figures are redrawn, and only when one is missing or stale;
3. otherwise draw ``rng = claim_rng(seed, id)``, call ``measure(config, rng)`` and
   ``judge(values, config)``, build the result, call ``figure(result, out_dir)``;
4. write the result (listing its figures) atomically, then stamp every figure with the
   SHA-256 of the result file's bytes.

A claim that raises is reported (status ``error``, traceback kept) and leaves no result
behind; the run goes on with the next claim.  A ``differs`` verdict is a finding, not an
error.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .atomic import sha256_file
from .claims import Claim
from .paths import REPO_ROOT, figures_dir, relative_posix, result_path
from .plotting import figure_source, stamp_source
from .presets import Preset, get_preset
from .results import build_result, claim_rng, config_hash, dumps, load_result, write_json_atomic

__all__ = ["STATUSES", "RunRecord", "run"]

STATUSES = ("computed", "cached", "error")


@dataclass(frozen=True)
class RunRecord:
    """What happened to one claim in one run.

    Attributes
    ----------
    claim_id : str
    status : str
        ``computed``, ``cached`` or ``error``.
    verdict : str or None
        The verdict of the (new or cached) result; ``None`` on error.
    wall_s : float
        Seconds this run spent on the claim (near zero when cached).
    error : str or None
        The formatted traceback when ``status == "error"``.
    """

    claim_id: str
    status: str
    verdict: str | None
    wall_s: float
    error: str | None = None


def _draw(claim: Claim, result: dict, out_dir: Path, root: Path) -> list[str]:
    """Call the claim's figure function on ``result``; repository-relative paths."""
    paths = claim.figure(result, out_dir)  # type: ignore[misc]
    if not isinstance(paths, (list, tuple)):
        raise TypeError(f"{claim.id}: figure() must return a list of paths, got {type(paths).__name__}.")
    names = []
    for p in paths:
        if not Path(p).is_file():
            raise FileNotFoundError(f"{claim.id}: figure() returned {p}, which was not written.")
        names.append(relative_posix(Path(p), root))
    return names


def _store(result: dict, path: Path, root: Path) -> None:
    """Write ``result`` and stamp its figures with the digest of the written bytes."""
    write_json_atomic(path, result)
    digest = sha256_file(path)
    for name in result["figures"]:
        stamp_source(root / name, digest)


def _figures_stale(result: dict, path: Path, root: Path) -> bool:
    if not result.get("figures"):
        return True
    digest = sha256_file(path)
    for name in result["figures"]:
        target = root / name
        if not target.is_file() or figure_source(target) != digest:
            return True
    return False


def _run_one(
    claim: Claim, preset: Preset, seed: int, root: Path, force: bool, figures: bool
) -> tuple[str, str]:
    """Run one claim; return (status, verdict).  Exceptions propagate to :func:`run`."""
    path = result_path(root, preset.name, claim.id)
    out_dir = figures_dir(root, preset.name)
    draw = figures and claim.figure is not None
    cached = None if force else load_result(path)
    if cached is not None and cached.get("config_hash") == config_hash(claim, preset, seed):
        if draw and _figures_stale(cached, path, root):
            cached["figures"] = _draw(claim, cached, out_dir, root)
            _store(cached, path, root)
        return "cached", cached["verdict"]

    config = claim.config_for(preset.name)
    t0 = time.perf_counter()
    measurement = claim.measure(config, claim_rng(seed, claim.id))
    judgement = claim.judge(measurement.values, config)
    wall_s = time.perf_counter() - t0
    result = build_result(claim, preset, seed, measurement, judgement, wall_s, [])
    # Figures see exactly what a later reader of the file sees (e.g. "nan" strings).
    result = json.loads(dumps(result))
    if draw:
        result["figures"] = _draw(claim, result, out_dir, root)
    _store(result, path, root)
    return "computed", result["verdict"]


def run(
    claims: Sequence[Claim],
    preset: Preset | str,
    *,
    root: Path = REPO_ROOT,
    force: bool = False,
    seed: int | None = None,
    figures: bool = True,
    progress: TextIO | None = None,
) -> list[RunRecord]:
    """Run ``claims`` under ``preset`` and store their results under ``root``.

    Parameters
    ----------
    claims : sequence of Claim
        Claims to run, in order.
    preset : Preset or str
        The scale (``quick``, ``default``, ``paper``).
    root : Path
        Repository root receiving ``results/`` and ``figures/`` (see :mod:`reproduce.paths`).
    force : bool
        Recompute even when a result with the same configuration hash exists.
    seed : int, optional
        Master seed replacing ``preset.seed`` (it enters the configuration hash).
    figures : bool
        Draw figures; ``False`` stores results with an empty figure list.
    progress : text stream, optional
        Receives one line per claim; ``sys.stderr`` when omitted.

    Returns
    -------
    list of RunRecord
        One record per claim, in the order given.

    Raises
    ------
    TypeError, ValueError
        Before anything runs, if a claim is not a :class:`Claim`, the preset is unknown,
        or a claim has no configuration for the preset.
    """
    preset = get_preset(preset) if isinstance(preset, str) else preset
    if not isinstance(preset, Preset):
        raise TypeError(f"preset must be a Preset or a preset name, got {type(preset).__name__}.")
    claims = list(claims)
    for claim in claims:
        if not isinstance(claim, Claim):
            raise TypeError(f"run() takes Claim objects, got {type(claim).__name__}.")
        claim.config_for(preset.name)
    seed = preset.seed if seed is None else seed
    claim_rng(seed, "check.seed")  # validates the seed up front
    out = sys.stderr if progress is None else progress
    root = Path(root)
    records = []
    for i, claim in enumerate(claims, 1):
        t0 = time.perf_counter()
        try:
            status, verdict = _run_one(claim, preset, seed, root, force, figures)
            error = None
        except Exception:
            status, verdict, error = "error", None, traceback.format_exc()
        wall_s = time.perf_counter() - t0
        records.append(RunRecord(claim.id, status, verdict, wall_s, error))
        note = "cached" if status == "cached" else f"{wall_s:.1f} s"
        out.write(f"[{i}/{len(claims)}] {claim.id} ... {verdict or 'ERROR'} ({note})\n")
        if error is not None:
            out.write(error)
        out.flush()
    return records
