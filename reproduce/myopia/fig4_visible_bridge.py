"""Claim ``myopia.fig4_visible_bridge`` -- Exp III (Fig. 4): connectivity vs bridge thickness ``k``.

Siami thickens the barbell's bridge to ``k`` cross edges to raise its statistical signal and
reports, under Algorithm 5.1: standard diffusion 0% connected for ``k < 3``, a transition near
``k ~ 3.5``, 100% for ``k >= 4``; weighted diffusion ~100% for every ``k``.  The base graph,
``rho``, the range of ``k``, how the bridge frequency grows with ``k``, ``lambda`` and the trials are
not given.  Our choices:

* graph :func:`reproduce.myopia.graphs.visible_bridge` -- two ``K8`` joined by the ``k`` cross
  edges ``(i, 8 + i)``, ``k = 1..8`` (``k = 1`` is Exp I's barbell); clique edges at frequency 0.95;
* ``rho = 0.5`` (Exp I's), ``K = 500`` trials per point, floor rounding, random tie-breaking;
* the frequency ``f(k)`` of *each* cross edge under several mappings (swept, not chosen):
  ``constant`` (``f = eps``: thicker, not more frequent), ``linear`` (``f = min(1, c k)``: each
  strand adds ``c``) with two slopes, and ``union`` (``f = 1 - (1 - q)^k``: the crossing is seen
  if any of ``k`` independent strands is);
* weighted diffusion at ``lambda = 2`` (just above Exp I's threshold 1.2) and ``lambda = 20``
  (above the largest ``lambda`` any ``k`` needs, see :func:`lambda_needed`).

Under top-``rho |E|`` ranking the standard score keeps the cross edges exactly when ``f(k)``
exceeds the clique frequency, so the transition sits where ``f(k)`` crosses 0.95 -- a property of
the mapping, not of the model.  The slope ``c = 0.25`` puts that crossing at ``k = 3.8``, i.e.
where the paper's transition is: it was chosen for that reason and is labelled so.  A side sweep
over ``rho`` at ``k = 1`` shows at which density the weighted level reaches the paper's ~100%.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.monte_carlo import binomial_tolerance
from reproduce.myopia.graphs import edge_arrays, edge_frequencies, visible_bridge
from reproduce.myopia.protocol import Workload, run_protocol
from reproduce.progress import progress

__all__ = ["Config", "cross_frequency", "crossing_point", "lambda_needed"]

MAPPINGS = ("constant", "linear", "union")


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.fig4_visible_bridge``.

    Attributes
    ----------
    clique : int
        Clique size ``n`` (two ``K_n``); ``k`` runs over ``1..n``.
    common : float
        Frequency of clique edges (Exp I: 0.95).
    rho : float
        Density of Algorithm 5.1 [open]; Exp I's 0.5.
    trials : int
        ``K`` per (mapping, k, method).
    lams : tuple of float
        ``lambda`` values of the weighted score [open].
    mappings : tuple of (str, str, float)
        ``(label, kind, parameter)`` with kind in ``constant`` (``f = param``), ``linear``
        (``f = min(1, param k)``), ``union`` (``f = 1 - (1 - param)^k``).
    rho_sweep : tuple of float
        Densities of the side sweep at ``k = 1``.
    """

    clique: int = 8
    common: float = 0.95
    rho: float = 0.5
    trials: int = 500
    lams: tuple[float, ...] = (2.0, 20.0)
    mappings: tuple[tuple[str, str, float], ...] = (
        ("constant f = 0.05", "constant", 0.05),
        ("linear f = 0.25 k (crossing at the paper's k ~ 3.5)", "linear", 0.25),
        ("union f = 1 - 0.5^k", "union", 0.5),
        ("linear f = 0.15 k", "linear", 0.15),
    )
    rho_sweep: tuple[float, ...] = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


CONFIGS = {
    "quick": Config(trials=100, rho_sweep=(0.5, 0.7, 0.9)),
    "default": Config(),
    "paper": Config(trials=2000),
}


def cross_frequency(kind: str, param: float, k: Any) -> np.ndarray:
    """Training frequency of each of the ``k`` cross edges under a mapping.

    Examples
    --------
    >>> cross_frequency("linear", 0.25, [1, 2, 4, 5]).tolist()
    [0.25, 0.5, 1.0, 1.0]
    >>> cross_frequency("union", 0.5, [1, 2]).tolist()
    [0.5, 0.75]
    """
    k = np.asarray(k, dtype=float)
    if kind == "constant":
        return np.full(k.shape, float(param))
    if kind == "linear":
        return np.minimum(1.0, param * k)
    if kind == "union":
        return 1.0 - (1.0 - param) ** k
    raise ValueError(f"unknown mapping kind {kind!r}; choose one of {', '.join(MAPPINGS)}.")


def crossing_point(kind: str, param: float, common: float) -> float:
    """The real ``k`` at which ``f(k)`` reaches ``common`` (``inf`` if never).

    Examples
    --------
    >>> crossing_point("linear", 0.25, 0.95)
    3.8
    >>> crossing_point("constant", 0.05, 0.95)
    inf
    """
    if kind == "constant":
        return 0.0 if param >= common else float("inf")
    if kind == "linear":
        return common / param
    if kind == "union":
        return float(np.log(1.0 - common) / np.log(1.0 - param))
    raise ValueError(f"unknown mapping kind {kind!r}; choose one of {', '.join(MAPPINGS)}.")


def lambda_needed(frequency: np.ndarray, resistance: np.ndarray, cross: np.ndarray) -> float:
    """Smallest ``lambda`` above which every cross edge outranks every clique edge.

    Cross edge ``c`` beats clique edge ``e`` iff ``f_c + lam R_c > f_e + lam R_e``; the bound is
    the largest ``(f_e - f_c) / (R_c - R_e)`` over pairs with ``f_e > f_c`` (``inf`` if some such
    pair has ``R_c <= R_e``; 0 if no cross edge is less frequent than a clique edge).
    """
    fc, rc = frequency[cross][:, None], resistance[cross][:, None]
    fe, re = frequency[~cross][None, :], resistance[~cross][None, :]
    behind = fe > fc
    if not behind.any():
        return 0.0
    gap = (rc - re)[behind]
    if np.any(gap <= 0):
        return float("inf")
    return float(np.max((fe - fc)[behind] / gap))


def _workload(config: Config, k: int, f_cross: float) -> tuple[Workload, np.ndarray]:
    G, cross = visible_bridge(config.clique, k)
    n, t, h = edge_arrays(G)
    f = edge_frequencies(G, cross, common=config.common, rare_freq=f_cross)
    is_cross = np.array([(min(a, b), max(a, b)) in cross for a, b in zip(t.tolist(), h.tolist())])
    return Workload.from_edges(n, t, h, f), is_cross


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Connectivity vs ``k`` for each mapping and method, plus the ``rho`` side sweep at ``k = 1``."""
    ks = list(range(1, config.clique + 1))
    run = lambda w, method, lam=0.0, rho=config.rho: run_protocol(  # noqa: E731
        w, method, rho=rho, trials=config.trials, rng=rng, lam=lam
    )["connectivity"]
    # random and oracle ignore frequencies: one curve for all mappings
    base = [_workload(config, k, 0.5)[0] for k in ks]
    shared = {"random": [run(w, "random") for w in base], "oracle": [run(w, "oracle") for w in base]}
    curves: dict[str, Any] = {}
    for label, kind, param in progress(config.mappings, desc="mappings"):
        f_k = cross_frequency(kind, param, ks)
        entry: dict[str, Any] = {"frequency": f_k, "standard": [], "lambda_needed": []}
        entry.update({f"weighted_lam{lam:g}": [] for lam in config.lams})
        for k, fk in zip(ks, f_k):
            w, is_cross = _workload(config, k, float(fk))
            entry["standard"].append(run(w, "standard"))
            for lam in config.lams:
                entry[f"weighted_lam{lam:g}"].append(run(w, "weighted", lam))
            entry["lambda_needed"].append(lambda_needed(w.frequency, w.resistance, is_cross))
        crossing = crossing_point(kind, param, config.common)
        high = [k for k, c in zip(ks, entry["standard"]) if c >= 0.5]
        entry["crossing_k"] = crossing
        entry["first_k_above_crossing"] = next((k for k, fk in zip(ks, f_k) if fk > config.common), None)
        # the paper's "transition ~3.5" is the midpoint between its last 0% and first 100% k
        entry["measured_transition_k"] = (high[0] - 0.5) if high else None
        curves[label] = entry
    cal_kind, cal_param = next((kd, p) for lb, kd, p in config.mappings if "paper" in lb)
    lam_hi = max(config.lams)
    rho_side: dict[str, Any] = {"rho": config.rho_sweep, "weighted": []}
    for rho in config.rho_sweep:
        row = []
        for k in ks:
            w, _ = _workload(config, k, float(cross_frequency(cal_kind, cal_param, k)))
            row.append(run(w, "weighted", lam_hi, rho))
        rho_side["weighted"].append(row)
    rho_side["weighted_min_over_k"] = [min(r) for r in rho_side["weighted"]]
    values = {
        "mappings": {
            label: {
                "crossing_k": e["crossing_k"],
                "first_k_above_crossing": e["first_k_above_crossing"],
                "measured_transition_k": e["measured_transition_k"],
                "standard": e["standard"],
                **{f"weighted_lam{lam:g}": e[f"weighted_lam{lam:g}"] for lam in config.lams},
                "lambda_needed_max": max(e["lambda_needed"]),
            }
            for label, e in curves.items()
        },
        "oracle": shared["oracle"],
        "random": shared["random"],
        "rho_sweep_calibrated": {"rho": config.rho_sweep, "weighted_min_over_k": rho_side["weighted_min_over_k"]},
    }
    cal = next(e for label, e in curves.items() if "paper" in label)
    w_cal = cal[f"weighted_lam{lam_hi:g}"]

    def _t(x):
        return "none in range" if x is None else f"{x:g}"

    def _c(x):
        return f"f never reaches {config.common}" if not np.isfinite(x) else f"f crosses {config.common} at k = {x:.2f}"

    headline = (
        "standard: transition midpoint "
        + "; ".join(
            f"{label.split(' (')[0]}: {_t(e['measured_transition_k'])} ({_c(e['crossing_k'])})"
            for label, e in curves.items()
        )
        + f". Weighted (lambda = {lam_hi:g}, f = 0.25 k): "
        + ", ".join(f"{c:.0%}" for c in w_cal)
        + f" for k = 1..{ks[-1]} at rho = {config.rho} (dip at k = 2-3 as for the oracle)"
    )
    details = {
        "ks": ks,
        "curves": curves,
        "oracle": shared["oracle"],
        "random": shared["random"],
        "rho_sweep_calibrated": rho_side,
    }
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Two parts, each comparison at the binomial 99% tolerance of ``K`` trials (protocol.binomial_tolerance).

    (a) Standard: under every mapping, connectivity is 0 at every ``k`` whose cross-edge frequency
    is below the clique frequency and at least 1/2 above it -- the paper's 0% -> 100% step, placed
    at the frequency crossing.  (b) Weighted (largest ``lambda``): "~100% for every k" is read as
    *flat in k* at its ``k = 1`` level (Exp I, where the paper's own Table 1 gives 89.6% at this
    ``rho``): no ``k`` may fall below that level by more than the tolerance.
    """
    K = config.trials
    lam = f"weighted_lam{max(config.lams):g}"
    ks = list(range(1, config.clique + 1))
    std_problems, w_problems = [], []
    for label, e in values["mappings"].items():
        kind, param = next((kd, p) for lb, kd, p in config.mappings if lb == label)
        f = cross_frequency(kind, param, ks)
        for i, k in enumerate(ks):
            s = e["standard"][i]
            if f[i] < config.common and s > binomial_tolerance(0.0, s, K, K):
                std_problems.append(f"{label}: standard {s:.3f} > 0 at k = {k} below the crossing")
            if f[i] > config.common and s < 0.5:
                std_problems.append(f"{label}: standard {s:.3f} < 1/2 at k = {k} above the crossing")
            level, wv = e[lam][0], e[lam][i]
            if wv < level - binomial_tolerance(level, wv, K, K):
                w_problems.append((label, k, wv, level))
    tolerance = {
        "rule": f"binomial 99% on K = {K} trials per point (protocol.binomial_tolerance)",
        "lambda_judged": max(config.lams),
    }
    cal = next(e for lb, e in values["mappings"].items() if "paper" in lb)
    std_text = (
        "standard diffusion is reproduced qualitatively: 0% connected while the cross-edge frequency is below "
        f"the clique frequency, >= {min(c for c in cal['standard'] if c >= 0.5):.0%} once it is above, so the "
        "transition is set by the k -> frequency mapping (f = 0.25 k, chosen for this, puts it at k = "
        f"{cal['measured_transition_k']} as in the paper; the other mappings move it or remove it)"
        if not std_problems
        else "standard diffusion does not step at the frequency crossing: " + "; ".join(std_problems[:3])
    )
    rs = values["rho_sweep_calibrated"]
    flat_rho = next((r for r, m in zip(rs["rho"], rs["weighted_min_over_k"]) if m >= 0.9), None)
    if not std_problems and not w_problems:
        return Judgement(
            "reproduced",
            std_text[0].upper() + std_text[1:] + "; weighted diffusion stays at its k = 1 level for every k.",
            tolerance,
        )
    dips = sorted({k for _, k, _, _ in w_problems})
    worst = min(w_problems, key=lambda x: x[2]) if w_problems else None
    w_text = (
        (
            f"weighted diffusion (lambda = {max(config.lams):g}) is not ~100% for every k: "
            f"at rho = {config.rho} it drops at "
            f"k = {', '.join(map(str, dips))} (to {worst[2]:.0%} against {worst[3]:.0%} at k = 1, {worst[0]}), "
            "exactly like the spectral oracle. The R_eff term also ranks the clique edges, "
            "and for k >= 2 the edges at the bridge's end nodes have lower R_eff (the other cross edges give them a "
            "parallel route), so the budget goes to interior edges and the end nodes are cut off"
            + (f"; the dip is gone (min over k >= 90%) from rho = {flat_rho}" if flat_rho is not None else "")
        )
        if w_problems
        else "weighted diffusion stays at its k = 1 level for every k"
    )
    return Judgement("differs", std_text[0].upper() + std_text[1:] + "; but " + w_text + ".", tolerance)


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Frequency mappings, connectivity vs k under each (with the paper's described curves), and the rho sweep."""
    import matplotlib.pyplot as plt

    from reproduce.myopia.figures import METHOD_COLORS, legend_below, paper_percent, paper_step, wilson_yerr
    from reproduce.plotting import figure_path, legend_outside, save_figure

    d, cfg = result["details"], result["config"]
    paper = result["paper_value"]
    ks = np.asarray(d["ks"])
    K = cfg["trials"]
    curves = {label: d["curves"][label] for label, _, _ in cfg["mappings"]}  # config order, not JSON's sorted keys
    fig, axes = plt.subplots(2, 3, figsize=(16, 10))
    ax = axes[0, 0]
    for i, (label, e) in enumerate(curves.items()):
        ax.plot(ks, e["frequency"], "o-", color=f"C{i + 4}", label=label.split(" (")[0])
    ax.axhline(cfg["common"], color="k", ls="--", lw=1, label=f"clique-edge frequency {cfg['common']}")
    ax.set_xlabel("bridge thickness k (cross edges)")
    ax.set_ylabel("training frequency of each cross edge")
    ax.set_title("k -> frequency mappings (the open choice)")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.1))  # below every mapping at k >= 4, above the constant one
    panels = [axes[0, 1], axes[0, 2], axes[1, 0], axes[1, 1]]
    lams = cfg["lams"]
    described = paper_step(paper["standard"], ks)
    for ax, (label, e) in zip(panels, curves.items()):
        ax.plot(ks, d["random"], "-", color=METHOD_COLORS["random"], lw=1.2, label="random")
        ax.plot(ks, d["oracle"], ":", color=METHOD_COLORS["oracle"], lw=2.5, label="spectral oracle")
        ax.errorbar(
            ks,
            e["standard"],
            yerr=wilson_yerr(e["standard"], K),
            fmt="o-",
            color=METHOD_COLORS["standard"],
            lw=2,
            capsize=2,
            label="standard diffusion",
        )
        for j, lam in enumerate(lams):
            y = e[f"weighted_lam{lam:g}"]
            ax.errorbar(
                ks,
                y,
                yerr=wilson_yerr(y, K),
                fmt="s--" if j else "^--",
                color=("C1", "C3")[j % 2],
                ms=5,
                capsize=2,
                label=f"weighted, lambda = {lam:g}",
            )
        ax.plot(ks, described, "kx", ms=10, mew=2.5, label="paper: standard (described)")
        ax.axhline(paper_percent(paper["weighted"]), color="k", ls="-.", lw=1, label="paper: weighted")
        crossing = float(e["crossing_k"])  # stored as the string "inf" when f(k) never crosses
        where = "never" if not np.isfinite(crossing) else f"at k = {crossing:.2f}"
        if np.isfinite(crossing) and crossing <= ks[-1] + 0.5:
            ax.axvline(crossing, color="C2", lw=1.5, alpha=0.5, label=f"f(k) crosses {cfg['common']}")
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel("bridge thickness k")
        ax.set_ylabel(f"connectivity (fraction of {K} trials)")
        ax.set_title(f"{label}\nf(k) crosses {cfg['common']} {where}")
    legend_outside(fig, panels, ncols=4)
    ax = axes[1, 2]
    rs = d["rho_sweep_calibrated"]
    cmap = plt.get_cmap("viridis")
    for i, (rho, row) in enumerate(zip(rs["rho"], rs["weighted"])):
        ax.plot(ks, row, "o-", ms=4, color=cmap(i / max(1, len(rs["rho"]) - 1)), label=f"rho = {rho:g}")
    ax.set_xlabel("bridge thickness k")
    ax.set_ylabel("connectivity (weighted diffusion)")
    ax.set_title(f"weighted, lambda = {max(lams):g}, f = 0.25 k:\neffect of the density rho")
    ax.set_ylim(-0.05, 1.05)
    legend_below(ax, ncols=3)
    fig.suptitle(
        f"Exp III (Fig. 4): two K{cfg['clique']} joined by k cross edges, rho = {cfg['rho']}, "
        f"clique edges at {cfg['common']}; bars: 99% Wilson intervals"
    )
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.fig4_visible_bridge",
        location="Exp III, Fig. 4",
        statement=(
            "Thickening the bridge to k edges: standard diffusion is 0% connected for k < 3, transitions near "
            "k ~ 3.5 and is 100% connected for k >= 4; weighted diffusion is ~100% connected for every k."
        ),
        paper_value={"standard": "0% for k < 3, transition ~3.5, 100% for k >= 4", "weighted": "~100% for all k"},
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
