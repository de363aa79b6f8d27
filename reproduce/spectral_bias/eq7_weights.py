"""``spectral.eq7_weights``: the one-layer linear denoiser's weights in closed form (eq. 7, Fig. 2).

The closed-form per-mode weights against (i) ``solve_ivp`` of the full matrix gradient flow in a
randomly rotated basis and (ii) torch full-batch gradient descent on the population loss (autograd
gradients), whose error must shrink like the step (O(eta)).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from reproduce.claims import Claim, Judgement, Measurement, register
from theory import linear_denoiser as lin

from .common import CLOSED_FORM_RTOL, FIG2_LAMBDAS, error_panel, max_rel, mode_colors, random_rotation


@dataclass(frozen=True)
class Config:
    """Parameters of ``spectral.eq7_weights``.

    Attributes
    ----------
    lambdas : tuple of float
        Mode variances (Fig. 2).
    sigma : float
        Noise level of the trajectories (Fig. 2: 1).
    Q : float
        Aligned initial weight.
    times : int
        Training times in ``logspace(-3, 2)`` compared with the ODE solve.
    gd_step : float
        Gradient-descent step ``eta`` (continuous time ``tau = steps * eta``); also run at half of it.
    gd_time : float
        Training time run by gradient descent.
    """

    lambdas: tuple[float, ...] = FIG2_LAMBDAS
    sigma: float = 1.0
    Q: float = 0.1
    times: int = 60
    gd_step: float = 0.01
    gd_time: float = 5.0


CONFIGS = {
    "quick": Config(times=20, gd_time=2.0),
    "default": Config(),
    "paper": Config(times=200, gd_step=0.005, gd_time=20.0),
}


def _full_gradient_flow(Sigma, W0, sigma, taus):
    d = Sigma.shape[0]
    A = Sigma + sigma**2 * np.eye(d)

    def rhs(_, w):
        W = w.reshape(d, d)
        return (-2.0 * (W @ A - Sigma)).ravel()

    sol = solve_ivp(
        rhs,
        (0.0, taus[-1]),
        W0.ravel(),
        t_eval=taus,
        method="Radau",
        rtol=1e-11,
        atol=1e-13,
        jac=lambda *_: -2.0 * np.kron(np.eye(d), A.T),
    )
    return sol.y.T.reshape(-1, d, d)


def _torch_gd(Sigma, W0, sigma, step, n_steps, record_every):
    import torch

    S = torch.tensor(Sigma, dtype=torch.float64)
    eye = torch.eye(S.shape[0], dtype=torch.float64)
    W = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    out = []
    for n in range(n_steps + 1):
        if n % record_every == 0:
            out.append(W.detach().numpy().copy())
        if n == n_steps:
            break
        # Population loss E||W(x0 + sigma z) - x0||^2 for x0 ~ N(0, Sigma): Gaussian equivalence.
        loss = torch.trace((W - eye) @ S @ (W - eye).T) + sigma**2 * (W * W).sum()
        (grad,) = torch.autograd.grad(loss, W)
        with torch.no_grad():
            W -= step * grad
    return np.array(out)


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Closed-form eq. 7 against the matrix gradient flow (solve_ivp) and torch gradient descent."""
    lam = np.array(config.lambdas)
    d = lam.size
    U = random_rotation(d, rng)
    Sigma = U @ np.diag(lam) @ U.T
    W0 = config.Q * np.eye(d)
    taus = np.logspace(-3, 2, config.times)
    Ws = _full_gradient_flow(Sigma, W0, config.sigma, taus)
    diag = np.einsum("ik,tij,jk->tk", U, Ws, U)
    off = Ws - np.einsum("ik,tk,jk->tij", U, diag, U)
    closed = lin.weights(lam[None, :], config.sigma, taus[:, None], config.Q)
    ode_err = max_rel(diag, closed)
    gd = {}
    for step in (config.gd_step, config.gd_step / 2):
        n = int(round(config.gd_time / step))
        every = max(1, n // 50)
        traj = _torch_gd(Sigma, W0, config.sigma, step, n, every)
        t = np.arange(traj.shape[0]) * every * step
        w = np.einsum("ik,tij,jk->tk", U, traj, U)
        gd[step] = {
            "tau": t,
            "w": w,
            "err": float(np.max(np.abs(w - lin.weights(lam[None, :], config.sigma, t[:, None], config.Q)))),
        }
    e1, e2 = gd[config.gd_step]["err"], gd[config.gd_step / 2]["err"]
    values = {
        "ode_max_rel_error": ode_err,
        "ode_max_offdiagonal": float(np.max(np.abs(off))),
        "gd_max_abs_error": e1,
        "gd_half_step_max_abs_error": e2,
        "gd_error_ratio": e1 / e2,
    }
    headline = (
        f"eq. 7 vs matrix gradient flow: max rel err {ode_err:.1e}; torch GD error {e1:.1e} -> {e2:.1e} "
        f"when the step halves (ratio {e1 / e2:.2f}, O(eta))"
    )
    taus_fig = np.logspace(-3, 3, 300)
    details = {
        "lambdas": lam,
        "sigma": config.sigma,
        "Q": config.Q,
        "tau_ode": taus,
        "w_ode": diag,
        "tau_curve": taus_fig,
        "w_curve": lin.weights(lam[None, :], config.sigma, taus_fig[:, None], config.Q),
        "tau_gd": gd[config.gd_step]["tau"],
        "w_gd": gd[config.gd_step]["w"],
        "w_curve_q05": lin.weights(lam[None, :], config.sigma, taus_fig[:, None], 0.5),
    }
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """ODE agreement to 1e-6 relative and a GD error that halves (ratio 1.6-2.4) with the step."""
    tol = {"ode_rel": CLOSED_FORM_RTOL, "gd_error_ratio": [1.6, 2.4]}
    bad = []
    if values["ode_max_rel_error"] > CLOSED_FORM_RTOL:
        bad.append(f"eq. 7 differs from the matrix gradient flow by {values['ode_max_rel_error']:.2e} relative")
    if not 1.6 <= values["gd_error_ratio"] <= 2.4:
        bad.append(f"the gradient-descent error does not scale like the step (ratio {values['gd_error_ratio']:.2f})")
    if bad:
        return Judgement("differs", "; ".join(bad) + ".", tol)
    return Judgement(
        "reproduced",
        f"Eq. 7 matches the rotated matrix gradient flow to {values['ode_max_rel_error']:.1e} "
        f"(off-diagonal weights stay {values['ode_max_offdiagonal']:.0e}) and torch gradient descent to "
        f"{values['gd_max_abs_error']:.1e}, an error that halves with the step (O(eta)).",
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Fig. 2A / 5A: per-mode weights at sigma = 1 for Q = 0.1 and 0.5 (ODE and GD markers), and the errors."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    d, m, tol = result["details"], result["measured"], result["tolerance"]
    lam = np.asarray(d["lambdas"])
    fig, axes = plt.subplots(1, 3, figsize=(18, 5.4), width_ratios=[1, 1, 0.85])
    colors = mode_colors(lam.size)
    for k, c in enumerate(colors):
        axes[0].semilogx(d["tau_curve"], np.asarray(d["w_curve"])[:, k], color=c, label=f"lambda = {lam[k]:g}")
        axes[0].semilogx(d["tau_ode"], np.asarray(d["w_ode"])[:, k], "o", ms=3, color=c)
        axes[0].semilogx(np.asarray(d["tau_gd"])[1:], np.asarray(d["w_gd"])[1:, k], "x", ms=4, color=c)
        axes[1].semilogx(d["tau_curve"], np.asarray(d["w_curve_q05"])[:, k], color=c)
    axes[0].plot([], [], "o", color="k", ms=3, label="matrix gradient flow (solve_ivp)")
    axes[0].plot([], [], "x", color="k", ms=4, label="torch gradient descent")
    for ax, q in zip(axes, (d["Q"], 0.5)):
        ax.set_xlabel("training time tau (gradient-flow units, eta = 1)")
        ax.set_ylabel("weight u_k^T W u_k at sigma = 1")
        ax.set_title(f"one layer, Q = {q}: eq. 7 (lines)")
    axes[0].set_title(f"one layer, Q = {d['Q']}: eq. 7 (lines) and its twins")
    lo, hi = tol["gd_error_ratio"]
    error_panel(
        axes[2],
        {
            "eq. 7 vs matrix gradient flow (max rel)": m["ode_max_rel_error"],
            "off-diagonal weights of the flow (max abs)": m["ode_max_offdiagonal"],
            "torch GD, step eta (max abs)": m["gd_max_abs_error"],
            "torch GD, step eta/2 (max abs)": m["gd_half_step_max_abs_error"],
        },
        tol["ode_rel"],
        unjudged=(
            "off-diagonal weights of the flow (max abs)",
            "torch GD, step eta (max abs)",
            "torch GD, step eta/2 (max abs)",
        ),
        title=f"errors at Q = {d['Q']}; GD error ratio {m['gd_error_ratio']:.2f}\n"
        f"(verdict: {lo:g}-{hi:g}, i.e. O(eta))",
    )
    legend_outside(fig, axes[:1], ncols=5)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.eq7_weights",
        location="eq. 7, Sec. 4.1",
        statement=(
            "Per mode, the one-layer weight is w_k = c_k + (Q_k - c_k) exp(-2 eta (sigma^2 + lambda_k) tau), "
            "c_k = lambda_k/(sigma^2 + lambda_k)."
        ),
        paper_value="closed form (eq. 7); rate 2 eta (sigma^2 + lambda_k)",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
