"""Benchmark of planning and dispatch (:mod:`reproduce.plan`) against their targets (issue 12).

Run ``python -m reproduce.bench.dispatch``.  Targets:

* planning the whole registry (every claim's trainings, deduplicated, the cache looked up): <= 2 s;
* dispatching as many no-op units as the default plan has, through 2 worker processes (spawn,
  import, pickling, scheduling): <= 2 s in all, printed beside the same units run in this process;
* ``--from-scratch``: the default preset from scratch (empty model caches, ``--force``) with
  ``--jobs 1`` and then ``--jobs 2``, each in a child process on this machine: ``--jobs 2`` >= 1.7x
  faster and <= 25 minutes on 2 idle cores.  The two runs' measured values are compared too (they
  must be identical).  This takes about an hour and a quarter on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reproduce.claims import Training
from reproduce.paths import REPO_ROOT
from reproduce.plan import Plan, execute, make_plan
from reproduce.presets import PRESETS
from reproduce.registry import all_claims

PLAN_TARGET_S = 2.0
DISPATCH_TARGET_S = 2.0
SPEEDUP_TARGET = 1.7
JOBS2_TARGET_S = 25 * 60


def noop(i: int) -> None:
    """A unit of work that does nothing (what dispatch costs without work)."""


def _plan_seconds(repeats: int = 3) -> tuple[float, Plan]:
    """The slowest of ``repeats`` plans of the registry (the first one fingerprints the code)."""
    claims = all_claims()
    worst, plan = 0.0, None
    with tempfile.TemporaryDirectory() as root:
        for _ in range(repeats):
            t0 = time.perf_counter()
            plan = make_plan(claims, PRESETS["default"], 0, Path(root))
            worst = max(worst, time.perf_counter() - t0)
    return worst, plan


def _dispatch_seconds(units: int, jobs: int) -> float:
    plan = Plan(
        tuple(Training(f"noop {i}", noop, (i,)) for i in range(units)),
        {(noop.__module__, noop.__qualname__, (i,)): 1.0 for i in range(units)},
    )
    t0 = time.perf_counter()
    execute(plan, jobs, (), lambda *a: None, lambda *a: None)
    return time.perf_counter() - t0


def _from_scratch(jobs: int, work: Path) -> tuple[float, Path]:
    root = work / f"jobs{jobs}"
    env = {**os.environ, "REPRODUCE_CHECKPOINT_DIR": str(root / "checkpoints")}
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "reproduce.all",
            "--preset",
            "default",
            "--force",
            "--jobs",
            str(jobs),
            "--root",
            str(root),
        ],
        env=env,
        check=True,
        cwd=REPO_ROOT,
    )
    return time.perf_counter() - t0, root / ".cache" / "runs" / "default" / "results"


def _same_values(a: Path, b: Path) -> list[str]:
    differ = []
    for path in sorted(a.glob("*.json")):
        x, y = json.loads(path.read_text()), json.loads((b / path.name).read_text())
        if x.get("deterministic", True) and x["measured"] != y["measured"]:
            differ.append(x["claim_id"])
    return differ


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reproduce.bench.dispatch",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--from-scratch",
        action="store_true",
        help="also time the default preset from scratch with --jobs 1 and --jobs 2 (about 75 min)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the from-scratch runs (results, model caches) under DIR/jobs1 and DIR/jobs2 "
        "instead of a temporary folder",
    )
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(f"dispatch benchmark (load average {load:.2f} on {os.cpu_count()} cores)")
    plan_s, plan = _plan_seconds()
    units = len(plan.trainings) + len(plan.evaluations)
    ok = plan_s <= PLAN_TARGET_S
    print(
        f"plan of the whole registry ({plan.describe()}): {plan_s:.3f} s (target <= {PLAN_TARGET_S} s) "
        f"{'OK' if ok else 'MISSED'}"
    )
    inline = _dispatch_seconds(units, 1)
    pooled = _dispatch_seconds(units, 2)
    ok_d = pooled <= DISPATCH_TARGET_S
    print(
        f"dispatch of {units} no-op units: in this process {inline:.3f} s, through 2 workers {pooled:.3f} s "
        f"(ratio {pooled / max(inline, 1e-9):.0f}x; target <= {DISPATCH_TARGET_S} s) {'OK' if ok_d else 'MISSED'}"
    )
    ok_all = ok and ok_d
    if args.from_scratch:
        with tempfile.TemporaryDirectory(prefix="reproduce-bench-") as temporary:
            work = temporary if args.work is None else args.work
            one, res1 = _from_scratch(1, Path(work))
            two, res2 = _from_scratch(2, Path(work))
            speedup = one / two
            differ = _same_values(res1, res2)
            ok_s = speedup >= SPEEDUP_TARGET and two <= JOBS2_TARGET_S and not differ
            print(
                f"default preset from scratch: --jobs 1 {one:.0f} s, --jobs 2 {two:.0f} s, speed-up {speedup:.2f}x "
                f"(targets >= {SPEEDUP_TARGET}x and <= {JOBS2_TARGET_S / 60:.0f} min); measured values "
                f"{'identical' if not differ else 'DIFFER for ' + ', '.join(differ)} {'OK' if ok_s else 'MISSED'}; "
                f"load average now {os.getloadavg()[0]:.2f}"
            )
            ok_all = ok_all and ok_s
    return 0 if ok_all else 1


if __name__ == "__main__":
    raise SystemExit(main())
