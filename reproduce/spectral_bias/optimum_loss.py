"""``spectral.optimum_loss``: the optimal linear denoiser, its minimum loss and the ridge view (eqs. 5-6).

At every noise level the paper's closed forms (:mod:`theory.optimal_denoiser`) are compared with
two twins that do not use them:

1. **direct minimisation** of the expected loss, written as an ordinary least-squares problem
   (:func:`theory.optimal_denoiser.ridge_design`) and solved by ``numpy.linalg.lstsq``;
2. **a data set**: ridge regression of a non-Gaussian sample onto itself (penalty ``sigma^2``,
   solved by ``lstsq`` on the stacked system) must equal eq. 5 with the sample's mean and
   covariance (eq. 6), and the *noisy* denoising loss of that optimum, averaged over fresh noise
   draws, must match the minimum loss within Monte-Carlo error.

Covariance: a random rotation of eigenvalues spread log-uniformly over five decades, with a
non-zero mean, so that the bias ``b* = (I - W*) mu`` is exercised.

Verdict rule (written before the numbers were seen): ``reproduced`` when both least-squares twins
agree with the closed forms within ``LSTSQ_RTOL`` at every noise level (relative: weights and loss
to their own norm, the bias to the mean's, since ``b*`` vanishes like ``sigma^2``), and every
Monte-Carlo z-score is within the Bonferroni-corrected 99% critical value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from reproduce.claims import Claim, Judgement, Measurement, register
from theory.optimal_denoiser import denoising_loss, minimum_loss, optimal_denoiser, ridge_design

from .common import error_panel, mode_colors, random_rotation

LSTSQ_RTOL = 1e-8
"""Relative agreement of the closed forms with ``lstsq``: backward-stable solves of systems whose
condition number stays below ~1e5 here, so round-off is ~1e-11; 1e-8 leaves room, no modelling."""


@dataclass(frozen=True)
class Config:
    """Parameters of ``spectral.optimum_loss``.

    Attributes
    ----------
    dim : int
        Data dimension.
    eig_range : tuple of float
        Smallest and largest eigenvalue of the covariance (log-uniform between).
    sigmas : tuple of float
        Noise levels: ``logspace(log10(sigmas[0]), log10(sigmas[1]), sigmas[2])``.
    samples : int
        Size of the non-Gaussian data set.
    noise_draws : int
        Noise draws per data point in the Monte-Carlo loss.
    """

    dim: int = 16
    eig_range: tuple[float, float] = (1e-3, 1e2)
    sigmas: tuple[float, float, int] = (1e-3, 1e2, 11)
    samples: int = 4000
    noise_draws: int = 8


CONFIGS = {
    "quick": Config(dim=8, samples=1000, noise_draws=4, sigmas=(1e-3, 1e2, 6)),
    "default": Config(),
    "paper": Config(dim=32, samples=20000, noise_draws=16, sigmas=(1e-3, 1e2, 21)),
}


def _sigmas(config: Config) -> np.ndarray:
    lo, hi, n = config.sigmas
    return np.logspace(np.log10(lo), np.log10(hi), int(n))


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / ||b||`` (Frobenius): entry-wise ratios are meaningless for entries near 0."""
    return float(np.linalg.norm(np.asarray(a) - b) / np.linalg.norm(b))


def _bias_error(b_twin: np.ndarray, b: np.ndarray, mu: np.ndarray) -> float:
    """``||b_twin - b|| / ||mu||``: the bias vanishes like ``sigma^2`` at small noise, so its error is
    measured on the scale of the mean it corrects (relative to ``||b||`` it would blow up round-off)."""
    return float(np.linalg.norm(b_twin - b) / np.linalg.norm(mu))


def _lstsq(A: np.ndarray, B: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    X = np.linalg.lstsq(A, B, rcond=None)[0]
    return X[:d].T, X[d]


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Closed forms against lstsq on the expected loss, ridge regression on a sample, and Monte Carlo."""
    d = config.dim
    lam = np.sort(np.exp(rng.uniform(*np.log(config.eig_range), size=d)))[::-1]
    U = random_rotation(d, rng)
    Sigma, mu = (U * lam) @ U.T, rng.standard_normal(d)
    # a non-Gaussian sample: independent uniform coordinates with unit variance, rotated and scaled
    X = (rng.uniform(-np.sqrt(3), np.sqrt(3), size=(config.samples, d)) * np.sqrt(lam)) @ U.T + mu
    mu_hat = X.mean(axis=0)
    Sigma_hat = np.cov(X, rowvar=False, bias=True)
    n = config.samples
    rows = []
    for sigma in _sigmas(config):
        W, b = optimal_denoiser(Sigma, mu, sigma)
        L = minimum_loss(Sigma, sigma)
        W_ls, b_ls = _lstsq(*ridge_design(Sigma, mu, sigma), d)
        # ridge regression of the sample onto itself: rows [x_i 1] -> x_i, plus sqrt(n) sigma I -> 0
        A = np.block([[X, np.ones((n, 1))], [np.sqrt(n) * sigma * np.eye(d), np.zeros((d, 1))]])
        B = np.vstack([X, np.zeros((d, d))])
        W_r, b_r = _lstsq(A, B, d)
        W_hat, b_hat = optimal_denoiser(Sigma_hat, mu_hat, sigma)
        L_hat = minimum_loss(Sigma_hat, sigma)
        noisy = np.repeat(X, config.noise_draws, axis=0)
        noisy_in = noisy + sigma * rng.standard_normal(noisy.shape)
        per_sample = np.sum((noisy_in @ W_hat.T + b_hat - noisy) ** 2, axis=1)
        se = per_sample.std(ddof=1) / np.sqrt(len(per_sample))
        rows.append(
            {
                "sigma": float(sigma),
                "loss": L,
                "lstsq_weight_rel": _rel(W_ls, W),
                "lstsq_bias_rel": _bias_error(b_ls, b, mu),
                "lstsq_loss_rel": abs(denoising_loss(W_ls, b_ls, Sigma, mu, sigma) - L) / L,
                "ridge_weight_rel": _rel(W_r, W_hat),
                "ridge_bias_rel": _bias_error(b_r, b_hat, mu_hat),
                "sample_loss": L_hat,
                "monte_carlo_loss": float(per_sample.mean()),
                "monte_carlo_se": float(se),
                "z": float((per_sample.mean() - L_hat) / se),
                "mode_weights_lstsq": np.einsum("ik,ij,jk->k", U, W_ls, U).tolist(),
            }
        )
    lstsq = max(max(r[k] for k in ("lstsq_weight_rel", "lstsq_bias_rel", "lstsq_loss_rel")) for r in rows)
    ridge = max(max(r["ridge_weight_rel"], r["ridge_bias_rel"]) for r in rows)
    critical = float(stats.norm.ppf(1 - 0.01 / (2 * len(rows))))
    values = {
        "rows": rows,
        "eigenvalues": lam.tolist(),
        "max_lstsq_rel_error": lstsq,
        "max_ridge_rel_error": ridge,
        "max_abs_z": max(abs(r["z"]) for r in rows),
        "critical_z": critical,
    }
    headline = (
        f"eq. 5 vs lstsq on the expected loss: max rel err {lstsq:.1e}; eq. 6 ridge regression of a uniform "
        f"sample: {ridge:.1e}; Monte-Carlo noisy loss max |z| {values['max_abs_z']:.2f} "
        f"({len(rows)} noise levels, d = {d})"
    )
    return Measurement(values, headline)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced when both lstsq twins agree within 1e-8 and every |z| is below the critical value."""
    tolerance = {"lstsq_rel": LSTSQ_RTOL, "critical_z": values["critical_z"]}
    lstsq, ridge, z = values["max_lstsq_rel_error"], values["max_ridge_rel_error"], values["max_abs_z"]
    failures = []
    if lstsq > LSTSQ_RTOL:
        failures.append(f"eq. 5 misses the direct minimiser by {lstsq:.2g} (relative)")
    if ridge > LSTSQ_RTOL:
        failures.append(f"the ridge regression of the sample misses eq. 5 with its moments by {ridge:.2g}")
    if z > values["critical_z"]:
        failures.append(f"the Monte-Carlo noisy loss is off by |z| = {z:.2f} > {values['critical_z']:.2f}")
    if failures:
        return Judgement("differs", "; ".join(failures) + ".", tolerance)
    return Judgement(
        "reproduced",
        f"W* = Sigma (Sigma + sigma^2 I)^-1, b* = (I - W*) mu and the minimum loss sigma^2 Tr[Sigma (Sigma + "
        f"sigma^2 I)^-1] match lstsq on the expected loss to {lstsq:.1e}; ridge regression of a non-Gaussian "
        f"sample gives eq. 5 with its moments to {ridge:.1e} (eq. 6), and its noisy loss matches the minimum "
        f"within Monte-Carlo error (max |z| {z:.2f} < {values['critical_z']:.2f}).",
        tolerance,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Per-mode optimal weights, the minimum loss against its twins, and the twins' errors."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    m = result["measured"]
    rows, lam = m["rows"], np.asarray(m["eigenvalues"])
    sigma = np.array([r["sigma"] for r in rows])
    fine = np.logspace(np.log10(sigma[0]), np.log10(sigma[-1]), 200)
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8), gridspec_kw={"width_ratios": [1, 1, 1.1]})
    ax = axes[0]
    shown = np.unique(np.linspace(0, len(lam) - 1, 5).round().astype(int))
    colors = mode_colors(len(shown))
    for c, k in zip(colors, shown):
        ax.plot(fine, lam[k] / (lam[k] + fine**2), color=c, label=f"lambda = {lam[k]:.2g}")
        ax.plot(sigma, [r["mode_weights_lstsq"][k] for r in rows], "o", color=c, mfc="none")
    ax.plot([], [], "ko", mfc="none", label="lstsq (no closed form)")
    ax.set_xscale("log")
    ax.set_xlabel("noise level sigma")
    ax.set_ylabel("optimal weight of the mode")
    ax.set_title("eq. 5 per mode: lambda / (lambda + sigma^2)")
    ax = axes[1]
    ax.plot(fine, [np.sum(s**2 * lam / (lam + s**2)) for s in fine], "k-", label="eq. 5 minimum loss")
    ax.errorbar(
        sigma,
        [r["monte_carlo_loss"] for r in rows],
        yerr=[m["critical_z"] * r["monte_carlo_se"] for r in rows],
        fmt="s",
        color="C1",
        ms=4,
        label="noisy loss of a uniform sample (99% family-wise)",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("noise level sigma")
    ax.set_ylabel("denoising loss")
    ax.set_title("minimum loss against Monte Carlo")
    error_panel(
        axes[2],
        {
            "eq. 5 vs lstsq, weights": max(r["lstsq_weight_rel"] for r in rows),
            "eq. 5 vs lstsq, bias (per |mu|)": max(r["lstsq_bias_rel"] for r in rows),
            "eq. 5 vs lstsq, loss": max(r["lstsq_loss_rel"] for r in rows),
            "eq. 6: sample ridge vs eq. 5": m["max_ridge_rel_error"],
        },
        result["tolerance"]["lstsq_rel"],
        title="largest relative error over the noise levels",
    )
    legend_outside(fig, axes[:2])
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.optimum_loss",
        location="eqs. 5-6, Sec. 3",
        statement=(
            "The optimal linear denoiser is W* = Sigma (Sigma + sigma^2 I)^-1, b* = (I - W*) mu, with minimum loss "
            "sigma^2 Tr[Sigma (Sigma + sigma^2 I)^-1]; the loss is an auto-encoding loss with ridge penalty sigma^2."
        ),
        paper_value="closed forms (eqs. 5-6)",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
