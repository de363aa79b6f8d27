"""From a recording to the paper's numbers and figures: emergence times, gray zone, power-law fits.

One protocol for theory and experiment: the trajectories recorded by
:func:`~reproduce.spectral_bias.denoisers.training.train_and_record` go through
:func:`theory.emergence.emergence_times` (geometric criterion, Gaussian smoothing of 1 record step
for experiments, spec Sec. 3), the gray zone (targets within 0.5-2x of the mean initial variance)
is excluded, and rising and falling modes are fitted separately (``ln tau* = a + b ln lam``,
``tau*`` in training steps; the paper quotes ``alpha = -b``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.replicates import interval
from theory import emergence

from .experiments import Experiment, replicate, run
from .training import Recording

__all__ = [
    "EXPERIMENT_SMOOTHING",
    "MIN_MODES",
    "SlopeReference",
    "analyse",
    "branch_estimate",
    "branches",
    "describe_estimate",
    "draw_spectral_figure",
    "median_time_ratios",
    "recording_details",
    "replicated_values",
    "run_values",
    "summary",
    "tau_ranges",
]

EXPERIMENT_SMOOTHING = 1.0
"""Smoothing of trained trajectories in record steps (authors' code: 1 for experiments)."""


DEGENERATE_RTOL = 1e-6
"""Modes with ``lam_k <= DEGENERATE_RTOL * max(lam)`` carry no data variance (e.g. digit pixels that
are always blank) and have no emergence time; they are left out and counted."""


def analyse(steps, variances, targets, criterion: str = "geometric", smoothing: float = EXPERIMENT_SMOOTHING) -> dict:
    """Emergence times and the rising/falling fits of one recording.

    Parameters
    ----------
    steps : array_like (R,)
        Recorded training steps.
    variances : array_like (R, d)
        Generated variance along each data eigenvector.
    targets : array_like (d,)
        The data's eigenvalues ``lam_k``.

    Returns
    -------
    dict
        ``tau_star`` (d,) with NaN where no crossing, ``rising``, ``gray`` and ``degenerate`` masks,
        ``initial``, and ``fit`` = :func:`theory.emergence.fit_inverse_law` over the non-degenerate
        modes with the gray zone excluded (plus ``fit["degenerate"]``, the number left out).
    """
    lam = np.asarray(targets, float)
    var = np.asarray(variances, float)
    live = lam > DEGENERATE_RTOL * lam.max()
    e = emergence.emergence_times(steps, var[:, live].T, lam[live], criterion, smoothing)
    gray = emergence.gray_zone(lam[live], e.initial)
    fit = emergence.fit_inverse_law(lam[live], e, exclude=gray)
    fit["degenerate"] = int(np.sum(~live))

    def full(part, fill):
        out = np.full(lam.shape, fill, dtype=np.asarray(part).dtype)
        out[live] = part
        return out

    return {
        "tau_star": full(e.tau_star, np.nan),
        "rising": full(e.rising, False),
        "gray": full(gray, False),
        "degenerate": ~live,
        "initial": full(e.initial, np.nan),
        "fit": fit,
    }


MIN_MODES = 3
"""A branch needs at least this many fitted modes to be read (a slope through 2 points says nothing)."""


def branches(fit: Mapping[str, Any], min_modes: int = MIN_MODES) -> dict:
    """The fitted branches (``rising``/``falling``) with at least ``min_modes`` modes."""
    return {b: fit[b] for b in ("rising", "falling") if fit.get(b) and fit[b]["n"] >= min_modes}


def summary(fit: Mapping[str, Any]) -> str:
    """``rising b (R^2, N); falling b (R^2, N)`` for a headline."""
    parts = []
    for branch in ("rising", "falling"):
        f = fit[branch]
        parts.append(f"{branch} {f['slope']:.2f} (R2 {f['r2']:.2f}, N {f['n']})" if f else f"{branch}: none")
    return "; ".join(parts)


def tau_ranges(analysis: Mapping[str, Any]) -> dict:
    """Per branch, the smallest, median and largest ``tau*`` of the fitted modes (None without any)."""
    tau = np.asarray(analysis["tau_star"], float)
    used = np.isfinite(tau) & ~np.asarray(analysis["gray"], bool) & ~np.asarray(analysis["degenerate"], bool)
    rising = np.asarray(analysis["rising"], bool)
    out = {}
    for branch, sel in (("rising", used & rising), ("falling", used & ~rising)):
        t = tau[sel]
        out[branch] = {"min": float(t.min()), "median": float(np.median(t)), "max": float(t.max())} if t.size else None
    return out


def recording_details(rec: Recording, analysis: Mapping[str, Any], snapshot_records: int = 6) -> dict:
    """JSON-able data the figures need: trajectories, targets, emergence, alignment, and for image
    data (snapshots of shape (R, n, C, H, W)) the sample grids of ``snapshot_records`` records."""
    details = {
        "steps": rec.steps,
        "variances": rec.variances,
        "targets": rec.basis.variances,
        "alignment": rec.alignment,
        "tau_star": analysis["tau_star"],
        "rising": analysis["rising"],
        "gray": analysis["gray"],
        "degenerate": analysis["degenerate"],
    }
    if rec.snapshots.ndim == 5:
        keep = np.unique(np.rint(np.linspace(0, len(rec.steps) - 1, snapshot_records)).astype(int))
        details["snapshot_steps"] = rec.steps[keep]
        details["snapshots"] = rec.snapshots[keep].astype(float).round(4)
    return details


def run_values(exp: Experiment, criterion: str = "geometric", desc: str = "train") -> tuple[dict, dict]:
    """Measured values and figure details of one recorded run (trained or loaded through :func:`.run`).

    Values: both fits, the ``tau*`` ranges of the fitted modes, mode counts (gray zone, no crossing,
    degenerate), the mean initial variance, the final alignment and the median final/target ratio.
    """
    rec, _ = run(exp, desc=desc)
    a = analyse(rec.steps, rec.variances, rec.basis.variances, criterion)
    live = ~a["degenerate"]
    values = {
        "rising": a["fit"]["rising"],
        "falling": a["fit"]["falling"],
        "tau_range": tau_ranges(a),
        "no_crossing": a["fit"]["no_crossing"],
        "gray_zone": a["fit"]["excluded"],
        "modes": int(rec.basis.variances.size),
        "degenerate": a["fit"]["degenerate"],
        "mean_initial_variance": float(np.nanmean(a["initial"])),
        "final_alignment": float(rec.alignment[-1]),
        "final_over_target_median": float(np.median(rec.variances[-1, live] / rec.basis.variances[live])),
        "parameters": rec.parameters,
        "steps": int(rec.steps[-1]),
    }
    return values, recording_details(rec, a)


def median_time_ratios(numerator, denominator, branch: str = "falling") -> list[float]:
    """Per replicate, the median emergence step of ``branch`` in ``numerator`` over that in ``denominator``.

    ``numerator`` and ``denominator`` are the ``per_seed`` lists of :func:`replicated_values` of two
    runs with the same seeds (e.g. the MLP and the CNN on one data set); replicates where either run
    has no such branch are left out.

    Examples
    --------
    >>> slow = [{"tau_range": {"falling": {"median": 40.0}}}, {"tau_range": {"falling": None}}]
    >>> fast = [{"tau_range": {"falling": {"median": 20.0}}}, {"tau_range": {"falling": {"median": 5.0}}}]
    >>> median_time_ratios(slow, fast)
    [2.0]
    """
    ratios = []
    for a, b in zip(numerator, denominator, strict=True):
        top, bottom = a["tau_range"][branch], b["tau_range"][branch]
        if top and bottom:
            ratios.append(top["median"] / bottom["median"])
    return ratios


def replicated_values(exp: Experiment, seeds, criterion: str = "geometric", desc: str = "train") -> tuple[dict, dict]:
    """:func:`run_values` of every replicate of ``exp`` (one per seed) and their per-branch estimates.

    Returns
    -------
    values : dict
        ``seeds``; ``per_seed``, the :func:`run_values` of each replicate; ``rising`` and
        ``falling``, each :func:`branch_estimate`; and ``parameters`` (the same for every seed).
    details : dict
        The first replicate's figure details (:func:`recording_details`).
    """
    seeds = [int(s) for s in seeds]
    per_seed, first = [], None
    for i, seed in enumerate(seeds):
        v, d = run_values(replicate(exp, seed), criterion, f"{desc}, seed {i + 1}/{len(seeds)}")
        per_seed.append(v)
        first = d if first is None else first
    values = {
        "seeds": seeds,
        "per_seed": per_seed,
        "parameters": per_seed[0]["parameters"],
        "steps": per_seed[0]["steps"],
        "modes": per_seed[0]["modes"],
    }
    for branch in ("rising", "falling"):
        values[branch] = branch_estimate(per_seed, branch)
    return values, first


def branch_estimate(per_seed, branch: str, min_modes: int = MIN_MODES) -> dict | None:
    """The slope of ``branch`` over the replicates where it is readable (at least ``min_modes`` modes).

    Returns ``None`` when no replicate has the branch; else :func:`reproduce.replicates.interval` of
    the readable slopes plus ``seeds_fitted`` (how many replicates), ``r2_min`` and ``n_min`` (the
    weakest fit), and ``interval`` naming where ``low``/``high`` come from: ``"between seeds"``
    (Student-t over replicates) or, with a single readable replicate, ``"within fit"`` (that fit's
    own interval, :func:`theory.emergence.loglog_fit`).
    """
    fits = [v[branch] for v in per_seed if v.get(branch) and v[branch]["n"] >= min_modes]
    if not fits:
        return None
    est = interval([f["slope"] for f in fits])
    est.update(
        seeds_fitted=len(fits),
        r2_min=min(f["r2"] for f in fits),
        n_min=min(f["n"] for f in fits),
        interval="between seeds",
    )
    if len(fits) == 1:
        est.update(low=fits[0]["slope_low"], high=fits[0]["slope_high"], interval="within fit")
    return est


def describe_estimate(est: Mapping[str, Any] | None, seeds: int) -> str:
    """``-1.13 [-1.35, -0.91] (3 of 3 seeds, R2 >= 0.91)`` for a reason or headline."""
    if est is None:
        return "none"
    span = "" if est["low"] is None else f" [{est['low']:.2f}, {est['high']:.2f}]"
    return (
        f"{est['mean']:.2f}{span} ({est['seeds_fitted']} of {seeds} seeds, "
        f"R2 >= {est['r2_min']:.2f}, N >= {est['n_min']})"
    )


@dataclass(frozen=True)
class SlopeReference:
    """A slope a verdict compares with, drawn by :func:`draw_spectral_figure`.

    Attributes
    ----------
    label : str
        Legend text (say where the number comes from: the paper, a tolerance, another run).
    slope : float, optional
        A value of ``b`` in ``tau* ∝ lam^b`` (``-alpha``): a dashed line in the slope panel and,
        through the centre of that branch's fitted modes, in the ``tau*`` panel.
    band : tuple of float, optional
        A ``(low, high)`` range of ``b``, shaded in the slope panel only.
    branches : tuple of str
        The branches (``"rising"``, ``"falling"``) it applies to.
    series : tuple of str, optional
        The series of the slope panel it applies to (default: all).
    color : str
        Line or band colour.
    in_fit : bool
        Whether a ``slope`` is also drawn in the ``tau*`` panel (a threshold of the verdict need not be).
    """

    label: str
    slope: float | None = None
    band: tuple[float, float] | None = None
    branches: tuple[str, ...] = ("rising", "falling")
    series: tuple[str, ...] | None = None
    color: str = "k"
    in_fit: bool = True


_BRANCH_COLORS = {"rising": "C3", "falling": "C0"}


def _centre(x, y):
    return float(np.exp(np.mean(np.log(x)))), float(np.exp(np.mean(np.log(y))))


def _overlay_segment(f: Mapping[str, Any], taus: Mapping[str, Any] | None):
    """The fitted line of another run over the ``tau*`` range of its fitted modes (None if flat)."""
    if not f or not taus or abs(f["slope"]) < 0.05:
        return None
    t = np.array([taus["min"], taus["max"]], float)
    lam = np.exp((np.log(t) - f["intercept"]) / f["slope"])
    return np.sort(lam)


def _slope_panel(ax, estimates: Mapping[str, Mapping[str, Any]], references) -> None:
    """Per series and branch: each replicate's fitted slope, their mean and 95% interval, the references."""
    cats = [(name, branch) for branch in ("rising", "falling") for name in estimates]
    ax.plot([], [], "o", ms=5, mfc="none", color="0.3", label="one replicate's fitted slope")
    for x, (name, branch) in enumerate(cats):
        est = estimates[name].get(branch)
        color = _BRANCH_COLORS[branch]
        if est is None:
            ax.text(x, 0.5, "no branch\n(< 3 modes)", transform=ax.get_xaxis_transform(), ha="center", fontsize=10)
            continue
        vals = np.asarray(est["values"], float)
        ax.plot(x + np.linspace(-0.12, 0.12, vals.size), vals, "o", ms=5, mfc="none", color=color)
        low, high = est.get("low"), est.get("high")
        if low is not None:
            ax.errorbar(
                x + 0.25,
                est["mean"],
                yerr=[[est["mean"] - low], [high - est["mean"]]],
                fmt="s",
                ms=6,
                color="k",
                capsize=4,
                label="mean, 95% interval",
            )
        else:
            ax.plot(x + 0.25, est["mean"], "s", ms=6, color="k", label="mean, 95% interval")
    for ref in references:
        for x, (name, branch) in enumerate(cats):
            if branch not in ref.branches or (ref.series is not None and name not in ref.series):
                continue
            if ref.band is not None:
                ax.fill_between([x - 0.42, x + 0.42], *ref.band, color=ref.color, alpha=0.18, lw=0, label=ref.label)
            if ref.slope is not None:
                ax.hlines(ref.slope, x - 0.42, x + 0.42, colors=ref.color, linestyles="--", lw=1.6, label=ref.label)
    ticks = []
    for name, branch in cats:
        est = estimates[name].get(branch)
        ticks.append(f"{name}\n{branch}" + (f"\nR2 ≥ {est['r2_min']:.2f}" if est else ""))
    ax.set_xticks(range(len(cats)), ticks)
    ax.set_xlim(-0.6, len(cats) - 0.4)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel("fitted slope b of tau* ∝ lam^b (alpha = -b)")
    ax.set_title("fitted slope per replicate")


def draw_spectral_figure(
    details: Mapping[str, Any],
    fit: Mapping[str, Any],
    title: str,
    path: Path,
    *,
    estimates: Mapping[str, Mapping[str, Any]] | None = None,
    references=(),
    overlays: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    """The content of the paper's Figs. 3/4/9/11/12 in one PNG.

    Panels: (a) sample grids through training (when ``details`` has snapshots), (b) generated
    variance per mode vs step with the targets, (c) heat-map of ``log10(lam~_k / lam_k)`` (modes x
    records) with ``tau*`` marked and the gray zone shaded, (d) ``tau*`` vs ``lam`` with the fits,
    and (e), with ``estimates``, the fitted slopes of every replicate with their mean and interval.
    One legend for all panels sits below them, outside every axes.

    Parameters
    ----------
    details : Mapping
        :func:`recording_details` of the replicate drawn in (a)-(d).
    fit : Mapping
        That replicate's :func:`run_values` (its ``rising``/``falling`` fits).
    title : str
        Figure title.
    path : Path
        Where the PNG goes.
    estimates : Mapping[str, Mapping], optional
        Series name -> :func:`replicated_values` values (``rising``/``falling`` :func:`branch_estimate`)
        for panel (e); the first series is the one drawn in (a)-(d).
    references : sequence of SlopeReference
        Slopes the verdict compares with (paper values, tolerance bands).
    overlays : Mapping[str, Mapping], optional
        Label -> another run's :func:`run_values` (same data), whose fitted lines are drawn dashed in (d)
        over the ``tau*`` range of their modes.

    Returns
    -------
    Path
        ``path``.
    """
    import matplotlib.pyplot as plt
    from matplotlib import colors, ticker

    from reproduce.plotting import legend_outside, save_figure

    live = ~np.asarray(details["degenerate"], bool)  # modes without data variance are not drawn
    steps = np.asarray(details["steps"], float)
    var = np.asarray(details["variances"], float)[:, live]
    lam = np.asarray(details["targets"], float)[live]
    tau = np.asarray(details["tau_star"], float)[live]
    rising, gray = np.asarray(details["rising"], bool)[live], np.asarray(details["gray"], bool)[live]
    grids = "snapshots" in details
    n_panels = 4 if estimates else 3
    width = 5.0 * n_panels + (1.5 if estimates and len(estimates) > 1 else 0.0)
    panel_h = 5.0
    if grids:
        snaps = np.asarray(details["snapshots"], float)
        tiles = [_tile(snap) for snap in snaps]
        n = len(tiles)
        image_h = width / n * tiles[0].shape[0] / tiles[0].shape[1]  # each grid as wide as its column
        fig = plt.figure(figsize=(width, image_h + 0.5 + panel_h + 1.6), layout="constrained")
        top, low = fig.subfigures(2, 1, height_ratios=[image_h + 0.5, panel_h], hspace=0.0)
        for j, (ax, tile) in enumerate(zip(top.subplots(1, n), tiles)):
            ax.imshow(tile, cmap="gray", vmin=-1, vmax=1)
            ax.set_title(f"samples at step {int(details['snapshot_steps'][j])}", fontsize=10)
            ax.axis("off")
    else:
        fig = plt.figure(figsize=(width, panel_h + 1.4), layout="constrained")
        low = fig
    slope_width = max(0.9, 0.4 * 2 * len(estimates or {}))  # two branches per series
    axes = low.subplots(1, n_panels, width_ratios=[1.1, 1.1, 1, slope_width][:n_panels])
    cmap = plt.get_cmap("viridis")
    norm = colors.LogNorm(lam.min(), lam.max())
    ax = axes[0]
    for k in np.linspace(0, lam.size - 1, min(lam.size, 24)).astype(int):
        ax.loglog(steps, var[:, k], color=cmap(norm(lam[k])), lw=1)
        ax.axhline(lam[k], color=cmap(norm(lam[k])), ls=":", lw=0.6)
    ax.set_xlabel("training step")
    ax.set_ylabel("generated variance along u_k")
    ax.set_title("variance per mode (dotted: target lam_k)")
    low.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, label="data variance lam_k")
    ax = axes[1]
    ratio = np.log10(var.T / lam[:, None])
    lim = float(np.nanmax(np.abs(ratio)))
    im = ax.pcolormesh(steps, np.arange(lam.size), ratio, cmap="RdBu_r", vmin=-lim, vmax=lim, shading="nearest")
    ax.set_xscale("log")
    ok = np.isfinite(tau)
    ax.plot(tau[ok], np.arange(lam.size)[ok], "k.", ms=3, label="tau* (emergence step)")
    if gray.any():
        g = np.flatnonzero(gray)
        ax.axhspan(
            g.min() - 0.5, g.max() + 0.5, color="0.5", alpha=0.35, label="gray zone: lam_k within 0.5-2x initial"
        )
    ax.invert_yaxis()
    ax.set_xlabel("training step")
    ax.set_ylabel("mode k (largest variance on top)")
    ax.set_title("log10(generated / target variance)")
    low.colorbar(im, ax=ax, label="log10 ratio")
    ax = axes[2]
    centres = {}
    for branch, sel in (("rising", rising), ("falling", ~rising)):
        color = _BRANCH_COLORS[branch]
        use = sel & ok & ~gray
        ax.loglog(lam[use], tau[use], "o", color=color, ms=4, label=f"{branch} modes")
        f = fit.get(branch)
        if f and use.any():
            xs = np.array([lam[use].min(), lam[use].max()])
            ax.loglog(
                xs,
                np.exp(f["intercept"]) * xs ** f["slope"],
                "-",
                color=color,
                label=f"{branch} fit: slope {f['slope']:.2f}, R2 {f['r2']:.2f}, N {f['n']}",
            )
        if use.sum() >= 2:
            centres[branch] = _centre(lam[use], tau[use])
    if (gray & ok).any():
        ax.loglog(lam[gray & ok], tau[gray & ok], "x", color="0.5", ms=4, label="gray-zone modes (not fitted)")
    for label, other in (overlays or {}).items():
        for branch in ("rising", "falling"):
            seg = _overlay_segment(other.get(branch), other.get("tau_range", {}).get(branch))
            if seg is not None:
                f = other[branch]
                ax.loglog(
                    seg,
                    np.exp(f["intercept"]) * seg ** f["slope"],
                    ls=(0, (5, 2)),
                    lw=2.2,
                    color=_BRANCH_COLORS[branch],
                    alpha=0.55,
                    label=f"{label}, {branch}: slope {f['slope']:.2f}, N {f['n']}",
                )
    for ref in references:
        if ref.slope is None or not ref.in_fit:
            continue
        for branch in ref.branches:
            if branch in centres:
                (x0, y0), sel = centres[branch], (rising if branch == "rising" else ~rising) & ok & ~gray
                xs = np.array([lam[sel].min(), lam[sel].max()])
                ax.loglog(xs, y0 * (xs / x0) ** ref.slope, "--", color=ref.color, lw=1.4, label=ref.label)
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())  # minor labels collide on short ranges
    ax.set_xlabel("data variance lam_k")
    ax.set_ylabel("emergence step tau*")
    ax.set_title("inverse-variance law (replicate 1)")
    if estimates:
        _slope_panel(axes[3], estimates, references)
    legend_outside(fig, axes[1:], ncols=4)
    fig.suptitle(title)
    return save_figure(fig, path)


def _tile(images: np.ndarray) -> np.ndarray:
    """A square-ish mosaic of (n, C, H, W) samples (channels averaged to gray)."""
    imgs = np.clip(images.mean(axis=1), -1, 1)
    h, w = imgs.shape[1:]
    cols = int(np.ceil(np.sqrt(imgs.shape[0])))
    rows = int(np.ceil(imgs.shape[0] / cols))
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), -1.0)
    for i, im in enumerate(imgs):
        r, q = divmod(i, cols)
        out[r * (h + 1) : r * (h + 1) + h, q * (w + 1) : q * (w + 1) + w] = im
    return out
