"""Small drawing helpers shared by the myopia and bridge figures.

Figure code only: nothing here touches a measurement or a verdict.  Importing this module does
not import matplotlib; the helpers take the axes they draw on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from reproduce.monte_carlo import wilson_interval
from reproduce.replicates import Z_99

__all__ = ["METHOD_COLORS", "legend_below", "paper_percent", "paper_step", "wilson_yerr"]

METHOD_COLORS = {
    "random": "0.55",
    "standard": "C0",
    "weighted": "C3",
    "oracle": "C2",
    "spielman_srivastava": "C4",
}
"""One colour per sparsifier, the same in every myopia figure."""


def wilson_yerr(p, n, z: float = Z_99) -> np.ndarray:
    """Asymmetric error bars ``[p - low, high - p]`` of the Wilson interval, for ``errorbar(yerr=...)``.

    Parameters
    ----------
    p : array_like
        Estimated proportions in [0, 1].
    n : array_like
        Trials (or samples) behind each estimate; broadcasts against ``p``.
    z : float, optional
        Normal quantile (default: two-sided 99%).

    Returns
    -------
    numpy.ndarray
        Shape ``(2, ...)``: distances down and up from ``p``, never negative.

    Examples
    --------
    >>> wilson_yerr([0.0, 1.0], 100).round(4).tolist()
    [[0.0, 0.0622], [0.0622, 0.0]]
    """
    p = np.asarray(p, dtype=float)
    low, high = wilson_interval(p, n, z)
    return np.stack([np.clip(p - low, 0.0, None), np.clip(high - p, 0.0, None)])


def legend_below(ax, ncols: int = 1, offset: float = 42.0, **kwargs):
    """A legend for one axes, centred under it (below its x label), so it cannot cover data.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes whose labelled artists are listed.
    ncols : int, optional
        Legend columns.
    offset : float, optional
        Distance in points from the bottom of the axes to the top of the legend; the default
        clears one line of tick labels and the x label.
    **kwargs
        Passed on to :meth:`~matplotlib.axes.Axes.legend`.

    Returns
    -------
    matplotlib.legend.Legend
        The legend; the constrained layout makes room for it below the axes.

    Notes
    -----
    Keep the legend narrower than its axes (one column for long labels): the constrained layout
    would otherwise narrow the axes to fit it.
    """
    from matplotlib.transforms import offset_copy

    below = offset_copy(ax.transAxes, fig=ax.figure, y=-offset, units="points")
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, ncols=ncols, **kwargs)


_PERCENT_BELOW = re.compile(r"(\d+(?:\.\d+)?)%\s*for k\s*<\s*(\d+(?:\.\d+)?)")
_PERCENT_FROM = re.compile(r"(\d+(?:\.\d+)?)%\s*for k\s*>=\s*(\d+(?:\.\d+)?)")


def paper_step(text: str, ks: Sequence[float]) -> np.ndarray:
    """The paper's described connectivity step (``"0% for k < 3, ..., 100% for k >= 4"``) at ``ks``.

    Parameters
    ----------
    text : str
        The paper's description, as stored in a result's ``paper_value``.
    ks : sequence of float
        Bridge thicknesses.

    Returns
    -------
    numpy.ndarray
        The described fraction at each ``k``; NaN where the description gives none (the transition).

    Raises
    ------
    ValueError
        If ``text`` does not hold both a "% for k <" and a "% for k >=" part.

    Examples
    --------
    >>> paper_step("0% for k < 3, transition ~3.5, 100% for k >= 4", [1, 2, 3, 4, 8]).tolist()
    [0.0, 0.0, nan, 1.0, 1.0]
    """
    below, above = _PERCENT_BELOW.search(text), _PERCENT_FROM.search(text)
    if below is None or above is None:
        raise ValueError(f"cannot read a step 'X% for k < a ... Y% for k >= b' from {text!r}.")
    ks = np.asarray(ks, dtype=float)
    out = np.full(ks.shape, np.nan)
    out[ks < float(below.group(2))] = float(below.group(1)) / 100
    out[ks >= float(above.group(2))] = float(above.group(1)) / 100
    return out


def paper_percent(text: str) -> float:
    """The first percentage in a paper's description (``"~100% for every k"`` -> 1.0), as a fraction.

    Raises
    ------
    ValueError
        If ``text`` holds no percentage.

    Examples
    --------
    >>> paper_percent("~100% for every k")
    1.0
    """
    found = re.search(r"(\d+(?:\.\d+)?)%", text)
    if found is None:
        raise ValueError(f"no percentage in {text!r}.")
    return float(found.group(1)) / 100
