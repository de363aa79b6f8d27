"""The checklist ``paper_claims.md``: a status table generated from results, plus prose.

The table between the markers ``<!-- claims-table:start -->`` and
``<!-- claims-table:end -->`` is rendered from ``results/default/*.json`` and never edited
by hand; everything outside the markers (the introduction and the ``## Discussion`` with
one ``### <claim_id>`` section per claim) is written by people and left byte for byte.

Usage::

    python -m reproduce.checklist            # regenerate the table
    python -m reproduce.checklist --check    # list what is out of sync; exit 1 if anything
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .atomic import sha256_file, write_text_atomic
from .claims import VERDICTS, Claim, all_claims
from .paths import REPO_ROOT, checklist_path, result_path, results_dir
from .plotting import figure_source
from .presets import PRESETS
from .results import config_hash, load_result, load_results

__all__ = [
    "END",
    "PAPERS",
    "START",
    "check_sync",
    "format_value",
    "main",
    "render_table",
    "update_checklist",
]

START = "<!-- claims-table:start -->"
END = "<!-- claims-table:end -->"

PAPERS = {
    "myopia": "Generative Myopia (Siami)",
    "spectral": "Spectral bias (Wang & Pehlevan)",
    "bridge": "Both papers",
}
"""Display name of each claim-id prefix."""

_COLUMNS = ("claim", "paper & location", "statement", "paper value", "our value", "verdict", "figure", "command")

_TEMPLATE = """# Paper claims: status

Each row below is one claim of Wang & Pehlevan (arXiv:2503.03206) or Siami
(arXiv:2511.18593), with the value the paper states, the value we measured and the
verdict. The table is generated from `results/default/` by `python -m reproduce.checklist`
(which `make reproduce` runs); do not edit it by hand. The discussion below is prose.

{start}
{table}
{end}

## Discussion
"""


def format_value(value: Any) -> str:
    """A short human-readable rendering of a JSON value for a table cell.

    Floats get 4 significant digits, ints are exact, dicts read ``k = v; ...`` and lists
    are compact (the first 6 items, then a count).

    Examples
    --------
    >>> format_value({"slope": 0.666666, "n": 12})
    'slope = 0.6667; n = 12'
    >>> format_value([1.0, 2.5e-7, "nan"])
    '[1, 2.5e-7, nan]'
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.4g}"
        return re.sub(r"e([+-])0*(\d)", lambda m: "e" + m[1].replace("+", "") + m[2], text)
    if isinstance(value, dict):
        return "; ".join(f"{k} = {format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        items = [format_value(v) for v in value[:6]]
        more = f", … ({len(value)} items)" if len(value) > 6 else ""
        return "[" + ", ".join(items) + more + "]"
    return str(value)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", r"\|")


def _row(result: dict) -> list[str]:
    claim_id = result["claim_id"]
    prefix = claim_id.split(".", 1)[0]
    figures = ", ".join(f"[{Path(f).name}]({f})" for f in result.get("figures", []))
    return [
        f"`{claim_id}`",
        f"{PAPERS.get(prefix, prefix)}, {result.get('location', '?')}",
        result.get("statement", ""),
        format_value(result.get("paper_value")),
        result.get("headline", ""),
        f"**{result.get('verdict', '?')}**",
        figures or "—",
        f"`python -m reproduce.all --only {claim_id} --force`",
    ]


def render_table(results: Sequence[dict]) -> str:
    """The markdown status table of ``results`` (one row each, sorted by claim id).

    Cells have ``|`` escaped and line breaks folded, so every row has the same columns.
    """
    lines = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    for result in sorted(results, key=lambda r: r["claim_id"]):
        lines.append("| " + " | ".join(_cell(c) for c in _row(result)) + " |")
    return "\n".join(lines)


def _split(text: str, path: Path) -> tuple[str, str, str]:
    """(before START, between the markers, from END on)."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"{path} must contain {START} followed by {END}, once each.")
    head, rest = text.split(START)
    body, tail = rest.split(END)
    return head, body, tail


def update_checklist(path: Path, results: Sequence[dict]) -> Path:
    """Regenerate the table in the checklist at ``path`` from ``results``.

    Only the text between the markers changes; the rest of the file is kept byte for
    byte.  A missing file is created with a title, an introduction, the table and an empty
    ``## Discussion``.

    Raises
    ------
    ValueError
        If an existing file lacks the markers (or has them twice, or in the wrong order).
    """
    path = Path(path)
    table = render_table(results)
    if not path.exists():
        return write_text_atomic(path, _TEMPLATE.format(start=START, table=table, end=END))
    head, _, tail = _split(path.read_bytes().decode("utf-8"), path)
    return write_text_atomic(path, f"{head}{START}\n{table}\n{END}{tail}")


def _discussion_ids(tail: str) -> set[str]:
    return {m[1] for m in re.finditer(r"^###\s+`?([a-z0-9_]+\.[a-z0-9_]+)`?(?:\s|$)", tail, re.M)}


def check_sync(root: Path = REPO_ROOT, claims: Sequence[Claim] | None = None) -> list[str]:
    """Everything that makes the committed results, figures and checklist disagree.

    Parameters
    ----------
    root : Path
        Repository root.
    claims : sequence of Claim, optional
        The registered claims; :func:`reproduce.claims.all_claims` when omitted.

    Returns
    -------
    list of str
        One sentence per problem; empty when results, figures, table, code configuration
        and discussion agree.
    """
    root = Path(root)
    claims = all_claims() if claims is None else list(claims)
    preset = PRESETS["default"]
    known = {c.id: c for c in claims}
    problems: list[str] = []
    for claim in claims:
        path = result_path(root, preset.name, claim.id)
        result = load_result(path)
        if result is None:
            problems.append(f"{claim.id}: no readable result at {path.relative_to(root)}; run make reproduce.")
            continue
        if result.get("config_hash") != config_hash(claim, preset):
            problems.append(f"{claim.id}: the result's config_hash differs from the code's configuration (rerun it).")
        if result.get("verdict") not in VERDICTS:
            problems.append(f"{claim.id}: verdict {result.get('verdict')!r} is not one of {VERDICTS}.")
        digest = sha256_file(path)
        for name in result.get("figures", []):
            figure = root / name
            if not figure.is_file():
                problems.append(f"{claim.id}: figure {name} is listed but missing.")
            elif figure_source(figure) != digest:
                problems.append(f"{claim.id}: figure {name} was not drawn from the current result file.")
    for path in sorted(results_dir(root, preset.name).glob("*.json")):
        if path.stem not in known:
            problems.append(f"{path.relative_to(root)}: result of an unknown claim {path.stem!r}.")
    checklist = checklist_path(root)
    if not checklist.is_file():
        return problems + [f"{checklist.name} is missing; run python -m reproduce.checklist."]
    try:
        _, body, tail = _split(checklist.read_bytes().decode("utf-8"), checklist)
    except ValueError as exc:
        return problems + [str(exc)]
    if body != "\n" + render_table(load_results(results_dir(root, preset.name))) + "\n":
        problems.append(f"the table in {checklist.name} is out of date; run python -m reproduce.checklist.")
    documented = _discussion_ids(tail)
    for claim in claims:
        if claim.id not in documented:
            problems.append(f"{claim.id}: no '### {claim.id}' section in the discussion of {checklist.name}.")
    return problems


def main(argv: Sequence[str] | None = None, claims: Sequence[Claim] | None = None) -> int:
    """Command line: regenerate the checklist table, or ``--check`` that all is in sync."""
    parser = argparse.ArgumentParser(
        prog="python -m reproduce.checklist",
        description="Regenerate the status table of paper_claims.md from results/default/.",
    )
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root (default: this checkout)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; list results, figures, table or discussion out of sync and exit 1 if any",
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = check_sync(args.root, claims)
        for problem in problems:
            print(f"- {problem}")
        print("in sync." if not problems else f"{len(problems)} problem(s).")
        return 1 if problems else 0
    path = update_checklist(checklist_path(args.root), load_results(results_dir(args.root, "default")))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
