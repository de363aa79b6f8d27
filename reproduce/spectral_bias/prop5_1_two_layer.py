"""Claim ``spectral.prop5_1_two_layer`` -- Prop. 5.1, Fig. 2D-F: the symmetric two-layer denoiser.

Witnesses: the logistic weights against ``solve_ivp`` of the gradient flow of ``P`` (a full matrix
in a random rotation, ``P(0) = U diag(sqrt Q) U^T``); the crossing of the harmonic mean measured on
the simulated weights against ``ln 2 / (8 eta lambda)`` at several noise levels; the generated
variance against quadrature of the logistic weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from reproduce.claims import Claim, Judgement, Measurement, register
from theory import linear_denoiser
from theory import two_layer_denoiser as two

from .common import CLOSED_FORM_RTOL, FIG2_LAMBDAS, error_panel, max_rel, mode_colors, random_rotation

TAU_STAR_RTOL = 1e-6


@dataclass(frozen=True)
class Config:
    """Parameters of ``spectral.prop5_1_two_layer``.

    Attributes
    ----------
    lambdas : tuple of float
        Mode variances (Fig. 2).
    Q : float
        Aligned initial weight.
    sigmas : tuple of float
        Noise levels of the gradient-flow simulation.
    n_quad : int
        (lambda, tau) pairs of the quadrature check per Q.
    """

    lambdas: tuple[float, ...] = FIG2_LAMBDAS
    Q: float = 0.1
    sigmas: tuple[float, ...] = (0.1, 1.0, 10.0)
    n_quad: int = 10


CONFIGS = {"quick": Config(sigmas=(1.0,), n_quad=4), "default": Config(), "paper": Config(n_quad=30)}


def _p_flow(Sigma, P0, sigma, t_end, taus):
    d = Sigma.shape[0]
    A = Sigma + sigma**2 * np.eye(d)

    def rhs(_, p):
        P = p.reshape(d, d)
        W = P @ P.T
        G = 2.0 * (W @ A - Sigma)  # dL/dW, symmetrised below
        return (-(G + G.T) @ P).ravel()  # dL/dP = (G + G^T) P

    sol = solve_ivp(
        rhs, (0.0, t_end), P0.ravel(), t_eval=taus, method="Radau", rtol=1e-12, atol=1e-14, dense_output=True
    )
    return sol


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Simulated P-flow vs the logistic closed form, measured vs predicted tau*, variance vs quadrature."""
    lam = np.array(config.lambdas)
    d = lam.size
    U = random_rotation(d, rng)
    Sigma = U @ np.diag(lam) @ U.T
    P0 = U @ np.diag(np.sqrt(np.full(d, config.Q))) @ U.T
    weight_err, tau_err, curves = 0.0, 0.0, {}
    t_end = 5.0 * float(two.emergence_time(lam.min()))
    for sigma in config.sigmas:
        taus = np.logspace(-3, np.log10(t_end), 120)
        taus[-1] = t_end
        sol = _p_flow(Sigma, P0, sigma, t_end, taus)
        P = sol.y.T.reshape(-1, d, d)
        w = np.einsum("ik,tij,tlj,lk->tk", U, P, P, U)
        closed = two.weights(lam[None, :], sigma, taus[:, None], config.Q)
        weight_err = max(weight_err, max_rel(w, closed))
        c = linear_denoiser.optimal_weight(lam, sigma)
        h = 2.0 / (1.0 / config.Q + 1.0 / c)
        for k in range(d):

            def f(t, k=k):
                P_t = sol.sol(t).reshape(d, d)
                return float(U[:, k] @ P_t @ P_t.T @ U[:, k]) - h[k]

            t_pred = float(two.emergence_time(lam[k]))
            t_meas = brentq(f, t_pred / 4, min(4 * t_pred, t_end), xtol=1e-15, rtol=1e-13)
            tau_err = max(tau_err, abs(t_meas / t_pred - 1.0))
        curves[f"{sigma:g}"] = {"tau": taus, "w": w}
    q_err = 0.0
    lam_q = np.logspace(-3, 2, config.n_quad)
    tau_q = np.logspace(-4, 3, config.n_quad)
    for Q in (0.1, 0.5, 1.0):
        for lk, tk in zip(lam_q, rng.permutation(tau_q)):
            num = linear_denoiser.variance_by_quadrature(lambda s: two.weights(lk, s, tk, Q), points=[np.sqrt(lk)])
            q_err = max(q_err, abs(two.generated_variance(lk, tk, Q) / num - 1.0))
    values = {
        "weights_max_rel_error": weight_err,
        "tau_star_max_rel_error": tau_err,
        "variance_quadrature_max_rel": q_err,
    }
    headline = (
        f"logistic weights vs P-flow {weight_err:.1e}; measured tau* = ln2/(8 eta lambda) to {tau_err:.1e} "
        f"(sigma in {list(config.sigmas)}); variance vs quadrature {q_err:.1e}"
    )
    tf = np.logspace(-4, 4, 400)
    details = {
        "lambdas": lam,
        "Q": config.Q,
        "curves": curves,
        "tau": tf,
        "w_curve": two.weights(lam[None, :], 1.0, tf[:, None], config.Q),
        "v_curve": two.generated_variance(lam[None, :], tf[:, None], config.Q),
        "init": float(two.generated_variance(1.0, 0.0, config.Q)),
    }
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Weights and generated variance within 1e-6 relative, tau* within 1e-6 relative."""
    tol = {"rel": CLOSED_FORM_RTOL, "tau_star_rel": TAU_STAR_RTOL}
    bad = [f"{k} = {v:.2e}" for k, v in values.items() if v > CLOSED_FORM_RTOL]
    if bad:
        return Judgement("differs", "Prop. 5.1 misses its twins: " + ", ".join(bad) + ".", tol)
    return Judgement(
        "reproduced",
        f"The logistic weights match the gradient flow of P to {values['weights_max_rel_error']:.0e}; "
        "the weight crosses the harmonic mean of Q and c at "
        f"ln 2/(8 eta lambda) to {values['tau_star_max_rel_error']:.0e} at every sigma; "
        f"the generated variance matches quadrature to {values['variance_quadrature_max_rel']:.0e}.",
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Fig. 2D-E: two-layer weights (sigma = 1; simulation markers), generated variances, and the errors."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    d, m, tol = result["details"], result["measured"], result["tolerance"]
    lam = np.asarray(d["lambdas"])
    fig, axes = plt.subplots(1, 3, figsize=(18, 5.4), width_ratios=[1, 1, 0.8])
    sim = d["curves"].get("1")
    for k, c in enumerate(mode_colors(lam.size)):
        axes[0].semilogx(d["tau"], np.asarray(d["w_curve"])[:, k], color=c, label=f"lambda = {lam[k]:g}")
        if sim is not None:
            axes[0].semilogx(np.asarray(sim["tau"])[::4], np.asarray(sim["w"])[::4, k], "o", ms=3, color=c)
        axes[0].axvline(np.log(2) / (8 * lam[k]), color=c, ls=":", lw=1)
        axes[1].loglog(d["tau"], np.asarray(d["v_curve"])[:, k], color=c)
        axes[1].axhline(lam[k], color=c, ls=":", lw=1)
    if sim is not None:
        axes[0].plot([], [], "o", color="k", ms=3, label="gradient flow of P (solve_ivp)")
    axes[0].plot([], [], ":", color="k", lw=1, label="tau* = ln 2/(8 lambda) (paper)")
    axes[1].axhline(d["init"], color="0.4", ls="--", lw=1, label="generated variance at tau = 0")
    axes[0].set_title(f"two layer, Q = {d['Q']}: logistic weights (lines) vs P-flow")
    axes[0].set_ylabel("weight u_k^T P P^T u_k at sigma = 1")
    axes[1].set_title("generated variance (dotted: targets lambda)")
    axes[1].set_ylabel("generated variance along mode (data units^2)")
    for ax in axes[:2]:
        ax.set_xlabel("training time tau (gradient-flow units, eta = 1)")
    rows = {
        "logistic weights vs P-flow (max rel)": m["weights_max_rel_error"],
        "measured tau* vs ln 2/(8 lambda) (max rel)": m["tau_star_max_rel_error"],
        "generated variance vs quadrature (max rel)": m["variance_quadrature_max_rel"],
    }
    per_row = dict.fromkeys(rows, tol["rel"])
    per_row["measured tau* vs ln 2/(8 lambda) (max rel)"] = tol.get("tau_star_rel", tol["rel"])
    same = len(set(per_row.values())) == 1
    error_panel(
        axes[2],
        rows,
        tol["rel"] if same else per_row,
        title="Prop. 5.1 vs its twins (all sigma)",
        xlabel="largest relative error (log scale)",
    )
    legend_outside(fig, axes[:2], ncols=6)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.prop5_1_two_layer",
        location="Prop. 5.1, Sec. 5.1 (Fig. 2D-F)",
        statement=(
            "A symmetric two-layer linear denoiser has logistic per-mode weights that reach the harmonic mean of start "
            "and end at tau* = ln 2/(8 eta lambda_k), for every sigma."
        ),
        paper_value={"tau*": "ln 2 / (8 eta lambda_k)", "weights": "c Q / ((c - Q) exp(-8 eta lambda tau) + Q)"},
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
