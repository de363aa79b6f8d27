"""The claim registry: what each paper says, how we measure it, and how we judge it.

A :class:`Claim` pairs one sentence of a paper with the code that measures it and the rule
that turns the measurement into a verdict.  Claims are registered once, at import time of
the module that defines them (see :data:`CLAIM_MODULES`), and looked up by id or id prefix.

The measurement and the verdict are kept apart on purpose: ``measure`` returns numbers
only, ``judge`` applies a stated tolerance to them.  A verdict can therefore be audited
(or re-judged) from the result file without rerunning anything.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CLAIM_MODULES",
    "KINDS",
    "VERDICTS",
    "Claim",
    "Judgement",
    "Measurement",
    "all_claims",
    "register",
    "select",
]

VERDICTS = ("reproduced", "differs", "not-testable-here", "extension")
"""Allowed verdicts.  ``differs`` is a finding, not an error."""

KINDS = ("paper", "extension")
"""``paper``: a statement the paper makes; ``extension``: a claim of ours beyond the paper."""

CLAIM_MODULES = (
    "reproduce.myopia.reff_bridge",
    "reproduce.myopia.reff_cost",
    "reproduce.myopia.table1_barbell",
    "reproduce.myopia.table2_chain",
    "reproduce.myopia.fig4_visible_bridge",
    "reproduce.myopia.fig5_optimization",
    "reproduce.myopia.lemma3_1",
    "reproduce.myopia.theorem3_2",
    "reproduce.myopia.lambda_sweep",
    "reproduce.myopia.real_graphs",
    "reproduce.myopia.trained_lemma3_1",
    "reproduce.myopia.trained_theorem3_2",
    "reproduce.myopia.trained_weighted_marginal",
    "reproduce.myopia.trained_table1_barbell",
    "reproduce.myopia.trained_table2_chain",
    "reproduce.myopia.starvation_dynamics",
    "reproduce.myopia.zero_inference_overhead",
    "reproduce.myopia.capacity_independence",
    "reproduce.spectral_bias.one_layer",
    "reproduce.spectral_bias.inverse_law",
    "reproduce.spectral_bias.two_layer",
    "reproduce.spectral_bias.convolution",
    "reproduce.spectral_bias.flow_matching",
    "reproduce.spectral_bias.starvation",
    "reproduce.spectral_bias.gaussian_mlp",
    "reproduce.spectral_bias.image_mlp",
    "reproduce.spectral_bias.cnn_no_bias",
    "reproduce.spectral_bias.alignment",
    "reproduce.spectral_bias.theory_overlay",
)
"""Modules whose import registers claims.  To add a claim, add its module here."""

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
    """

    verdict: str
    reason: str
    tolerance: Any

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}.")
        if not self.reason:
            raise ValueError("a judgement needs a reason.")


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
        Bump when the measurement changes, so cached results are recomputed.
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

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"claim id {self.id!r} must look like '<paper>.<slug>' in lower case.")
        if self.kind not in KINDS:
            raise ValueError(f"claim kind must be one of {KINDS}, got {self.kind!r}.")
        for name, config in self.configs.items():
            if not (dataclasses.is_dataclass(config) and config.__dataclass_params__.frozen):
                raise TypeError(f"config of {self.id} for preset {name!r} must be a frozen dataclass.")

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


_REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    """Add ``claim`` to the registry (at import time of its module) and return it."""
    if not isinstance(claim, Claim):
        raise TypeError(f"register() takes a Claim, got {type(claim).__name__}.")
    if claim.id in _REGISTRY and _REGISTRY[claim.id] is not claim:
        raise ValueError(f"claim id {claim.id!r} is registered twice.")
    _REGISTRY[claim.id] = claim
    return claim


def all_claims() -> list[Claim]:
    """Every registered claim, sorted by id (imports :data:`CLAIM_MODULES` first)."""
    for module in CLAIM_MODULES:
        importlib.import_module(module)
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def select(patterns: Iterable[str] | None, claims: Iterable[Claim] | None = None) -> list[Claim]:
    """Claims whose id equals a pattern or starts with ``pattern + "."``.

    ``None`` or an empty list selects everything.  A pattern that matches nothing is a
    ``ValueError`` (a typo must not silently run zero claims).
    """
    pool = list(all_claims() if claims is None else claims)
    patterns = list(patterns or [])
    if not patterns:
        return pool
    chosen: dict[str, Claim] = {}
    for pattern in patterns:
        hits = [c for c in pool if c.id == pattern or c.id.startswith(pattern.rstrip(".") + ".")]
        if not hits:
            known = ", ".join(c.id for c in pool)
            raise ValueError(f"no claim matches {pattern!r}; known claims: {known}.")
        chosen.update((c.id, c) for c in hits)
    return [chosen[k] for k in sorted(chosen)]
