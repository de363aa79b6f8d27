"""The claim registry: what each paper says, how we measure it, and how we judge it.

A :class:`Claim` pairs one sentence of a paper with the code that measures it and the rule
that turns the measurement into a verdict.  Claims are registered once, at import time of
the module that defines them (:mod:`reproduce.registry` lists those modules and looks claims up
by id or id prefix; it is kept out of this module so that adding a claim changes no other
claim's code fingerprint, see :mod:`reproduce.fingerprint`).

The measurement and the verdict are kept apart on purpose: ``measure`` returns numbers
only, ``judge`` applies a stated tolerance to them.  A verdict can therefore be audited
(or re-judged) from the result file without rerunning anything.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "KINDS",
    "PREDICTIONS",
    "VERDICTS",
    "Claim",
    "Judgement",
    "Measurement",
    "ReproductionTolerance",
    "Training",
    "register",
    "registered",
]

VERDICTS = ("reproduced", "differs", "not-testable-here", "extension")
"""Allowed verdicts.  ``differs`` is a finding, not an error."""

PREDICTIONS = ("holds", "fails")
"""What an ``extension`` with a prediction reports about it (``Judgement.prediction``)."""

KINDS = ("paper", "extension")
"""``paper``: a statement the paper makes; ``extension``: a claim of ours beyond the paper."""

_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True)
class Measurement:
    """What a claim's ``measure`` function returns.

    Attributes
    ----------
    values : mapping
        JSON-able numbers compared with the paper (stored as ``measured``).  Must be
        identical for the same preset and seed when the claim is ``deterministic``.
    headline : str
        One line for the checklist's "our value" column, built from ``values``.
    details : mapping
        JSON-able data that only the figure needs (curves, per-edge values...).
    """

    values: Mapping[str, Any]
    headline: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Judgement:
    """A verdict with its reason and the tolerance it applied.

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    reason : str
        One or two sentences: why this verdict, with both numbers when it ``differs``,
        or the substitute used when it is ``not-testable-here``.
    tolerance : mapping or str
        The tolerance the rule applied, JSON-able.
    prediction : {"holds", "fails"} or None
        For an ``extension`` that makes a prediction: whether the measurement bears it out
        (shown as ``extension (holds)``); ``None`` for every other judgement.
    """

    verdict: str
    reason: str
    tolerance: Any
    prediction: str | None = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}.")
        if not self.reason:
            raise ValueError("a judgement needs a reason.")
        if self.prediction is not None and (self.verdict != "extension" or self.prediction not in PREDICTIONS):
            raise ValueError(
                f"only an extension reports a prediction, one of {PREDICTIONS}; got verdict "
                f"{self.verdict!r} with prediction {self.prediction!r}."
            )

    @property
    def label(self) -> str:
        """The verdict as the checklist shows it, e.g. ``extension (fails)``."""
        return f"{self.verdict} ({self.prediction})" if self.prediction else self.verdict


@dataclass(frozen=True)
class ReproductionTolerance:
    """How closely a rerun must reproduce a claim's committed measurement to *agree* with it.

    A rerun agrees with the record when the verdict is the same and, for a deterministic claim,
    every number of ``measured`` satisfies ``|new - recorded| <= atol + rtol * |recorded|``.
    ``keys`` overrides ``(rtol, atol)`` for the numbers whose dotted path in ``measured`` matches
    a shell pattern (:func:`fnmatch.fnmatchcase`, e.g. ``"rows.*.z"``); the first matching pattern
    wins.  Non-deterministic claims (timings) are compared by verdict only.

    Attributes
    ----------
    rtol, atol : float
        Relative and absolute tolerance for every number.
    reason : str
        Why this tolerance: the round-off of an analytic computation, or the claim's own
        sampling error for trained networks (different CPUs change the last bits of training,
        which then move sampled frequencies within their sampling error).
    keys : mapping of str to (rtol, atol)
        Per-number overrides.

    Examples
    --------
    >>> tol = ReproductionTolerance(rtol=0.0, atol=0.03, reason="2000 samples", keys={"*.z": (0.0, 4.0)})
    >>> tol.for_path("bridge.z"), tol.for_path("bridge.learned")
    ((0.0, 4.0), (0.0, 0.03))
    """

    rtol: float = 1e-9
    atol: float = 1e-10
    reason: str = (
        "analytic or simulated: the same code and seed give the same numbers up to floating-point "
        "round-off (1e-9 relative; 1e-10 absolute, because error measures that are themselves at "
        "round-off level, such as an ODE solver's 5e-12, move by more than 1e-9 of themselves)"
    )
    keys: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        pairs = [(self.rtol, self.atol), *self.keys.values()]
        for rtol, atol in pairs:
            if not (math.isfinite(rtol) and math.isfinite(atol) and rtol >= 0 and atol >= 0):
                raise ValueError(f"tolerances must be finite and non-negative, got rtol={rtol!r}, atol={atol!r}.")
        if not self.reason:
            raise ValueError("a reproduction tolerance needs a reason.")

    def for_path(self, path: str) -> tuple[float, float]:
        """``(rtol, atol)`` for the number at dotted ``path`` of ``measured``."""
        from fnmatch import fnmatchcase

        for pattern, pair in self.keys.items():
            if fnmatchcase(path, pattern):
                return float(pair[0]), float(pair[1])
        return self.rtol, self.atol


@dataclass(frozen=True)
class Training:
    """One model a claim needs: calling it trains the model, or loads it from its cache entry.

    A trained claim lists these (``Claim.trainings``) so that a run can train every model first,
    once each and in parallel (:mod:`reproduce.plan`), before the claims that read them.  The
    trainers hold a lock on each cache entry (:func:`reproduce.torch_runtime.cache_lock`), so a
    claim whose model is still training waits for it instead of training it again.

    Attributes
    ----------
    label : str
        What is trained, for progress lines and job names.
    train : callable
        A module-level function (it travels to worker processes and cluster jobs by reference)
        that trains or loads the model of ``args`` and returns ``None``.
    args : tuple
        Hashable arguments (frozen specs); two trainings with equal ``train`` and ``args`` are one.
    """

    label: str
    train: Callable[..., None]
    args: tuple

    @property
    def key(self) -> tuple:
        """What identifies the model: equal keys are trained once."""
        return (self.train.__module__, self.train.__qualname__, self.args)

    def __call__(self) -> None:
        self.train(*self.args)


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a paper (or an extension of ours).

    Attributes
    ----------
    id : str
        ``<paper>.<slug>``, e.g. ``myopia.reff_bridge``.
    location : str
        Where the paper says it, e.g. ``"eq. 3.1"`` or ``"Table 1"``.
    statement : str
        The claim in one sentence.
    paper_value : JSON-able
        The paper's value(s); a string when the paper gives no number.
    configs : mapping
        Preset name -> frozen dataclass of this claim's parameters (must cover every preset).
    measure : callable
        ``measure(config, rng) -> Measurement``; ``rng`` is a ``numpy.random.Generator``.
    judge : callable
        ``judge(values, config) -> Judgement``.
    figure : callable or None
        ``figure(result, out_dir) -> list[Path]`` makes PNGs from a result dict only.
    kind : str
        One of :data:`KINDS`.
    deterministic : bool
        False for claims whose measured values are timings.
    version : int
        Bump when the measurement changes (results are also keyed by a fingerprint of the code,
        so a forgotten bump cannot leave a stale result in place).
    reproduction : ReproductionTolerance
        How closely a rerun must match the committed record to agree with it.
    trainings : callable or None
        ``trainings(config, rng) -> list[Training]``: every model ``measure(config, rng)`` will ask
        for (a test checks the two agree), so that they can be trained ahead; ``None`` for a claim
        that trains nothing.
    """

    id: str
    location: str
    statement: str
    paper_value: Any
    configs: Mapping[str, Any]
    measure: Callable[[Any, np.random.Generator], Measurement]
    judge: Callable[[Mapping[str, Any], Any], Judgement]
    figure: Callable[[Mapping[str, Any], Path], list[Path]] | None = None
    kind: str = "paper"
    deterministic: bool = True
    version: int = 1
    reproduction: ReproductionTolerance = field(default_factory=ReproductionTolerance)
    trainings: Callable[[Any, np.random.Generator], list[Training]] | None = None

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"claim id {self.id!r} must look like '<paper>.<slug>' in lower case.")
        if not isinstance(self.reproduction, ReproductionTolerance):
            raise TypeError(f"reproduction of {self.id} must be a ReproductionTolerance.")
        if self.kind not in KINDS:
            raise ValueError(f"claim kind must be one of {KINDS}, got {self.kind!r}.")
        for name, config in self.configs.items():
            if not (dataclasses.is_dataclass(config) and config.__dataclass_params__.frozen):
                raise TypeError(f"config of {self.id} for preset {name!r} must be a frozen dataclass.")

    @property
    def module(self) -> str:
        """The module that defines the claim's ``measure`` (its code fingerprint starts there)."""
        return self.measure.__module__

    @property
    def paper(self) -> str:
        """The paper prefix of the id (``myopia``, ``spectral`` or ``bridge``)."""
        return self.id.split(".", 1)[0]

    def config_for(self, preset: str) -> Any:
        """The frozen parameter dataclass this claim uses under ``preset``."""
        try:
            return self.configs[preset]
        except KeyError:
            raise ValueError(f"claim {self.id} has no configuration for preset {preset!r}.") from None

    def configure(self, preset: Any) -> Any:
        """The configuration a run under ``preset`` (a :class:`~reproduce.presets.Preset`) uses.

        That is :meth:`config_for` of the preset's name, with the preset's budget overrides
        (``replicates``, ``records``) applied by the config's ``with_budget`` method when it has
        one (trained claims); other claims ignore them.
        """
        config = self.config_for(preset.name)
        overrides = preset.overrides
        if overrides and hasattr(config, "with_budget"):
            config = config.with_budget(**overrides)
        return config


_REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    """Add ``claim`` to the registry (at import time of its module) and return it."""
    if not isinstance(claim, Claim):
        raise TypeError(f"register() takes a Claim, got {type(claim).__name__}.")
    if claim.id in _REGISTRY and _REGISTRY[claim.id] is not claim:
        raise ValueError(f"claim id {claim.id!r} is registered twice.")
    _REGISTRY[claim.id] = claim
    return claim


def registered() -> dict[str, Claim]:
    """A copy of the registry as it is now (claims of the modules imported so far)."""
    return dict(_REGISTRY)
