"""``spectral.prop4_2_variance``: the generated variance of the one-layer denoiser (Prop. 4.2, Fig. 5).

Prop. 4.2 against adaptive quadrature and a PF-ODE solve over the issue's ranges, plus both
limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, register
from theory import linear_denoiser as lin

from .common import CLOSED_FORM_RTOL, FIG2_LAMBDAS, error_panel, fig2_row, max_rel


@dataclass(frozen=True)
class Config:
    """Parameters of ``spectral.prop4_2_variance``.

    Attributes
    ----------
    n_lambda, n_tau : int
        Grid sizes in ``lambda in logspace(-3, 2)`` and ``tau in logspace(-4, 3)`` (quadrature twin).
    n_ode : int
        Training times of the PF-ODE twin (all lambdas at once).
    Qs : tuple of float
        Initial weights (the issue's {0, 0.1, 0.5, 1}).
    """

    n_lambda: int = 12
    n_tau: int = 12
    n_ode: int = 8
    Qs: tuple[float, ...] = (0.0, 0.1, 0.5, 1.0)


CONFIGS = {"quick": Config(6, 6, 4), "default": Config(), "paper": Config(30, 30, 30)}


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Prop. 4.2 against quadrature and the PF-ODE over the issue's grid, and its two limits."""
    lam = np.logspace(-3, 2, config.n_lambda)
    tau = np.logspace(-4, 3, config.n_tau)
    tau_ode = np.logspace(-4, 3, config.n_ode)
    per_q = {}
    for Q in config.Qs:
        closed = lin.generated_variance(lam[:, None], tau[None, :], Q)
        quad_ = lin.generated_variance_quadrature(lam[:, None], tau[None, :], Q)
        ode = lin.generated_variance_ode(lam, tau_ode, Q)
        per_q[f"Q={Q:g}"] = {
            "quadrature_max_rel": max_rel(closed, quad_),
            "ode_max_rel": max_rel(lin.generated_variance(lam[:, None], tau_ode[None, :], Q), ode),
            "tau0_max_rel": max_rel(lin.generated_variance(lam, 0.0, Q), lin.initial_variance(Q) * np.ones_like(lam)),
            "tau1e9_max_rel": max_rel(lin.generated_variance(lam, 1e9, Q), lin.final_variance(lam)),
        }
    worst = {k: max(v[k] for v in per_q.values()) for k in next(iter(per_q.values()))}
    values = {
        "per_Q": per_q,
        **{f"max_{k}": v for k, v in worst.items()},
        "initial_level_Q0.1": float(lin.initial_variance(0.1)),
    }
    headline = (
        f"Prop. 4.2 vs quadrature max rel {worst['quadrature_max_rel']:.1e}, vs PF-ODE {worst['ode_max_rel']:.1e} "
        f"(lambda 1e-3..1e2, tau 1e-4..1e3, Q in {list(config.Qs)}); "
        f"limits to {max(worst['tau0_max_rel'], worst['tau1e9_max_rel']):.0e}"
    )
    lamf = np.array(FIG2_LAMBDAS)
    tf = np.logspace(-4, 4, 400)
    details = {
        "lambdas": lamf,
        "tau": tf,
        "v_q01": lin.generated_variance(lamf[None, :], tf[:, None], 0.1),
        "v_q05": lin.generated_variance(lamf[None, :], tf[:, None], 0.5),
        "w_q01": lin.weights(lamf[None, :], 1.0, tf[:, None], 0.1),
        "w_q05": lin.weights(lamf[None, :], 1.0, tf[:, None], 0.5),
        "init_q01": float(lin.initial_variance(0.1)),
        "init_q05": float(lin.initial_variance(0.5)),
    }
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Every twin and limit within 1e-6 relative."""
    keys = ("max_quadrature_max_rel", "max_ode_max_rel", "max_tau0_max_rel", "max_tau1e9_max_rel")
    tol = {"rel": CLOSED_FORM_RTOL}
    bad = [f"{k} = {values[k]:.2e}" for k in keys if values[k] > CLOSED_FORM_RTOL]
    if bad:
        return Judgement("differs", "Prop. 4.2 misses its numerical twins: " + ", ".join(bad) + ".", tol)
    return Judgement(
        "reproduced",
        f"Prop. 4.2 equals adaptive quadrature to {values['max_quadrature_max_rel']:.0e} and the "
        f"PF-ODE solve to {values['max_ode_max_rel']:.0e} over the issue's grid; tau = 0 gives "
        "sigma_T^2 (sigma_0/sigma_T)^(2(1-Q)) and "
        "tau -> inf gives sigma_T^2 (lambda + sigma_0^2)/(lambda + sigma_T^2).",
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Figs 2A-B and 5A-B (one layer): weights and generated variances for Q = 0.1 and 0.5, and the errors."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    d, m = result["details"], result["measured"]
    lam = np.asarray(d["lambdas"])
    fig, axes = plt.subplot_mosaic(
        [["w01", "v01", "err"], ["w05", "v05", "err"]], figsize=(19, 9.5), width_ratios=[1, 1, 0.75]
    )
    for q in ("01", "05"):
        fig2_row(
            (axes[f"w{q}"], axes[f"v{q}"]),
            lam,
            d["tau"],
            np.asarray(d[f"w_q{q}"]),
            d["tau"],
            np.asarray(d[f"v_q{q}"]),
            d[f"init_q{q}"],
            "weight u_k^T W u_k at sigma = 1",
            f"one layer, Q = {'0.1' if q == '01' else '0.5'} (Fig. {'2' if q == '01' else '5'})",
        )
    checks = {
        "quadrature_max_rel": "Prop. 4.2 vs adaptive quadrature",
        "ode_max_rel": "Prop. 4.2 vs PF-ODE solve",
        "tau0_max_rel": "tau = 0 limit",
        "tau1e9_max_rel": "tau = 1e9 vs tau -> inf limit",
    }
    error_panel(
        axes["err"],
        {label: {q: v[key] for q, v in m["per_Q"].items()} for key, label in checks.items()},
        result["tolerance"]["rel"],
        title="Prop. 4.2 vs its twins: max relative error\nper initial weight Q (markers)",
        xlabel="largest relative error on the grid (log scale)",
    )
    legend_outside(fig, ncols=7)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.prop4_2_variance",
        location="Prop. 4.2, Sec. 4.2 (Figs 2B, 5B)",
        statement=(
            "The generated variance along mode k is sigma_T^2 Phi_k(sigma_0, tau)^2 / Phi_k(sigma_T, tau)^2 with Phi_k "
            "built from Ei."
        ),
        paper_value="closed form (Prop. 4.2); limits sigma_T^2 (sigma_0/sigma_T)^(2(1-Q)) and ~lambda + sigma_0^2",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
