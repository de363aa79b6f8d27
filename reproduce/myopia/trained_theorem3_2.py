"""Claim ``myopia.trained_theorem3_2`` -- a trained standard model disconnects with probability ``1 - eps``.

Theorem 3.2 (Siami) on actual networks: the denoiser of :mod:`reproduce.myopia.graph_diffusion`
is trained with the standard loss on barbells 2 x K8 whose bridge appears with probability
``eps`` (clique edges 0.95), one model per ``eps``, and ``S`` generated graphs are checked for
connectivity (over all slots, so spurious edges would count).  Reference: ``1 - eps``.  The
exact value for edge-independent marginals is ``1 - eps C^2`` (``C``: connectivity of
``G(8, 0.95)``, ``1 - C < 1e-8``, see ``myopia.theorem3_2``), indistinguishable here.

Tolerance per ``eps``: ``z sqrt(p(1-p)/S + eps(1-eps)/N)`` -- the binomial error of ``S`` samples
plus that of the bridge frequency in ``N`` training graphs -- with ``z`` the Bonferroni 99%
quantile over the ``eps`` swept.
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


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.trained_theorem3_2``."""

    settings: ModelSettings = field(default_factory=ModelSettings)
    epsilons: tuple[float, ...] = (0.05, 0.2, 0.5)
    samples: int = 2000
    level: float = 0.99


CONFIGS = {
    "quick": Config(settings=SETTINGS["quick"], epsilons=(0.05, 0.5), samples=500),
    "default": Config(settings=SETTINGS["default"]),
    "paper": Config(settings=SETTINGS["paper"], epsilons=(0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5), samples=10000),
}


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """One standard model per ``eps``; fraction of disconnected samples."""
    rows = []
    for eps in config.epsilons:
        m = model(config.settings, epsilon=eps)
        s, marg = draw(m, config.samples, rng)
        disc = float(1.0 - connected_fraction(s).mean())
        rows.append({
            "epsilon": eps,
            "disconnected": disc,
            "theorem": 1.0 - eps,
            "learned_bridge": float(marg[m.data.bridge].mean()),
            "train_bridge": bridge_frequency(m),
            "sd": float(np.sqrt(disc * (1 - disc) / config.samples + eps * (1 - eps) / config.settings.train_graphs)),
        })
    z = float(norm.ppf(1 - (1 - config.level) / (2 * len(rows))))
    for r in rows:
        r["z"] = (r["disconnected"] - r["theorem"]) / max(r["sd"], 1e-12)
    values = {"rows": rows, "critical_z": z, "samples": config.samples, "train_graphs": config.settings.train_graphs}
    headline = "; ".join(f"eps {r['epsilon']}: P(disconnected) {r['disconnected']:.3f} vs 1 - eps = {r['theorem']:.3f}" for r in rows)
    return Measurement(values, headline + f" (S = {config.samples})")


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced iff every ``eps`` is within its Bonferroni 99% interval of ``1 - eps``."""
    zc = values["critical_z"]
    tol = {"rule": "|P_dis - (1 - eps)| <= z_c sqrt(P(1-P)/S + eps(1-eps)/N), Bonferroni over eps", "critical_z": zc}
    off = [r for r in values["rows"] if abs(r["z"]) > zc]
    if not off:
        return Judgement("reproduced", "Every trained standard model disconnects with probability 1 - eps within sampling error: "
                         + ", ".join(f"{r['disconnected']:.3f} vs {r['theorem']:.3f}" for r in values["rows"]) + ".", tol)
    detail = ", ".join(f"eps {r['epsilon']}: {r['disconnected']:.3f} vs {r['theorem']:.3f} (z = {r['z']:.1f}; learned bridge "
                       f"{r['learned_bridge']:.3f}, training frequency {r['train_bridge']:.3f})" for r in off)
    return Judgement("differs", f"Outside the interval: {detail}. The networks disconnect with probability 1 - (their own learned "
                     "bridge marginal), as the theorem's mechanism says; the gap to 1 - eps is the finite training's error in "
                     "that marginal, not a kept bridge.", tol)


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """P(disconnected) of samples vs eps against 1 - eps."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import save_figure

    rows = result["measured"]["rows"]
    e = np.array([r["epsilon"] for r in rows])
    p = np.array([r["disconnected"] for r in rows])
    sd = np.array([r["sd"] for r in rows])
    lb = np.array([r["learned_bridge"] for r in rows])
    fig, ax = plt.subplots(figsize=(6, 4.3))
    grid = np.linspace(0, max(0.55, e.max()), 50)
    ax.plot(grid, 1 - grid, "k--", label="Theorem 3.2: 1 - eps")
    ax.errorbar(e, p, yerr=result["measured"]["critical_z"] * sd, fmt="o", capsize=4, label="trained standard model (Bonferroni 99%)")
    ax.plot(e, 1 - lb, "x", color="C3", label="1 - learned bridge marginal")
    ax.set_xlabel("bridge frequency eps in the training data")
    ax.set_ylabel("fraction of generated graphs disconnected")
    ax.set_title("Theorem 3.2 on trained edge-diffusion networks")
    ax.legend()
    return [save_figure(fig, out_dir / "myopia.trained_theorem3_2.png")]


CLAIM = register(
    Claim(
        id="myopia.trained_theorem3_2",
        location="Theorem 3.2 (trained network, issue 5)",
        statement="A trained standard-loss diffusion network whose data need a bridge present with probability eps generates disconnected graphs with probability 1 - eps.",
        paper_value="P(disconnected) = 1 - eps",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
        reproduction=graph_sampling(2000),
    )
)
