"""Claim ``spectral.theory_overlay`` (extension) -- a linear denoiser trained with the EDM loss against eq. 7.

The theory (Sec. 4) trains one linear denoiser per noise level by gradient flow on the
unweighted loss.  Here the same model is trained the way the paper's networks are: EDM loss,
EDM preconditioning, minibatch SGD; and compared with the closed form under the mapping below.

Model.  One linear layer per level of the Heun sampler (``N = heun_steps`` levels ``sigma_i``):
``D_i(x) = c_skip x + c_out (V_i c_in x + v_i)``, i.e. an effective ``W_i = c_skip I + c_out c_in V_i``,
with ``V_i = 0`` at the start (so ``W_i(0) = c_skip(sigma_i) I``: an aligned start with
``Q_i = sigma_d^2/(sigma_i^2 + sigma_d^2)``).  A training example draws its level from the
log-normal of EDM restricted to the levels (``p_i`` ∝ density of ``ln sigma_i`` times the level's
cell width in ``ln sigma``) and its loss is EDM's ``lambda(sigma) |D - x_0|^2`` averaged over the
batch and the ``d`` coordinates.  Plain SGD with learning rate ``lr`` (no momentum).

Effective learning-rate mapping.  The expected SGD step moves ``W_i`` along
``-lr p_i lambda(sigma_i) (c_out c_in)^2 / d * grad L_sigma``, and EDM's weight makes
``lambda (c_out c_in)^2 = 1/(sigma^2 + sigma_d^2)``, so per step

    eta_i = lr p_i / (d (sigma_i^2 + sigma_d^2)),   tau = training step,

and eq. 7 gives ``w_k(sigma_i, tau) = c_k + (Q_i - c_k) exp(-2 eta_i (sigma_i^2 + lam_k) tau)``.
The prediction of the generated variance runs these weights through the same Heun sampler
(:func:`theory.linear_denoiser.heun_generated_variance`); the trained model's generated
covariance is computed exactly from its matrices (no sampling noise).  The data are the Gaussian
training sets of ``spectral.gaussian_mlp`` (the same replicates: data draw and SGD seeded per
replicate), centred so that the bias decouples; ``lam_k`` are the eigenvalues of the second-moment
matrix.

Prediction and rule.  The rule was added for issue 11 *after* the one-seed numbers were known
(median ``|ln(trained/predicted)|`` 0.002, worst 0.022 over all modes and records); its thresholds
are set an order of magnitude above those, at the scale of the minibatch noise, not at them: the
prediction **holds** when in every replicate the median ``|ln(trained/predicted)|`` is at most
:data:`MEDIAN_LOG_TOL` and the worst at most :data:`MAX_LOG_TOL`; otherwise it **fails**.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.progress import progress
from reproduce.replicates import interval, replicate_seeds
from reproduce.torch_runtime import cpu_threads, torch_threads
from reproduce.trained_tolerances import SPECTRAL_TRAINED
from theory import linear_denoiser

from .denoisers.edm import P_MEAN, P_STD, SIGMA_DATA, loss_weight, preconditioning, sigma_steps
from .denoisers.experiments import SEEDS, Budgeted, DataSpec, experiment, make_data
from .denoisers.generated_spectrum import log_record_steps
from .denoisers.spectra import analyse, branch_estimate, describe_estimate

MEDIAN_LOG_TOL = 0.05
"""Largest median ``|ln(trained/predicted)|`` over modes and records for the prediction to hold."""
MAX_LOG_TOL = 0.2
"""Largest worst-case ``|ln(trained/predicted)|`` (a factor e^0.2 ≈ 1.22) for the prediction to hold."""


@dataclass(frozen=True)
class Config(Budgeted):
    """Data, sampler levels and SGD of the linear run, and the number of replicates."""

    data: DataSpec = field(default_factory=DataSpec)
    seeds: int = 1
    heun_steps: int = 20
    steps: int = 4000
    batch: int = 256
    lr: float = 0.5
    records: int = 30


CONFIGS = {
    "quick": Config(experiment("quick", "gaussian_mlp").data, SEEDS["quick"], heun_steps=12, steps=800, records=16),
    "default": Config(experiment("default", "gaussian_mlp").data, SEEDS["default"]),
    "paper": Config(experiment("paper", "gaussian_mlp").data, SEEDS["paper"], steps=20_000, records=60),
}


def level_probabilities(sigmas: np.ndarray) -> np.ndarray:
    """EDM's log-normal noise distribution restricted to the sampler levels (cell width in ``ln sigma``)."""
    sigmas = np.asarray(sigmas, float)
    if sigmas.ndim != 1 or sigmas.size < 2 or np.any(~(sigmas > 0)):
        raise ValueError("level_probabilities needs at least 2 positive noise levels (drop the final 0).")
    u = np.log(sigmas)
    width = np.abs(np.gradient(u))
    p = np.exp(-0.5 * ((u - P_MEAN) / P_STD) ** 2) * width
    return p / p.sum()


def effective_rates(sigmas: np.ndarray, probs: np.ndarray, lr: float, dim: int) -> np.ndarray:
    """``eta_i = lr p_i / (d (sigma_i^2 + sigma_d^2))`` (see the module docstring)."""
    return lr * probs / (dim * (sigmas**2 + SIGMA_DATA**2))


def predicted_variances(lam: np.ndarray, sigmas: np.ndarray, steps: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """Eq. 7 weights at every level, through the Heun sampler: shape (records, modes)."""
    s = sigmas[:-1]
    q = SIGMA_DATA**2 / (s**2 + SIGMA_DATA**2)
    w = linear_denoiser.weights(
        lam[None, :, None], s[None, None, :], steps[:, None, None], q[None, None, :], eta[None, None, :]
    )
    return linear_denoiser.heun_generated_variance(w, sigmas)


def trained_variances(weights: np.ndarray, sigmas: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Exact generated variance along each eigenvector of Heun sampling with matrices ``weights`` (N, d, d)."""
    d = weights.shape[1]
    eye = np.eye(d)
    s = sigmas
    m = eye.copy()
    for i in range(len(s) - 1):
        a = (eye - weights[i]) / s[i]
        h = s[i + 1] - s[i]
        if s[i + 1] > 0:
            a_next = (eye - weights[i + 1]) / s[i + 1]
            step = eye + 0.5 * h * (a + a_next @ (eye + h * a))
        else:
            step = weights[i]
        m = step @ m
    cov = s[0] ** 2 * m @ m.T
    return np.einsum("ik,ij,jk->k", basis, cov, basis)


def train_linear(
    config: Config, data: np.ndarray, record_steps: np.ndarray, seed: int, desc: str = "linear EDM"
) -> tuple[np.ndarray, np.ndarray]:
    """SGD on the EDM loss (minibatches, levels and noise from ``seed``); returns the effective
    matrices' generated variances per record (records, d) in the data eigenbasis, and the eigenvalues."""
    n, d = data.shape
    second = data.T @ data / n
    lam, basis = np.linalg.eigh(second)
    order = np.argsort(lam)[::-1]
    lam, basis = lam[order], basis[:, order]
    sig = sigma_steps(config.heun_steps).numpy()
    probs = level_probabilities(sig[:-1])
    c_skip, c_out, c_in, _ = (c.numpy() for c in preconditioning(torch.as_tensor(sig[:-1])))
    x = torch.as_tensor(data, dtype=torch.float64)
    v = torch.zeros(config.heun_steps, d, d, dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(config.heun_steps, d, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([v, bias], lr=config.lr)
    gen = torch.Generator().manual_seed(int(seed))
    p = torch.as_tensor(probs)
    sk, so, si = (torch.as_tensor(c) for c in (c_skip, c_out, c_in))
    sg = torch.as_tensor(sig[:-1])
    weight = loss_weight(sg)
    out = []
    step = 0
    for target in progress(record_steps, desc=desc):
        while step < target:
            idx = torch.randint(0, n, (config.batch,), generator=gen)
            lvl = torch.multinomial(p, config.batch, replacement=True, generator=gen)
            x0 = x[idx]
            xn = x0 + sg[lvl, None] * torch.randn(x0.shape, generator=gen, dtype=torch.float64)
            raw = torch.zeros_like(xn)
            for i in torch.unique(lvl).tolist():  # one matrix product per level: no (batch, d, d) gather
                rows = lvl == i
                raw[rows] = (si[i] * xn[rows]) @ v[i].T + bias[i]
            den = sk[lvl, None] * xn + so[lvl, None] * raw
            loss = (weight[lvl, None] * (den - x0) ** 2).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
        with torch.no_grad():
            w_eff = sk[:, None, None] * torch.eye(d, dtype=torch.float64) + (so * si)[:, None, None] * v
        out.append(trained_variances(w_eff.numpy(), sig, basis))
    return np.asarray(out), lam


def _one_replicate(config: Config, seed: int, label: str) -> tuple[dict, dict]:
    data = make_data(dataclasses.replace(config.data, seed=seed))
    data = data - data.mean(axis=0)
    steps = log_record_steps(config.steps, config.records)
    with torch_threads(cpu_threads()):
        trained, lam = train_linear(config, data, steps, seed, f"linear EDM, {label}")
    sig = sigma_steps(config.heun_steps).numpy()
    eta = effective_rates(sig[:-1], level_probabilities(sig[:-1]), config.lr, data.shape[1])
    predicted = predicted_variances(lam, sig, steps.astype(float), eta)
    log_err = np.abs(np.log(trained / predicted))
    fits = {name: analyse(steps, v, lam) for name, v in (("trained", trained), ("predicted", predicted))}
    values = {
        "max_abs_log_ratio": float(log_err.max()),
        "median_abs_log_ratio": float(np.median(log_err)),
        "trained": {b: fits["trained"]["fit"][b] for b in ("rising", "falling")},
        "predicted": {b: fits["predicted"]["fit"][b] for b in ("rising", "falling")},
        "max_step_eta_times_rate": float(np.max(2 * eta[None, :] * (sig[None, :-1] ** 2 + lam[:, None]))),
    }
    details = {
        "steps": steps,
        "targets": lam,
        "trained": trained,
        "predicted": predicted,
        "tau_trained": fits["trained"]["tau_star"],
        "tau_predicted": fits["predicted"]["tau_star"],
    }
    return values, details


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Per replicate: train the per-level linear denoiser, predict with eq. 7 + Heun, compare trajectories and fits."""
    seeds = replicate_seeds(rng, "gaussian_mlp", config.seeds)
    per_seed, details = [], None
    for i, seed in enumerate(seeds):
        v, d = _one_replicate(config, seed, f"seed {i + 1}/{len(seeds)}")
        per_seed.append(v)
        details = d if details is None else details
    values = {
        "seeds": list(seeds),
        "per_seed": per_seed,
        "dim": config.data.dim,
        **{k: interval([v[k] for v in per_seed]) for k in ("median_abs_log_ratio", "max_abs_log_ratio")},
    }
    for side in ("trained", "predicted"):
        values[f"{side}_rising"] = branch_estimate([v[side] for v in per_seed], "rising")
    n = len(seeds)
    headline = (
        f"trained vs eq. 7 + Heun over {n} seed(s): median |log ratio| {_fmt(values['median_abs_log_ratio'], 3)}, "
        f"worst {_fmt(values['max_abs_log_ratio'], 3)}; rising slope trained "
        f"{describe_estimate(values['trained_rising'], n)} | predicted "
        f"{describe_estimate(values['predicted_rising'], n)}"
    )
    return Measurement(values, headline, details)


def _fmt(est: Mapping[str, Any], digits: int) -> str:
    span = "" if est["low"] is None else f" [{est['low']:.{digits}f}, {est['high']:.{digits}f}]"
    return f"{est['mean']:.{digits}f}{span}"


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Extension; the prediction holds when every replicate's trajectories follow eq. 7 within the stated factors."""
    tol = {"median_abs_log_ratio_max": MEDIAN_LOG_TOL, "max_abs_log_ratio_max": MAX_LOG_TOL, "in_every_replicate": True}
    holds = all(
        v["median_abs_log_ratio"] <= MEDIAN_LOG_TOL and v["max_abs_log_ratio"] <= MAX_LOG_TOL
        for v in values["per_seed"]
    )
    n = len(values["seeds"])
    t, p = values["trained_rising"], values["predicted_rising"]
    slopes = (
        f"rising slopes trained {describe_estimate(t, n)} vs predicted {describe_estimate(p, n)}"
        if t and p
        else "no rising fit on one side"
    )
    return Judgement(
        "extension",
        f"Prediction {'holds' if holds else 'fails'}: a linear denoiser trained by SGD on the EDM loss "
        f"{'follows' if holds else 'does not follow'} eq. 7 under eta_i = lr p_i/(d(sigma_i^2 + sigma_d^2)) within the "
        f"stated factors in every replicate: median |ln(trained/predicted)| {_fmt(values['median_abs_log_ratio'], 3)} "
        f"(<= {MEDIAN_LOG_TOL}), worst {_fmt(values['max_abs_log_ratio'], 3)} (<= {MAX_LOG_TOL}) over all modes and "
        f"records; {slopes} (mean [95% interval] over {n} seed(s)).",
        tol,
        prediction="holds" if holds else "fails",
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Trained (markers) vs predicted (lines) generated variance per mode, tau* of both, and the verdict's gaps."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    from .common import error_panel, mode_colors

    d, m, tol = result["details"], result["measured"], result["tolerance"]
    steps, lam = np.asarray(d["steps"], float), np.asarray(d["targets"], float)
    tr, pr = np.asarray(d["trained"], float), np.asarray(d["predicted"], float)
    fig, axes = plt.subplots(1, 3, figsize=(19, 5.6), width_ratios=[1.1, 1, 0.8])
    pick = np.linspace(0, lam.size - 1, min(lam.size, 10)).astype(int)
    for k, c in zip(pick, mode_colors(pick.size)):
        axes[0].loglog(steps, pr[:, k], "-", color=c, lw=1.2)
        axes[0].loglog(steps, tr[:, k], "o", color=c, ms=3, label=f"lam = {lam[k]:.2g}")
    axes[0].plot([], [], "-", color="k", lw=1.2, label="eq. 7 through Heun (prediction)")
    axes[0].set_xlabel("SGD step")
    axes[0].set_ylabel("generated variance along u_k")
    axes[0].set_title("linear EDM denoiser, replicate 1: trained (o) vs predicted (lines)")
    for key, marker, label in (("tau_trained", "o", "tau*, trained"), ("tau_predicted", "x", "tau*, predicted")):
        t = np.asarray(d[key], float)
        ok = np.isfinite(t)
        axes[1].loglog(lam[ok], t[ok], marker, ms=5, label=label, color="C0" if marker == "o" else "C1")
    axes[1].set_xlabel("data variance lam_k")
    axes[1].set_ylabel("emergence step tau*")
    axes[1].set_title("same tau* protocol on both (replicate 1)")
    seeds = {f"replicate {i + 1}": v for i, v in enumerate(m["per_seed"])}
    rows = {
        "median |ln(trained/predicted)|": {s: v["median_abs_log_ratio"] for s, v in seeds.items()},
        "worst |ln(trained/predicted)|": {s: v["max_abs_log_ratio"] for s, v in seeds.items()},
    }
    error_panel(
        axes[2],
        rows,
        {
            "median |ln(trained/predicted)|": tol["median_abs_log_ratio_max"],
            "worst |ln(trained/predicted)|": tol["max_abs_log_ratio_max"],
        },
        title="trained vs predicted over all modes and records",
        xlabel="|log ratio| (log scale)",
    )
    legend_outside(fig, ncols=8)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.theory_overlay",
        version=2,
        location="ours: Sec. 4 closed forms vs EDM training (issue 6)",
        statement=(
            "A linear denoiser trained with the EDM loss (SGD) follows the closed-form learning dynamics of "
            "eq. 7 under the stated learning-rate mapping."
        ),
        paper_value="prediction (ours): eq. 7 with eta_i = lr p_i / (d (sigma_i^2 + sigma_d^2))",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
        kind="extension",
        reproduction=SPECTRAL_TRAINED,
    )
)
