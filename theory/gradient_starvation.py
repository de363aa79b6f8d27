"""Gradient starvation of rare edges: the bridge between the spectral-bias and myopia papers.

A Bernoulli(ε) edge indicator is a data mode of variance ε(1 − ε).  This module states what the
linear-denoiser theory (Wang & Pehlevan, eq. 7 and Prop. 4.2) predicts for such a mode, and what a
loss weight ω on the positive class does to the marginal a model learns.

Derivation (ours)
-----------------
*Assumptions.* (A1) Edges are independent Bernoulli(ε_e) indicators, so in centred coordinates
each edge is its own eigenmode with ``lam = ε(1 − ε)``.  (A2) The denoiser is linear (one layer or
symmetric two layer), trained by full-batch gradient flow per noise level, aligned start ``W(0) = Q I``
(Sec. 1 of the spec).  (A3) Only first and second moments matter (Gaussian equivalence); the mean is
carried by the bias and we follow the fluctuation mode.  (A4) The weight ω multiplies the per-sample
loss of samples whose edge is present (a per-coordinate weight for independent edges).

*Inverse-variance law.* Under (A1-A3) the edge mode emerges at ``tau*(lam) ≈ C / (eta lam)``
(``C = C(Q, criterion, depth)``, the constant of the inverse law, ``tau* lam`` nearly constant), so
``tau* ∝ 1 / (ε(1 − ε)) ≈ 1/ε`` for a rare edge: rare edges are learned last.

*Weighting.* With weight ω the expected loss is an expectation under the tilted law
``p_ω(e = 1) = ωε / Z`` times the constant ``Z = ωε + 1 − ε`` (noise is independent of the data, so
its ridge term is scaled by ``Z`` too).  Gradient flow under it is the unweighted flow for data of
marginal ``p* = ωε / Z`` (:func:`stationary_marginal`) at learning rate ``Z eta``.  Hence

* the learned marginal is ``p*`` (the model over-generates edges when ω > 1);
* the mode variance is ``p*(1 − p*) = ωε(1 − ε)/Z²`` and the rate factor is ``Z``, so
  ``Z eta p*(1 − p*) = eta ωε(1 − ε)/Z`` and
  ``tau*_ω / tau*_1 = Z / ω = (ωε + 1 − ε)/ω``  (:func:`emergence_speedup` is its inverse);
* the class-balancing weight ``ω = (1 − ε)/ε`` gives ``p* = 1/2`` and a speed-up ``1/(2ε)``:
  the rare edge then emerges like a mode of variance ≈ 1/2 at unit rate, i.e. no longer last.

*Testable predictions.* Time to learn an edge (emergence of its generated variance) scales as
``1/(ε(1 − ε))`` without weighting (log-log slope −1 in ε(1 − ε)); weighting by ω divides it by
``ω/(ωε + 1 − ε)``; the generated edge marginal moves from ε to ``p*``.  The exact linear-theory
time (not just the power law) is :func:`edge_emergence_time`.  Outside (A1-A4) — correlated edges,
nonlinear networks, a bias that lags the weights — the law is an approximation to be measured.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from theory import linear_denoiser, two_layer_denoiser
from theory.emergence import threshold

__all__ = [
    "balancing_weight",
    "edge_emergence_time",
    "edge_variance",
    "emergence_speedup",
    "loss_scale",
    "stationary_marginal",
    "weighted_edge_variance",
]


def _check_epsilon(epsilon):
    eps = np.asarray(epsilon, dtype=float)
    if not np.all(np.isfinite(eps)) or np.any((eps <= 0.0) | (eps >= 1.0)):
        raise ValueError("epsilon must lie strictly between 0 and 1 (a Bernoulli edge probability).")
    return eps


def _check_omega(omega):
    om = np.asarray(omega, dtype=float)
    if not np.all(np.isfinite(om)) or np.any(om <= 0.0):
        raise ValueError("omega must be a finite positive weight on the positive class.")
    return om


def stationary_marginal(epsilon, omega):
    r"""Marginal learned under a positive-class-weighted Bernoulli cross-entropy.

    For an edge present with probability ε and a loss weight ω on the positive class, the
    stationary point of the expected weighted cross-entropy is

    .. math:: p^* = \frac{\omega\varepsilon}{\omega\varepsilon + 1 - \varepsilon}.

    Parameters
    ----------
    epsilon : array_like
        Edge probability ε, every entry in (0, 1).
    omega : array_like
        Positive-class weight ω > 0; broadcast against ``epsilon``.

    Returns
    -------
    p_star : ndarray or float
        The learned marginal, shape ``broadcast(epsilon, omega)``; a float for scalar input.

    Raises
    ------
    ValueError
        If an ε is outside (0, 1) or an ω is not a finite positive number.

    Notes
    -----
    With logit ``z`` and ``p = sigmoid(z)`` the expected weighted loss is
    ``L(z) = -ω ε log p - (1 - ε) log(1 - p)``.  Since ``dp/dz = p(1 - p)``,
    ``dL/dz = -ω ε (1 - p) + (1 - ε) p``, which vanishes at the single point
    ``p (ω ε + 1 - ε) = ω ε``; ``d²L/dz² = (ω ε + 1 - ε) p (1 - p) > 0`` makes it the minimum.
    ω = 1 recovers p* = ε; ω = (1 − ε)/ε balances the classes and gives p* = 1/2.

    Examples
    --------
    >>> float(stationary_marginal(0.1, 1.0))
    0.1
    >>> float(stationary_marginal(0.1, 9.0))
    0.5
    """
    eps = _check_epsilon(epsilon)
    om = _check_omega(omega)
    p = om * eps / (om * eps + (1.0 - eps))
    return p if p.ndim else float(p)


def edge_variance(epsilon):
    """Variance ``ε(1 − ε)`` of a Bernoulli(ε) edge indicator (its mode variance ``lam``).

    Examples
    --------
    >>> float(edge_variance(0.1))
    0.09000000000000001
    """
    eps = _check_epsilon(epsilon)
    return _out(eps * (1.0 - eps))


def loss_scale(epsilon, omega):
    """Mean per-sample weight ``Z = ωε + 1 − ε``: the factor by which ω multiplies the learning rate.

    Examples
    --------
    >>> float(loss_scale(0.1, 9.0))
    1.8
    """
    eps, om = _check_epsilon(epsilon), _check_omega(omega)
    return _out(om * eps + 1.0 - eps)


def weighted_edge_variance(epsilon, omega):
    """Mode variance under the tilted law, ``p*(1 − p*) = ωε(1 − ε)/Z²``.

    Examples
    --------
    >>> float(weighted_edge_variance(0.1, 9.0))
    0.25
    """
    p = np.asarray(stationary_marginal(epsilon, omega))
    return _out(p * (1.0 - p))


def emergence_speedup(epsilon, omega):
    """Predicted ``tau*(ω = 1) / tau*(ω)`` from the inverse law: ``ω / (ωε + 1 − ε)``.

    Examples
    --------
    >>> round(float(emergence_speedup(0.01, 99.0)), 12)  # balancing weight: 1 / (2 ε)
    50.0
    """
    eps, om = _check_epsilon(epsilon), _check_omega(omega)
    return _out(om / (om * eps + 1.0 - eps))


def balancing_weight(epsilon):
    """The weight ``ω = (1 − ε)/ε`` that makes both classes weigh the same (``p* = 1/2``).

    Examples
    --------
    >>> float(balancing_weight(0.2))
    4.0
    """
    eps = _check_epsilon(epsilon)
    return _out((1.0 - eps) / eps)


def _out(a):
    a = np.asarray(a)
    return a if a.ndim else float(a)


def edge_emergence_time(
    epsilon,
    omega=1.0,
    eta=1.0,
    Q=0.1,
    criterion="geometric",
    depth=1,
    sigma0=linear_denoiser.SIGMA_0,
    sigmaT=linear_denoiser.SIGMA_T,
):
    r"""Exact linear-theory time at which a Bernoulli(ε) edge mode emerges, with weight ω.

    The generated variance of the mode is Prop. 4.2 (``depth=1``) or Prop. 5.1 (``depth=2``) with
    ``lam = p*(1 − p*)`` and learning rate ``Z eta``; ``tau*`` is where it first reaches the
    ``criterion`` mean of its ``tau = 0`` value and ``lam`` (found on a log grid, refined by Brent).

    Parameters
    ----------
    epsilon, omega : array_like
        Edge probabilities and weights (broadcast).
    eta : float
        Learning rate of the unweighted loss.
    Q : float
        Aligned initial weight (``> 0`` for ``depth=2``).
    criterion : {"geometric", "harmonic"}
    depth : {1, 2}

    Returns
    -------
    ndarray or float
        ``tau*``; NaN where the mode never crosses (e.g. target equal to the initial level).

    Examples
    --------
    >>> t1 = edge_emergence_time(0.01)
    >>> tw = edge_emergence_time(0.01, omega=99.0)
    >>> 40 < t1 / tw < 60  # about the predicted 1 / (2 eps) = 50
    True
    """
    if depth not in (1, 2):
        raise ValueError(f"depth must be 1 or 2, got {depth!r}.")
    model = linear_denoiser if depth == 1 else two_layer_denoiser
    eps, om = np.broadcast_arrays(_check_epsilon(epsilon), _check_omega(omega))
    out = np.full(eps.shape, np.nan)
    for idx in np.ndindex(eps.shape):
        lam = float(weighted_edge_variance(eps[idx], om[idx]))
        rate = float(loss_scale(eps[idx], om[idx])) * float(eta)
        init = float(model.generated_variance(lam, 0.0, Q, rate, sigma0, sigmaT))
        if np.isclose(init, lam, rtol=1e-12):
            continue
        level = float(threshold(init, lam, criterion))
        sign = 1.0 if lam > init else -1.0

        def f(lt):
            return sign * (np.log(model.generated_variance(lam, np.exp(lt), Q, rate, sigma0, sigmaT)) - np.log(level))

        grid = np.log(np.logspace(-8, 8, 321) / (rate * lam))
        vals = f(grid)
        hit = np.flatnonzero(vals >= 0)
        if hit.size == 0 or hit[0] == 0:
            continue
        out[idx] = np.exp(brentq(f, grid[hit[0] - 1], grid[hit[0]], xtol=1e-14, rtol=1e-13))
    return _out(out)
