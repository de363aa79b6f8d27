"""One-layer linear flow matching (Wang & Pehlevan, appendix; formulas of the authors' code).

Interpolant ``x_t = t x1 + (1 - t) x0`` with ``x0 ~ N(0, I)`` and data ``x1``; the velocity
``v(x, t) = W_t x`` is trained per ``t`` by gradient flow on ``E||W_t x_t - (x1 - x0)||^2`` from
``W_t(0) = Q I`` (aligned).  Samples integrate ``dx/dt = W_t x`` from ``t = 0`` to ``1``.
Per data mode of variance ``lam`` the loss is ``w^2 d - 2 w (t lam - (1 - t)) + const`` with
``d = t^2 lam + (1 - t)^2``.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import quad
from scipy.special import erf, exp1

from theory.exponential_integral import exp1_truncated
from theory.linear_denoiser import _finite, _nonnegative, _out, _positive

__all__ = ["generated_variance", "generated_variance_quadrature", "weights"]


def _check_t(t) -> np.ndarray:
    t = _finite("t", t)
    if np.any((t < 0) | (t > 1)):
        raise ValueError("the interpolation time t must lie in [0, 1].")
    return t


def weights(lam, t, tau, Q=0.0, eta=1.0):
    r"""Per-mode flow-matching weight: ``w = f + (Q - f) exp(-2 eta tau d)``.

    ``d = t^2 lam + (1 - t)^2`` and ``f = (t lam - (1 - t)) / d`` (the optimum).

    Examples
    --------
    >>> round(weights(4.0, 1.0, 1e3), 12)
    1.0
    >>> round(weights(4.0, 0.5, 0.0, Q=0.2), 12)
    0.2
    """
    lam, t = _positive("lam", lam), _check_t(t)
    tau, Q, eta = _nonnegative("tau", tau), _finite("Q", Q), _positive("eta", eta)
    d = t**2 * lam + (1.0 - t) ** 2
    f = (t * lam - (1.0 - t)) / d
    return _out(f + (Q - f) * np.exp(-2.0 * eta * tau * d))


def generated_variance(lam, tau, Q=0.0, eta=1.0):
    r"""Generated variance ``exp(2 I)`` of mode ``lam`` after training time ``tau``.

    .. math:: I = \tfrac12\ln\lambda + \tfrac12[\mathrm{Ei}(-2\eta\tau) - \mathrm{Ei}(-2\eta\tau\lambda)]
              + \tfrac12\sqrt{\tfrac{\pi}{2\eta\tau(\lambda+1)}}\, Q\, e^{-2\eta\tau\lambda/(\lambda+1)}
              \big[\mathrm{erf}(\sqrt{2\eta\tau/(\lambda+1)}) + \mathrm{erf}(\lambda\sqrt{2\eta\tau/(\lambda+1)})\big].

    ``I = ∫_0^1 w_t dt``: the ``f`` part integrates to ``ln(d(1)/d(0))/2``, the ``-f e^{-2 eta tau d}``
    part is ``-(1/2)∫ e^{-2 eta tau u}/u du`` over ``u = d``, and ``d`` is a Gaussian exponent in ``t``.
    ``tau = 0`` gives ``exp(2 Q)``; ``tau -> inf`` gives ``lam``.

    Examples
    --------
    >>> round(generated_variance(0.3, 0.0, Q=0.5) / np.e, 12)
    1.0
    >>> round(generated_variance(0.3, 1e4), 10)
    0.3
    """
    lam, tau = _positive("lam", lam), _nonnegative("tau", tau)
    Q, eta = _finite("Q", Q), _positive("eta", eta)
    a = 2.0 * eta * tau
    zero = a == 0
    a = np.where(zero, 1.0, a)
    r = np.sqrt(a / (lam + 1.0))
    gauss = 0.5 * np.sqrt(np.pi) / (r * (lam + 1.0)) * np.exp(-a * lam / (lam + 1.0)) * (erf(r) + erf(lam * r))
    I = 0.5 * np.log(lam) + 0.5 * (exp1_truncated(a * lam) - exp1(a)) + Q * gauss
    I = np.where(zero, Q + 0.0 * lam, I)
    return _out(np.exp(2.0 * I))


def generated_variance_quadrature(lam, tau, Q=0.0, eta=1.0):
    """Numerical twin: ``exp(2 ∫_0^1 w_t dt)`` by adaptive quadrature of :func:`weights` (scalar inputs)."""
    lam, tau = float(_positive("lam", lam)), float(_nonnegative("tau", tau))
    val, _ = quad(
        lambda t: weights(lam, t, tau, Q, eta),
        0.0,
        1.0,
        epsabs=1e-13,
        epsrel=1e-13,
        limit=400,
        points=[1.0 / (lam + 1.0)],
    )
    return float(np.exp(2.0 * val))
