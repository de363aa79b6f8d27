r"""Edge-ranking sparsifiers of Algorithm 5.1 (Siami) and Spielman--Srivastava sampling.

Algorithm 5.1 keeps, in every trial, the ``k = round(rho |E|)`` edges with the highest score.
The four rankers of the paper differ only in the score:

=============  =========================  ==================================
method         score ``S_e``              stands for
=============  =========================  ==================================
``random``     none (all tied)            a uniformly random ``k``-subset
``standard``   ``P_freq(e)``              standard diffusion (Lemma 3.1)
``weighted``   ``P_freq(e) + lam R(e)``   spectrally weighted diffusion (eq. 4.1)
``oracle``     ``R(e)``                   the "spectral oracle"
=============  =========================  ==================================

Ties are broken uniformly at random (the only reading under which Table 1's 89.6% can
arise), and the rounding of ``rho |E|`` is explicit (``floor`` by default, which matches
Table 1's weighted and oracle rows; ``ceil`` and ``round`` are available).

The classical alternative, :func:`importance_sample`, draws edges with probability
proportional to ``w_e R_e`` and reweights them so that ``E[L_H] = L_G`` (Spielman &
Srivastava 2011).
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = [
    "METHODS",
    "ROUNDINGS",
    "edge_budget",
    "importance_sample",
    "method_scores",
    "rank_sparsify",
]

METHODS = ("random", "standard", "weighted", "oracle")
ROUNDINGS = ("floor", "ceil", "round")


def edge_budget(m: int, rho: float, rounding: str = "floor") -> int:
    """Number of edges kept: ``rho * m`` rounded by ``rounding``, at least 1 when ``m > 0``.

    Parameters
    ----------
    m : int, >= 0
        Number of edges of ``G``.
    rho : float in (0, 1]
        Target density.
    rounding : {"floor", "ceil", "round"}

    Raises
    ------
    TypeError
        If ``m`` is not an integer (``bool`` included) or ``rho`` not a real number.
    ValueError
        If ``m < 0``, ``rho`` lies outside ``(0, 1]`` or ``rounding`` is unknown.

    Examples
    --------
    >>> edge_budget(57, 0.5), edge_budget(57, 0.5, "ceil"), edge_budget(342, 0.6)
    (28, 29, 205)
    """
    _check_rho(rho)
    if rounding not in ROUNDINGS:
        raise ValueError(f"unknown rounding {rounding!r}; choose one of {', '.join(ROUNDINGS)}.")
    if not isinstance(m, Integral) or isinstance(m, bool):
        raise TypeError(f"the number of edges m must be an integer, got {type(m).__name__}.")
    if m < 0:
        raise ValueError(f"the number of edges must be non-negative, got {m}.")
    x = rho * m
    # Guard against 0.6 * 342 = 205.19999999999999 style float noise before rounding.
    x = round(x, 9)
    k = {"floor": math.floor, "ceil": math.ceil, "round": lambda v: math.floor(v + 0.5)}[rounding](x)
    return int(min(m, max(1 if m else 0, k)))


def method_scores(method: str, frequency: Any = None, resistance: Any = None, lam: float = 0.0) -> np.ndarray:
    """The ranking score of ``method`` for every edge (broadcasts over leading axes).

    Parameters
    ----------
    method : {"random", "standard", "weighted", "oracle"}
    frequency : array_like, shape (..., m)
        ``P_freq(e)``: how often each edge appears in the training data.
    resistance : array_like, shape (..., m)
        ``R_eff(e)`` in the ground-truth graph.
    lam : float, >= 0
        Weight of the resistance in the ``weighted`` score.

    Raises
    ------
    TypeError
        If ``lam`` is not a real number.
    ValueError
        If ``method`` is unknown, ``lam`` is negative or NaN, an input the method needs is
        missing, a given frequency lies outside ``[0, 1]`` (or is NaN), or a given resistance is
        negative, infinite or NaN.  Inputs are checked whenever given, even if ``method`` ignores
        them.

    Examples
    --------
    >>> method_scores("weighted", [0.95, 0.05], [0.25, 1.0], lam=2.0).tolist()
    [1.45, 2.05]
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    if not isinstance(lam, Real) or isinstance(lam, bool):
        raise TypeError(f"lam must be a real number, got {type(lam).__name__}.")
    if not lam >= 0:
        raise ValueError(f"lam must be non-negative, got {lam!r}.")
    need_f = method in ("standard", "weighted")
    need_r = method in ("weighted", "oracle")
    f = None if frequency is None else np.asarray(frequency, dtype=float)
    r = None if resistance is None else np.asarray(resistance, dtype=float)
    if f is not None and not np.all((f >= 0) & (f <= 1)):
        raise ValueError("edge frequencies must lie in [0, 1] (got a value outside it or NaN).")
    if r is not None and not np.all((r >= 0) & (r < np.inf)):
        raise ValueError("effective resistances must be finite and non-negative (got a negative, inf or NaN).")
    if need_f and f is None:
        raise ValueError(f"method {method!r} needs edge frequencies.")
    if need_r and r is None:
        raise ValueError(f"method {method!r} needs effective resistances.")
    if method == "standard":
        return f.copy()
    if method == "weighted":
        return f + lam * r
    if method == "oracle":
        return r.copy()
    shape = (f if f is not None else r).shape if (f is not None or r is not None) else None
    if shape is None:
        raise ValueError("method 'random' needs frequencies or resistances to know the number of edges.")
    return np.zeros(shape)


TIE_RTOL = 1e-9
"""Scores closer than ``TIE_RTOL * max|score|`` are ties.

Needed because computed scores carry round-off: the clique edges of the barbell have
``R_eff = 0.25 +- 4e-16``, and ranking on those last bits would break the ties by
floating-point noise -- the same edges every trial -- instead of at random.
"""


def rank_sparsify(
    scores: Any,
    rho: float,
    rng: np.random.Generator,
    *,
    trials: int | None = None,
    rounding: str = "floor",
    tie_rtol: float = TIE_RTOL,
) -> np.ndarray:
    """Keep the top ``edge_budget(m, rho)`` edges of each trial; ties broken uniformly at random.

    Parameters
    ----------
    scores : array_like, shape (m,) or (K, m)
        One score per edge (shared by all trials) or one row per trial.
    rho : float in (0, 1]
        Target density.
    rng : numpy.random.Generator
        Source of the tie-breaking.
    trials : int, optional
        Number of trials ``K`` when ``scores`` is one-dimensional (default 1).
    rounding : {"floor", "ceil", "round"}
    tie_rtol : float, > 0
        Scores within ``tie_rtol * max|score|`` of each other are tied (:data:`TIE_RTOL`).

    Returns
    -------
    ndarray of bool, shape (K, m)
        ``mask[i, e]`` is True when trial ``i`` keeps edge ``e``.

    Raises
    ------
    TypeError
        If ``rng`` is not a :class:`numpy.random.Generator`, ``trials`` is not an integer
        (``bool`` included), ``tie_rtol`` is not a real number, or ``rho`` is not a real number.
    ValueError
        If ``scores`` is not 1-D or 2-D or not finite, ``trials < 1`` or does not match the rows
        of 2-D ``scores``, ``tie_rtol`` is not finite and positive, ``rho`` lies outside
        ``(0, 1]``, or ``rounding`` is unknown.

    Notes
    -----
    Scores are snapped to a grid of spacing ``tie_rtol * max|score|`` before sorting, so
    a class of tied scores whose round-off straddles a grid line could split; with
    round-off ~1e-16 and spacing ~1e-9 that has probability ~1e-7 per class.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> rank_sparsify([0.1, 0.9, 0.5, 0.9], 0.5, rng).astype(int).tolist()
    [[0, 1, 0, 1]]
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim not in (1, 2):
        raise ValueError(f"scores must be one- or two-dimensional, got shape {s.shape}.")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite.")
    _check_rng(rng)
    if trials is not None and (not isinstance(trials, Integral) or isinstance(trials, bool)):
        raise TypeError(f"trials must be an integer, got {type(trials).__name__}.")
    if not isinstance(tie_rtol, Real) or isinstance(tie_rtol, bool):
        raise TypeError(f"tie_rtol must be a real number, got {type(tie_rtol).__name__}.")
    if not 0.0 < tie_rtol < math.inf:
        raise ValueError(f"tie_rtol must be finite and positive, got {tie_rtol!r}.")
    if s.ndim == 1:
        K = 1 if trials is None else int(trials)
        if K < 1:
            raise ValueError(f"trials must be at least 1, got {trials}.")
        s = np.broadcast_to(s, (K, s.size))
    elif trials is not None and trials != s.shape[0]:
        raise ValueError(f"trials={trials} does not match scores with {s.shape[0]} rows.")
    K, m = s.shape
    k = edge_budget(m, rho, rounding)
    scale = float(np.max(np.abs(s))) if s.size else 0.0
    snapped = np.round(s / (tie_rtol * scale)) if scale > 0 else np.zeros_like(s)
    tiebreak = rng.random((K, m))
    order = np.lexsort((tiebreak, -snapped), axis=-1)
    mask = np.zeros((K, m), dtype=bool)
    mask[np.arange(K)[:, None], order[:, :k]] = True
    return mask


def importance_sample(
    probabilities: Any, k: int, rng: np.random.Generator, weights: Any = None, max_draws: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Spielman--Srivastava sampling with replacement until ``k`` distinct edges are drawn.

    Edge ``e`` is drawn with probability ``p_e`` (normally ``w_e R_e / (n - c)``); after
    ``q`` draws it gets weight ``w_e * count_e / (q p_e)``, so ``E[L_H] = L_G``.  Stopping at
    ``k`` distinct edges matches the budget of the ranking methods.

    Parameters
    ----------
    probabilities : array_like, shape (m,)
        Finite, non-negative, not all zero; normalised to sum to 1.
    k : int
        Distinct edges to draw, ``1 <= k <=`` the number of edges with ``p > 0``.
    rng : numpy.random.Generator
        Source of the draws (an integer seed is not accepted: pass ``np.random.default_rng(seed)``).
    weights : array_like, shape (m,), optional
        Conductances ``w_e`` of ``G``, finite and positive (default 1).
    max_draws : int, optional
        Give up after this many draws (default ``1000 m``).

    Returns
    -------
    mask : ndarray of bool, shape (m,)
        Edges drawn at least once.
    new_weights : ndarray, shape (m,)
        Their reweighted conductances (0 for edges not drawn).

    Raises
    ------
    TypeError
        If ``k`` or ``max_draws`` is not an integer (``bool`` included) or ``rng`` is not a
        :class:`numpy.random.Generator`.
    ValueError
        If ``probabilities`` is not a non-empty 1-D array of finite, non-negative numbers with a
        positive sum, ``k`` is out of range, ``weights`` do not have shape ``(m,)`` or are not
        finite and positive, or ``max_draws < 1``.
    RuntimeError
        If ``max_draws`` draws do not reach ``k`` distinct edges.

    Examples
    --------
    >>> mask, w = importance_sample([0.5, 0.5], 2, np.random.default_rng(1))
    >>> mask.tolist(), bool(np.isclose(w.sum() / 2, 1.0, atol=0.5))
    ([True, True], True)
    """
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ValueError("probabilities must be a non-empty one-dimensional array.")
    if np.any(p < 0) or not np.isfinite(p).all() or p.sum() <= 0:
        raise ValueError("probabilities must be finite, non-negative and not all zero.")
    if not isinstance(k, Integral) or isinstance(k, bool):
        raise TypeError(f"k must be an integer, got {type(k).__name__}.")
    _check_rng(rng)
    if max_draws is not None:
        if not isinstance(max_draws, Integral) or isinstance(max_draws, bool):
            raise TypeError(f"max_draws must be an integer, got {type(max_draws).__name__}.")
        if max_draws < 1:
            raise ValueError(f"max_draws must be at least 1, got {max_draws}.")
    p = p / p.sum()
    if not 1 <= k <= np.count_nonzero(p):
        raise ValueError(f"k must be between 1 and the number of edges with p > 0, got {k}.")
    w = np.ones(p.size) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != p.shape:
        raise ValueError(f"weights must have shape {p.shape} like the probabilities, got {w.shape}.")
    if not np.all((w > 0) & (w < np.inf)):
        raise ValueError("weights must be finite positive conductances (got zero, a negative value, inf or NaN).")
    counts = np.zeros(p.size, dtype=np.int64)
    draws = 0
    limit = max_draws or 1000 * p.size
    distinct = 0
    while distinct < k:
        batch = rng.choice(p.size, size=max(16, 2 * (k - distinct)), p=p)
        for e in batch:
            draws += 1
            if counts[e] == 0:
                distinct += 1
            counts[e] += 1
            if distinct == k:
                break
        if draws > limit:
            raise RuntimeError(f"importance sampling drew {draws} edges without reaching {k} distinct ones.")
    mask = counts > 0
    new_w = np.zeros(p.size)
    new_w[mask] = w[mask] * counts[mask] / (draws * p[mask])
    return mask, new_w


def _check_rng(rng: Any) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}; pass np.random.default_rng(seed)."
        )


def _check_rho(rho: float) -> None:
    if not isinstance(rho, Real) or isinstance(rho, bool):
        raise TypeError(f"rho must be a real number, got {type(rho).__name__}.")
    if not 0.0 < float(rho) <= 1.0:
        raise ValueError(f"rho must lie in (0, 1], got {rho!r}.")
