"""The committed record, and whether a rerun agrees with it.

``results/<preset>/*.json`` is the *record*: the evidence the checklist shows, written only on
request (``python -m reproduce.all --record``) from a clean tree, never read as a cache.  A rerun
computes every claim afresh (or takes it from the machine-local cache, whose key covers the code)
and :func:`compare` says whether it agrees with the record:

- the verdict must be the same;
- for a deterministic claim, every number of ``measured`` must lie within the claim's declared
  :class:`~reproduce.claims.ReproductionTolerance` of the recorded one, and every string, flag
  and list length must be equal;
- a non-deterministic claim (a timing) is compared by verdict only.

Examples
--------
>>> deviations({"a": 1.0, "b": [2.0, "nan"]}, {"a": 1.0 + 1e-12, "b": [2.0, "nan"]}, lambda path: (1e-9, 0.0))
[Deviation(path='a', recorded=1.0, new=1.000000000001, rtol=1e-09, atol=0.0)]
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .claims import Claim

__all__ = ["Agreement", "Deviation", "compare", "deviations", "mismatches"]


@dataclass(frozen=True)
class Deviation:
    """One number that moved between the record and a rerun.

    Attributes
    ----------
    path : str
        Dotted path in ``measured`` (list items by index).
    recorded, new : float
        The two values.
    rtol, atol : float
        The tolerance that applies to this number.
    """

    path: str
    recorded: float
    new: float
    rtol: float
    atol: float

    @property
    def difference(self) -> float:
        return abs(self.new - self.recorded)

    @property
    def relative(self) -> float:
        """``|new - recorded| / |recorded|`` (``inf`` when the record is 0 and they differ)."""
        if self.difference == 0:
            return 0.0
        return self.difference / abs(self.recorded) if self.recorded else math.inf

    @property
    def excess(self) -> float:
        """The difference in units of the allowed difference; > 1 means outside tolerance."""
        allowed = self.atol + self.rtol * abs(self.recorded)
        if self.difference == 0:
            return 0.0
        return self.difference / allowed if allowed > 0 else math.inf

    def describe(self) -> str:
        return (
            f"{self.path}: {self.recorded:.6g} -> {self.new:.6g} "
            f"(relative {self.relative:.2g}; allowed rtol {self.rtol:g}, atol {self.atol:g})"
        )


def _number(x: Any) -> float | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    if x in ("nan", "inf", "-inf"):
        return float(x)
    return None


def _walk(recorded: Any, new: Any, path: str, tol: Callable[[str], tuple[float, float]], out: list, bad: list) -> None:
    a, b = _number(recorded), _number(new)
    if a is not None and b is not None:
        same = (a == b) or (math.isnan(a) and math.isnan(b))
        if not same:
            rtol, atol = tol(path)
            out.append(Deviation(path or "(value)", a, b, rtol, atol))
        return
    if isinstance(recorded, dict) and isinstance(new, dict):
        for key in sorted(set(recorded) | set(new)):
            sub = f"{path}.{key}" if path else str(key)
            if key not in recorded or key not in new:
                bad.append(f"{sub}: present only in the {'rerun' if key in new else 'record'}")
            else:
                _walk(recorded[key], new[key], sub, tol, out, bad)
        return
    if isinstance(recorded, list) and isinstance(new, list):
        if len(recorded) != len(new):
            bad.append(f"{path}: {len(recorded)} items recorded, {len(new)} in the rerun")
            return
        for i, (x, y) in enumerate(zip(recorded, new)):
            _walk(x, y, f"{path}.{i}" if path else str(i), tol, out, bad)
        return
    if recorded != new:
        bad.append(f"{path or '(value)'}: {recorded!r} recorded, {new!r} in the rerun")


def deviations(recorded: Any, new: Any, tol: Callable[[str], tuple[float, float]]) -> list[Deviation]:
    """Every number that differs between two JSON values of the same shape.

    ``tol(path) -> (rtol, atol)`` names the tolerance stored with each deviation.  Differences
    of shape or of non-numbers are ignored here (see :func:`mismatches`).
    """
    out: list[Deviation] = []
    _walk(recorded, new, "", tol, out, [])
    return out


def mismatches(recorded: Any, new: Any) -> list[str]:
    """Differences that no tolerance can excuse: keys, list lengths, strings, flags, ``None``."""
    bad: list[str] = []
    _walk(recorded, new, "", lambda path: (0.0, 0.0), [], bad)
    return bad


@dataclass(frozen=True)
class Agreement:
    """How a rerun of one claim compares with its committed record.

    Attributes
    ----------
    status : str
        ``agrees``, ``differs`` or ``no-record``.
    identical : bool
        ``measured`` and ``details`` are the same, bit for bit (as stored JSON).
    values_compared : bool
        The numbers of ``measured`` were compared (the claim is deterministic).
    recorded_verdict, new_verdict : str or None
    worst : Deviation or None
        The number with the largest excess over its tolerance (also when within it).
    problems : tuple of str
        Why the rerun does not agree (empty when it does).
    """

    status: str
    identical: bool = False
    values_compared: bool = False
    recorded_verdict: str | None = None
    new_verdict: str | None = None
    worst: Deviation | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """One phrase for the per-claim line."""
        if self.status == "no-record":
            return self.problems[0] if self.problems else "no committed record to compare with"
        if self.status == "differs":
            return "DIFFERS from the record: " + "; ".join(self.problems)
        if self.identical:
            return "agrees with the record (identical)"
        if not self.values_compared:
            return "agrees with the record (same verdict; timings are not compared)"
        if self.worst is None:
            return "agrees with the record (measured values identical; details differ)"
        return f"agrees with the record (largest deviation {self.worst.describe()})"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def compare(claim: Claim, new: dict, recorded: dict | None) -> Agreement:
    """Compare the rerun result ``new`` of ``claim`` with its recorded result (or ``None``)."""
    if recorded is None:
        return Agreement("no-record", new_verdict=new.get("verdict"))
    if recorded.get("seed") != new.get("seed"):
        return Agreement(
            "no-record",
            new_verdict=new.get("verdict"),
            problems=(f"the record was made with seed {recorded.get('seed')}, this run used {new.get('seed')}",),
        )
    problems = []
    old_verdict, new_verdict = recorded.get("verdict"), new.get("verdict")
    if old_verdict != new_verdict:
        problems.append(f"verdict {old_verdict} -> {new_verdict}")
    elif recorded.get("prediction") != new.get("prediction"):
        problems.append(f"prediction {recorded.get('prediction')} -> {new.get('prediction')}")
    if recorded.get("config") != new.get("config"):
        problems.append("the recorded configuration differs from this run's")
    identical = _canonical([recorded.get("measured"), recorded.get("details")]) == _canonical(
        [new.get("measured"), new.get("details")]
    )
    worst = None
    if claim.deterministic:
        found: list[Deviation] = []
        shape: list[str] = []
        _walk(recorded.get("measured"), new.get("measured"), "", claim.reproduction.for_path, found, shape)
        if found:
            worst = max(found, key=lambda d: d.excess)
        outside = [d for d in found if d.excess > 1]
        if outside:
            problems.append(
                f"{len(outside)} number(s) outside tolerance, the largest {worst.describe()}"  # type: ignore[union-attr]
            )
        if shape:
            problems.append(f"{len(shape)} non-numeric difference(s), e.g. {shape[0]}")
    return Agreement(
        "differs" if problems else "agrees",
        identical,
        claim.deterministic,
        old_verdict,
        new_verdict,
        worst,
        tuple(problems),
    )
