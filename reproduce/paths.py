"""Every location the reproduction reads or writes, named in one place.

All functions take the repository ``root`` explicitly so that tests (and ``--root``) can
point the whole pipeline at a scratch directory; :data:`REPO_ROOT` is the checkout itself.

Layout under ``root``::

    results/<preset>/<claim_id>.json   the record: one result per claim and preset
    figures/<name>.png                 figures of the default record (committed)
    figures/<preset>/<name>.png        figures of the other presets' records (not committed)
    paper_claims.md                    the checklist, regenerated from results/default/
    .cache/runs/<preset>/results/      the machine-local cache of results (git-ignored)
    .cache/runs/<preset>/figures/      figures drawn by runs that do not record (git-ignored)
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

__all__ = [
    "REPO_ROOT",
    "cache_dir",
    "cached_result_path",
    "checklist_path",
    "discussion_path",
    "figures_dir",
    "relative_posix",
    "result_path",
    "results_dir",
    "run_dir",
]

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
"""The checkout: the parent of the ``reproduce`` package directory."""


def _check_name(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}.")
    if not value or "/" in value or "\\" in value or value in (".", ".."):
        raise ValueError(f"{what} {value!r} must be a non-empty name without path separators.")
    return value


def results_dir(root: Path, preset: str) -> Path:
    """The directory holding the result files of ``preset``: ``root/results/<preset>``."""
    return Path(root) / "results" / _check_name(preset, "preset")


def result_path(root: Path, preset: str, claim_id: str) -> Path:
    """The result file of one claim under one preset: ``results/<preset>/<claim_id>.json``."""
    return results_dir(root, preset) / f"{_check_name(claim_id, 'claim id')}.json"


def figures_dir(root: Path, preset: str) -> Path:
    """Where figures go: ``root/figures`` for ``default``, ``root/figures/<preset>`` otherwise.

    Only the default preset's figures are committed (``.gitignore`` has ``figures/*/``), so
    a quick run never overwrites the figures the checklist links to.
    """
    base = Path(root) / "figures"
    return base if _check_name(preset, "preset") == "default" else base / preset


def run_dir(root: Path, preset: str) -> Path:
    """The machine-local cache of one preset's runs: ``root/.cache/runs/<preset>``.

    Holds ``results/<claim_id>.json`` (keyed by :func:`reproduce.results.cache_key`, so a rerun
    on the same machine reuses a result only while its code and configuration are unchanged) and
    ``figures/``.  It is git-ignored, so a fresh clone starts empty and recomputes everything.
    """
    return Path(root) / ".cache" / "runs" / _check_name(preset, "preset")


def cached_result_path(root: Path, preset: str, claim_id: str) -> Path:
    """One claim's result in the local cache: ``.cache/runs/<preset>/results/<claim_id>.json``."""
    return run_dir(root, preset) / "results" / f"{_check_name(claim_id, 'claim id')}.json"


def cache_dir(name: str, env: str) -> Path:
    """A git-ignored cache folder: ``$<env>`` when set, else ``<repo>/.cache/<name>``.

    Trained-model checkpoints live here (``checkpoints`` for the graph-diffusion networks,
    ``denoisers`` for the EDM denoisers); they are keyed by content hashes, so a stale file is
    never read for a changed model.
    """
    value = os.environ.get(env)
    return Path(value) if value else REPO_ROOT / ".cache" / _check_name(name, "cache name")


def discussion_path(root: Path) -> Path:
    """The hand-written discussion with placeholders: ``root/reproduce/discussion.md``."""
    return Path(root) / "reproduce" / "discussion.md"


def checklist_path(root: Path) -> Path:
    """The checklist file: ``root/paper_claims.md``."""
    return Path(root) / "paper_claims.md"


def relative_posix(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` as a POSIX string, as stored in result files.

    Raises
    ------
    ValueError
        If ``path`` does not lie under ``root`` (a result must not point outside the repo).
    """
    resolved, base = Path(path).resolve(), Path(root).resolve()
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        raise ValueError(f"path {path} lies outside the repository root {root}.") from None


def writable_root(value: str | Path) -> Path:
    """A ``--root`` folder checked before any work: a directory (created if missing) we can write in.

    Raises
    ------
    ValueError
        If ``value`` is empty, names a file, or the folder cannot be created or written.

    Examples
    --------
    >>> writable_root("")
    Traceback (most recent call last):
    ...
    ValueError: the root folder must not be empty (use . for the current folder).
    """
    if not str(value).strip():
        raise ValueError("the root folder must not be empty (use . for the current folder).")
    root = Path(value)
    if root.exists() and not root.is_dir():
        raise ValueError(f"the root {str(root)!r} is a file, not a folder.")
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as err:
        raise ValueError(f"cannot write in the root folder {str(root)!r}: {err.strerror or err}.") from None
    return root


def root_argument(value: str) -> Path:
    """``argparse`` type of a ``--root`` option: any non-blank path (``Path("")`` would silently be ``.``)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("the root folder must not be empty (use . for the current folder)")
    return Path(value)
