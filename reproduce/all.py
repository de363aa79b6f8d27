"""Command line: reproduce every claim (or some) and regenerate the checklist.

Examples::

    python -m reproduce.all                          # default preset, all claims
    python -m reproduce.all --preset quick           # smoke scale, a few minutes
    python -m reproduce.all --only myopia --force    # every myopia.* claim, recomputed
    python -m reproduce.all --list                   # what there is to run

Exit status: 0 when every selected claim ran (whatever its verdict — ``differs`` is a
finding), 1 when a claim raised, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .checklist import update_checklist
from .claims import Claim, all_claims, select
from .paths import REPO_ROOT, checklist_path, results_dir
from .presets import PRESETS, Preset
from .results import load_results
from .runner import RunRecord, run

__all__ = ["build_parser", "main"]


def _budget(preset: Preset) -> str:
    if preset.budget_s is None:
        return "no time target"
    return f"target {preset.budget_s / 60:.0f} min on 2 CPU cores"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; its ``--help`` documents every option and preset."""
    presets = "\n".join(
        f"  {p.name:8s} {p.description}\n           ({_budget(p)}"
        f"{'; uses a GPU if present' if p.use_gpu else ''}; seed {p.seed})"
        for p in PRESETS.values()
    )
    parser = argparse.ArgumentParser(
        prog="python -m reproduce.all",
        description=(
            "Measure each paper claim, judge it against the paper's value, store the result\n"
            "in results/<preset>/<claim>.json and draw its figures. A result whose\n"
            "configuration hash (claim id, version, seed, config) is unchanged is reused."
        ),
        epilog=(
            f"presets:\n{presets}\n\n"
            "The default preset writes figures/ and regenerates paper_claims.md from all\n"
            "of results/default/; the others write figures/<preset>/.\n"
            "Exit status: 0 if every claim ran (a 'differs' verdict is a result),\n"
            "1 if a claim raised, 2 for bad arguments."
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
    parser.add_argument("--list", action="store_true", help="list the claims (id, kind, location, statement) and exit")
    parser.add_argument("--force", action="store_true", help="recompute even when a cached result matches")
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N", help="master seed replacing the preset's (enters the cache key)"
    )
    parser.add_argument(
        "--root", type=Path, default=REPO_ROOT, metavar="DIR", help="repository root for results/ and figures/"
    )
    parser.add_argument("--no-figures", action="store_true", help="store results without drawing figures")
    return parser


def _list(claims: Sequence[Claim]) -> None:
    for claim in claims:
        print(f"{claim.id}  [{claim.kind}]  {claim.location}  (presets: {', '.join(claim.configs)})")
        print(f"    {claim.statement}")


def _summary(records: Sequence[RunRecord], preset: Preset, total_s: float) -> None:
    width = max([len(r.claim_id) for r in records] + [5])
    print(f"\n{'claim':{width}s}  {'status':8s}  {'verdict':17s}  {'wall s':>8s}")
    for r in records:
        print(f"{r.claim_id:{width}s}  {r.status:8s}  {r.verdict or '-':17s}  {r.wall_s:8.1f}")
    errors = sum(r.status == "error" for r in records)
    budget = "no budget" if preset.budget_s is None else f"budget {preset.budget_s:.0f} s"
    over = " (over budget)" if preset.budget_s is not None and total_s > preset.budget_s else ""
    print(f"\n{len(records)} claim(s), {errors} error(s); total {total_s:.1f} s, {budget} for preset {preset.name}{over}.")


def main(argv: Sequence[str] | None = None, claims: Sequence[Claim] | None = None) -> int:
    """Run the command line; return the exit status.

    ``claims`` replaces the registry (tests pass toy claims); by default every claim of
    :data:`reproduce.claims.CLAIM_MODULES` is used.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.seed is not None and args.seed < 0:
        parser.error(f"--seed must be a non-negative integer, got {args.seed}.")
    pool = all_claims() if claims is None else list(claims)
    try:
        chosen = select(args.only, pool)
    except ValueError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    if args.list:
        _list(chosen)
        return 0
    preset = PRESETS[args.preset]
    t0 = time.perf_counter()
    records = run(chosen, preset, root=args.root, force=args.force, seed=args.seed, figures=not args.no_figures)
    total_s = time.perf_counter() - t0
    _summary(records, preset, total_s)
    if preset.name == "default":
        path = update_checklist(checklist_path(args.root), load_results(results_dir(args.root, "default")))
        print(f"regenerated {path}")
    return 1 if any(r.status == "error" for r in records) else 0


if __name__ == "__main__":
    raise SystemExit(main())
