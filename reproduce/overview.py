"""The numbers a reader compares first: each claim's paper value against ours, and the overview figure.

Every claim names, in :data:`COMPARISONS`, the one to three numbers its verdict turns on, as paths
into its result file (the syntax of :func:`reproduce.checklist.lookup`, plus ``*`` for "every item
of this list").  Nothing here is measured or typed: each value is read from the committed record,
so the overview cannot drift from it.  A comparison is one of three kinds:

- a **value** (``paper`` given): ours, with its interval where the result stores one, against the
  paper's value (or, for an extension, our own prediction);
- an **error** (``error=True``): a closed form against its numerical twin, with the verdict's
  tolerance;
- **ours only** (``paper=None``): a descriptive number where the paper states none.

The paper sometimes states its value in words ("sampling cost unchanged", "~100% for every k");
such a value is then written here as a number, with ``note`` saying which words it reads.

:func:`draw_overview` draws every claim's comparisons in one figure (``figures/overview.png``),
grouped by paper and coloured by verdict; :mod:`reproduce.checklist` also prints them in its
compact tables.  Neither module is part of any claim's code, so changing this file changes no
recorded result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .monte_carlo import wilson_interval

__all__ = [
    "COMPARISONS",
    "VERDICT_COLOURS",
    "Comparison",
    "Point",
    "draw_overview",
    "format_point",
    "lookup",
    "points",
    "verdict_colour",
]


def lookup(result: Mapping, path: str) -> Any:
    """The value at dotted ``path`` in ``result``; a key may itself contain dots, ``*`` maps over a list.

    A list index may be negative (``-1`` is the last item).  A ``null`` on the way (a fit the claim
    could not make) gives ``None``.  At each level the
    longest run of dot-separated parts that is a key is taken, so
    ``measured.omega_for_p_star_0.99`` finds the key ``omega_for_p_star_0.99``.

    Raises
    ------
    KeyError
        With the part of the path that names nothing.

    Examples
    --------
    >>> lookup({"measured": {"a.b": [1, {"c": 2}]}}, "measured.a.b.1.c")
    2
    >>> lookup({"rows": [{"x": 1}, {"x": 3}]}, "rows.*.x"), lookup({"rows": [{"x": 1}, {"x": 3}]}, "rows.-1.x")
    ([1, 3], 3)
    """
    return _walk(result, path.split("."), path)


def _walk(node: Any, parts: list[str], path: str) -> Any:
    i = 0
    while i < len(parts):
        if node is None:  # a fit the result reports as null: nothing below it
            return None
        if isinstance(node, list):
            if parts[i] == "*":
                return [_walk(item, parts[i + 1 :], path) for item in node]
            if not parts[i].lstrip("-").isdigit() or not -len(node) <= int(parts[i]) < len(node):
                raise KeyError(".".join(parts[: i + 1]))
            node, i = node[int(parts[i])], i + 1
            continue
        if not isinstance(node, Mapping):
            raise KeyError(".".join(parts[: i + 1]))
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in node:
                node, i = node[key], j
                break
        else:
            raise KeyError(".".join(parts[: i + 1]))
    return node


@dataclass(frozen=True)
class Comparison:
    """One number of a claim's verdict, located in its result file.

    Attributes
    ----------
    label : str
        What the number is, in a few words.
    ours : str
        Path of our value.
    paper : str, float or None
        Path of the paper's value (or of our prediction, for an extension), a number the paper
        states in words (explained by ``note``), or ``None`` when there is nothing to compare with.
    low, high : str, optional
        Paths of the ends of our interval.
    trials : str, optional
        Path of the number of trials behind a proportion: its 99% Wilson interval is drawn.
    negate : bool
        Show ``-ours`` (and its interval): an exponent ``alpha`` from our fitted slope ``-alpha``.
        The paper's value is taken as it is.
    error : bool
        ``ours`` is the error of a closed form against its numerical twin; ``tolerance`` is the
        verdict's bound on it.
    tolerance : str, optional
        Path of the verdict's tolerance on an error.
    reduce : {"min", "max"}, optional
        Reduce a list (a ``*`` path) to one number.
    note : str
        The paper's words, when ``paper`` is a number written here.
    """

    label: str
    ours: str
    paper: str | float | None = None
    low: str | None = None
    high: str | None = None
    trials: str | None = None
    negate: bool = False
    error: bool = False
    tolerance: str | None = None
    reduce: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.error and self.paper is not None:
            raise ValueError(f"comparison {self.label!r}: an error has no paper value (it is 0 by construction).")
        if self.reduce not in (None, "min", "max"):
            raise ValueError(f"comparison {self.label!r}: reduce must be 'min', 'max' or None, got {self.reduce!r}.")
        if isinstance(self.paper, (int, float)) and not self.note:
            raise ValueError(f"comparison {self.label!r}: a paper value written here needs the paper's words (note).")
        if self.trials and (self.low or self.high):
            raise ValueError(f"comparison {self.label!r}: give either trials or low/high, not both.")


@dataclass(frozen=True)
class Point:
    """A :class:`Comparison` read from one result; ``None`` where the result has no such number."""

    label: str
    ours: float | None
    paper: float | None = None
    low: float | None = None
    high: float | None = None
    error: bool = False
    tolerance: float | None = None

    @property
    def kind(self) -> str:
        """``"error"``, ``"value"`` or ``"ours"`` (nothing to compare with)."""
        return "error" if self.error else ("value" if self.paper is not None else "ours")


def _number(value: Any, reduce: str | None, negate: bool = False) -> float | None:
    if isinstance(value, list):
        values = [v for v in (_number(v, None) for v in value) if v is not None]
        if reduce is None or not values:
            return None
        value = min(values) if reduce == "min" else max(values)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = float(value)  # "nan", "inf" as to_jsonable writes them
    if not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return -float(value) if negate else float(value)


def points(result: Mapping, comparisons: Sequence[Comparison]) -> list[Point]:
    """Read ``comparisons`` from ``result``.

    A fit that a result reports as ``null`` (too few modes, say) gives ``ours = None``.

    Raises
    ------
    KeyError
        If a path names nothing in the result (the spec is out of date with the claim).
    """
    out = []
    for c in comparisons:
        ours = _number(lookup(result, c.ours), c.reduce, c.negate)
        paper = c.paper if not isinstance(c.paper, str) else _number(lookup(result, c.paper), None)
        low = high = None
        if c.low and c.high:
            ends = [_number(lookup(result, p), c.reduce, c.negate) for p in (c.low, c.high)]
            if None not in ends:
                low, high = sorted(ends)
        elif c.trials and ours is not None:
            lo, hi = wilson_interval(ours, _number(lookup(result, c.trials), None))
            low, high = float(lo), float(hi)
        tolerance = _number(lookup(result, c.tolerance), None) if c.tolerance else None
        out.append(Point(c.label, ours, paper, low, high, c.error, tolerance))
    return out


def _g(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "none"
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e5):
        mantissa, exponent = f"{x:.1e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return f"{x:.{digits}g}"


def format_point(point: Point) -> tuple[str, str]:
    """``(paper, ours)`` cells of the compact tables for one point.

    Examples
    --------
    >>> format_point(Point("bridge marginal", 0.0512, 0.049, 0.0217, 0.0807))
    ('bridge marginal: 0.049', 'bridge marginal: 0.0512 [0.0217, 0.0807]')
    >>> format_point(Point("eq. 7 vs ODE", 1.9e-10, error=True, tolerance=1e-6))
    ('closed form (error 0)', 'eq. 7 vs ODE: error 1.9e-10 (tolerance 1.0e-6)')
    """
    if point.kind == "error":
        tolerance = f" (tolerance {_g(point.tolerance)})" if point.tolerance is not None else ""
        return "closed form (error 0)", f"{point.label}: error {_g(point.ours)}{tolerance}"
    interval = f" [{_g(point.low)}, {_g(point.high)}]" if point.low is not None else ""
    paper = f"{point.label}: {_g(point.paper)}" if point.kind == "value" else f"{point.label}: —"
    return paper, f"{point.label}: {_g(point.ours)}{interval}"


VERDICT_COLOURS = {
    "reproduced": "#1a9850",
    "differs": "#d73027",
    "extension (holds)": "#4575b4",
    "extension (fails)": "#f46d43",
    "extension": "#7f7f7f",
}
"""Colour of each verdict label (:func:`reproduce.results.verdict_label`) in the overview."""


def verdict_colour(label: str) -> str:
    """The overview colour of a verdict label; grey for anything unlisted."""
    return VERDICT_COLOURS.get(label, "#7f7f7f")


_SMALL = 1e-16
_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 1.0}
_CLIP = 1.5


def _relative(point: Point) -> tuple[float, float | None, float | None, bool]:
    """x of a value point: (ours - paper)/|paper|, or ours - paper when the paper's value is 0."""
    scale = abs(point.paper) if point.paper else 1.0
    shift = lambda v: None if v is None else (v - point.paper) / scale  # noqa: E731
    return shift(point.ours), shift(point.low), shift(point.high), not point.paper


def draw_overview(rows: Sequence[tuple[str, str, str, list[Point]]], path: Path) -> Path:
    """Draw the overview figure and save it (with :func:`reproduce.plotting.save_figure`).

    Parameters
    ----------
    rows : sequence of (group, claim id, verdict label, points)
        In display order; ``group`` is the paper's display name.
    path : Path
        The PNG to write.

    Left panel: every value as its deviation from the paper's value, relative
    (``(ours - paper)/|paper|``; absolute when the paper's value is 0, marked "abs."), with its
    interval; the paper's value is the line at 0.  Right panel: every closed form's error against
    its numerical twin, on a log axis, with the verdict's tolerance as a black tick.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from .plotting import save_figure

    lines: list[tuple[str, str, Point | None, str]] = []  # (label, colour, point, group)
    for group, claim_id, verdict, found in rows:
        if not lines or lines[-1][3] != group:
            lines.append(("", "", None, group))  # a header row for the paper's name
        colour = verdict_colour(verdict)
        for point in found or [None]:
            label = f"{claim_id}: {point.label}" if point is not None else f"{claim_id}"
            lines.append((label, colour, point, group))
    n = len(lines)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(13, 0.24 * n + 2.2), sharey=True, gridspec_kw={"width_ratios": [1.4, 1]}
    )
    y = np.arange(n)[::-1]
    for yi, (label, colour, point, group) in zip(y, lines):
        if not label:
            left.text(-_CLIP - 0.05, yi, group, fontsize=11, weight="bold", va="center", ha="left")
            continue
        if point is None or point.ours is None:
            text = "no number to compare" if point is None else "not measurable (no fit)"
            left.text(0, yi, text, ha="center", va="center", fontsize=9, color=colour, style="italic", bbox=_BOX)
            continue
        if point.kind == "error":
            right.plot(max(point.ours, _SMALL), yi, "o", color=colour, ms=6)
            if point.tolerance is not None:
                right.plot(point.tolerance, yi, "|", color="black", ms=10, mew=2)
            continue
        if point.kind == "ours":
            left.text(
                0,
                yi,
                f"ours {_g(point.ours)} (no paper value)",
                ha="center",
                va="center",
                fontsize=9,
                color=colour,
                style="italic",
                bbox=_BOX,
            )
            continue
        x, lo, hi, absolute = _relative(point)
        shown = float(np.clip(x, -_CLIP, _CLIP))
        if lo is not None:
            left.plot(np.clip([lo, hi], -_CLIP, _CLIP), [yi, yi], "-", color=colour, lw=2.5, alpha=0.6)
        marker = "o" if shown == x else (">" if x > 0 else "<")
        left.plot(shown, yi, marker, color=colour, ms=6, mfc=colour if not absolute else "white", mew=1.6)
        if shown != x:
            left.annotate(
                f"{x:+.3g}",
                (shown, yi),
                xytext=(-8 if x > 0 else 8, 0),
                textcoords="offset points",
                ha="right" if x > 0 else "left",
                va="center",
                fontsize=8,
                color=colour,
            )
    labels = [
        label + ("  (abs.)" if p is not None and p.kind == "value" and not p.paper else "")
        for label, _c, p, _g_ in lines
    ]
    left.set_yticks(y, labels, fontsize=9)
    left.set_ylim(-0.8, n - 0.2)
    left.axvline(0, color="black", lw=1.2)
    left.axvspan(-0.1, 0.1, color="0.85", zorder=0)
    left.set_xlim(-_CLIP - 0.1, _CLIP + 0.1)
    left.set_xlabel("ours relative to the paper's value: (ours - paper) / |paper|")
    left.set_title("Measured values (paper's value at 0; grey: ±10%)")
    right.set_xscale("log")
    right.set_xlim(1e-17, 1e11)
    right.set_xlabel("closed form vs numerical twin: max error")
    right.set_title("Closed forms against their twins")
    for yi, (label, _c, _p, _group) in zip(y, lines):
        if not label and yi != y[0]:
            for ax in (left, right):
                ax.axhline(yi + 0.5, color="0.3", lw=1)
    for ax in (left, right):
        ax.grid(axis="y", alpha=0.15)
    used = dict.fromkeys(verdict for _g0, _c, verdict, _p in rows)
    handles = [Line2D([], [], marker="o", ls="", color=verdict_colour(v), label=v) for v in used]
    handles.append(
        Line2D(
            [], [], marker="o", ls="", color="0.4", mfc="white", mew=1.6, label="paper's value is 0: absolute deviation"
        )
    )
    handles.append(Line2D([], [], marker="|", ls="", color="black", ms=10, mew=2, label="tolerance"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4))
    return save_figure(fig, path)


def _c(label: str, ours: str, paper: str | float | None = None, **kw: Any) -> Comparison:
    return Comparison(label, ours, paper, **kw)


def _error(label: str, ours: str, tolerance: str) -> Comparison:
    return Comparison(label, ours, error=True, tolerance=tolerance)


def _slope(label: str, ours: str, paper: str, negate: bool = False) -> Comparison:
    """A fitted slope stored as ``{mean, low, high}`` against the paper's value."""
    return Comparison(label, f"{ours}.mean", paper, low=f"{ours}.low", high=f"{ours}.high", negate=negate)


def _proportion(label: str, ours: str, paper: str | float, trials: str, note: str = "") -> Comparison:
    return Comparison(label, ours, paper, trials=trials, note=note)


def _seeds(label: str, ours: str, paper: str | float, note: str = "") -> Comparison:
    """A mean over replicates stored as ``{mean, low, high}`` (95% between-replicate interval)."""
    return Comparison(label, f"{ours}.mean", paper, low=f"{ours}.low", high=f"{ours}.high", note=note)


def _table_rows(trained: bool) -> tuple[Comparison, ...]:
    """Table 1 or 2's weighted and random connectivity (floor rounding) against the paper's rows.

    Simulated rankers: a proportion of ``trials`` (Wilson interval); trained ones: a mean over replicates.
    """
    rows = []
    for method in ("weighted", "random"):
        paper = f"paper_value.{method}.connectivity"
        if trained:
            rows.append(_seeds(f"{method} connectivity", f"{_M}.intervals_floor.{method}.connectivity", paper))
        else:
            ours = f"{_M}.floor.{method}"
            rows.append(_proportion(f"{method} connectivity", f"{ours}.connectivity", paper, f"{ours}.trials"))
    return tuple(rows)


_FIT = "details.fits"
_M = "measured"
_SIMILAR_BIAS = "deeper networks have a similar bias (alpha = 1 for two layers)"
_PAPER_MAPPING = "measured.mappings.linear f = 0.25 k (crossing at the paper's k ~ 3.5)"

COMPARISONS: dict[str, tuple[Comparison, ...]] = {
    # Spectral bias (Wang & Pehlevan)
    "spectral.optimum_loss": (
        _error("eq. 5 vs lstsq, max rel.", f"{_M}.max_lstsq_rel_error", "tolerance.lstsq_rel"),
        _error("eq. 6 sample ridge vs eq. 5, max rel.", f"{_M}.max_ridge_rel_error", "tolerance.lstsq_rel"),
    ),
    "spectral.gaussian_equivalence": (
        _error(
            "linear: Rademacher vs Gaussian run, max rel.",
            f"{_M}.linear_exact_max_rel_diff",
            "tolerance.linear_exact_rel",
        ),
        Comparison("MLP runs apart / sampled linear runs apart", f"{_M}.mlp_over_linear_sampled"),
    ),
    "spectral.eq7_weights": (_error("eq. 7 vs ODE, max rel.", f"{_M}.ode_max_rel_error", "tolerance.ode_rel"),),
    "spectral.lemma4_1_sign": (
        _error("printed sign, min rel.", f"{_M}.min_printed_rel_error", "tolerance.rel"),
        _error("plus sign, max rel.", f"{_M}.max_corrected_rel_error", "tolerance.rel"),
    ),
    "spectral.prop4_2_variance": (_error("variance vs ODE, max rel.", f"{_M}.max_ode_max_rel", "tolerance.rel"),),
    "spectral.inverse_law": (
        Comparison(
            "alpha, one layer, Q = 0",
            f"{_FIT}.one/Q=0/geometric/rising.slope",
            "paper_value.alpha",
            low=f"{_FIT}.one/Q=0/geometric/rising.slope_low",
            high=f"{_FIT}.one/Q=0/geometric/rising.slope_high",
            negate=True,
        ),
        Comparison(
            "alpha, two layers, Q = 0.1",
            f"{_FIT}.two/Q=0.1/geometric/rising.slope",
            "paper_value.alpha",
            low=f"{_FIT}.two/Q=0.1/geometric/rising.slope_low",
            high=f"{_FIT}.two/Q=0.1/geometric/rising.slope_high",
            negate=True,
        ),
    ),
    "spectral.noncentred": (
        _error("orthogonal modes vs eq. 7, max rel.", f"{_M}.orthogonal_max_rel_error", "tolerance.ode_rel"),
        _error(
            "mean's mode vs 2x2 closed form, max abs.", f"{_M}.coupled_closed_form_max_abs_error", "tolerance.ode_rel"
        ),
        _error("late rate vs r_-, max rel.", f"{_M}.late_rate_max_rel_error", "tolerance.late_rate_rel"),
    ),
    "spectral.prop5_1_two_layer": (_error("weights vs ODE, max rel.", f"{_M}.weights_max_rel_error", "tolerance.rel"),),
    "spectral.deep_linear": (
        Comparison("alpha, aligned, L = 4", f"{_M}.aligned.4.alpha", 1.0, note=_SIMILAR_BIAS),
        _seeds("alpha, random start, L = 3", f"{_M}.full_matrix.3.alpha", 1.0, note=_SIMILAR_BIAS),
        _seeds("alpha, random start, L = 4", f"{_M}.full_matrix.4.alpha", 1.0, note=_SIMILAR_BIAS),
    ),
    "spectral.prop5_3_circulant": (_error("gains vs ODE, max rel.", f"{_M}.gain_max_rel_error", "tolerance.rel"),),
    "spectral.eq10_typo": (
        _error("as printed, max abs.", f"{_M}.printed_max_abs_error", "tolerance.abs"),
        _error("initial value restored, max abs.", f"{_M}.corrected_max_abs_error", "tolerance.abs"),
    ),
    "spectral.prop5_4_patch": (
        _error("spectrum vs PF-ODE, max rel.", f"{_M}.spectrum_closed_vs_pf_ode_max_rel", "tolerance.rel"),
    ),
    "spectral.gaussian_mlp": (
        _slope("alpha rising", f"{_M}.rising", "paper_value.d=256", negate=True),
        _slope("alpha falling", f"{_M}.falling", "paper_value.d=256", negate=True),
    ),
    "spectral.gaussian_mlp_d512": (
        _slope("alpha rising", f"{_M}.rising", "paper_value.rising", negate=True),
        _slope("alpha falling", f"{_M}.falling", "paper_value.falling", negate=True),
    ),
    "spectral.image_mlp": (
        _slope("patches slope rising", f"{_M}.patches_mlp.rising", "paper_value.FFHQ32 rising.slope"),
        _slope("patches slope falling", f"{_M}.patches_mlp.falling", "paper_value.FFHQ32 falling.slope"),
    ),
    "spectral.cnn_no_bias": (
        _slope("CNN alpha rising, digits", f"{_M}.digits_cnn.rising", "paper_value.effective alpha", negate=True),
        _slope("CNN alpha falling, patches", f"{_M}.patches_cnn.falling", "paper_value.effective alpha", negate=True),
    ),
    "spectral.cnn_speedup": (
        _error("linear: |speed-up / N - 1|, every mode", f"{_M}.linear.max_rel_error_vs_N", "tolerance.linear_rel"),
        _seeds("trained speed-up, patches", f"{_M}.trained.patches.ratio", f"{_M}.trained.patches.pixels"),
        _seeds("trained speed-up, digits", f"{_M}.trained.digits.ratio", f"{_M}.trained.digits.pixels"),
    ),
    "spectral.alignment": (
        _seeds("final alignment, Gaussian", f"{_M}.gaussian_mlp.final", f"{_M}.gaussian_mlp.ceiling.mean", note=""),
    ),
    "spectral.flow_matching": (
        _error("variance vs sampling ODE, max rel.", f"{_M}.variance_sampling_ode_max_rel", "tolerance.rel"),
    ),
    "spectral.theory_overlay": (
        _error(
            "median |log tau* ratio| vs eq. 7", f"{_M}.median_abs_log_ratio.mean", "tolerance.median_abs_log_ratio_max"
        ),
    ),
    "spectral.architecture_ablation": (_seeds("legacy - printed rising slope", f"{_M}.legacy_minus_printed", None),),
    # Generative Myopia (Siami)
    "myopia.lemma3_1": (
        Comparison(
            "bridge marginal (diffusion)", f"{_M}.barbell.bridge_learned.diffusion", f"{_M}.barbell.bridge_frequency"
        ),
    ),
    "myopia.trained_lemma3_1": (
        _seeds("bridge marginal", f"{_M}.bridge_learned", f"{_M}.bridge_train_frequency.mean"),
    ),
    "myopia.theorem3_2": (
        Comparison("P(disconnected), eps = 0.05", f"{_M}.rows.2.exact_marginals", f"{_M}.rows.2.theorem"),
    ),
    "myopia.trained_theorem3_2": (
        _seeds("P(disconnected), eps = 0.05", f"{_M}.rows.0.disconnected", f"{_M}.rows.0.theorem"),
    ),
    "myopia.capacity_independence": (
        _seeds("P(disconnected), largest net", f"{_M}.rows.2.disconnected", f"{_M}.rows.2.target.mean"),
    ),
    "myopia.worse_than_random": (
        _proportion(
            "ranking (standard) connectivity, barbell",
            f"{_M}.graphs.barbell.simulated.standard.rate",
            "paper_value.barbell.standard",
            f"{_M}.graphs.barbell.simulated.standard.trials",
        ),
        Comparison(
            "random connectivity (exact), barbell", f"{_M}.graphs.barbell.random_exact", "paper_value.barbell.random"
        ),
    ),
    "myopia.dataset_size": (
        _seeds("P(disconnected), smallest data set", f"{_M}.rows.0.disconnected", f"{_M}.theorem"),
        _seeds("P(disconnected), largest data set", f"{_M}.rows.-1.disconnected", f"{_M}.theorem"),
    ),
    "myopia.reff_bridge": (_error("R_eff vs closed forms, max abs.", f"{_M}.max_abs_error", "tolerance.absolute_R"),),
    "myopia.reff_cost": (
        Comparison("exact time exponent (bound)", f"{_M}.exact_exponent_vs_N", "paper_value.exact time exponent vs N"),
        Comparison(
            "approximate work exponent", f"{_M}.approx_work_exponent_vs_m", "paper_value.approximate work exponent vs m"
        ),
    ),
    "myopia.zero_inference_overhead": (
        Comparison(
            "sampling time, weighted / standard",
            f"{_M}.ratio_median",
            1.0,
            low=f"{_M}.ratio_min",
            high=f"{_M}.ratio_max",
            note="sampling cost unchanged",
        ),
    ),
    "myopia.trained_weighted_marginal": (
        _seeds("bridge marginal vs p* (lambda = 2)", f"{_M}.rows.0.learned_bridge", f"{_M}.rows.0.p_star.mean"),
    ),
    "myopia.lambda_sweep": (Comparison("ranking fixed beyond lambda", f"{_M}.barbell 2xK8.ranking_fixed_beyond"),),
    "myopia.table1_barbell": _table_rows(trained=False),
    "myopia.trained_table1_barbell": _table_rows(trained=True),
    "myopia.table2_chain": _table_rows(trained=False),
    "myopia.distinct_resistance": (Comparison("|R_eff bridge 1 - bridge 2|, literal chain", f"{_M}.literal_abs_diff"),),
    "myopia.trained_table2_chain": _table_rows(trained=True),
    "myopia.fig4_visible_bridge": (
        Comparison(
            "weighted (lambda 20), worst k",
            f"{_PAPER_MAPPING}.weighted_lam20",
            1.0,
            reduce="min",
            note="weighted ~100% for all k",
        ),
    ),
    "myopia.trained_visible_bridge": (
        Comparison("weighted, worst k", f"{_M}.curves.*.weighted.mean", "tolerance.weighted_level", reduce="min"),
    ),
    "myopia.fig5_optimization": (
        Comparison("standard SGD p", f"{_M}.standard_p", "paper_value.standard p"),
        Comparison("weighted SGD p", f"{_M}.weighted_p", "paper_value.weighted p"),
    ),
    "myopia.real_graphs": (
        Comparison("weighted mean connectivity, real graphs", f"{_M}.mean_connectivity_real.weighted"),
    ),
    # Both papers (ours)
    "bridge.starvation_law": (
        Comparison(
            "slope of tau* in eps(1-eps)",
            f"{_M}.slope_tau_vs_eps_one_minus_eps",
            -1.0,
            note="prediction (ours): slope -1 in eps(1-eps)",
        ),
    ),
    "bridge.starvation_dynamics": (
        _seeds("SGD speed-up, lambda 2", f"{_M}.sgd.rows.0.measured_speedup", f"{_M}.sgd.rows.0.predicted_speedup"),
        _seeds("SGD speed-up, lambda 20", f"{_M}.sgd.rows.1.measured_speedup", f"{_M}.sgd.rows.1.predicted_speedup"),
    ),
}
"""Claim id -> the numbers its verdict turns on (a test checks every claim has an entry that resolves)."""
