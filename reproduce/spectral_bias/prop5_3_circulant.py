"""``spectral.prop5_3_circulant``: full-width convolutional filters learn like eq. 7 with ``N eta`` (Props. 5.2-5.3).

Full-width filter gains vs eq. 7 with ``eta -> N eta``; the generated covariance is circulant
(Prop. 5.2, also for non-stationary training data) and its Fourier variances equal Prop. 4.2 with
``N eta``.  The signals and the filter simulation are :mod:`.circular_filters`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, register
from theory import convolutional_denoiser as conv
from theory import linear_denoiser

from .circular_filters import (
    CONFIGS,
    Config,
    circulant_covariance,
    filter_gain,
    simulate_filter,
    spectrum,
    training_times,
)
from .common import CLOSED_FORM_RTOL, error_panel, max_rel, mode_colors


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Full-width filter: simulated gains vs eq. 7 (N eta); generated covariance circulant and Prop. 4.2 (N eta)."""
    N, lam = config.N, spectrum(config.N)
    C = circulant_covariance(N)
    taus = training_times(config)
    offsets = np.arange(N)
    h0 = np.zeros(N)
    h0[0] = config.Q
    h = simulate_filter(C, config.sigma, offsets, h0, taus)
    gain = filter_gain(h, offsets, N)
    closed = conv.circulant_weights(lam[None, :], config.sigma, taus[:, None], config.Q, 1.0, N)
    gain_err = max_rel(gain.real, closed)
    imag = float(np.max(np.abs(gain.imag)))
    # Non-stationary training data: a circular conv sees only the Fourier diagonal of C.
    B = rng.standard_normal((N, N)) / np.sqrt(N)
    C_ns = C + B @ B.T
    h_ns = simulate_filter(C_ns, config.sigma, offsets, h0, taus)
    ns_err = max_rel(
        filter_gain(h_ns, offsets, N).real,
        conv.circulant_weights(conv.fourier_variances(C_ns)[None, :], config.sigma, taus[:, None], config.Q, 1.0, N),
    )
    # Generated covariance at one training time: sampling map of the circulant W_sigma (Lemma 4.1).
    F = np.fft.fft(np.eye(N), norm="ortho")
    gen = {}
    for name, spec in (("stationary", lam), ("non-stationary", conv.fourier_variances(C_ns))):
        tau = float(taus[config.n_tau // 2])

        def W_fn(s, spec=spec, tau=tau):
            return np.real(F.conj().T @ np.diag(conv.circulant_weights(spec, s, tau, config.Q, 1.0, N)) @ F)

        A = linear_denoiser.sampling_map(W_fn, matrix=True, nodes=300)
        Cg = linear_denoiser.SIGMA_T**2 * A @ A.T
        gen[name] = {
            "circulant": conv.is_circulant(Cg, 1e-9),
            "spectrum_max_rel": max_rel(
                conv.fourier_variances(Cg), conv.circulant_generated_variance(spec, tau, config.Q, 1.0, N)
            ),
        }
    values = {
        "gain_max_rel_error": gain_err,
        "gain_max_imag": imag,
        "nonstationary_gain_max_rel_error": ns_err,
        "generated": gen,
        "generated_spectrum_max_rel": max(v["spectrum_max_rel"] for v in gen.values()),
        "generated_circulant": all(v["circulant"] for v in gen.values()),
    }
    headline = (
        f"full-width filter gains vs eq. 7 with N eta: {gain_err:.1e} (non-stationary data {ns_err:.1e}); generated "
        f"covariance circulant: {values['generated_circulant']}, its spectrum vs "
        f"Prop. 4.2 (N eta) {values['generated_spectrum_max_rel']:.1e}"
    )
    tf = np.logspace(-5, 1, 300)
    details = {
        "N": N,
        "lambdas": lam,
        "tau_sim": taus,
        "gain_sim": gain.real,
        "tau": tf,
        "gain_curve": conv.circulant_weights(lam[None, :], config.sigma, tf[:, None], config.Q, 1.0, N),
        "v_curve": conv.circulant_generated_variance(lam[None, :], tf[:, None], config.Q, 1.0, N),
    }
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Gains and generated spectrum within 1e-6 relative; generated covariance circulant."""
    tol = {"rel": CLOSED_FORM_RTOL, "circulant_rtol": 1e-9}
    bad = [
        f"{k} = {values[k]:.2e}"
        for k in ("gain_max_rel_error", "nonstationary_gain_max_rel_error", "generated_spectrum_max_rel")
        if values[k] > CLOSED_FORM_RTOL
    ]
    if not values["generated_circulant"]:
        bad.append("a generated covariance is not circulant")
    if bad:
        return Judgement("differs", "; ".join(bad) + ".", tol)
    return Judgement(
        "reproduced",
        f"A full-width circular filter trained by gradient flow has Fourier gains equal to eq. 7 with "
        f"eta -> N eta (to {values['gain_max_rel_error']:.0e}; also for non-stationary data, with lambda_k the Fourier "
        "diagonal of C); its samples have a circulant (stationary) covariance whose spectrum is Prop. 4.2 with N eta "
        f"(to {values['generated_spectrum_max_rel']:.0e}).",
        tol,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Fourier-mode gains (simulation markers), generated Fourier variances of the full-width filter, and the errors."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    d, m, tol = result["details"], result["measured"], result["tolerance"]
    N, lam = d["N"], np.asarray(d["lambdas"])
    ks = [0, 1, 2, 4, 8, N // 2]
    fig, axes = plt.subplots(1, 3, figsize=(18, 5.4), width_ratios=[1, 1, 0.8])
    for k, c in zip(ks, mode_colors(len(ks))):
        axes[0].semilogx(
            d["tau"], np.asarray(d["gain_curve"])[:, k], color=c, label=f"frequency {k} (lambda = {lam[k]:.3g})"
        )
        axes[0].semilogx(d["tau_sim"], np.asarray(d["gain_sim"])[:, k], "o", ms=3, color=c)
        axes[1].loglog(d["tau"], np.asarray(d["v_curve"])[:, k], color=c)
        axes[1].axhline(lam[k], color=c, ls=":", lw=1)
    axes[0].plot([], [], "o", color="k", ms=3, label="filter gradient flow (simulated)")
    axes[0].set_ylabel("Fourier gain gamma_k at sigma = 1")
    axes[0].set_title(f"full-width circular filter, N = {N}: eq. 7 with N eta (lines)")
    axes[1].set_ylabel("generated Fourier-mode variance (data units^2)")
    axes[1].set_title("generated spectrum (Prop. 4.2 with N eta; dotted: targets)")
    for ax in axes[:2]:
        ax.set_xlabel("training time tau (gradient-flow units, eta = 1)")
    gen = m["generated"]
    rows = {
        "gains vs eq. 7 with N eta (max rel)": m["gain_max_rel_error"],
        "gains, non-stationary data (max rel)": m["nonstationary_gain_max_rel_error"],
        **{f"generated spectrum vs Prop. 4.2, {name} (max rel)": v["spectrum_max_rel"] for name, v in gen.items()},
        "imaginary part of the gains (max abs)": m["gain_max_imag"],
    }
    circulant = "yes" if m["generated_circulant"] else "NO"
    error_panel(
        axes[2],
        rows,
        tol["rel"],
        unjudged=("imaginary part of the gains (max abs)",),
        title=f"Props. 5.2-5.3 vs simulation\ngenerated covariance circulant (rtol {tol['circulant_rtol']:g}): "
        f"{circulant}",
    )
    legend_outside(fig, axes[:1], ncols=4)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.prop5_3_circulant",
        location="Props. 5.2-5.3, Sec. 5.2",
        statement=(
            "A full-width circular linear filter trains each Fourier mode by eq. 7 with lambda_k the Fourier variance "
            "and eta -> N eta; its samples form a stationary Gaussian process."
        ),
        paper_value=(
            "Prop. 4.2 with lambda_k -> Fourier variance, eta -> N eta, U -> DFT; circulant generated covariance"
        ),
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
