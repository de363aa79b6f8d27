"""Shared grids and small helpers of the spectral-bias claims."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

FIG2_LAMBDAS = (10.0, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01, 0.001)
"""Mode variances of the paper's Fig. 2."""

CLOSED_FORM_RTOL = 1e-6
"""Closed form vs numerical twin: the issue's agreement target (relative)."""


def max_rel(a, b) -> float:
    """Largest relative difference ``|a/b - 1|``."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a / b - 1.0)))


def random_rotation(d: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-random orthogonal matrix (QR of a Gaussian matrix with the sign fix)."""
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def mode_colors(n: int):
    """``n`` colours from dark (large variance) to light (small variance)."""
    import matplotlib.pyplot as plt

    return plt.get_cmap("viridis")(np.linspace(0.0, 0.9, n))


def fig2_row(axes, lam, tau_w, w, tau_v, v, initial, wlabel, title):
    """One row of the paper's Fig. 2 (or Fig. 5): weights per mode (left), generated variance (right).

    The curves are labelled but no legend is drawn: the caller puts one outside the axes
    (:func:`reproduce.plotting.legend_outside`).
    """
    colors = mode_colors(len(lam))
    for k, (lk, c) in enumerate(zip(lam, colors)):
        axes[0].semilogx(tau_w, w[:, k], color=c, label=f"lambda = {lk:g}")
        axes[1].loglog(tau_v, v[:, k], color=c)
        axes[1].axhline(lk, color=c, ls=":", lw=1)
    axes[1].axhline(initial, color="0.4", ls="--", lw=1, label="generated variance at tau -> 0")
    axes[0].set_xlabel("training time tau (gradient-flow units, eta = 1)")
    axes[0].set_ylabel(wlabel)
    axes[0].set_title(title)
    axes[1].set_xlabel("training time tau (gradient-flow units, eta = 1)")
    axes[1].set_ylabel("generated variance along mode (data units^2)")
    axes[1].set_title("generated variance (dotted: targets lambda)")


ERROR_FLOOR = 1e-17
"""Errors below this (an exact zero included) are drawn at this floor of the log axis."""

_SERIES_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _fmt_error(value: float) -> str:
    return "0" if value == 0 else f"{value:.1e}"


def error_panel(ax, errors, tolerance=None, *, unjudged=(), title=None, xlabel=None, wrap: int = 30) -> None:
    """The closed form against its numerical twin: the largest errors on a log axis, with the verdict's tolerance.

    One row per check, a marker at the stored error and its value written beside it; rows the
    verdict compares with ``tolerance`` are green at or below it and red above it, rows shown for
    context only (``unjudged``) are gray.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The panel to draw in.
    errors : Mapping[str, float or Mapping[str, float]]
        Row label -> largest error.  A nested mapping draws one marker per entry (e.g. per initial
        weight ``Q``), one marker shape per entry key, labelled for a legend (e.g.
        :func:`reproduce.plotting.legend_outside`).
    tolerance : float or Mapping[str, float], optional
        The verdict's bound: one dashed line over every row, or per row (only the rows named get
        one, as a short dashed segment).  ``None`` draws no line.
    unjudged : iterable of str
        Rows that the verdict does not compare with the tolerance (drawn gray).
    title, xlabel : str, optional
        Panel title and x label (defaults say what is shown).
    wrap : int
        Row labels are wrapped at this many characters.
    """
    import textwrap

    from matplotlib import ticker

    unjudged = set(unjudged)
    rows = list(errors)
    n = len(rows)
    per_row = isinstance(tolerance, Mapping)
    tol_of = {r: (tolerance.get(r) if per_row else tolerance) for r in rows}
    values = []
    series: list[str] = []
    for r in rows:
        v = errors[r]
        if isinstance(v, Mapping):
            values += list(v.values())
            series += [s for s in v if s not in series]
        else:
            values.append(v)
    shown = [max(float(v), ERROR_FLOOR) for v in values] + [t for t in tol_of.values() if t]
    lo = min(shown) / 30.0
    hi = max(shown) * (max(shown) / lo) ** 0.4  # room on the right for the written values
    for i, r in enumerate(rows):
        y = n - 1 - i
        tol = tol_of[r]
        v = errors[r]
        items = list(v.items()) if isinstance(v, Mapping) else [(None, v)]
        worst = max(float(x) for _, x in items)
        if r in unjudged or tol is None:
            color = "0.45"
        else:
            color = "C2" if worst <= tol else "C3"
        ax.hlines(y, lo, max(worst, ERROR_FLOOR), color=color, lw=1, alpha=0.5)
        offsets = np.linspace(-0.18, 0.18, len(items)) if len(items) > 1 else [0.0]
        for (name, x), dy in zip(items, offsets):
            marker = "o" if name is None else _SERIES_MARKERS[series.index(name) % len(_SERIES_MARKERS)]
            ax.plot(
                max(float(x), ERROR_FLOOR), y + dy, marker, color=color, ms=6, mfc="none" if name else color, mew=1.4
            )
        ax.text(
            max(worst, ERROR_FLOOR) * 2.0,
            y,
            _fmt_error(worst),
            va="center",
            ha="left",
            fontsize=10,
            color=color,
            bbox={"fc": "white", "ec": "none", "pad": 1.0},  # readable over the tolerance line
        )
        if per_row and tol:
            ax.vlines(tol, y - 0.4, y + 0.4, color="k", ls="--", lw=1.2)
    for name in series:  # legend handles for the marker shapes (black: the colour means pass/fail)
        ax.plot([], [], _SERIES_MARKERS[series.index(name) % len(_SERIES_MARKERS)], color="k", mfc="none", label=name)
    if tolerance is not None and not per_row:
        ax.axvline(tolerance, color="k", ls="--", lw=1.2)
        ax.text(tolerance / 1.4, n - 0.35, f"tolerance {tolerance:g}", fontsize=10, va="center", ha="right")
    elif per_row:
        ax.text(lo * 1.5, n - 0.35, "dashed: the verdict's tolerance per row", fontsize=10, va="center", ha="left")
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.6, n - 0.1)  # the top band holds the tolerance label, never a marker
    ax.set_yticks(range(n - 1, -1, -1), [textwrap.fill(r, wrap) for r in rows])
    ax.xaxis.set_major_locator(ticker.LogLocator(numticks=6))
    ax.grid(axis="y", visible=False)
    default = "largest error (log scale)" + ("; gray: not judged" if unjudged or tolerance is None else "")
    ax.set_xlabel(xlabel or default)
    ax.set_title(title or "closed form vs numerical twin")


def _display_points(ax) -> np.ndarray:
    """Every drawn data point of ``ax`` in display coordinates, line segments sampled densely."""
    pts = []
    for line in ax.get_lines():
        xy = np.column_stack([np.asarray(a, float) for a in line.get_data()])
        with np.errstate(all="ignore"):
            xy = line.get_transform().transform(xy) if len(xy) else xy
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if line.get_linestyle() not in ("None", "", " ", "none") and len(xy) > 1:
            t = np.linspace(0.0, 1.0, 12)[:, None, None]
            xy = (xy[:-1][None] * (1 - t) + xy[1:][None] * t).reshape(-1, 2)
        pts.append(xy)
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), float)
        if offsets.size:
            pts.append(coll.get_offset_transform().transform(offsets))
    return np.concatenate(pts) if pts else np.empty((0, 2))


def legend_clear_of_data(axes, loc: str = "upper right", grow: float = 0.12, tries: int = 15, **kwargs) -> list:
    """Axes legends that cover no data: each panel's y range grows at the top until its legend box is empty.

    Meant for panels whose legend must stay beside its own data (one legend per panel in a grid);
    a single legend for a whole figure belongs outside (:func:`reproduce.plotting.legend_outside`).

    Parameters
    ----------
    axes : matplotlib.axes.Axes or iterable of them
        The panels, with their data drawn; those without labelled artists get no legend.
    loc : str
        Legend location, an upper one (the room is made at the top).
    grow : float
        Smallest fraction of the y range (of its decades on a log axis) added per try.
    tries : int
        Most enlargements before giving up (a legend is then left where it is).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.legend`.

    Returns
    -------
    list of matplotlib.legend.Legend
    """
    from matplotlib.axes import Axes

    axes = [axes] if isinstance(axes, Axes) else list(axes)
    pairs = [(ax, ax.legend(loc=loc, **kwargs)) for ax in axes if ax.get_legend_handles_labels()[0]]
    if not pairs:
        return []
    fig = pairs[0][0].figure
    for _ in range(tries):
        fig.canvas.draw()  # one draw per round: the layout engine settles the axes before the boxes are read
        grown = set()
        for ax, legend in pairs:
            box = legend.get_window_extent().padded(2)
            pts = _display_points(ax)
            if not len(pts) or not box.count_contains(pts):
                continue
            group = frozenset(id(a) for a in ax.get_shared_y_axes().get_siblings(ax))
            if group in grown:  # a shared y axis grows once per round
                continue
            grown.add(group)
            # Stretch the y range so that the highest point under the legend ends below its box.
            frame = ax.get_window_extent()
            under = pts[(pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1), 1]
            top = (under.max() - frame.y0) / frame.height  # axes fraction of the highest such point
            bottom = (box.y0 - frame.y0) / frame.height - 0.03
            factor = max(top / bottom, 1.0 + grow) if bottom > 0.05 else 1.0 + grow
            lo, hi = ax.get_ylim()
            if ax.get_yscale() == "log":
                ax.set_ylim(lo, lo * (hi / lo) ** factor)
            else:
                ax.set_ylim(lo, lo + factor * (hi - lo))
        if not grown:
            break
    return [legend for _, legend in pairs]
