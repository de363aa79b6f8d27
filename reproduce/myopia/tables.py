"""Shared parts of the Table 1 / Table 2 claims: the paper's rows, the per-row comparison,
and the bar-chart figure.  Each table's claim module defines its own workload."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Judgement
from reproduce.monte_carlo import binomial_tolerance, mean_tolerance
from theory.sparsifiers import METHODS

__all__ = ["LABELS", "compare_rows", "draw_table_figure", "format_rows", "judge_table"]

LABELS = {
    "random": "random sampling",
    "standard": "standard diffusion",
    "weighted": "weighted diffusion",
    "oracle": "spectral oracle",
}
"""Row names as the paper prints them."""

PAPER_TRIALS = 500
"""K of Algorithm 5.1 [paper]."""


def compare_rows(
    paper: Mapping[str, Mapping[str, float]], ours: Mapping[str, Mapping[str, float]], trials: int
) -> dict:
    """Per method: our numbers minus the paper's, the 99% Monte-Carlo tolerances, and pass/fail.

    Connectivity uses a two-proportion interval (paper K = 500 vs our ``trials``) plus the
    0.1% printing resolution; the RSE mean a two-mean interval with both standard deviations
    plus the 0.01 printing resolution.
    """
    out = {}
    for method in METHODS:
        p, o = paper[method], ours[method]
        tol_c = binomial_tolerance(p["connectivity"], o["connectivity"], PAPER_TRIALS, trials)
        tol_r = mean_tolerance(p["rse_std"], o["rse_std"], PAPER_TRIALS, trials)
        d_c = o["connectivity"] - p["connectivity"]
        d_r = o["rse_mean"] - p["rse_mean"]
        out[method] = {
            "connectivity_diff": d_c,
            "connectivity_tolerance": tol_c,
            "rse_mean_diff": d_r,
            "rse_mean_tolerance": tol_r,
            "within": bool(abs(d_c) <= tol_c and abs(d_r) <= tol_r),
        }
    return out


def judge_table(values: Mapping[str, Any], paper: Mapping[str, Mapping[str, float]], label: str) -> Judgement:
    """Reproduced iff every row is within its 99% Monte-Carlo tolerance under floor rounding.

    ``values`` holds ``floor``/``ceil`` rows and their ``comparison_floor``/``comparison_ceil``.
    """
    cmp_f, cmp_c = values["comparison_floor"], values["comparison_ceil"]
    off = [m for m in METHODS if not cmp_f[m]["within"]]
    off_ceil = [m for m in METHODS if not cmp_c[m]["within"]]
    tolerance = {
        "rule": "per row: |ours - paper| <= 99% two-sample Monte-Carlo interval + printed rounding",
        "connectivity": {m: cmp_f[m]["connectivity_tolerance"] for m in METHODS},
        "rse_mean": {m: cmp_f[m]["rse_mean_tolerance"] for m in METHODS},
    }
    if not off_ceil:
        ceil_note = "all rows are also within tolerance with ceil rounding"
    else:
        ceil_note = "with ceil rounding outside: " + ", ".join(LABELS[m] for m in off_ceil)
    if not off:
        return Judgement(
            "reproduced",
            f"All four rows of {label} are within the Monte-Carlo tolerance (floor rounding); {ceil_note}.",
            tolerance,
        )
    details = "; ".join(
        f"{LABELS[m]}: connectivity {100 * values['floor'][m]['connectivity']:.1f}% vs "
        f"{100 * paper[m]['connectivity']:.1f}%, RSE {values['floor'][m]['rse_mean']:.2f} vs {paper[m]['rse_mean']:.2f}"
        for m in off
    )
    return Judgement("differs", f"{label} rows outside tolerance (floor rounding): {details}; {ceil_note}.", tolerance)


def format_rows(rows: Mapping[str, Mapping[str, float]]) -> str:
    """``"random 42.0% / 0.70; standard ..."``: connectivity and mean RSE per method."""
    return "; ".join(f"{m} {100 * rows[m]['connectivity']:.1f}% / {rows[m]['rse_mean']:.2f}" for m in METHODS)


def draw_table_figure(
    result: Mapping[str, Any],
    out_path: Path,
    title: str,
    scatter: Mapping[str, Any],
    frequency_label: str = "training frequency P_freq(e)",
) -> Path:
    """Frequency vs R_eff scatter (the blind spot) and paper-vs-ours dots for connectivity and RSE.

    Connectivity carries 99% Wilson intervals (the paper's from its K = 500 trials, ours from
    ``result["measured"]["trials"]``); the RSE bars are +- one standard deviation over trials.
    ``frequency_label`` names the scatter's x values (a trained model's marginals, say).
    """
    import matplotlib.pyplot as plt

    from reproduce.myopia.figures import wilson_yerr
    from reproduce.plotting import legend_outside, save_figure

    m = result["measured"]
    paper = result["paper_value"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 5), width_ratios=(0.8, 1, 1))

    ax = axes[0]
    f = np.asarray(scatter["frequency"])
    r = np.asarray(scatter["resistance"])
    bridge = np.asarray(scatter["is_bridge"], bool)
    jitter = np.asarray(scatter["jitter"])
    ax.scatter(f[~bridge] + jitter[~bridge], r[~bridge], s=14, color="0.5")
    ax.scatter(f[bridge] + jitter[bridge], r[bridge], s=60, color="crimson", marker="D")
    ax.annotate("bridges", (f[bridge].max(), r[bridge].min()), xytext=(12, -4), textcoords="offset points")
    ax.annotate(
        "clique edges", (f[~bridge].min(), r[~bridge].max()), xytext=(0, 10), textcoords="offset points", ha="right"
    )
    ax.set_xlabel(frequency_label)
    ax.set_ylabel("effective resistance R_eff(e)")
    ax.set_title("the blind spot: rare but mandatory edges")
    ax.set_xlim(-0.05, 1.05)

    x = np.arange(len(METHODS))
    series = (
        ("paper", paper, PAPER_TRIALS, "D", "k"),
        ("ours, floor rounding", m["floor"], m["trials"], "o", "C0"),
        ("ours, ceil rounding", m["ceil"], m["trials"], "s", "C9"),
    )
    for j, (label, rows, n, marker, color) in enumerate(series):
        shift = x + (j - 1) * 0.22
        conn = np.array([rows[k]["connectivity"] for k in METHODS])
        axes[1].errorbar(
            shift, 100 * conn, yerr=100 * wilson_yerr(conn, n), fmt=marker, ms=7, capsize=3, color=color, label=label
        )
        rse = np.array([rows[k]["rse_mean"] for k in METHODS])
        spread = np.array([rows[k]["rse_std"] for k in METHODS])
        axes[2].errorbar(shift, rse, yerr=spread, fmt=marker, ms=7, capsize=3, color=color, label=label)
    for ax, ylabel, panel in (
        (axes[1], "connectivity (% of trials)", "connectivity (bars: 99% Wilson interval)"),
        (axes[2], "relative spectral error of lambda_2", "RSE (bars: +- 1 std over trials)"),
    ):
        ax.set_xticks(x, [LABELS[k].replace(" ", "\n") for k in METHODS])
        ax.set_xlim(-0.6, len(METHODS) - 0.4)
        ax.set_ylabel(ylabel)
        ax.set_title(panel)
    axes[1].set_ylim(-4, 104)
    fig.suptitle(f"{title}: paper vs ours ({m['trials']} trials per row)")
    legend_outside(fig, axes[1:], ncols=3)
    return save_figure(fig, out_path)
