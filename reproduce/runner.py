"""Run claims: compute (or reuse from the local cache), verify against the record, optionally record.

The run is planned first (:mod:`reproduce.plan`: the models the claims train, deduplicated, are
trained ahead, in ``jobs`` processes).  Then, for each claim, as it is evaluated:

1. announce ``[k/M] <id> ...`` with the wall time its last recorded run took;
2. key the run with :func:`reproduce.results.cache_key` (claim id, version, seed, config and the
   fingerprint of the code the claim executes).  If the machine-local cache
   (``.cache/runs/<preset>/results/<id>.json``, git-ignored) holds that key and ``force`` is off,
   reuse it (status ``cached``); otherwise draw ``rng = claim_rng(seed, id)``, call
   ``measure(config, rng)``, round-trip the values through JSON, call ``judge`` on exactly what
   the file will hold, draw the figures into ``.cache/runs/<preset>/figures/`` and store the
   result there atomically (status ``computed``);
3. compare the result with the committed record ``results/<preset>/<id>.json``
   (:func:`reproduce.record.compare`) and print one line: verdict, time and agreement;
4. with ``record=True``, store the result as the new record: copy its figures next to the
   record's (``figures/`` for the default preset), write ``results/<preset>/<id>.json`` and stamp
   every figure with the SHA-256 of that file.

The committed record is never read as a cache: on a fresh clone the local cache is empty, so
every claim is recomputed.  A claim that raises is reported (status ``error``, traceback kept)
and leaves no result behind; the run goes on with the next claim.  A ``differs`` verdict, and a
rerun that does not agree with the record, are findings, not errors.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .atomic import sha256_file, write_bytes_atomic
from .claims import Claim
from .devices import DEVICE_ENV, DEVICES
from .paths import REPO_ROOT, cached_result_path, figures_dir, relative_posix, result_path, run_dir
from .plan import execute, make_plan, scoped_environment
from .plotting import figure_source, stamp_source
from .presets import Preset, get_preset
from .progress import format_seconds
from .record import Agreement, compare
from .results import build_result, cache_key, claim_rng, dumps, load_result, verdict_label

__all__ = ["STATUSES", "RunRecord", "obtain", "run", "usable"]

STATUSES = ("computed", "cached", "error")


@dataclass(frozen=True)
class RunRecord:
    """What happened to one claim in one run.

    Attributes
    ----------
    claim_id : str
    status : str
        ``computed``, ``cached`` (from the local cache) or ``error``.
    verdict : str or None
        The verdict of the (new or cached) result; ``None`` on error.
    wall_s : float
        Seconds this run spent on the claim (near zero when cached).
    error : str or None
        The formatted traceback when ``status == "error"``.
    agreement : Agreement or None
        The comparison with the committed record; ``None`` on error.
    recorded : bool
        Whether this run wrote the claim's result into the record.
    """

    claim_id: str
    status: str
    verdict: str | None
    wall_s: float
    error: str | None = None
    agreement: Agreement | None = None
    recorded: bool = False


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
    """Stamp ``result``'s figures with the digest of its bytes, then write it.

    In this order a figure that cannot be stamped (unwritable, not a PNG) leaves no new result
    behind: the claim fails and is computed again next time, rather than being reused with a
    figure that does not match it.
    """
    data = dumps(result).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    for name in result["figures"]:
        stamp_source(root / name, digest)
    write_bytes_atomic(path, data)


def _figures_stale(result: dict, path: Path, root: Path) -> bool:
    if not result.get("figures"):
        return True
    digest = sha256_file(path)
    for name in result["figures"]:
        target = root / name
        try:
            if not target.is_file() or figure_source(target) != digest:
                return True
        except OSError:  # an unreadable PNG: redraw it
            return True
    return False


def usable(cached: dict | None, key: str, record: bool) -> bool:
    """A local-cache entry may be reused: same key, and made from committed code when recording."""
    if cached is None or cached.get("cache_key") != key:
        return False
    return not record or cached.get("provenance", {}).get("git_dirty") is False


def obtain(claim: Claim, preset: Preset, seed: int, root: Path, force: bool, figures: bool, record: bool):
    """The result of one claim from the local cache or a fresh computation; (status, result)."""
    path = cached_result_path(root, preset.name, claim.id)
    out_dir = run_dir(root, preset.name) / "figures"
    draw = figures and claim.figure is not None
    key = cache_key(claim, preset, seed)
    cached = None if force else load_result(path)
    if usable(cached, key, record):
        if draw and _figures_stale(cached, path, root):
            cached["figures"] = _draw(claim, cached, out_dir, root)
            _store(cached, path, root)
        return "cached", cached

    config = claim.configure(preset)
    t0 = time.perf_counter()
    measurement = claim.measure(config, claim_rng(seed, claim.id))
    values = json.loads(dumps(measurement.values))  # judge exactly what the file will hold
    judgement = claim.judge(values, config)
    wall_s = time.perf_counter() - t0
    result = build_result(claim, preset, seed, measurement, judgement, wall_s, [])
    # Figures see exactly what a later reader of the file sees (e.g. "nan" strings).
    result = json.loads(dumps(result))
    if draw:
        result["figures"] = _draw(claim, result, out_dir, root)
    _store(result, path, root)
    return "computed", result


def _write_record(result: dict, preset: Preset, root: Path) -> None:
    """Store ``result`` as the committed record, with copies of its figures beside the record's."""
    target_dir = figures_dir(root, preset.name)
    names = []
    for name in result.get("figures", []):
        source = root / name
        target = target_dir / source.name
        write_bytes_atomic(target, source.read_bytes())
        names.append(relative_posix(target, root))
    _store({**result, "figures": names}, result_path(root, preset.name, result["claim_id"]), root)


def run(
    claims: Sequence[Claim],
    preset: Preset | str,
    *,
    root: Path = REPO_ROOT,
    force: bool = False,
    seed: int | None = None,
    figures: bool = True,
    progress: TextIO | None = None,
    record: bool = False,
    jobs: int = 1,
    gpus: Sequence[str] = (),
    device: str | None = None,
) -> list[RunRecord]:
    """Run ``claims`` under ``preset``, compare each with the record under ``root``.

    The run is planned first (:func:`reproduce.plan.make_plan`: the trainings the claims need,
    deduplicated, then the claim evaluations, timing claims alone at the end) and executed in
    ``jobs`` processes (:func:`reproduce.plan.execute`); the measured values do not depend on ``jobs``.

    Parameters
    ----------
    claims : sequence of Claim
        Claims to run.
    preset : Preset or str
        The scale (``quick``, ``default``, ``paper``).
    root : Path
        Repository root holding the record (``results/``, ``figures/``) and the local cache
        (``.cache/runs/``); see :mod:`reproduce.paths`.
    force : bool
        Recompute even when the local cache holds a result with the same key.
    seed : int, optional
        Master seed replacing ``preset.seed`` (it enters the cache key).
    figures : bool
        Draw figures; ``False`` stores results with an empty figure list.
    progress : text stream, optional
        Receives the per-claim lines; ``sys.stderr`` when omitted.
    record : bool
        Store every result as the committed record (and its figures beside the record's).
        Local-cache entries are then reused only if they were computed from committed code.
    jobs : int
        Worker processes (1: everything in this process).
    gpus : sequence of str
        CUDA device indices handed to the workers in turn (``--gpus``).
    device : {"cpu", "cuda", "auto"}, optional
        Where models train (``$REPRODUCE_DEVICE`` for this run and its workers); ``None`` keeps
        ``$REPRODUCE_DEVICE`` when set, else takes ``preset.device``.

    Returns
    -------
    list of RunRecord
        One record per claim, in the order given.

    Raises
    ------
    TypeError, ValueError
        Before anything runs, if a claim is not a :class:`Claim`, the preset is unknown,
        a claim has no configuration for the preset, ``jobs`` is not a positive integer or
        ``device`` is not a device policy.
    """
    preset = get_preset(preset) if isinstance(preset, str) else preset
    if not isinstance(preset, Preset):
        raise TypeError(f"preset must be a Preset or a preset name, got {type(preset).__name__}.")
    claims = list(claims)
    for claim in claims:
        if not isinstance(claim, Claim):
            raise TypeError(f"run() takes Claim objects, got {type(claim).__name__}.")
        claim.config_for(preset.name)
    duplicated = sorted(i for i, n in Counter(c.id for c in claims).items() if n > 1)
    if duplicated:
        raise ValueError(f"run() takes each claim once; given twice: {', '.join(duplicated)}.")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}.")
    device = device or os.environ.get(DEVICE_ENV) or preset.device
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, got {device!r}.")
    if gpus and device == "cpu":
        raise ValueError("gpus were given, but the device is the CPU; pass device='cuda'.")
    seed = preset.seed if seed is None else seed
    claim_rng(seed, "check.seed")  # validates the seed up front
    out = sys.stderr if progress is None else progress
    root = Path(root)
    with scoped_environment({DEVICE_ENV: device}):
        the_plan = make_plan(claims, preset, seed, root, force, record)
        out.write(the_plan.describe() + f"; {jobs} process(es)\n")
        out.flush()
        return _execute(the_plan, claims, preset, seed, root, force, figures, record, jobs, gpus, device, out)


def _execute(the_plan, claims, preset, seed, root, force, figures, record, jobs, gpus, device, out) -> list[RunRecord]:
    order = {c.id: i for i, c in enumerate(claims, 1)}
    total = len(claims)
    by_id: dict[str, RunRecord] = {}
    first_reader = {}  # each training's seconds are added to the wall time of the first claim reading it
    for e in the_plan.evaluations:
        for k in e.needs:
            first_reader.setdefault(k, e.claim.id)
    trained_s: dict[str, float] = {}
    # the record as it was before this run (a --record run overwrites it claim by claim)
    previous = {c.id: load_result(result_path(root, preset.name, c.id)) for c in claims}

    def finish(claim: Claim, outcome, seconds: float, error: str | None) -> None:
        head = f"[{order[claim.id]}/{total}] {claim.id}"
        recorded = previous[claim.id]
        agreement, result, written, status = None, None, False, "error"
        if error is None:
            status, result = outcome
            if status == "computed" and trained_s.get(claim.id):
                result = {**result, "wall_s": result["wall_s"] + trained_s[claim.id]}
            try:
                agreement = compare(claim, result, recorded)
                if record:
                    _write_record(result, preset, root)
                    written = True
            except Exception:
                status, error = "error", traceback.format_exc()
        verdict = verdict_label(result) if result is not None and status != "error" else None
        by_id[claim.id] = RunRecord(claim.id, status, verdict, seconds, error, agreement, written)
        note = "cached" if status == "cached" else f"{seconds:.1f} s"
        line = f"{head}: {verdict or 'ERROR'} ({note})"
        if agreement is not None:
            line += f"; {agreement.describe()}"
        if written:
            line += "; recorded"
        out.write(line + "\n")
        if error is not None:
            out.write(error)
        out.flush()

    def on_training(training, seconds: float, error: str | None) -> None:
        reader = first_reader.get(training.key)
        if reader is not None:
            trained_s[reader] = trained_s.get(reader, 0.0) + seconds
        line = f"trained {training.label} ({seconds:.1f} s)" if error is None else f"training {training.label} failed"
        out.write(line + "\n")
        if error is not None:  # its claims will retrain it under the lock and report the error themselves
            out.write(error)
        out.flush()

    def start(claim: Claim) -> None:
        recorded = previous[claim.id]
        last = recorded.get("wall_s") if recorded else None
        expected = f"last recorded run {format_seconds(last)}" if isinstance(last, (int, float)) else "not run before"
        out.write(f"[{order[claim.id]}/{total}] {claim.id} ... ({expected})\n")
        out.flush()

    cached = set(the_plan.cached)
    for claim in claims:
        if claim.id in cached:
            start(claim)
            t0 = time.perf_counter()
            try:
                outcome, error = obtain(claim, preset, seed, root, force, figures, record), None
            except Exception:
                outcome, error = None, traceback.format_exc()
            finish(claim, outcome, time.perf_counter() - t0, error)
    execute(
        the_plan,
        jobs,
        (preset, seed, root, force, figures, record),
        on_training,
        lambda e, outcome, seconds, error: finish(e.claim, outcome, seconds, error),
        gpus=gpus,
        environment={DEVICE_ENV: device},
        on_start=lambda e: start(e.claim),
    )
    return [by_id[c.id] for c in claims]
