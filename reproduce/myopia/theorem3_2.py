"""Claim ``myopia.theorem3_2`` -- frequency-faithful sampling disconnects with probability ``1 - eps``.

Theorem 3.2 (Siami): if every graph of the data distribution needs the bridge ``e_b`` to be
connected and ``e_b`` appears with probability ``eps``, a standard diffusion model (one that
reproduces the marginals, Lemma 3.1) outputs a disconnected graph with probability ``1 - eps``.

We test it on the Exp I barbell (2 x K8; clique edges present with probability 0.95, the bridge
with ``eps``), swept over ``eps``, with two samplers:

* **exact marginals** -- ``K`` graphs drawn edge-independently with the generator's frequencies;
* **trained** -- a factorised per-edge diffusion (:class:`~reproduce.myopia.frequency_models.TabularEdgeDiffusion`)
  fitted to ``N`` training graphs and sampled ``K`` times, i.e. the whole Lemma 3.1 pipeline.

Connectivity is decided combinatorially (:func:`theory.sparsifier_quality.is_connected`).  The
theorem's ``1 - eps`` ignores that a clique may itself fall apart; the exact probability is
``1 - eps C^2`` with ``C`` Gilbert's connectivity probability of ``G(8, 0.95)`` (about
``1 - 6e-9``), so the two agree far below Monte-Carlo resolution.  Tolerances: the binomial
99% interval of ``K`` draws, Bonferroni-corrected over all ``eps`` and both samplers; the trained
sampler also carries the error of its learned bridge frequency (``eps(1-eps)/N``, with the
table's Monte-Carlo error as in :mod:`reproduce.myopia.lemma3_1`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import norm

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.myopia.frequency_models import TabularEdgeDiffusion, sample_graphs
from reproduce.myopia.graphs import barbell, edge_arrays, edge_frequencies
from theory.connectivity import barbell_disconnection_probability, gnp_connected_probability
from theory.sparsifier_quality import is_connected

__all__ = ["Config"]


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.theorem3_2``.

    Attributes
    ----------
    clique : int
        Clique size of the barbell (paper: 8).
    common : float
        Frequency of the clique edges (paper: 0.95).
    epsilons : tuple of float
        Bridge frequencies swept.
    samples : int
        ``K`` sampled graphs per ``eps`` and sampler.
    train_graphs : int
        ``N`` training graphs of the trained sampler.
    diffusion_steps, noise_draws : int
        As in :class:`reproduce.myopia.lemma3_1.Config`.
    weak_common : float
        Clique-edge frequency of a second, exact-marginals-only sweep in which the cliques
        themselves often fall apart, so that ``1 - eps C^2`` and ``1 - eps`` separate.
    level : float
        Family-wise confidence level.
    """

    clique: int = 8
    common: float = 0.95
    epsilons: tuple[float, ...] = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)
    samples: int = 20000
    train_graphs: int = 4000
    diffusion_steps: int = 20
    noise_draws: int = 8
    weak_common: float = 0.5
    level: float = 0.99


CONFIGS = {
    "quick": Config(
        epsilons=(0.01, 0.05, 0.2, 0.5), samples=4000, train_graphs=1000, diffusion_steps=10, noise_draws=4
    ),
    "default": Config(),
    "paper": Config(samples=200000, train_graphs=20000, diffusion_steps=50),
}


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Fraction of disconnected samples per ``eps``, for exact marginals and for the trained sampler."""
    G, bridge = barbell(config.clique)
    n, t, h = edge_arrays(G)
    C = gnp_connected_probability(config.clique, config.common)
    rows = []
    for eps in config.epsilons:
        f = edge_frequencies(G, bridge, common=config.common, rare_freq=eps)
        exact_draws = sample_graphs(f, config.samples, rng)
        data = sample_graphs(f, config.train_graphs, rng)
        model = TabularEdgeDiffusion.fit(data, config.diffusion_steps, config.noise_draws, rng)
        trained_draws = model.sample(config.samples, rng)
        b = int(np.argmin(f))
        rows.append(
            {
                "epsilon": float(eps),
                "theorem": 1.0 - eps,
                "exact": float(barbell_disconnection_probability(config.clique, config.common, eps)),
                "exact_marginals": float(1.0 - is_connected(n, t, h, exact_draws).mean()),
                "trained": float(1.0 - is_connected(n, t, h, trained_draws).mean()),
                "trained_bridge_marginal": float(trained_draws[:, b].mean()),
                "train_bridge_frequency": float(data[:, b].mean()),
            }
        )
    weak = []
    for eps in config.epsilons:
        f = edge_frequencies(G, bridge, common=config.weak_common, rare_freq=eps)
        draws = sample_graphs(f, config.samples, rng)
        weak.append(
            {
                "epsilon": float(eps),
                "theorem": 1.0 - eps,
                "exact": float(barbell_disconnection_probability(config.clique, config.weak_common, eps)),
                "exact_marginals": float(1.0 - is_connected(n, t, h, draws).mean()),
            }
        )
    tests = 3 * len(rows)
    z = float(norm.ppf(1 - (1 - config.level) / (2 * tests)))
    for r in rows + weak:
        p = r["exact"]
        var_k = p * (1 - p) / config.samples
        eps = r["epsilon"]
        var_n = eps * (1 - eps) * (1 / config.train_graphs + 2 / (config.train_graphs * config.noise_draws))
        r["tol_exact_marginals"] = float(z * np.sqrt(var_k))
        if "trained" in r:
            r["tol_trained"] = float(z * np.sqrt(var_k + var_n))
    values = {
        "rows": rows,
        "weak_clique_rows": weak,
        "clique_connected_probability": C,
        "weak_clique_connected_probability": gnp_connected_probability(config.clique, config.weak_common),
        "weak_max_abs_dev_exact_marginals": max(abs(r["exact_marginals"] - r["exact"]) for r in weak),
        "weak_max_exact_minus_theorem": max(r["exact"] - r["theorem"] for r in weak),
        "max_abs_exact_minus_theorem": max(abs(r["exact"] - r["theorem"]) for r in rows),
        "max_abs_dev_exact_marginals": max(abs(r["exact_marginals"] - r["exact"]) for r in rows),
        "max_abs_dev_trained": max(abs(r["trained"] - r["exact"]) for r in rows),
        "z_critical_bonferroni": z,
    }
    at = min(rows, key=lambda r: abs(r["epsilon"] - 0.05))
    headline = (
        f"P(disconnected) at eps = {at['epsilon']}: {at['exact_marginals']:.4f} (exact marginals), "
        f"{at['trained']:.4f} (trained per-edge diffusion) vs 1 - eps = {at['theorem']:.4f}; "
        f"max deviation over {len(rows)} eps "
        f"{max(values['max_abs_dev_exact_marginals'], values['max_abs_dev_trained']):.4f}; "
        f"exact - (1 - eps) <= {values['max_abs_exact_minus_theorem']:.1e}"
    )
    return Measurement(values, headline, {})


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced iff every measured disconnection rate lies within its Bonferroni 99% interval of the exact value."""
    bad = []
    checks = [(r, k, "") for r in values["rows"] for k in ("exact_marginals", "trained")]
    checks += [(r, "exact_marginals", f" (clique edges {config.weak_common})") for r in values["weak_clique_rows"]]
    for r, key, where in checks:
        if abs(r[key] - r["exact"]) > r[f"tol_{key}"]:
            bad.append(
                f"eps = {r['epsilon']}{where}: {key} {r[key]:.4f} vs exact {r['exact']:.4f} (tol {r[f'tol_{key}']:.4f})"
            )
    tolerance = {
        "rule": f"binomial {config.level:.0%} interval of K = {config.samples} samples, Bonferroni over "
        f"{len(checks)} tests (z = {values['z_critical_bonferroni']:.2f}); trained sampler adds "
        "eps(1-eps)(1/N + 2/(N S))",
        "per_eps_exact_marginals": [r["tol_exact_marginals"] for r in values["rows"]],
        "per_eps_trained": [r["tol_trained"] for r in values["rows"]],
    }
    if bad:
        return Judgement("differs", "; ".join(bad) + ".", tolerance)
    return Judgement(
        "reproduced",
        f"For every eps in {list(config.epsilons)} the fraction of disconnected samples, from exact marginals "
        f"and from a trained per-edge diffusion, matches the exact 1 - eps C^2 within its interval; "
        f"C^2 = {values['clique_connected_probability'] ** 2:.9f}, so 1 - eps C^2 and the theorem's 1 - eps differ by "
        f"at most {values['max_abs_exact_minus_theorem']:.1e}. With clique edges at {config.weak_common} the samples "
        f"follow the exact value, which exceeds 1 - eps by up to {values['weak_max_exact_minus_theorem']:.3f}: "
        "1 - eps is then only a lower bound.",
        tolerance,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Disconnection probability vs eps: the paper's theorem, the exact value, and both samplers with their intervals.

    Sampling with exact marginals gives a plain proportion of ``K`` draws: its bars are Wilson intervals
    at the judge's Bonferroni ``z``.  The trained sampler's bars are the judge's tolerance, which adds
    the training-set noise to the binomial one.
    """
    import matplotlib.pyplot as plt

    from reproduce.myopia.figures import legend_below, wilson_yerr
    from reproduce.plotting import figure_path, save_figure

    measured = result["measured"]
    rows, weak = measured["rows"], measured["weak_clique_rows"]
    cfg = result["config"]
    z, K = measured["z_critical_bonferroni"], cfg["samples"]
    eps = np.array([r["epsilon"] for r in rows])
    exact_p = np.array([r["exact_marginals"] for r in rows])
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.8))
    ax = axes[0]
    grid = np.linspace(0, max(eps) * 1.05, 100)
    ax.plot(grid, 1 - grid, "k-", lw=1, label=f"paper (Theorem 3.2): {result['paper_value']}")
    ax.errorbar(
        eps, exact_p, yerr=wilson_yerr(exact_p, K, z), fmt="o", color="C0", ms=5, label="sampled with exact marginals"
    )
    ax.errorbar(
        eps * 1.02,
        [r["trained"] for r in rows],
        yerr=[r["tol_trained"] for r in rows],
        fmt="s",
        color="C3",
        ms=4,
        label="sampled from trained per-edge diffusion",
    )
    weak_p = np.array([r["exact_marginals"] for r in weak])
    ax.plot(
        eps,
        [r["exact"] for r in weak],
        "--",
        color="C2",
        lw=1.2,
        label=f"exact 1 - eps C^2, clique edges {cfg['weak_common']}",
    )
    ax.errorbar(
        eps,
        weak_p,
        yerr=wilson_yerr(weak_p, K, z),
        fmt="D",
        color="C2",
        ms=4,
        label=f"sampled, clique edges {cfg['weak_common']}",
    )
    ax.set_xlabel("bridge frequency eps")
    ax.set_ylabel("P(sampled graph disconnected)")
    ax.set_title(
        f"barbell 2 x K{cfg['clique']}: clique edges {cfg['common']} (paper) and {cfg['weak_common']}\n"
        f"{K} samples per eps; bars: Bonferroni {cfg['level']:.0%}"
    )
    legend_below(ax)
    ax = axes[1]
    exact = np.array([r["exact"] for r in rows])
    low_high = wilson_yerr(exact_p, K, z)
    ax.errorbar(
        eps, exact_p - exact, yerr=low_high, fmt="o", color="C0", ms=5, capsize=3, label="exact marginals (Wilson)"
    )
    ax.errorbar(
        eps * 1.06,
        [r["trained"] - r["exact"] for r in rows],
        yerr=[r["tol_trained"] for r in rows],
        fmt="s",
        color="C3",
        ms=5,
        capsize=3,
        label="trained diffusion (binomial + training noise)",
    )
    ax.plot(eps, [r["theorem"] - r["exact"] for r in rows], "k^", ms=6, label="paper's 1 - eps minus exact 1 - eps C^2")
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("bridge frequency eps")
    ax.set_ylabel("measured - exact disconnection probability")
    ax.set_title(f"deviations from the exact value\nbars: Bonferroni {cfg['level']:.0%}")
    legend_below(ax)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.theorem3_2",
        location="Theorem 3.2",
        statement=(
            "If every graph needs a bridge that appears with probability eps, a frequency-faithful (standard) "
            "diffusion model outputs a disconnected graph with probability 1 - eps."
        ),
        paper_value="P(disconnected) = 1 - eps",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
