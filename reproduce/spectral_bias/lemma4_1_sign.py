"""``spectral.lemma4_1_sign``: the sign of the sampling map in Lemma 4.1.

The printed sampling map ``exp[-∫(W - I)/s ds]`` against a direct integration of the PF-ODE for
several commuting weight families; the corrected ``+`` sign too.
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

from .common import CLOSED_FORM_RTOL, ERROR_FLOOR, random_rotation


@dataclass(frozen=True)
class Config:
    """Parameters of ``spectral.lemma4_1_sign``.

    Attributes
    ----------
    dim : int
        Dimension of the commuting weight matrices (random eigenbasis).
    random_families : int
        Number of random commuting families ``W_s = U diag(a_k s^2/(s^2 + b_k)) U^T``.
    """

    dim: int = 6
    random_families: int = 5


CONFIGS = {"quick": Config(random_families=2), "default": Config(), "paper": Config(random_families=20)}


def _pf_ode_map(W_fn, d, s0, sT):
    # dA/dsigma = -(W - I) A / sigma, integrated in u = ln sigma (non-stiff): dA/du = -(W - I) A.
    def rhs(u, a):
        return (-(W_fn(np.exp(u)) - np.eye(d)) @ a.reshape(d, d)).ravel()

    sol = solve_ivp(rhs, (np.log(sT), np.log(s0)), np.eye(d).ravel(), method="DOP853", rtol=1e-12, atol=1e-14)
    return sol.y[:, -1].reshape(d, d)


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Printed and corrected Lemma 4.1 against a direct PF-ODE integration of the linear map."""
    d = config.dim
    U = random_rotation(d, rng)
    lam = np.exp(rng.uniform(np.log(1e-2), np.log(10.0), d))
    fams = {
        "W = 0": lambda s: np.zeros(d),
        "W = W* (tau -> inf)": lambda s: lin.optimal_weight(lam, s),
        "eq. 7 at tau = 0.1, Q = 0.1": lambda s: lin.weights(lam, s, 0.1, 0.1),
    }
    for i in range(config.random_families):
        a, b = rng.uniform(0.2, 1.5, d), np.exp(rng.uniform(np.log(1e-3), np.log(1e2), d))
        fams[f"random commuting family {i + 1}"] = lambda s, a=a, b=b: a * b / (s**2 + b)
    s0, sT = lin.SIGMA_0, lin.SIGMA_T
    rows = {}
    for name, eig in fams.items():
        W_fn = lambda s, eig=eig: U @ np.diag(eig(s)) @ U.T  # noqa: E731
        truth = _pf_ode_map(W_fn, d, s0, sT)
        norm = np.linalg.norm(truth)
        rows[name] = {
            "corrected_rel_error": float(
                np.linalg.norm(lin.sampling_map(W_fn, s0, sT, "corrected", matrix=True) - truth) / norm
            ),
            "printed_rel_error": float(
                np.linalg.norm(lin.sampling_map(W_fn, s0, sT, "printed", matrix=True) - truth) / norm
            ),
            "printed_over_true_scale": float(
                np.linalg.norm(lin.sampling_map(W_fn, s0, sT, "printed", matrix=True)) / norm
            ),
        }
    values = {
        "families": rows,
        "max_corrected_rel_error": max(r["corrected_rel_error"] for r in rows.values()),
        "min_printed_rel_error": min(r["printed_rel_error"] for r in rows.values()),
        "W0_corrected_A": float(lin.sampling_map(lambda s: np.zeros(1), s0, sT)[0]),
        "W0_printed_A": float(lin.sampling_map(lambda s: np.zeros(1), s0, sT, "printed")[0]),
    }
    headline = (
        f"W = 0: printed A = {values['W0_printed_A']:.0f}, PF-ODE A = sigma0/sigmaT = {s0 / sT:.1e}; "
        f"corrected sign max rel err {values['max_corrected_rel_error']:.1e} over {len(rows)} families, "
        f"printed sign min rel err {values['min_printed_rel_error']:.1e}"
    )
    return Measurement(values, headline, {"rows": rows})


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """The printed statement is judged: it differs if its map misses the PF-ODE's by > 1e-6."""
    tol = {"rel": CLOSED_FORM_RTOL}
    if values["max_corrected_rel_error"] > CLOSED_FORM_RTOL:
        return Judgement(
            "differs",
            f"Neither sign reproduces the PF-ODE map (corrected: {values['max_corrected_rel_error']:.2e}).",
            tol,
        )
    if values["min_printed_rel_error"] <= CLOSED_FORM_RTOL:
        return Judgement("reproduced", "The printed sign agrees with the PF-ODE map.", tol)
    return Judgement(
        "differs",
        f"As printed (minus sign) Lemma 4.1 gives A = {values['W0_printed_A']:.0f} for W = 0 "
        f"where the PF-ODE gives sigma0/sigmaT = {lin.SIGMA_0 / lin.SIGMA_T:.1e}, and misses every family "
        f"by at least {values['min_printed_rel_error']:.1e} relative; with the plus sign it agrees to "
        f"{values['max_corrected_rel_error']:.1e} (a sign typo; Prop. 4.2 uses the plus sign).",
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Relative error of both signs against the PF-ODE, per weight family, with the verdict's tolerance."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    rows = result["details"]["rows"]
    tol = result["tolerance"]["rel"]
    names = list(rows)
    y = np.arange(len(names))[::-1]  # the first family on top
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(names) + 2.2))
    ax.barh(
        y + 0.2,
        [max(rows[n]["corrected_rel_error"], ERROR_FLOOR) for n in names],
        0.4,
        color="C2",
        label="corrected sign (+): agrees",
    )
    ax.barh(y - 0.2, [rows[n]["printed_rel_error"] for n in names], 0.4, color="C3", label="printed sign (-): misses")
    ax.set_xscale("log")
    ax.set_yticks(y, names)
    ax.axvline(tol, color="k", ls="--", lw=1.2, label=f"verdict's tolerance {tol:g}")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("relative Frobenius error of A against the integrated PF-ODE (log scale)")
    ax.set_title("Lemma 4.1: sampling map A of a commuting linear denoiser, printed vs corrected sign")
    legend_outside(fig, ncols=3)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.lemma4_1_sign",
        location="Lemma 4.1, Sec. 4.2",
        statement=(
            "For commuting W_sigma the PF-ODE maps x(sigma_T) to x(sigma_0) by "
            "A = exp[-∫_{sigma_0}^{sigma_T} (W_s - I)/s ds] (as printed)."
        ),
        paper_value="A = exp[-∫(W_s - I)/s ds] (printed sign)",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
