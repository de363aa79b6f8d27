"""Cluster runs through submitit: the planned trainings as one job array, the claim evaluations after it.

``python -m reproduce.all --preset paper --executor slurm --slurm partition=gpu time=600`` plans the
run (:func:`reproduce.plan.make_plan`) and submits, through `submitit <https://github.com/facebookincubator/submitit>`_
(an optional extra: ``pip install -c constraints.txt '.[cluster]'``):

1. every training as one task of one SLURM job array (``--array=0-N%P``, one GPU per task by
   default): a task trains one model into the package's checkpoint caches, which live in the
   repository (``.cache/``) on the shared file system;
2. one job, started when the array has ended (``--dependency=afterany``), that evaluates the claims
   (reading the trained models), compares them with the record and, with ``--record``, writes
   ``results/<preset>/`` and the figures (and the checklist for the default preset).

The command returns once the jobs are queued; they outlive the shell.  Models are checkpointed as
they train: a task killed by the scheduler leaves its last checkpoint, the evaluation job (which
starts whatever the array's outcome) trains what is missing from there, under the cache lock, and
submitting the same command again plans the claims still missing and resumes each model where it
stopped.  The locks are ``flock`` locks (:mod:`filelock`): the shared file system must support them
(NFSv4 and most Lustre and GPFS mounts do; if yours does not, run the evaluation job after the array
has finished, which the dependency already ensures on SLURM).  ``--status`` reads the submission record
(``.cache/cluster/<preset>/latest.json``) and shows what is done, running and failed; the job logs
are in the submission's folder beside it.

``--executor submitit-local`` runs the same jobs as processes of this machine (submitit's local
executor; no dependency between jobs there, the cache locks order them): the cluster path, tried
without a cluster.  The tests use it and submitit's debug executor, and check the generated
``sbatch`` script against a mocked SLURM.
"""

from __future__ import annotations

import datetime
import json
import os
import pickle
from collections.abc import Sequence
from pathlib import Path

from .claims import Claim
from .devices import DEVICE_ENV
from .paths import REPO_ROOT
from .plan import make_plan, run_training
from .presets import Preset
from .results import write_json_atomic

__all__ = [
    "DEFAULTS",
    "SETTINGS",
    "evaluate",
    "parse_settings",
    "require_submitit",
    "status",
    "submission_path",
    "submit",
    "submit_jobs",
]

SETTINGS = {
    "partition": ("slurm_partition", str),
    "time": ("timeout_min", int),
    "account": ("slurm_account", str),
    "qos": ("slurm_qos", str),
    "constraint": ("slurm_constraint", str),
    "exclude": ("slurm_exclude", str),
    "mem_gb": ("mem_gb", int),
    "cpus_per_task": ("cpus_per_task", int),
    "gpus_per_node": ("gpus_per_node", int),
    "array_parallelism": ("slurm_array_parallelism", int),
}
"""``--slurm KEY=VALUE`` keys: the submitit parameter each sets, and its type (``time`` in minutes)."""

DEFAULTS = {"timeout_min": 240, "cpus_per_task": 2, "mem_gb": 16}
"""Submitit parameters unless ``--slurm`` says otherwise; on SLURM each job also asks for one GPU
(``gpus_per_node=1``) unless the run's device is the CPU."""

_FAILED_STATES = ("FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE")
"""SLURM states of a job that ended without its result (``--status`` counts them as failed)."""

_KINDS = {"slurm": "slurm", "submitit-local": "local", "debug": "debug"}


def require_submitit():
    """The submitit module; ``ValueError`` saying how to install it when it is missing."""
    try:
        import submitit
    except ImportError:
        raise ValueError("the cluster executors need submitit: pip install -c constraints.txt '.[cluster]'.") from None
    return submitit


def parse_settings(items: Sequence[str]) -> dict:
    """``["partition=gpu", "time=600"]`` -> submitit parameters ``{"slurm_partition": "gpu", "timeout_min": 600}``.

    Raises
    ------
    ValueError
        For an item without ``=``, a key not in :data:`SETTINGS`, or a value of the wrong type.

    Examples
    --------
    >>> parse_settings(["partition=gpu", "time=90"])
    {'slurm_partition': 'gpu', 'timeout_min': 90}
    """
    out = {}
    for item in items:
        key, sep, value = str(item).partition("=")
        if not sep or not key or not value:
            raise ValueError(f"--slurm takes KEY=VALUE items, got {item!r}.")
        if key not in SETTINGS:
            raise ValueError(f"unknown --slurm key {key!r}; known keys: {', '.join(SETTINGS)}.")
        name, kind = SETTINGS[key]
        if kind is int:
            if not value.isdigit() or int(value) < (0 if key == "gpus_per_node" else 1):
                raise ValueError(f"--slurm {key} takes a positive integer, got {value!r}.")
            out[name] = int(value)
        else:
            out[name] = value
    return out


def submission_path(root: Path, preset: str) -> Path:
    """Where the last submission of ``preset`` is described (``.cache/cluster/<preset>/latest.json``)."""
    return Path(root) / ".cache" / "cluster" / preset / "latest.json"


def _executor(kind: str, folder: Path, parameters: dict, name: str, device: str, **extra):
    submitit = require_submitit()
    executor = submitit.AutoExecutor(folder=str(folder), cluster=_KINDS[kind])
    defaults = dict(DEFAULTS)
    if kind == "slurm" and device != "cpu":
        defaults["gpus_per_node"] = 1
    executor.update_parameters(**{**defaults, **parameters, **extra}, name=name)
    return executor


def evaluate(
    claim_ids: Sequence[str],
    preset: Preset,
    seed: int | None,
    root: str,
    force: bool,
    record: bool,
    device: str,
    figures: bool,
) -> dict:
    """The evaluation job: run the claims in this process (their models trained by the array), record.

    Returns ``{claim id: verdict or "error"}``; raises when a claim raised, so the job reads as failed.
    """
    from .checklist import update_checklist
    from .registry import all_claims
    from .runner import run

    by_id = {c.id: c for c in all_claims()}
    records = run(
        [by_id[i] for i in claim_ids],
        preset,
        root=Path(root),
        force=force,
        seed=seed,
        figures=figures,
        record=record,
        device=device,
    )
    if record and preset.name == "default":
        update_checklist(Path(root))
    outcome = {r.claim_id: r.verdict if r.status != "error" else "error" for r in records}
    errors = [r.claim_id for r in records if r.status == "error"]
    if errors:
        raise RuntimeError(f"claim(s) raised: {', '.join(errors)}; see the job's log for the tracebacks.")
    return outcome


def submit(claims: Sequence[Claim], preset: Preset, kind: str, parameters: dict, **options) -> int:
    """Plan ``claims``, submit the trainings (one job array) and the evaluation job; exit status 0.

    ``kind`` is ``"slurm"``, ``"submitit-local"`` or ``"debug"`` (submitit's in-process executor);
    ``parameters`` are submitit parameters (:func:`parse_settings`); ``options`` are the keyword
    options of :func:`submit_jobs`.  The submission is described in :func:`submission_path` for
    :func:`status`.
    """
    trainings, evaluation, folder = submit_jobs(claims, preset, kind, parameters, **options)
    array = f" as job array {trainings[0].job_id.split('_')[0]}" if trainings else ""
    evaluated = f" and the claim evaluations as job {evaluation.job_id}" if evaluation else ""
    print(
        f"submitted {len(trainings)} training task(s){array}{evaluated} ({kind}); logs in {folder}.\n"
        f"Follow them with: python -m reproduce.all --preset {preset.name} --status"
    )
    return 0


def submit_jobs(
    claims: Sequence[Claim],
    preset: Preset,
    kind: str,
    parameters: dict,
    *,
    root: Path = REPO_ROOT,
    seed: int | None = None,
    force: bool = False,
    record: bool = False,
    device: str | None = None,
    figures: bool = True,
):
    """What :func:`submit` does, returning ``(training jobs, evaluation job or None, folder)`` (submitit jobs)."""
    if kind not in _KINDS:
        raise ValueError(f"executor must be one of {tuple(_KINDS)}, got {kind!r}.")
    root = Path(root)
    device = device or os.environ.get(DEVICE_ENV) or preset.device
    seed = preset.seed if seed is None else seed
    plan = make_plan(claims, preset, seed, root, force, record)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = submission_path(root, preset.name).parent / stamp
    print(plan.describe())
    trainings = []
    if plan.trainings:
        array = _executor(kind, folder, parameters, f"reproduce-{preset.name}-train", device)
        trainings = array.map_array(run_training, list(plan.trainings), [device] * len(plan.trainings))
    extra = {}
    if trainings and kind == "slurm":
        extra["slurm_additional_parameters"] = {"dependency": "afterany:" + trainings[0].job_id.split("_")[0]}
    ids = [e.claim.id for e in plan.evaluations]
    evaluation = None
    if ids:
        job = _executor(
            kind,
            folder,
            {**parameters, "slurm_array_parallelism": None},
            f"reproduce-{preset.name}-claims",
            device,
            **extra,
        )
        evaluation = job.submit(evaluate, ids, preset, seed, str(root), force, record, device, figures)
    state = {
        "executor": kind,
        "preset": preset.name,
        "folder": str(folder),
        "submitted": stamp,
        "device": device,
        "trainings": [{"job": j.job_id, "label": t.label} for j, t in zip(trainings, plan.trainings)],
        "evaluation": None if evaluation is None else {"job": evaluation.job_id, "claims": ids},
        "cached": list(plan.cached),
    }
    write_json_atomic(submission_path(root, preset.name), state)
    return trainings, evaluation, folder


def _job_state(kind: str, folder: Path, job_id: str) -> tuple[str, str | None]:
    """``(state, error)`` of one job: ``done`` / ``failed`` from its result file, else the scheduler's word."""
    submitit = require_submitit()
    paths = submitit.core.utils.JobPaths(folder, job_id)
    if paths.result_pickle.exists():
        with paths.result_pickle.open("rb") as f:
            outcome, value = pickle.load(f)
        return ("done", None) if outcome == "success" else ("failed", str(value).strip().splitlines()[-1])
    if kind == "slurm":
        state = submitit.SlurmJob(folder, job_id).state
        if state.split()[0] in _FAILED_STATES:
            return "failed", f"SLURM state {state}; see the job's log in {folder}"
        return state.lower(), None
    return "running or pending", None


def status(root: Path, preset: str) -> int:
    """Print what the last submission of ``preset`` has done, is running and has failed; exit status.

    0 when every job is done, 1 when one failed, 2 when there is no submission, 4 while jobs are
    still queued or running.
    """
    path = submission_path(root, preset)
    if not path.is_file():
        print(f"no cluster submission of preset {preset} (looked for {path}).")
        return 2
    state = json.loads(path.read_text())
    folder = Path(state["folder"])
    jobs = [(t["label"], t["job"]) for t in state["trainings"]]
    if state["evaluation"]:
        jobs.append((f"evaluation of {len(state['evaluation']['claims'])} claim(s)", state["evaluation"]["job"]))
    counts: dict[str, int] = {}
    print(f"submission {state['submitted']} ({state['executor']}, device {state['device']}); logs in {folder}")
    for label, job_id in jobs:
        st, error = _job_state(state["executor"], folder, job_id)
        counts[st] = counts.get(st, 0) + 1
        if st != "done":
            print(f"  {job_id}: {st}: {label}" + (f": {error}" if error else ""))
    print("; ".join(f"{n} {s}" for s, n in sorted(counts.items())) + f" (of {len(jobs)} job(s))")
    if counts.get("failed"):
        return 1
    return 0 if counts.get("done", 0) == len(jobs) else 4
