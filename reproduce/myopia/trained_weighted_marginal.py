"""Claim ``myopia.trained_weighted_marginal`` -- what the spectrally weighted loss makes a network learn.

Algorithm 4.1 multiplies the loss of every edge present in a training graph by
``1 + lam R_eff(e)``.  For an edge present with probability ``eps`` and weighted by ``omega`` when
present, the minimiser of the expected weighted cross-entropy is (``theory.gradient_starvation``)

    p* = omega eps / (omega eps + 1 - eps),

and a bridge has ``R_eff = 1``, so ``omega = 1 + lam``.  We train the denoiser of
:mod:`reproduce.myopia.graph_diffusion` with the weighted loss on barbells 2 x K8 (clique edges
0.95, bridge ``eps``) across ``lam`` and ``eps`` and compare the bridge's sample marginal with
``p*`` evaluated at the bridge frequency of the model's own training set.  For every edge we also
give the exact weighted optimum on the training set,
``sum_k W_ke A_ke / (sum_k W_ke A_ke + sum_k (1 - A_ke))`` (it equals ``p*`` for the bridge).

Tolerance: ``z sqrt(p*(1-p*)/S)``, ``z`` the Bonferroni 99% quantile over the (lam, eps) cells.
This is an extension: the paper never states what its weighted model learns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
from scipy.stats import norm

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.myopia.trained_models import SETTINGS, ModelSettings, bridge_frequency, connected_fraction, draw, model
from reproduce.trained_tolerances import graph_sampling
from theory.gradient_starvation import stationary_marginal


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.trained_weighted_marginal``: the (lam, eps) grid and samples ``S``."""

    settings: ModelSettings = field(default_factory=ModelSettings)
    lams: tuple[float, ...] = (2.0, 20.0)
    epsilons: tuple[float, ...] = (0.05, 0.2)
    samples: int = 2000
    level: float = 0.99


CONFIGS = {
    "quick": Config(settings=SETTINGS["quick"], lams=(20.0,), epsilons=(0.05,), samples=500),
    "default": Config(settings=SETTINGS["default"]),
    "paper": Config(settings=SETTINGS["paper"], lams=(1.0, 2.0, 5.0, 20.0, 100.0), epsilons=(0.01, 0.05, 0.2), samples=10000),
}


def tilted_optimum(m) -> np.ndarray:
    """Exact minimiser of the weighted cross-entropy on the training set, per base edge, shape (m,)."""
    d = m.data
    A = d.adjacency[:, d.tails, d.heads].numpy().astype(float)
    W = d.weight[:, d.tails, d.heads].numpy().astype(float)
    pos = (W * A).sum(0)
    return pos / (pos + (1 - A).sum(0))


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """One weighted model per (lam, eps); bridge marginal vs p*."""
    rows = []
    for lam in config.lams:
        for eps in config.epsilons:
            m = model(config.settings, epsilon=eps, lam=lam)
            s, marg = draw(m, config.samples, rng)
            eps_hat = bridge_frequency(m)
            p_star = float(stationary_marginal(eps_hat, 1.0 + lam))
            opt = tilted_optimum(m)
            b = m.data.bridge
            learned = float(marg[b].mean())
            rows.append({
                "lam": lam, "epsilon": eps, "train_bridge": eps_hat, "p_star": p_star,
                "p_star_generator": float(stationary_marginal(eps, 1.0 + lam)),
                "learned_bridge": learned, "z": (learned - p_star) / np.sqrt(p_star * (1 - p_star) / config.samples),
                "clique_learned": float(marg[~b].mean()), "clique_optimum": float(opt[~b].mean()),
                "clique_rms_error": float(np.sqrt(np.mean((marg[~b] - opt[~b]) ** 2))),
                "connected": float(connected_fraction(s).mean()),
            })
    zc = float(norm.ppf(1 - (1 - config.level) / (2 * len(rows))))
    values = {"rows": rows, "critical_z": zc, "samples": config.samples}
    headline = "; ".join(f"lam {r['lam']:g}, eps {r['epsilon']}: bridge {r['learned_bridge']:.3f} vs p* {r['p_star']:.3f}" for r in rows)
    return Measurement(values, headline + f" (S = {config.samples})")


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Extension verdict; the reason says whether every cell is within its Bonferroni 99% interval of p*."""
    zc = values["critical_z"]
    tol = {"rule": "|learned - p*| <= z_c sqrt(p*(1-p*)/S), Bonferroni over cells", "critical_z": zc}
    off = [r for r in values["rows"] if abs(r["z"]) > zc]
    cells = ", ".join(f"(lam {r['lam']:g}, eps {r['epsilon']}) {r['learned_bridge']:.3f} vs {r['p_star']:.3f}" for r in values["rows"])
    if not off:
        return Judgement("extension", f"The weighted networks learn the tilted marginal p* = omega eps/(omega eps + 1 - eps), "
                         f"omega = 1 + lam, within sampling error in every cell: {cells}.", tol)
    return Judgement("extension", f"p* predicts the weighted bridge marginal only roughly: {cells}; outside the Bonferroni 99% "
                     "interval: " + ", ".join(f"(lam {r['lam']:g}, eps {r['epsilon']}, z = {r['z']:.1f})" for r in off)
                     + ", the finite training's error in the learned marginal.", tol)


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Learned bridge marginal vs p* per cell, and p* curves over lam."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import save_figure

    v = result["measured"]
    rows = v["rows"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.3))
    ax = axes[0]
    ps = np.array([r["p_star"] for r in rows])
    ls = np.array([r["learned_bridge"] for r in rows])
    err = v["critical_z"] * np.sqrt(ps * (1 - ps) / v["samples"])
    ax.errorbar(ps, ls, yerr=err, fmt="o", capsize=3, label="weighted networks (Bonferroni 99%)")
    for r in rows:
        ax.annotate(f"lam {r['lam']:g}, eps {r['epsilon']}", (r["p_star"], r["learned_bridge"]), fontsize=7, xytext=(4, -10), textcoords="offset points")
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="learned = p*")
    ax.set_xlabel("p* = omega eps/(omega eps + 1 - eps), omega = 1 + lam")
    ax.set_ylabel("learned bridge marginal (samples)")
    ax.legend(fontsize=8)
    ax.set_title("bridge marginal of weighted models")
    ax = axes[1]
    lam_grid = np.logspace(-1, 3, 100)
    for j, eps in enumerate(sorted({r["epsilon"] for r in rows})):
        sel = [r for r in rows if r["epsilon"] == eps]
        e_hat = sel[0]["train_bridge"]
        ax.semilogx(lam_grid, e_hat * (1 + lam_grid) / (e_hat * (1 + lam_grid) + 1 - e_hat), color=f"C{j}",
                    label=f"p* at the training frequency {e_hat:.3f} (eps = {eps})")
        ax.plot([r["lam"] for r in sel], [r["learned_bridge"] for r in sel], "o", color=f"C{j}")
        ax.plot([r["lam"] for r in sel], [r["connected"] for r in sel], "x", color=f"C{j}", ms=8)
    ax.set_xlabel("lam")
    ax.set_ylabel("probability")
    ax.set_title("dots: learned bridge; crosses: connected samples")
    ax.legend(fontsize=8)
    return [save_figure(fig, out_dir / "myopia.trained_weighted_marginal.png")]


CLAIM = register(
    Claim(
        id="myopia.trained_weighted_marginal",
        location="eq. 4.1 / Algorithm 4.1 (trained network, issue 5)",
        statement="A network trained with the weighted loss 1 + lam R_eff learns the bridge marginal p* = omega eps/(omega eps + 1 - eps), omega = 1 + lam, not certainty.",
        paper_value="not in the paper (the paper claims the weighted model keeps the bridge)",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
        reproduction=graph_sampling(2000),
        kind="extension",
    )
)
