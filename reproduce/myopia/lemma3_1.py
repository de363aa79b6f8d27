"""Claim ``myopia.lemma3_1`` -- factorised models learn the marginal edge frequencies (Siami, Lemma 3.1).

Lemma 3.1: with per-edge independent forward noise, the ELBO-optimal reverse model has
``p*(A_ij = 1) = P_freq(e_ij)``.  Here the marginals are exact, because the data come from a
generator we control: ``N`` training graphs are drawn edge-independently on the 57 edge slots of
the Exp I barbell (2 x K8), with

* ``barbell`` -- the paper's frequencies: clique edges 0.95, bridge ``eps = 0.05``;
* ``spread`` -- the same slots with frequencies spread evenly over ``[0.01, 0.99]`` (our
  addition, so that every part of the unit interval is tested, not just two values).

Three factorised models are fitted to the same training graphs (:mod:`reproduce.myopia.frequency_models`):
the Bernoulli MLE (empirical frequency), a per-edge logit trained by gradient descent on the
cross-entropy, and a per-edge discrete diffusion (flip noise, tabular ``x_0``-predictor,
ancestral sampling) whose *generated* graphs are counted.  Each learned marginal is compared
with the generator's frequency by a z-score whose variance is the binomial one,
``f (1 - f) / N`` (plus ``f (1 - f) / M`` for ``M`` generated graphs and the table's own
Monte-Carlo error, see :func:`_diffusion_variance`).  The trained-network version of the lemma
belongs to a later issue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import norm

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.myopia.frequency_models import TabularEdgeDiffusion, bernoulli_mle, fit_logistic, sample_graphs
from reproduce.myopia.graphs import barbell, edge_frequencies

__all__ = ["Config", "generator_frequencies"]

WITNESSES = ("mle", "logistic", "diffusion")


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.lemma3_1``.

    Attributes
    ----------
    clique : int
        Clique size of the barbell whose edge slots are used (paper: 8).
    common, rare : float
        Frequencies of clique edges and of the bridge (paper: 0.95, 0.05).
    train_graphs : int
        ``N`` training graphs per generator.
    generated_graphs : int
        ``M`` graphs sampled from the diffusion model.
    diffusion_steps : int
        ``T`` of the per-edge diffusion.
    noise_draws : int
        Noised copies of each training graph per time step when fitting the table.
    logistic_steps : int
        Gradient-descent steps of the logistic fit (learning rate 4).
    convergence_sizes : tuple of int
        ``N`` values of the convergence curve (MLE and logistic).
    level : float
        Family-wise confidence level of the z-test (Bonferroni over all edges and witnesses).
    """

    clique: int = 8
    common: float = 0.95
    rare: float = 0.05
    train_graphs: int = 2000
    generated_graphs: int = 20000
    diffusion_steps: int = 20
    noise_draws: int = 8
    logistic_steps: int = 3000
    convergence_sizes: tuple[int, ...] = (100, 300, 1000, 3000, 10000, 30000)
    level: float = 0.99


CONFIGS = {
    "quick": Config(
        train_graphs=500, generated_graphs=5000, diffusion_steps=10, noise_draws=4, convergence_sizes=(100, 1000, 10000)
    ),
    "default": Config(),
    "paper": Config(
        train_graphs=20000,
        generated_graphs=100000,
        diffusion_steps=50,
        convergence_sizes=(100, 300, 1000, 3000, 10000, 30000, 100000),
    ),
}


def generator_frequencies(config: Config) -> dict[str, np.ndarray]:
    """Per-slot frequencies of the two generators (barbell edge order)."""
    G, bridge = barbell(config.clique)
    paper = edge_frequencies(G, bridge, common=config.common, rare_freq=config.rare)
    spread = np.linspace(0.01, 0.99, paper.size)
    return {"barbell": paper, "spread": spread}


def _diffusion_variance(f: np.ndarray, config: Config) -> np.ndarray:
    """Variance of a diffusion-generated marginal around the generator frequency.

    ``f(1-f)/N`` (finite training set) + ``f(1-f)/M`` (finite generated sample) + ``2 f(1-f)/(N S)``:
    the table cell at ``t = T`` that fixes the marginal averages about ``N S / 2`` noised pairs.
    """
    N, M, S = config.train_graphs, config.generated_graphs, config.noise_draws
    return f * (1 - f) * (1 / N + 1 / M + 2 / (N * S))


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Fit the three factorised models to data from each generator and z-score their marginals."""
    values: dict[str, Any] = {}
    details: dict[str, Any] = {}
    tests = 0
    worst = 0.0
    for name, f in generator_frequencies(config).items():
        data = sample_graphs(f, config.train_graphs, rng)
        learned = {"mle": bernoulli_mle(data)}
        learned["logistic"], loss = fit_logistic(data, steps=config.logistic_steps)
        model = TabularEdgeDiffusion.fit(data, config.diffusion_steps, config.noise_draws, rng)
        learned["diffusion"] = model.sample(config.generated_graphs, rng).mean(axis=0)
        var = {"mle": f * (1 - f) / config.train_graphs}
        var["logistic"] = var["mle"]
        var["diffusion"] = _diffusion_variance(f, config)
        block: dict[str, Any] = {}
        for w in WITNESSES:
            z = (learned[w] - f) / np.sqrt(var[w])
            block[w] = {"max_abs_z": float(np.max(np.abs(z))), "max_abs_error": float(np.max(np.abs(learned[w] - f)))}
            details[f"{name}_{w}"] = learned[w]
            details[f"{name}_{w}_z"] = z
            worst = max(worst, block[w]["max_abs_z"])
            tests += f.size
        block["logistic_vs_mle_max_abs_diff"] = float(np.max(np.abs(learned["logistic"] - learned["mle"])))
        if name == "barbell":
            bridge = int(np.argmin(f))
            block["bridge_frequency"] = float(f[bridge])
            block["bridge_learned"] = {w: float(learned[w][bridge]) for w in WITNESSES}
        values[name] = block
        details[f"{name}_frequency"] = f
        details[f"{name}_logistic_loss"] = loss[:: max(1, len(loss) // 300)]
    z_crit = float(norm.ppf(1 - (1 - config.level) / (2 * tests)))
    values["max_abs_z"] = worst
    values["z_critical_bonferroni"] = z_crit
    values["tests"] = tests

    # Convergence: the error of the fitted marginal shrinks like sqrt(f(1-f)/N).
    f = generator_frequencies(config)["spread"]
    rms = {"mle": [], "logistic": []}
    for N in config.convergence_sizes:
        data = sample_graphs(f, N, rng)
        rms["mle"].append(float(np.sqrt(np.mean((bernoulli_mle(data) - f) ** 2))))
        rms["logistic"].append(float(np.sqrt(np.mean((fit_logistic(data, steps=config.logistic_steps)[0] - f) ** 2))))
    theory = np.sqrt(np.mean(f * (1 - f)) / np.asarray(config.convergence_sizes, float))
    values["convergence_rms_over_theory"] = [float(r / t) for r, t in zip(rms["mle"], theory)]
    details["convergence_sizes"] = config.convergence_sizes
    details["convergence_rms"] = rms
    details["convergence_theory"] = theory
    b = values["barbell"]["bridge_learned"]
    headline = (
        f"bridge (eps = {config.rare}) learned as {b['mle']:.4f} (MLE), {b['logistic']:.4f} (logistic GD), "
        f"{b['diffusion']:.4f} (diffusion samples) from N = {config.train_graphs}; max |z| = {worst:.2f} over "
        f"{tests} edge-model pairs (Bonferroni 99% critical {z_crit:.2f})"
    )
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced iff every learned marginal lies within the Bonferroni-corrected 99% binomial interval."""
    z, crit = values["max_abs_z"], values["z_critical_bonferroni"]
    tolerance = {
        "max_abs_z": crit,
        "rule": (
            f"binomial z-score of every (edge, model) pair, {config.level:.0%} family-wise "
            f"(Bonferroni over {values['tests']})"
        ),
    }
    ratios = values["convergence_rms_over_theory"]
    if z <= crit:
        return Judgement(
            "reproduced",
            f"Every per-edge marginal learned by the MLE, the gradient-descent logit and the sampled "
            f"per-edge diffusion matches the generator's frequency (max |z| = {z:.2f} <= {crit:.2f}); "
            f"the RMS error follows sqrt(f(1-f)/N) (ratio {min(ratios):.2f}-{max(ratios):.2f}).",
            tolerance,
        )
    return Judgement(
        "differs",
        f"A learned marginal falls outside the binomial interval: max |z| = {z:.2f} > {crit:.2f}.",
        tolerance,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Learned vs generator marginals, per-edge z-scores, and the 1/sqrt(N) convergence."""
    import matplotlib.pyplot as plt

    from reproduce.monte_carlo import wilson_interval
    from reproduce.plotting import figure_path, legend_outside, save_figure

    d, cfg, m = result["details"], result["config"], result["measured"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.4))
    markers = {
        "mle": ("o", "C0", "Bernoulli MLE"),
        "logistic": ("x", "C1", "logit by gradient descent"),
        "diffusion": ("s", "C3", "per-edge diffusion, generated"),
    }
    ax = axes[0]
    for gen, fill in (("barbell", True), ("spread", False)):
        f = np.asarray(d[f"{gen}_frequency"])
        for w, (mk, col, lab) in markers.items():
            ax.plot(f, d[f"{gen}_{w}"], mk, color=col, ms=5, mfc=col if fill else "none", alpha=0.8, label=lab)
    grid = np.linspace(0, 1, 200)
    low, high = wilson_interval(grid, cfg["train_graphs"])
    ax.fill_between(grid, low, high, color="0.8", label=f"99% Wilson band of N = {cfg['train_graphs']} graphs")
    ax.plot(grid, grid, "k-", lw=0.8)
    ax.set_xlabel("generator frequency P_freq(e)")
    ax.set_ylabel("learned marginal p(A_e = 1)")
    ax.set_title("learned marginal = frequency\n(filled: barbell 0.95 / 0.05; open: spread 0.01-0.99)")

    ax = axes[1]
    offsets = {"mle": -0.2, "logistic": 0.0, "diffusion": 0.2}
    for i, gen in enumerate(("barbell", "spread")):
        for w, (mk, col, lab) in markers.items():
            z = np.asarray(d[f"{gen}_{w}_z"])
            x = i + offsets[w] + np.linspace(-0.07, 0.07, z.size)
            ax.plot(x, z, mk, color=col, ms=3.5, label=lab)
    crit = m["z_critical_bonferroni"]
    for s in (-1, 1):
        ax.axhline(s * crit, color="k", ls="--", lw=1, label=f"Bonferroni {cfg['level']:.0%} bounds")
    ax.set_xticks([0, 1], ["barbell 0.95 / 0.05", "spread 0.01-0.99"])
    ax.set_ylabel("z = (learned - frequency) / binomial s.e.")
    ax.set_title("per-edge z-scores")

    ax = axes[2]
    N = np.asarray(d["convergence_sizes"], float)
    ax.loglog(N, d["convergence_rms"]["mle"], "o-", color="C0", label="Bernoulli MLE")
    ax.loglog(N, d["convergence_rms"]["logistic"], "x--", color="C1", label="logit by gradient descent")
    ax.loglog(N, d["convergence_theory"], "k:", label="sqrt(mean f(1-f) / N)")
    ax.set_xlabel("training graphs N")
    ax.set_ylabel("RMS error of learned marginals (spread)")
    ax.set_title("convergence to the marginals")
    fig.suptitle("Lemma 3.1: the learned marginal of every edge is its training frequency")
    legend_outside(fig, ncols=3)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.lemma3_1",
        location="Lemma 3.1",
        statement=(
            "With per-edge independent noise, the ELBO-optimal (factorised) model reproduces the marginal "
            "edge frequencies: p*(A_ij = 1) = P_freq(e_ij)."
        ),
        paper_value="p*(A_ij = 1) = P_freq(e_ij) (no number)",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
