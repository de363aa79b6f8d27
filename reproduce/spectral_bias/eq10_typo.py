"""``spectral.eq10_typo``: eq. 10 as printed lacks the initial value ``gamma_k(0, sigma)``.

Eq. 10 as printed (read as the zero-start solution) vs the simulated gains from ``Q != 0``
(:mod:`.circular_filters`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, register
from theory import convolutional_denoiser as conv

from .circular_filters import (
    CONFIGS,
    Config,
    circulant_covariance,
    filter_gain,
    simulate_filter,
    spectrum,
    training_times,
)
from .common import CLOSED_FORM_RTOL, ERROR_FLOOR, mode_colors


def printed_eq10(lam, sigma, tau, N, eta=1.0):
    """Eq. 10 as we read it printed: the gain without its initial value,
    ``c_k (1 - exp(-2 N eta (sigma^2 + lam) tau))``."""
    c = lam / (sigma**2 + lam)
    return c * -np.expm1(-2.0 * N * eta * (sigma**2 + lam) * tau)


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Printed vs corrected eq. 10 against the simulated full-width filter started from Q delta."""
    N, lam = config.N, spectrum(config.N)
    taus = training_times(config)
    h0 = np.zeros(N)
    h0[0] = config.Q
    gain = filter_gain(
        simulate_filter(circulant_covariance(N), config.sigma, np.arange(N), h0, taus), np.arange(N), N
    ).real
    printed = printed_eq10(lam[None, :], config.sigma, taus[:, None], N)
    corrected = conv.circulant_weights(lam[None, :], config.sigma, taus[:, None], config.Q, 1.0, N)
    values = {
        "printed_max_abs_error": float(np.max(np.abs(printed - gain))),
        "corrected_max_abs_error": float(np.max(np.abs(corrected - gain))),
        "printed_at_tau0": float(printed[0].max()),
        "true_at_tau0": config.Q,
    }
    headline = (
        f"from gamma(0) = Q = {config.Q}: printed eq. 10 misses the simulated gains by up "
        f"to {values['printed_max_abs_error']:.2f}, with "
        f"gamma_k(0, sigma) restored {values['corrected_max_abs_error']:.1e}"
    )
    details = {"tau": taus, "gain_sim": gain, "printed": printed, "corrected": corrected, "lambdas": lam, "N": N}
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """The printed equation is judged; it differs when it misses the simulation by more than 1e-6."""
    tol = {"abs": CLOSED_FORM_RTOL}
    if values["corrected_max_abs_error"] > CLOSED_FORM_RTOL:
        return Judgement(
            "differs",
            f"Even the corrected eq. 10 misses the simulation ({values['corrected_max_abs_error']:.2e}).",
            tol,
        )
    if values["printed_max_abs_error"] <= CLOSED_FORM_RTOL:
        return Judgement("reproduced", "The printed eq. 10 matches the simulation.", tol)
    return Judgement(
        "differs",
        f"As printed, eq. 10 (no gamma_k(0, sigma) term) starts every gain at {values['printed_at_tau0']:.0f} "
        f"instead of gamma(0) = {values['true_at_tau0']} and misses the simulated filter by up to "
        f"{values['printed_max_abs_error']:.2f}; with the initial value restored it matches to "
        f"{values['corrected_max_abs_error']:.0e} (a typo, as the spec notes).",
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Printed vs corrected eq. 10 against the simulated gains, and their errors through training."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    d, tol = result["details"], result["tolerance"]["abs"]
    N = d["N"]
    tau = np.asarray(d["tau"])
    sim = np.asarray(d["gain_sim"])
    ks = [0, 2, N // 2]
    fig, axes = plt.subplots(1, 2, figsize=(15, 5.2))
    ax = axes[0]
    for k, c in zip(ks, mode_colors(len(ks))):
        ax.semilogx(tau, sim[:, k], "o", ms=4, color=c, label=f"simulated, frequency {k}")
        ax.semilogx(tau, np.asarray(d["corrected"])[:, k], "-", color=c)
        ax.semilogx(tau, np.asarray(d["printed"])[:, k], "--", color=c)
    ax.plot([], [], "k-", label="eq. 10 with gamma_k(0, sigma)")
    ax.plot([], [], "k--", label="eq. 10 as printed")
    ax.set_xlabel("training time tau (gradient-flow units, eta = 1)")
    ax.set_ylabel("Fourier gain gamma_k at sigma = 1")
    ax.set_title(f"eq. 10: the initial value is needed (start gamma(0) = {result['measured']['true_at_tau0']:g})")
    bx = axes[1]
    for key, color, label in (("printed", "C3", "eq. 10 as printed"), ("corrected", "C2", "with gamma_k(0, sigma)")):
        err = np.max(np.abs(np.asarray(d[key]) - sim), axis=1)  # worst over all N frequencies
        bx.loglog(tau, np.maximum(err, ERROR_FLOOR), "o-", ms=3, color=color, label=f"|{label} - simulated|")
    bx.axhline(tol, color="k", ls="--", lw=1.2, label=f"verdict's tolerance {tol:g} (abs)")
    bx.set_xlabel("training time tau (gradient-flow units, eta = 1)")
    bx.set_ylabel("largest |error| over all frequencies")
    bx.set_title(f"error against the simulated filter (N = {N} frequencies)")
    legend_outside(fig, ncols=4)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.eq10_typo",
        location="eq. 10, Sec. 5.2",
        statement=(
            "Eq. 10 (full-width filter gain) as printed, whose right-hand side lacks the initial value "
            "gamma_k(0, sigma)."
        ),
        paper_value="gamma_k(tau) = c_k (1 - exp(-2 N eta (sigma^2 + lambda_k) tau)) (our reading of the printed form)",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
