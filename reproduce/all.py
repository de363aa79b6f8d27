"""Command line: recompute every claim (or some), verify it against the committed record.

Examples::

    python -m reproduce.all                          # default preset: recompute, compare with the record
    python -m reproduce.all --preset quick           # smoke scale, a few minutes
    python -m reproduce.all --only myopia --force    # every myopia.* claim, ignoring the local cache
    python -m reproduce.all --record                 # store the results as the record, regenerate the checklist
    python -m reproduce.all --list                   # what there is to run
    python -m reproduce.all --jobs 2                 # two worker processes (one torch thread each)
    python -m reproduce.all --preset paper --gpus 0,1 --jobs 2          # one GPU per worker
    python -m reproduce.all --preset paper --executor slurm --slurm partition=gpu time=240
    python -m reproduce.all --preset paper --status  # what the submitted cluster jobs are doing

Exit status: 0 when every selected claim ran (whatever its verdict: ``differs`` is a finding;
a disagreement with the record is a finding too, printed loudly), 1 when a claim raised,
2 for bad arguments or a refused ``--record``, 3 with ``--strict`` when a claim does not agree
with the record.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .checklist import OVERVIEW_FIGURE, PAPERS, update_checklist
from .claims import Claim
from .devices import DEVICE_ENV, DEVICES
from .paths import (
    REPO_ROOT,
    checklist_path,
    figures_dir,
    result_path,
    results_dir,
    root_argument,
    run_dir,
    writable_root,
)
from .plan import check_gpus, parse_gpus
from .presets import PRESETS, Preset
from .progress import format_seconds
from .registry import all_claims, select
from .results import load_result, provenance, verdict_label
from .runner import RunRecord, run

__all__ = ["EXIT_DISAGREES", "build_parser", "main"]

EXIT_DISAGREES = 3
"""Exit status under ``--strict`` when a claim does not agree with the committed record."""


def _budget(preset: Preset) -> str:
    if preset.budget_s is None:
        return "no time target"
    return f"target {preset.budget_s / 60:.0f} min on 2 CPU cores"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; its ``--help`` documents every option and preset."""
    presets = "\n".join(
        f"  {p.name:8s} {p.description}\n           ({_budget(p)}"
        f"; device {p.device}{' (CUDA when present)' if p.device == 'auto' else ''}; seed {p.seed})"
        for p in PRESETS.values()
    )
    parser = argparse.ArgumentParser(
        prog="python -m reproduce.all",
        description=(
            "Recompute each paper claim (measure, judge against the paper's value, draw its\n"
            "figures) and say whether it agrees with the committed record results/<preset>/.\n"
            "Results are kept in a machine-local cache (.cache/runs/<preset>/, git-ignored) keyed\n"
            "by claim id, version, seed, configuration and a fingerprint of the code the claim\n"
            "executes, so a rerun on the same machine with unchanged code is instant and a fresh\n"
            "clone recomputes everything. The record is written only with --record."
        ),
        epilog=(
            f"presets:\n{presets}\n\n"
            "A rerun agrees with the record when the verdict is the same and every measured number\n"
            "is within the claim's declared reproduction tolerance (timing claims: verdict only).\n"
            "--record stores the results as results/<preset>/, their figures in figures/ (default\n"
            "preset) or figures/<preset>/, and regenerates paper_claims.md (default preset); it\n"
            "refuses to run on a tree whose code differs from the last commit.\n"
            "Exit status: 0 if every claim ran (a 'differs' verdict or a disagreement with the\n"
            "record is a finding), 1 if a claim raised, 2 for bad arguments or a refused --record,\n"
            f"{EXIT_DISAGREES} with --strict if a claim does not agree with the record. --status exits 0 when\n"
            "every job is done, 1 if one failed, 2 without a submission, 4 while jobs are queued or running."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--preset", choices=list(PRESETS), default="default", help="scale of every claim (default: default)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="ID_OR_PREFIX",
        help="run only these claims: a full id (myopia.reff_bridge) or a paper prefix (myopia); repeatable",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the claims (id, kind, location, module, statement) and exit"
    )
    parser.add_argument(
        "--force", action="store_true", help="recompute even when the local cache holds a result for the same code"
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N", help="master seed replacing the preset's (enters the cache key)"
    )
    parser.add_argument(
        "--root",
        type=root_argument,
        default=REPO_ROOT,
        metavar="DIR",
        help="repository root for results/, figures/ and .cache/ (default: this checkout); checked to be a "
        "writable folder before any work",
    )
    parser.add_argument(
        "--replicates",
        type=int,
        default=None,
        metavar="N",
        help="trained claims train N seeds instead of the preset's (a budget override stored in each result's "
        "config, so the run is never taken for a full one; e.g. one seed of the paper preset on a CPU)",
    )
    parser.add_argument(
        "--records",
        type=int,
        default=None,
        metavar="N",
        help="trained spectral claims sample at N log-spaced training steps instead of the preset's schedule "
        "(a budget override, stored like --replicates)",
    )
    parser.add_argument("--no-figures", action="store_true", help="store results without drawing figures")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="worker processes for the planned trainings and claim evaluations (default: 1, this process); "
        "each uses one torch thread ($REPRODUCE_THREADS raises it); the measured values do not depend on N",
    )
    parser.add_argument(
        "--gpus",
        default=None,
        metavar="I,J,...",
        help="CUDA devices handed to the workers in turn (each worker sees one); implies --device cuda",
    )
    parser.add_argument(
        "--device",
        choices=DEVICES,
        default=None,
        help=f"where models train: overrides the preset's device (quick/default: cpu, paper: auto = CUDA when "
        f"present) and ${DEVICE_ENV}, which does the same for scripts",
    )
    parser.add_argument(
        "--executor",
        choices=("local", "slurm", "submitit-local"),
        default="local",
        help="local (default): run here with --jobs processes; slurm: submit the trainings as one SLURM job "
        "array and the claim evaluations as a job after it, through submitit (pip install '.[cluster]'), then "
        "return; submitit-local: the same jobs as local processes of this machine (to try the cluster path)",
    )
    parser.add_argument(
        "--slurm",
        nargs="+",
        action="extend",
        default=[],
        metavar="KEY=VALUE",
        help="SLURM settings for --executor slurm: partition, time (minutes per job, default 240), account, qos, "
        "constraint, exclude, mem_gb (default 16), cpus_per_task (default 2), gpus_per_node (default 1 on "
        "SLURM unless the device is cpu), array_parallelism (tasks of the array running at once); repeatable",
    )
    parser.add_argument(
        "--status",
        action="store_true",
        help="show what the last cluster submission of this preset has done, is running and has failed, and exit",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="store the results as the committed record and regenerate paper_claims.md (needs a clean tree)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help=f"exit {EXIT_DISAGREES} when a claim does not agree with the committed record",
    )
    return parser


def _list(claims: Sequence[Claim], root: Path, preset: str) -> None:
    """Each claim: id, kind, location, presets; its module and statement; its recorded verdict and cost."""
    for claim in claims:
        print(f"{claim.id}  [{claim.kind}]  {claim.location}  (presets: {', '.join(claim.configs)})")
        print(f"    {claim.module}: {claim.statement}")
        recorded = load_result(result_path(root, preset, claim.id))
        if recorded is None:
            print(f"    no {preset} record")
        else:
            wall = recorded.get("wall_s")
            cost = f", last recorded run {format_seconds(wall)}" if isinstance(wall, (int, float)) else ""
            print(f"    {preset} record: {verdict_label(recorded)}{cost}")


def _summary(records: Sequence[RunRecord], preset: Preset, total_s: float, root: Path, recorded: bool) -> None:
    width = max([len(r.claim_id) for r in records] + [5])
    print(f"\n{'claim':{width}s}  {'status':8s}  {'verdict':17s}  {'wall s':>8s}  record")
    for r in records:
        agreement = r.agreement.status if r.agreement is not None else "-"
        if r.agreement is not None and r.agreement.identical:
            agreement += " (identical)"
        print(f"{r.claim_id:{width}s}  {r.status:8s}  {r.verdict or '-':17s}  {r.wall_s:8.1f}  {agreement}")
    errors = sum(r.status == "error" for r in records)
    budget = "no budget" if preset.budget_s is None else f"budget {preset.budget_s:.0f} s"
    over = " (over budget)" if preset.budget_s is not None and total_s > preset.budget_s else ""
    print(
        f"\n{len(records)} claim(s), {errors} error(s); total {total_s:.1f} s "
        f"({format_seconds(total_s)}), {budget} for preset {preset.name}{over}."
    )
    agree = [r for r in records if r.agreement is not None and r.agreement.status == "agrees"]
    print(f"{len(agree)} of {len(records)} claims agree with the committed record (results/{preset.name}/).")
    others = [r for r in records if r not in agree]
    unrecorded = all(r.agreement is not None and r.agreement.status == "no-record" for r in others)
    if others and recorded:
        print("Compared with the record this run replaced:")
        for r in others:
            print(f"  {r.claim_id}: {'error' if r.agreement is None else r.agreement.describe()}")
    elif others and unrecorded and not agree:
        print(f"(there is no record of preset {preset.name} to compare with; --record makes one)")
    elif others:
        print("!!! NOT IN AGREEMENT WITH THE RECORD:")
        for r in others:
            why = "error (see the traceback above)" if r.agreement is None else r.agreement.describe()
            print(f"!!!   {r.claim_id}: {why}")
    _verdict_counts(records)
    changed = [
        r
        for r in records
        if r.agreement is not None
        and r.agreement.recorded_verdict is not None
        and r.agreement.recorded_verdict != r.agreement.new_verdict
    ]
    for r in changed:
        before, after = r.agreement.recorded_verdict, r.agreement.new_verdict
        print(f"verdict changed since the record: {r.claim_id}: {before} -> {after}")
    if not changed and any(r.agreement is not None and r.agreement.recorded_verdict for r in records):
        print("no verdict changed since the record.")
    where = figures_dir(root, preset.name) if recorded else run_dir(root, preset.name) / "figures"
    print(f"figures of this run: {where}")
    if recorded:
        print(f"recorded {sum(r.recorded for r in records)} result(s) in {results_dir(root, preset.name)}.")
    print(
        f"the checklist and its overview figure (regenerated from the default record by --record): "
        f"{checklist_path(root)}, {root / OVERVIEW_FIGURE}"
    )


def _verdict_counts(records: Sequence[RunRecord]) -> None:
    """One line per paper: how many of its claims got each verdict in this run."""
    print("verdicts by paper:")
    prefixes = [r.claim_id.split(".", 1)[0] for r in records]
    for prefix in [p for p in PAPERS if p in prefixes] + sorted(set(prefixes) - set(PAPERS)):
        counts = Counter(r.verdict or "error" for r, p in zip(records, prefixes) if p == prefix)
        print(f"  {PAPERS.get(prefix, prefix)}: " + ", ".join(f"{counts[v]} {v}" for v in sorted(counts)))


def main(argv: Sequence[str] | None = None, claims: Sequence[Claim] | None = None) -> int:
    """Run the command line; return the exit status.

    ``claims`` replaces the registry (tests pass toy claims); by default every claim of
    :data:`reproduce.registry.CLAIM_MODULES` is used.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.seed is not None and args.seed < 0:
        parser.error(f"--seed must be a non-negative integer, got {args.seed}.")
    if args.replicates is not None and args.replicates < 1:
        parser.error(f"--replicates must be at least 1, got {args.replicates}.")
    if args.records is not None and args.records < 2:
        parser.error(f"--records must be at least 2, got {args.records}.")
    if args.record and args.no_figures:
        parser.error("--record needs the figures; drop --no-figures.")
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}.")
    try:
        gpus = parse_gpus(args.gpus)
    except ValueError as exc:
        parser.error(str(exc))
    if gpus and args.device not in (None, "cuda"):
        parser.error(f"--gpus hands out CUDA devices; it cannot go with --device {args.device}.")
    device = "cuda" if gpus else (args.device or os.environ.get(DEVICE_ENV) or PRESETS[args.preset].device)
    if device not in DEVICES:
        parser.error(f"${DEVICE_ENV} must be one of {', '.join(DEVICES)}, got {device!r}.")
    if args.slurm and args.executor == "local":
        parser.error("--slurm settings apply to --executor slurm or submitit-local.")
    if args.executor != "local" and (args.jobs != 1 or gpus):
        parser.error(
            "--jobs and --gpus apply to --executor local; a cluster runs one training per task "
            "(--slurm array_parallelism=N sets how many at once)."
        )
    if args.record and args.preset != "paper" and device != PRESETS[args.preset].device:
        parser.error(
            f"the {args.preset} record is made on the {PRESETS[args.preset].device}; drop --device/--gpus "
            f"(or ${DEVICE_ENV})."
        )
    if args.executor != "local" or args.status:
        from . import cluster

        try:
            slurm = cluster.parse_settings(args.slurm)
            if args.executor != "local":
                cluster.require_submitit()
        except ValueError as exc:
            parser.error(str(exc))
    if not args.status and (gpus or device == "cuda") and args.executor == "local":
        try:
            check_gpus(gpus or ("0",))
        except ValueError as exc:
            parser.error(str(exc) if gpus else "device cuda was asked for, but torch sees no CUDA device.")
    pool = all_claims() if claims is None else list(claims)
    try:
        chosen = select(args.only, pool)
    except ValueError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    if args.list:
        _list(chosen, args.root, args.preset)
        return 0
    if args.status:
        return cluster.status(args.root, args.preset)
    try:
        writable_root(args.root)
    except ValueError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    if args.record:
        dirty = provenance()["git_dirty"]
        if dirty:
            print(
                f"{parser.prog}: error: --record refuses to run: the code differs from the last commit "
                "(git status shows changes in theory/, reproduce/, pyproject.toml, constraints.txt or the "
                "Makefile). Commit first, "
                "so that the record names the code that made it.",
                file=sys.stderr,
            )
            return 2
        if dirty is None:
            print("warning: not a git checkout; the record cannot name the commit that made it.", file=sys.stderr)
    preset = dataclasses.replace(PRESETS[args.preset], replicates=args.replicates, records=args.records)
    if args.record and preset.overrides and preset.name == "default":
        print(
            f"{parser.prog}: error: the default record is made without budget overrides; drop --replicates/--records.",
            file=sys.stderr,
        )
        return 2
    if args.executor != "local":
        return cluster.submit(
            chosen,
            preset,
            args.executor,
            slurm,
            root=args.root,
            seed=args.seed,
            force=args.force,
            record=args.record,
            device=device,
            figures=not args.no_figures,
        )
    t0 = time.perf_counter()
    records = run(
        chosen,
        preset,
        root=args.root,
        force=args.force,
        seed=args.seed,
        figures=not args.no_figures,
        record=args.record,
        jobs=args.jobs,
        gpus=gpus,
        device=device,
    )
    total_s = time.perf_counter() - t0
    _summary(records, preset, total_s, args.root, args.record)
    if args.record and preset.name == "default":
        path = update_checklist(args.root)
        print(f"regenerated {path}")
    if any(r.status == "error" for r in records):
        return 1
    disagrees = any(r.agreement is None or r.agreement.status != "agrees" for r in records)
    return EXIT_DISAGREES if args.strict and disagrees else 0


if __name__ == "__main__":
    raise SystemExit(main())
