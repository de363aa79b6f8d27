"""Symmetric two-layer linear denoiser ``D(x) = P P^T x`` (Wang & Pehlevan, Prop. 5.1).

With an aligned start ``P(0) P(0)^T = sum_k Q_k u_k u_k^T`` the gradient flow of
``L = E||P P^T (x0 + sigma z) - x0||^2`` keeps ``W = P P^T`` diagonal in the data eigenbasis, and
each mode's weight obeys the logistic equation ``dw/dtau = 8 eta w (lam - (lam + sigma^2) w)``:
its rate ``8 eta lam`` does not depend on ``sigma``, and ``Q = 0`` is an unstable fixed point.
Inputs broadcast as in :mod:`theory.linear_denoiser`.
"""

from __future__ import annotations

import numpy as np

from theory.linear_denoiser import SIGMA_0, SIGMA_T, _finite, _noise_range, _nonnegative, _out, _positive

__all__ = ["emergence_time", "generated_variance", "weights"]


def _check_Q(Q) -> np.ndarray:
    Q = _finite("Q", Q)
    if np.any(Q < 0):
        raise ValueError("Q must be non-negative: P(0) P(0)^T is positive semi-definite.")
    return Q


def weights(lam, sigma, tau, Q=0.1, eta=1.0):
    r"""Prop. 5.1: logistic per-mode weight of the two-layer denoiser.

    .. math:: w_k = \frac{c_k Q_k}{(c_k - Q_k) e^{-8\eta\lambda_k\tau} + Q_k}
              = \frac{\lambda_k Q_k}{\lambda_k E + Q_k (1 - E)(\lambda_k + \sigma^2)},
              \quad E = e^{-8\eta\lambda_k\tau}.

    Parameters
    ----------
    lam : array_like
        Mode variances ``> 0``.
    sigma, tau : array_like
        Noise level(s) and training time(s), ``>= 0``.
    Q : array_like
        Initial weights ``>= 0`` (``Q = 0`` stays 0).
    eta : array_like
        Learning rate.

    Examples
    --------
    >>> round(weights(1.0, 1.0, 0.0, Q=0.1), 12), round(weights(1.0, 1.0, 100.0, Q=0.1), 12)
    (0.1, 0.5)
    """
    lam, sigma = _positive("lam", lam), _nonnegative("sigma", sigma)
    tau, Q, eta = _nonnegative("tau", tau), _check_Q(Q), _positive("eta", eta)
    E = np.exp(-8.0 * eta * lam * tau)
    one_minus_E = -np.expm1(-8.0 * eta * lam * tau)
    return _out(lam * Q / (lam * E + Q * one_minus_E * (lam + sigma**2)))


def emergence_time(lam, eta=1.0):
    r"""Prop. 5.1: time at which ``w_k`` reaches the harmonic mean of ``Q_k`` and ``c_k``: ``ln 2 / (8 eta lam)``.

    At ``E = 1/2``, ``1/w = E/Q + (1 - E)/c`` is the mean of ``1/Q`` and ``1/c`` (for every ``sigma``).

    Examples
    --------
    >>> round(emergence_time(1.0, 1.0) * 8 / float(np.log(2)), 12)
    1.0
    """
    return _out(np.log(2.0) / (8.0 * _positive("eta", eta) * _positive("lam", lam)))


def generated_variance(lam, tau, Q=0.1, eta=1.0, sigma0=SIGMA_0, sigmaT=SIGMA_T):
    r"""Prop. 5.1: generated variance of mode ``k`` for the two-layer denoiser.

    .. math:: \tilde\lambda_k = \sigma_T^2 \Phi_k(\sigma_0)^2 / \Phi_k(\sigma_T)^2, \quad
              \Phi_k(\sigma) = \sigma^{a} [\lambda_k E + Q(1 - E)(\lambda_k + \sigma^2)]^{b},

    with ``a = (1 - Q)E / (Q + (1 - Q)E)`` and ``b = Q / (2Q + 2(1 - Q)E)``: ``Phi`` is an
    antiderivative of ``(1 - w)/sigma`` in ``sigma`` (``E`` does not depend on ``sigma``).

    Returns
    -------
    ndarray or float
        Broadcast shape of ``lam, tau, Q, eta``.  ``Q = 0`` gives ``sigma_0^2`` at every time,
        also where ``E = exp(-8 eta lam tau)`` underflows to 0 (there ``Q + (1 - Q)E = 0`` and
        ``a``, ``b`` take their exact ``Q = 0`` values 1 and 0), and ``tau`` so large that
        ``8 eta lam tau`` overflows gives the ``tau -> inf`` limit.

    Raises
    ------
    ValueError
        If ``lam`` or ``eta`` is not finite and positive (so ``lam = 0`` is outside the domain),
        ``tau`` is not finite and non-negative, ``Q`` is negative or not finite, or the noise
        range is not ``0 < sigma0 < sigmaT``.

    Examples
    --------
    >>> round(generated_variance(1.0, 1e3, Q=0.1) / (6400 * (1 + 4e-6) / 6401), 12)
    1.0
    >>> round(generated_variance(1.0, 5.0, Q=0.0) / 0.002**2, 12)
    1.0
    """
    s0, sT = _noise_range(sigma0, sigmaT)
    lam, tau = _positive("lam", lam), _nonnegative("tau", tau)
    Q, eta = _check_Q(Q), _positive("eta", eta)
    with np.errstate(over="ignore"):  # x = inf is fine: E = 0, 1 - E = 1
        x = 8.0 * eta * lam * tau
    E = np.exp(-x)
    one_minus_E = -np.expm1(-x)
    denom = Q + (1.0 - Q) * E
    # denom = 0 only for Q = 0 once E underflows (x > ~745): there w = 0 at every tau, and
    # a = E / E = 1, b = 0 exactly for every finite tau, so the limit is taken as those values.
    degenerate = denom == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(degenerate, 1.0, (1.0 - Q) * E / denom)
        b = np.where(degenerate, 0.0, Q / (2.0 * denom))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.log((lam * E + Q * one_minus_E * (lam + s0**2)) / (lam * E + Q * one_minus_E * (lam + sT**2)))
    ratio = np.where(b == 0, 0.0, ratio)
    return _out(sT**2 * np.exp(2.0 * a * np.log(s0 / sT) + 2.0 * b * ratio))
