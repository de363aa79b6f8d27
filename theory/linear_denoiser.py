"""One-layer linear denoiser: gradient-flow weights (eq. 7) and the generated variance (Prop. 4.2).

Wang & Pehlevan, "An Analytical Theory of Spectral Bias in the Learning Dynamics of Diffusion
Models" (arXiv:2503.03206), Sec. 4.  Per noise level ``sigma`` the denoiser ``D(x) = W x + b`` is
trained by full-batch gradient flow on ``L = E||W(x0 + sigma z) + b - x0||^2`` from an aligned
start ``W(0) = sum_k Q_k u_k u_k^T``; in the data eigenbasis every mode is an independent scalar
problem.  Sampling integrates the probability-flow ODE ``dx/dsigma = -[(W - I) x + b] / sigma``
from ``sigma_T`` down to ``sigma_0`` (Lemma 4.1, with the sign corrected: see
:func:`sampling_map`).

Every function broadcasts over modes (``lam``, ``Q``) and training times (``tau``): pass
``lam[:, None]`` and ``tau[None, :]`` for a modes x times grid.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.integrate import quad, solve_ivp
from scipy.linalg import expm
from scipy.special import exp1, roots_legendre

from theory.exponential_integral import exp1_truncated

__all__ = [
    "SIGMA_0",
    "SIGMA_T",
    "bias",
    "final_variance",
    "generated_variance",
    "generated_variance_ode",
    "generated_variance_quadrature",
    "heun_generated_variance",
    "initial_variance",
    "log_sampling_map",
    "optimal_weight",
    "sampling_map",
    "variance_by_quadrature",
    "weights",
]

SIGMA_0 = 0.002
"""Smallest noise level of the EDM sampler (the paper's ``sigma_0``)."""
SIGMA_T = 80.0
"""Largest noise level of the EDM sampler (the paper's ``sigma_T``)."""


def _positive(name: str, value) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"{name} must be finite and positive.")
    return a


def _nonnegative(name: str, value) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"{name} must be finite and non-negative.")
    return a


def _finite(name: str, value) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite.")
    return a


def _noise_range(sigma0: float, sigmaT: float) -> tuple[float, float]:
    s0, sT = float(_positive("sigma0", sigma0)), float(_positive("sigmaT", sigmaT))
    if not s0 < sT:
        raise ValueError(f"sigma0 must be smaller than sigmaT, got {s0} and {sT}.")
    return s0, sT


def _out(a: np.ndarray):
    return a if a.ndim else float(a)


def optimal_weight(lam, sigma):
    r"""Per-mode optimum ``c_k = lam_k / (sigma^2 + lam_k)`` (the Wiener filter, Sec. 4).

    Examples
    --------
    >>> optimal_weight(1.0, 1.0)
    0.5
    """
    lam, sigma = _nonnegative("lam", lam), _nonnegative("sigma", sigma)
    with np.errstate(invalid="ignore"):
        c = lam / (sigma**2 + lam)
    if np.any(np.isnan(c)):
        raise ValueError("lam and sigma cannot both be zero.")
    return _out(c)


def weights(lam, sigma, tau, Q=0.0, eta=1.0):
    r"""Eq. 7: per-mode weight of the one-layer denoiser during gradient flow.

    .. math:: w_k(\sigma, \tau) = c_k + (Q_k - c_k)\, e^{-2\eta(\sigma^2 + \lambda_k)\tau},
              \quad c_k = \lambda_k / (\sigma^2 + \lambda_k).

    Parameters
    ----------
    lam : array_like
        Mode variances ``lam_k >= 0``.
    sigma : array_like
        Noise level(s) ``sigma >= 0``.
    tau : array_like
        Training time(s) ``tau >= 0`` (gradient-flow time; ``eta * tau`` is what matters).
    Q : array_like
        Initial weight ``u_k^T W(0) u_k`` per mode.
    eta : array_like
        Learning rate ``eta > 0``.

    Returns
    -------
    ndarray or float
        ``w``, of the broadcast shape of the inputs.

    Examples
    --------
    >>> round(weights(1.0, 1.0, 0.0, Q=0.3), 12), round(weights(1.0, 1.0, 1e3, Q=0.3), 12)
    (0.3, 0.5)
    """
    lam, sigma = _nonnegative("lam", lam), _nonnegative("sigma", sigma)
    tau, Q, eta = _nonnegative("tau", tau), _finite("Q", Q), _positive("eta", eta)
    c = np.asarray(optimal_weight(lam, sigma))
    return _out(c + (Q - c) * np.exp(-2.0 * eta * (sigma**2 + lam) * tau))


def bias(b0, tau, eta=1.0):
    r"""Bias of the one-layer denoiser for zero-mean data: ``b(tau) = b(0) exp(-2 eta tau)``.

    ``dL/db = 2 (W E[x] + b - E[x0]) = 2 b`` when the data have zero mean.

    Examples
    --------
    >>> round(bias(1.0, np.log(2) / 2), 12)
    0.5
    """
    b0, tau, eta = _finite("b0", b0), _nonnegative("tau", tau), _positive("eta", eta)
    return _out(b0 * np.exp(-2.0 * eta * tau))


def initial_variance(Q, sigma0=SIGMA_0, sigmaT=SIGMA_T):
    r"""``tau -> 0`` limit of Prop. 4.2: ``sigma_T^2 (sigma_0 / sigma_T)^{2(1 - Q)}`` for every mode.

    Examples
    --------
    >>> f"{initial_variance(0.1):.2e}"
    '3.33e-05'
    """
    s0, sT = _noise_range(sigma0, sigmaT)
    return _out(sT**2 * (s0 / sT) ** (2.0 * (1.0 - _finite("Q", Q))))


def final_variance(lam, sigma0=SIGMA_0, sigmaT=SIGMA_T):
    r"""``tau -> inf`` limit of Prop. 4.2: ``sigma_T^2 (lam + sigma_0^2) / (lam + sigma_T^2)``.

    Examples
    --------
    >>> round(final_variance(1.0), 4)
    1.0
    """
    s0, sT = _noise_range(sigma0, sigmaT)
    lam = _nonnegative("lam", lam)
    return _out(sT**2 * (lam + s0**2) / (lam + sT**2))


def generated_variance(lam, tau, Q=0.0, eta=1.0, sigma0=SIGMA_0, sigmaT=SIGMA_T):
    r"""Prop. 4.2: variance along mode ``k`` of samples of the one-layer denoiser at time ``tau``.

    .. math:: \tilde\lambda_k(\tau) = \sigma_T^2\, \Phi_k(\sigma_0, \tau)^2 / \Phi_k(\sigma_T, \tau)^2,

    .. math:: \Phi_k(\sigma, \tau) = \sqrt{\lambda_k + \sigma^2}\,
              \exp\Big[\tfrac{1 - Q_k}{2} \mathrm{Ei}(-2\eta\tau\sigma^2) e^{-2\eta\tau\lambda_k}
              - \tfrac12 \mathrm{Ei}(-2\eta\tau(\sigma^2 + \lambda_k))\Big].

    Parameters
    ----------
    lam : array_like
        Mode variances ``lam_k >= 0``.
    tau : array_like
        Training times ``tau >= 0``; ``tau = 0`` returns :func:`initial_variance`.
    Q : array_like
        Initial weights per mode.
    eta : array_like
        Learning rate.
    sigma0, sigmaT : float
        Noise range of the sampler (EDM: 0.002 and 80).

    Returns
    -------
    ndarray or float
        ``lam_tilde`` of the broadcast shape of ``lam, tau, Q, eta``.

    Notes
    -----
    Computed as a log-ratio in which the ``Ei`` terms appear as differences
    ``E1(2 eta tau sigma0^2) - E1(2 eta tau sigmaT^2)``, finite as ``tau -> 0``.  The ``E1`` of
    modes x times arguments use :func:`theory.exponential_integral.exp1_truncated` (3e-12
    relative; terms below 4e-20 dropped), the ``tau``-only ones :func:`scipy.special.exp1`.
    ``Phi`` is the antiderivative of ``(1 - w)/sigma`` with ``w`` from eq. 7 (checked by sympy in
    the tests), so this equals ``sigma_T^2 exp(2 int_{sigma0}^{sigmaT} (w - 1)/s ds)``.

    Examples
    --------
    >>> lam = np.array([10.0, 1.0, 0.01])
    >>> bool(np.allclose(generated_variance(lam, 1e4, Q=0.1), final_variance(lam), rtol=1e-12))
    True
    >>> f"{generated_variance(1.0, 0.0, Q=0.1):.3e}"
    '3.330e-05'
    """
    s0, sT = _noise_range(sigma0, sigmaT)
    lam, tau = _nonnegative("lam", lam), _nonnegative("tau", tau)
    Q, eta = _finite("Q", Q), _positive("eta", eta)
    with np.errstate(over="ignore"):  # 2 eta tau beyond the float range: capped, every term is then at its limit
        a = np.minimum(2.0 * eta * tau, np.finfo(float).max)
    zero = a == 0
    a_safe = np.where(zero, 1.0, a)
    with np.errstate(over="ignore"):  # an argument overflowing to inf has E1 = 0 and exp(-inf) = 0: the limits
        d_noise = exp1(a_safe * s0**2) - exp1(a_safe * sT**2)
        # In place: this runs on modes x times grids of 10^6 entries (issue target: <= 50 ms).
        log_var = exp1_truncated(a_safe * (s0**2 + lam))
        log_var -= exp1_truncated(a_safe * (sT**2 + lam))
        decay = np.exp(-a_safe * lam)
    decay *= (1.0 - Q) * d_noise
    log_var -= decay
    log_var += np.log(sT**2) + np.log((lam + s0**2) / (lam + sT**2))
    if np.any(zero):
        log_var = np.where(zero, np.log(sT**2) + 2.0 * (1.0 - Q) * np.log(s0 / sT), log_var)
    return _out(np.exp(log_var))


def heun_generated_variance(weight, sigmas):
    r"""Generated variance of the deterministic Heun sampler with a per-level linear denoiser.

    The sampler of EDM (Karras et al., Algorithm 1 without churn) integrates
    ``dx/dsigma = (x - D(x; sigma))/sigma`` over the levels ``sigma_0 > ... > sigma_{N-1} > sigma_N = 0``;
    with ``D = w_i x`` along a mode at level ``i`` every step multiplies the coordinate by

    .. math:: m_i = 1 + \tfrac{h_i}{2}\big[a_i + a_{i+1}(1 + h_i a_i)\big],\quad
              a_i = (1 - w_i)/\sigma_i,\ h_i = \sigma_{i+1} - \sigma_i,

    and the last (Euler) step into ``sigma_N = 0`` by ``w_{N-1}``.  Starting from
    ``x ~ N(0, sigma_0^2)`` the generated variance is ``sigma_0^2 prod_i m_i^2``: the discrete twin
    of Prop. 4.2, exact for the sampler the trained models use.

    Parameters
    ----------
    weight : array_like (..., N)
        Per-mode weight ``w`` at each nonzero level (last axis).
    sigmas : array_like (N + 1,)
        Decreasing levels ending in 0.

    Returns
    -------
    ndarray (...)

    Examples
    --------
    >>> s = np.array([80.0, 1.0, 0.002, 0.0])
    >>> float(heun_generated_variance(np.zeros(3), s))  # D = 0: the last step returns 0
    0.0
    >>> float(heun_generated_variance(np.ones(3), s))  # D = x: the start is kept
    6400.0
    """
    w = np.asarray(weight, dtype=float)
    s = np.asarray(sigmas, dtype=float)
    if s.ndim != 1 or s.size < 2 or s[-1] != 0 or np.any(np.diff(s) >= 0):
        raise ValueError("sigmas must be a strictly decreasing 1-D sequence ending in 0.")
    if w.shape[-1:] != (s.size - 1,):
        raise ValueError(f"weight must have {s.size - 1} levels on its last axis, got shape {w.shape}.")
    a = (1.0 - w) / s[:-1]
    h = np.diff(s)
    m = 1.0 + 0.5 * h[:-1] * (a[..., :-1] + a[..., 1:] * (1.0 + h[:-1] * a[..., :-1]))
    return s[0] ** 2 * np.prod(m**2, axis=-1) * w[..., -1] ** 2


def log_sampling_map(
    weight_fn: Callable[[float], np.ndarray], sigma0=SIGMA_0, sigmaT=SIGMA_T, sign: str = "corrected", nodes: int = 400
) -> np.ndarray:
    r"""``±∫_{sigma0}^{sigmaT} (W_s - I)/s ds`` by Gauss--Legendre quadrature in ``ln s``.

    Parameters
    ----------
    weight_fn : callable
        ``weight_fn(s) -> W_s`` for a scalar noise level: per-mode eigenvalues (any shape) or a
        square matrix; the matrices must commute for the exponential to be the sampling map.
    sign : {"corrected", "printed"}
        ``"corrected"`` gives ``+`` (integrating the ODE), ``"printed"`` the paper's ``-``.
    nodes : int
        Gauss--Legendre nodes on ``[ln sigma0, ln sigmaT]``.

    Returns
    -------
    ndarray
        The exponent ``M`` with ``A = exp(M)``; same shape as ``weight_fn``'s output.
    """
    s0, sT = _noise_range(sigma0, sigmaT)
    if sign not in ("corrected", "printed"):
        raise ValueError(f"sign must be 'corrected' or 'printed', got {sign!r}.")
    if not (isinstance(nodes, (int, np.integer)) and nodes >= 2):
        raise ValueError(f"nodes must be an integer >= 2, got {nodes!r}.")
    x, w = roots_legendre(int(nodes))
    half = 0.5 * (np.log(sT) - np.log(s0))
    u = np.log(s0) + half * (x + 1.0)
    total = None
    for ui, wi in zip(u, w):
        Ws = np.asarray(weight_fn(float(np.exp(ui))), dtype=float)
        eye = np.eye(Ws.shape[0]) if (Ws.ndim == 2 and Ws.shape[0] == Ws.shape[1]) else 1.0
        term = wi * half * (Ws - eye)
        total = term if total is None else total + term
    return total if sign == "corrected" else -total


def sampling_map(
    weight_fn: Callable[[float], np.ndarray],
    sigma0=SIGMA_0,
    sigmaT=SIGMA_T,
    sign: str = "corrected",
    nodes: int = 400,
    matrix: bool = False,
) -> np.ndarray:
    r"""Lemma 4.1: the linear map ``x(sigma_T) -> x(sigma_0)`` of the PF-ODE for commuting ``W_s``.

    .. math:: A = \exp\Big[+\int_{\sigma_0}^{\sigma_T} (W_s - I)\, \frac{ds}{s}\Big].

    The paper prints a minus sign; integrating ``dx/dsigma = -(W - I) x / sigma`` downwards in
    ``sigma`` gives the plus sign (``W = 0`` must give ``A = sigma_0 / sigma_T``).
    ``sign="printed"`` evaluates the printed version for comparison.  The generated covariance
    is ``sigma_T^2 A A^T``.

    Parameters
    ----------
    weight_fn, sigma0, sigmaT, sign, nodes
        As in :func:`log_sampling_map`.
    matrix : bool
        ``True``: ``weight_fn`` returns matrices and ``A`` is a matrix exponential;
        ``False``: per-mode eigenvalues and an elementwise exponential.

    Examples
    --------
    >>> A = sampling_map(lambda s: np.zeros(2))
    >>> np.allclose(A, 0.002 / 80.0, rtol=1e-12)
    True
    >>> np.allclose(sampling_map(lambda s: np.zeros(2), sign="printed"), 80.0 / 0.002)
    True
    """
    M = log_sampling_map(weight_fn, sigma0, sigmaT, sign, nodes)
    return expm(M) if matrix else np.exp(M)


def generated_variance_quadrature(lam, tau, Q=0.0, eta=1.0, sigma0=SIGMA_0, sigmaT=SIGMA_T):
    r"""Numerical twin of Prop. 4.2: ``sigma_T^2 exp(2 ∫ (w(s, tau) - 1)/s ds)`` by adaptive quadrature.

    One :func:`scipy.integrate.quad` per (mode, time) in ``u = ln s``, with eq. 7 as the
    integrand; slow by design.  Same broadcasting as :func:`generated_variance`.
    """
    s0, sT = _noise_range(sigma0, sigmaT)
    lam, tau = _nonnegative("lam", lam), _nonnegative("tau", tau)
    Q, eta = _finite("Q", Q), _positive("eta", eta)
    L, T, QQ, E = np.broadcast_arrays(lam, tau, Q, eta)
    out = np.empty(L.shape)
    for idx in np.ndindex(L.shape):
        lk, tk, qk, ek = L[idx], T[idx], QQ[idx], E[idx]

        def integrand(u, lk=lk, tk=tk, qk=qk, ek=ek):
            s2 = np.exp(2.0 * u)
            c = lk / (s2 + lk)
            return c + (qk - c) * np.exp(-2.0 * ek * (s2 + lk) * tk) - 1.0

        breaks = [0.5 * np.log(v) for v in (lk, 1.0 / (2 * ek * tk) if tk > 0 else 0.0) if v > 0 and s0**2 < v < sT**2]
        val, _ = quad(
            integrand, np.log(s0), np.log(sT), epsabs=1e-13, epsrel=1e-13, limit=400, points=sorted(breaks) or None
        )
        out[idx] = sT**2 * np.exp(2.0 * val)
    return _out(out)


def generated_variance_ode(
    lam, tau, Q=0.0, eta=1.0, sigma0=SIGMA_0, sigmaT=SIGMA_T, rtol: float = 1e-10, atol: float = 1e-12
):
    r"""Numerical PF-ODE twin of Prop. 4.2: integrate the variance ODE with :func:`solve_ivp`.

    Per training time, all modes are integrated together:
    ``d ln v / d ln sigma = -2 (w(sigma, tau) - 1)`` from ``v(sigma_T) = sigma_T^2`` down to
    ``sigma_0`` (the second moment of ``dx/dsigma = -(w - 1) x / sigma``), DOP853.

    Parameters
    ----------
    lam : array_like, shape (K,)
        Mode variances.
    tau : array_like, shape (T,)
        Training times.
    Q : float or array_like of shape (K,)
        Initial weights.

    Returns
    -------
    ndarray, shape (K, T)
    """
    s0, sT = _noise_range(sigma0, sigmaT)
    lam = np.atleast_1d(_nonnegative("lam", lam))
    tau = np.atleast_1d(_nonnegative("tau", tau))
    if lam.ndim != 1 or tau.ndim != 1:
        raise ValueError("generated_variance_ode takes 1-D lam and tau (it returns modes x times).")
    Q = np.broadcast_to(_finite("Q", Q), lam.shape)
    eta = float(_positive("eta", eta))
    out = np.empty((lam.size, tau.size))
    for j, t in enumerate(tau):

        def rhs(u, y, t=t):
            s2 = np.exp(2.0 * u)
            c = lam / (s2 + lam)
            return -2.0 * (c + (Q - c) * np.exp(-2.0 * eta * (s2 + lam) * t) - 1.0)

        sol = solve_ivp(
            rhs, (np.log(sT), np.log(s0)), np.full(lam.size, 2.0 * np.log(sT)), method="DOP853", rtol=rtol, atol=atol
        )
        out[:, j] = np.exp(sol.y[:, -1])
    return out


def variance_by_quadrature(weight: Callable[[float], float], sigma0=SIGMA_0, sigmaT=SIGMA_T, points=None) -> float:
    r"""``sigma_T^2 exp(2 ∫_{sigma0}^{sigmaT} (w(s) - 1)/s ds)`` for any scalar weight function.

    The generated variance of one mode of a commuting linear denoiser (Lemma 4.1, corrected
    sign), by adaptive quadrature in ``u = ln s``; ``points`` are optional break points in ``s``.

    Examples
    --------
    >>> round(variance_by_quadrature(lambda s: 0.0) / 0.002**2, 10)
    1.0
    """
    s0, sT = _noise_range(sigma0, sigmaT)
    brk = sorted(float(np.log(p)) for p in (points or ()) if s0 < p < sT)
    val, _ = quad(
        lambda u: weight(float(np.exp(u))) - 1.0,
        np.log(s0),
        np.log(sT),
        epsabs=1e-13,
        epsrel=1e-13,
        limit=400,
        points=brk or None,
    )
    return float(sT**2 * np.exp(2.0 * val))
