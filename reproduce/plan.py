"""Plan, then run: the units of work of a run, and their dispatch to worker processes.

A run of the selected claims is planned before anything is computed (:func:`make_plan`):

- every **training** the claims need (``Claim.trainings``), deduplicated by model: claims share
  trained models through the model caches, so ``spectral.gaussian_mlp`` and ``spectral.alignment``
  list the same Gaussian replicates and the plan trains them once;
- every **evaluation** (a claim's ``measure``, ``judge`` and figures), which waits for the trainings
  it reads;
- the **timing** claims (``deterministic=False``: ``myopia.reff_cost``,
  ``myopia.zero_inference_overhead``), evaluated alone at the end, on an otherwise idle machine;
- claims whose result the machine-local cache already holds cost nothing and need no training.

:func:`execute` runs the plan in ``jobs`` worker processes
(:class:`concurrent.futures.ProcessPoolExecutor`, started with ``spawn`` so each worker imports torch
afresh; with ``gpus`` each worker is handed one device through ``CUDA_VISIBLE_DEVICES`` before torch is
imported), or in this process when ``jobs == 1``. Trainings use one torch thread each
(:mod:`reproduce.torch_runtime`). Ready units are taken longest path first (a unit's cost plus the
costliest unit waiting for it), estimated from the committed record's wall times. Correctness does not
rest on the plan: the trainers lock each cache entry (:func:`reproduce.torch_runtime.cache_lock`), so
an evaluation whose model is still training elsewhere waits and loads it, and one whose model was never
planned trains it. Every unit is a function of its inputs alone (its seeds and thread counts), so the
measured values do not depend on ``jobs`` (the quick-preset test trains everything once with ``jobs=2``
and once with ``jobs=1``, into separate model caches, and compares). A worker that dies (killed, out of
memory) breaks the pool: the units not yet finished are reported as errors, and the timing claims still
run.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .claims import Claim, Training
from .devices import DEVICE_ENV
from .paths import REPO_ROOT, cached_result_path, result_path
from .presets import Preset
from .progress import task
from .results import cache_key, claim_rng, load_result

__all__ = [
    "Evaluation",
    "Plan",
    "check_gpus",
    "execute",
    "make_plan",
    "parse_gpus",
    "run_evaluation",
    "run_training",
    "scoped_environment",
]

_UNKNOWN_COST_S = 1.0
"""Cost assumed for a unit the record has no wall time for (only the order of units depends on it)."""


@dataclass(frozen=True)
class Evaluation:
    """One claim to compute: the trainings it reads (their keys) and its estimated cost.

    Attributes
    ----------
    claim : Claim
    needs : tuple
        Keys (:attr:`reproduce.claims.Training.key`) of the trainings the claim reads.
    cost_s : float
        Estimated seconds of the evaluation alone.
    alone : bool
        A timing claim: evaluated after every other unit, with no other work running.
    """

    claim: Claim
    needs: tuple = ()
    cost_s: float = _UNKNOWN_COST_S
    alone: bool = False


@dataclass(frozen=True)
class Plan:
    """The units of work of one run (see the module docstring).

    Attributes
    ----------
    trainings : tuple of Training
        Deduplicated, in the order the claims first need them.
    training_cost_s : dict
        Estimated seconds of each training, by key.
    evaluations : tuple of Evaluation
        One per claim to compute, in the order given (timing claims included, ``alone=True``).
    cached : tuple of str
        Ids of the claims whose result the local cache holds for the same code and inputs.
    requested : int
        Trainings listed by the claims before deduplication.
    """

    trainings: tuple[Training, ...]
    training_cost_s: dict = field(default_factory=dict)
    evaluations: tuple[Evaluation, ...] = ()
    cached: tuple[str, ...] = ()
    requested: int = 0

    def describe(self) -> str:
        """One line: what will run."""
        alone = sum(e.alone for e in self.evaluations)
        return (
            f"plan: {len(self.trainings)} training run(s) ({self.requested} listed by the claims, shared models "
            f"once), {len(self.evaluations) - alone} claim evaluation(s), {alone} timing claim(s) alone at the "
            f"end; {len(self.cached)} claim(s) from the local cache"
        )


def _recorded_wall(root: Path, preset: Preset, claim_id: str) -> float | None:
    """The wall time of the claim's record under ``root``, else under the package's own repository."""
    for base in dict.fromkeys((Path(root), REPO_ROOT)):
        recorded = load_result(result_path(base, preset.name, claim_id))
        wall = recorded.get("wall_s") if recorded else None
        if isinstance(wall, (int, float)) and wall > 0:
            return float(wall)
    return None


def make_plan(
    claims: Sequence[Claim], preset: Preset, seed: int, root: Path, force: bool = False, record: bool = False
) -> Plan:
    """The plan of running ``claims`` under ``preset`` with master ``seed`` (nothing is computed).

    A claim's trainings come from ``claim.trainings(config, claim_rng(seed, id))``, the generator its
    ``measure`` receives.  Costs are the committed record's wall time of the claim (which includes the
    trainings it was the first to need), split evenly between the claim's evaluation and its trainings.
    """
    from .runner import usable  # the runner imports this module

    trainings: dict[tuple, Training] = {}
    costs: dict[tuple, float] = {}
    evaluations, cached, requested = [], [], 0
    for claim in claims:
        if not force and usable(
            load_result(cached_result_path(root, preset.name, claim.id)), cache_key(claim, preset, seed), record
        ):
            cached.append(claim.id)
            continue
        needed = (
            [] if claim.trainings is None else list(claim.trainings(claim.configure(preset), claim_rng(seed, claim.id)))
        )
        for t in needed:
            if not isinstance(t, Training):
                raise TypeError(f"{claim.id}: trainings() must return Training objects, got {type(t).__name__}.")
        requested += len(needed)
        wall = _recorded_wall(root, preset, claim.id)
        share = _UNKNOWN_COST_S if wall is None else wall / (len(needed) + 1)
        keys = []
        for t in needed:
            trainings.setdefault(t.key, t)
            costs[t.key] = max(costs.get(t.key, 0.0), share)
            keys.append(t.key)
        evaluations.append(Evaluation(claim, tuple(dict.fromkeys(keys)), share, alone=not claim.deterministic))
    return Plan(tuple(trainings.values()), costs, tuple(evaluations), tuple(cached), requested)


def parse_gpus(text: str | None) -> tuple[str, ...]:
    """``"0,1"`` -> ``("0", "1")``; ``ValueError`` for anything but comma-separated device indices.

    Examples
    --------
    >>> parse_gpus("0, 2")
    ('0', '2')
    """
    if text is None:
        return ()
    items = tuple(s.strip() for s in str(text).split(","))
    if not items or any(not s.isdigit() for s in items) or len(set(items)) != len(items):
        raise ValueError(f"--gpus takes distinct comma-separated CUDA device indices such as 0,1; got {text!r}.")
    return items


def check_gpus(gpus: Sequence[str]) -> None:
    """``ValueError`` when a device of ``gpus`` is not one torch sees."""
    if not gpus:
        return
    import torch

    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    missing = [g for g in gpus if int(g) >= count]
    if missing:
        raise ValueError(f"--gpus names device(s) {', '.join(missing)}, but torch sees {count} CUDA device(s).")


def physical_gpus(gpus: Sequence[str]) -> tuple[str, ...]:
    """The ``CUDA_VISIBLE_DEVICES`` entries of ``gpus``, which index the devices this process sees.

    Under a scheduler that gives the job ``CUDA_VISIBLE_DEVICES=2,3``, ``--gpus 0,1`` means those two.

    Examples
    --------
    >>> import os
    >>> os.environ["CUDA_VISIBLE_DEVICES"] = "2,3"; physical_gpus(("1",)); del os.environ["CUDA_VISIBLE_DEVICES"]
    ('3',)
    """
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if not visible:
        return tuple(gpus)
    entries = [v.strip() for v in visible.split(",")]
    return tuple(entries[int(g)] for g in gpus)


# --- the work a unit does, in whichever process runs it -------------------------------------------------------------


def _init_worker(gpu_queue, environment: dict[str, str]) -> None:
    """Worker set-up, before torch is imported: the run's environment and this worker's GPU."""
    os.environ.update(environment)
    if gpu_queue is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = gpu_queue.get()


@contextlib.contextmanager
def scoped_environment(values: dict[str, str]):
    """Set environment variables for the block (processes started inside inherit them); restore after."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_training(training: Training, device: str | None = None) -> float:
    """Train (or load) one model, on ``device`` (``$REPRODUCE_DEVICE`` when ``None``); its wall seconds."""
    t0 = time.perf_counter()
    with scoped_environment({} if device is None else {DEVICE_ENV: device}), task(training.label):
        training()
    return time.perf_counter() - t0


def run_evaluation(claim: Claim, preset: Preset, seed: int, root: Path, force: bool, figures: bool, record: bool):
    """Compute (or take from the local cache) one claim's result: ``(status, result)``."""
    from .runner import obtain

    with task(claim.id):
        return obtain(claim, preset, seed, root, force, figures, record)


class _Inline(cf.Executor):
    """An executor that runs each call at once, in this process (``jobs == 1``)."""

    def submit(self, fn, /, *args, **kwargs):
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed to the caller through the future; Ctrl-C stops the run
            future.set_exception(exc)
        return future


def _pool(jobs: int, gpus: Sequence[str], environment: dict[str, str]) -> cf.Executor:
    if jobs == 1 and not gpus:
        return _Inline()
    ctx = multiprocessing.get_context("spawn")
    queue = None
    if gpus:
        queue = ctx.Queue()
        physical = physical_gpus(gpus)
        for i in range(jobs):
            queue.put(physical[i % len(physical)])
    return cf.ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(queue, environment)
    )


def execute(
    plan: Plan,
    jobs: int,
    evaluate_args: tuple,
    on_training: Callable,
    on_evaluation: Callable,
    gpus: Sequence[str] = (),
    environment: dict[str, str] | None = None,
    on_start: Callable | None = None,
) -> None:
    """Run ``plan`` in ``jobs`` processes (this one when ``jobs == 1``).

    Parameters
    ----------
    plan : Plan
    jobs : int
        Worker processes (at least 1).
    evaluate_args : tuple
        ``(preset, seed, root, force, figures, record)`` for :func:`run_evaluation`.
    on_training : callable
        ``on_training(training, seconds, error)`` in this process when a training ends
        (``error`` is the formatted traceback or ``None``).
    on_evaluation : callable
        ``on_evaluation(evaluation, outcome, seconds, error)`` when an evaluation ends; ``outcome`` is
        ``(status, result)`` or ``None`` on error.  Timing claims run last, in this process.
    gpus : sequence of str
        CUDA device indices handed out to the workers in turn.
    environment : dict, optional
        Environment variables every worker sets before it imports anything (the device policy).
    on_start : callable, optional
        ``on_start(evaluation)`` when an evaluation is handed to a worker.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}.")
    waiting_for = {e.claim.id: set(e.needs) for e in plan.evaluations if not e.alone}
    evaluations = {e.claim.id: e for e in plan.evaluations}
    # longest path first: a training's priority is its cost plus the costliest evaluation reading it
    priority = {("train", k): c for k, c in plan.training_cost_s.items()}
    for e in plan.evaluations:
        priority[("eval", e.claim.id)] = e.cost_s
        for k in e.needs:
            priority[("train", k)] = max(priority[("train", k)], plan.training_cost_s[k] + e.cost_s)
    by_key = {t.key: t for t in plan.trainings}
    ready = [("train", t.key) for t in plan.trainings] + [("eval", i) for i, n in waiting_for.items() if not n]
    started: dict[cf.Future, tuple] = {}
    begun: dict[tuple, float] = {}
    broken = None  # a worker died (killed, out of memory): what is left is reported, not run
    with _pool(jobs, gpus, dict(environment or {})) as pool:
        while ready or started:
            ready.sort(key=lambda unit: -priority[unit])
            while ready and len(started) < jobs:
                unit = ready.pop(0)
                begun[unit] = time.perf_counter()
                if unit[0] == "eval" and on_start is not None:
                    on_start(evaluations[unit[1]])
                if broken is not None:
                    future: cf.Future = cf.Future()
                    future.set_exception(broken)
                elif unit[0] == "train":
                    future = pool.submit(run_training, by_key[unit[1]])
                else:
                    future = pool.submit(run_evaluation, evaluations[unit[1]].claim, *evaluate_args)
                started[future] = unit
            done, _ = cf.wait(list(started), return_when=cf.FIRST_COMPLETED)
            for future in done:
                unit = started.pop(future)
                seconds = time.perf_counter() - begun[unit]
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = broken or future.exception()
                error = None if future.exception() is None else "".join(traceback.format_exception(future.exception()))
                if unit[0] == "train":
                    on_training(by_key[unit[1]], seconds, error)
                    for claim_id, needs in waiting_for.items():
                        if unit[1] in needs:
                            needs.discard(unit[1])
                            if not needs:
                                ready.append(("eval", claim_id))
                else:
                    on_evaluation(evaluations[unit[1]], None if error else future.result(), seconds, error)
    # the timing claims, alone, in this process (on the first GPU of --gpus, if any)
    alone_environment = {"CUDA_VISIBLE_DEVICES": physical_gpus(gpus)[0]} if gpus else {}
    for e in plan.evaluations:
        if e.alone:
            if on_start is not None:
                on_start(e)
            t0 = time.perf_counter()
            try:
                with scoped_environment(alone_environment):
                    outcome, error = run_evaluation(e.claim, *evaluate_args), None
            except Exception:
                outcome, error = None, traceback.format_exc()
            on_evaluation(e, outcome, time.perf_counter() - t0, error)
