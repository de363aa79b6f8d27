"""Emergence times ``tau*`` of modes and the inverse-variance law ``tau* ∝ lam^(-alpha)``.

Wang & Pehlevan, Sec. 4.3 and Sec. 6 (and the authors' code for the details): a mode *emerges*
when its generated variance reaches the geometric (or harmonic) mean of its initial value (the
first recorded variance) and its target ``lam``.  Trajectories are smoothed in ``log`` variance by a
Gaussian filter of ``smoothing`` record steps, ``tau*`` is the first crossing (interpolated
linearly in ``log tau`` and ``log`` variance between the two records that bracket it), rising and
falling modes are fitted separately by least squares of ``ln tau*`` on ``ln lam``.

One array-in implementation serves the closed forms (dense ``tau`` grids) and trained models
(variances recorded at arbitrary, e.g. irregular, training steps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.ndimage import gaussian_filter1d

__all__ = ["CRITERIA", "Emergence", "emergence_times", "fit_inverse_law", "gray_zone", "loglog_fit", "threshold"]

CRITERIA = ("geometric", "harmonic")


def threshold(initial, target, criterion: str = "geometric"):
    """The level a trajectory must reach: geometric ``sqrt(a b)`` or harmonic ``2ab/(a + b)`` mean.

    Examples
    --------
    >>> float(threshold(1.0, 4.0)), float(threshold(1.0, 4.0, "harmonic"))
    (2.0, 1.6)
    """
    a, b = np.asarray(initial, float), np.asarray(target, float)
    if np.any(~(a > 0)) or np.any(~(b > 0)):
        raise ValueError("initial and target variances must be positive.")
    if criterion == "geometric":
        return np.sqrt(a * b)
    if criterion == "harmonic":
        return 2.0 * a * b / (a + b)
    raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}.")


@dataclass(frozen=True)
class Emergence:
    """Emergence of every mode (arrays of shape ``(K,)``).

    Attributes
    ----------
    tau_star : ndarray
        First-crossing time; NaN where the smoothed trajectory never crosses.
    rising : ndarray of bool
        ``target > initial``.
    initial, target, level : ndarray
        First recorded variance, target variance, threshold crossed.
    """

    tau_star: np.ndarray
    rising: np.ndarray
    initial: np.ndarray
    target: np.ndarray
    level: np.ndarray

    @property
    def crossed(self) -> np.ndarray:
        """Modes that cross their threshold within the record."""
        return np.isfinite(self.tau_star)


def emergence_times(
    times, trajectories, targets, criterion: str = "geometric", smoothing: float = 2.0, initial=None
) -> Emergence:
    r"""First time each mode's variance crosses the mean of its initial and target values.

    Parameters
    ----------
    times : array_like, shape (T,)
        Strictly increasing record times (training time or steps), positive.
    trajectories : array_like, shape (K, T)
        Recorded variances per mode, positive.
    targets : array_like, shape (K,)
        Target variances (the data's ``lam_k``).
    criterion : {"geometric", "harmonic"}
        Which mean of initial and target defines emergence.
    smoothing : float
        Standard deviation (in record steps) of the Gaussian filter applied to ``log`` variance
        along time; 0 switches it off (paper: 2 for theory, 1 for experiments).
    initial : array_like, shape (K,), optional
        Initial variances; the first record (unsmoothed) when omitted.

    Returns
    -------
    Emergence

    Examples
    --------
    >>> t = np.array([1.0, 10.0, 100.0])
    >>> e = emergence_times(t, [[1.0, 3.0, 4.0]], [4.0], smoothing=0)
    >>> print(f"{e.tau_star[0]:.4f}")  # 10 ** (ln 2 / ln 3): log-log interpolation to the level 2
    4.2749
    """
    t = np.asarray(times, dtype=float)
    y = np.asarray(trajectories, dtype=float)
    lam = np.asarray(targets, dtype=float)
    if t.ndim != 1 or t.size < 2 or np.any(~(t > 0)) or np.any(np.diff(t) <= 0):
        raise ValueError("times must be a 1-D, strictly increasing array of at least 2 positive values.")
    if y.ndim != 2 or y.shape[1] != t.size:
        raise ValueError(f"trajectories must have shape (modes, {t.size}), got {y.shape}.")
    if lam.shape != (y.shape[0],):
        raise ValueError(f"targets must have shape ({y.shape[0]},), got {lam.shape}.")
    if np.any(~(y > 0)) or np.any(~(lam > 0)):
        raise ValueError("variances and targets must be positive (and not NaN).")
    if not smoothing >= 0:
        raise ValueError(f"smoothing must be >= 0, got {smoothing!r}.")
    init = y[:, 0].copy() if initial is None else np.broadcast_to(np.asarray(initial, float), lam.shape).copy()
    level = threshold(init, lam, criterion)
    logy = np.log(y)
    if smoothing > 0:
        logy = gaussian_filter1d(logy, smoothing, axis=1, mode="nearest")
    rising = lam > init
    d = logy - np.log(level)[:, None]
    past = np.where(rising[:, None], d >= 0, d <= 0)
    first = np.argmax(past, axis=1)
    crossed = past[np.arange(lam.size), first]
    tau = np.full(lam.size, np.nan)
    logt = np.log(t)
    for k in np.flatnonzero(crossed):
        i = first[k]
        if i == 0:
            tau[k] = t[0]
            continue
        d0, d1 = d[k, i - 1], d[k, i]
        frac = d0 / (d0 - d1) if d0 != d1 else 1.0
        tau[k] = np.exp(logt[i - 1] + frac * (logt[i] - logt[i - 1]))
    return Emergence(tau, rising, init, lam, level)


def gray_zone(targets, initial, low: float = 0.5, high: float = 2.0) -> np.ndarray:
    """Modes whose target lies within ``[low, high]`` times the mean initial variance (excluded from fits).

    Parameters
    ----------
    targets : array_like
        Target variances ``lam`` (any shape; empty gives an empty mask of that shape).
    initial : array_like
        Initial variances, at least one, finite and positive; only their mean is used.
    low, high : float
        The zone's bounds relative to that mean, ``0 < low < high``.

    Returns
    -------
    ndarray of bool
        Same shape as ``targets``.

    Raises
    ------
    ValueError
        If ``0 < low < high`` fails, ``initial`` is empty (the mean of no variances is undefined)
        or holds a value that is not finite and positive, or a target is NaN.

    Examples
    --------
    >>> gray_zone([0.1, 1.0, 10.0], [1.0, 1.0, 1.0]).tolist()
    [False, True, False]
    """
    lam, init = np.asarray(targets, float), np.asarray(initial, float)
    if not 0 < low < high:
        raise ValueError("the gray zone needs 0 < low < high.")
    if init.size == 0:
        raise ValueError("initial must hold at least one variance: the gray zone is relative to their mean.")
    if not np.all((init > 0) & (init < np.inf)):
        raise ValueError("initial variances must be finite and positive (got zero, a negative value, inf or NaN).")
    if np.any(np.isnan(lam)):
        raise ValueError("targets must not be NaN.")
    m = float(np.mean(init))
    return (lam >= low * m) & (lam <= high * m)


def loglog_fit(x, y, level: float = 0.95) -> dict:
    """Least squares ``ln y = a + b ln x``: ``slope`` b, ``intercept`` a, ``r2``, ``n`` and the slope's error.

    ``slope_se`` is the usual standard error of an ordinary least-squares slope
    (:func:`scipy.stats.linregress`) and ``slope_low``/``slope_high`` its two-sided Student-t
    interval at ``level`` with ``n - 2`` degrees of freedom; all three are ``None`` for ``n = 2``,
    where a line through two points has no residual to estimate an error from.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` are not 1-D arrays of one length ``>= 2``, a value is not finite and
        positive, all ``ln x`` are equal (the slope is undefined), or ``level`` is outside ``(0, 1)``.

    Examples
    --------
    >>> f = loglog_fit([1, 10, 100], [5, 0.5, 0.05])
    >>> round(f["slope"], 9), round(f["r2"], 9), f["n"], round(f["slope_se"], 9)
    (-1.0, 1.0, 3, 0.0)
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError("loglog_fit needs two 1-D arrays of equal length >= 2.")
    if not (np.all((x > 0) & (x < np.inf)) and np.all((y > 0) & (y < np.inf))):
        raise ValueError("loglog_fit needs positive, finite values.")
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}.")
    lx, ly = np.log(x), np.log(y)
    if np.ptp(lx) == 0:
        raise ValueError("loglog_fit needs at least two distinct x values; with all x equal the slope is undefined.")
    b, a = np.polyfit(lx, ly, 1)
    resid = ly - (a + b * lx)
    ss = float(np.sum((ly - ly.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid**2)) / ss if ss > 0 else 1.0
    out = {
        "slope": float(b),
        "intercept": float(a),
        "r2": r2,
        "n": int(lx.size),
        "slope_se": None,
        "slope_low": None,
        "slope_high": None,
    }
    if lx.size > 2 and np.ptp(lx) > 0:
        se = float(stats.linregress(lx, ly).stderr)
        half = float(stats.t.ppf(0.5 + level / 2, lx.size - 2)) * se
        out.update(slope_se=se, slope_low=float(b) - half, slope_high=float(b) + half)
    return out


def fit_inverse_law(lam, emergence: Emergence, exclude=None) -> dict:
    """Fit ``tau* ∝ lam^slope`` separately for rising and falling modes.

    Returns ``{"rising": fit or None, "falling": fit or None, "no_crossing": int, "excluded": int}``
    (a branch needs at least 2 modes with a crossing, and not all of the same ``lam``: a slope needs
    two distinct abscissae, see :func:`loglog_fit`).
    """
    lam = np.asarray(lam, float)
    keep = np.ones(lam.shape, bool) if exclude is None else ~np.asarray(exclude, bool)
    out = {"no_crossing": int(np.sum(keep & ~emergence.crossed)), "excluded": int(np.sum(~keep))}
    for name, branch in (("rising", emergence.rising), ("falling", ~emergence.rising)):
        sel = keep & branch & emergence.crossed
        spread = sel.sum() >= 2 and bool(np.any(lam[sel] != lam[sel][0]))
        out[name] = loglog_fit(lam[sel], emergence.tau_star[sel]) if spread else None
    return out
