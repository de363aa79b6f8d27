"""Claim ``myopia.trained_lemma3_1`` -- a *trained* edge-diffusion network learns the edge frequencies.

Lemma 3.1 (Siami): with per-edge independent forward noise the ELBO-optimal reverse model has
``p*(A_ij = 1) = P_freq(e_ij)``.  ``myopia.lemma3_1`` checks it for exact (tabular) models; here the
model is the neural denoiser of :mod:`reproduce.myopia.graph_diffusion`, trained with the standard
loss on ``N`` barbells 2 x K8 (clique edges 0.95, bridge ``eps``), sampled ``S`` times.

Per edge class (clique edges, the bridge, the non-edges) we compare the sample marginal with the
frequency in the model's own training set (the lemma's ``P_freq``; the generator's value is shown
too).  Tolerance: per edge the binomial 99% interval of ``S`` samples, Bonferroni-corrected over
the 57 edges; non-edges (frequency 0) must stay below ``3/S`` on average.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
from scipy.stats import norm

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.myopia.graph_diffusion import predicted_at_noise
from reproduce.myopia.trained_models import SETTINGS, ModelSettings, draw, model, torch_generator
from reproduce.trained_tolerances import graph_sampling


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.trained_lemma3_1``: model settings, bridge frequency, samples ``S``."""

    settings: ModelSettings = field(default_factory=ModelSettings)
    epsilon: float = 0.05
    samples: int = 2000
    level: float = 0.99


CONFIGS = {
    "quick": Config(settings=SETTINGS["quick"], samples=500),
    "default": Config(settings=SETTINGS["default"]),
    "paper": Config(settings=SETTINGS["paper"], samples=10000),
}


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Sample the standard model; per-edge marginals vs training frequencies."""
    m = model(config.settings, epsilon=config.epsilon)
    samples, marg = draw(m, config.samples, rng)
    d = m.data
    train_f = d.adjacency[:, d.tails, d.heads].mean(0).numpy().astype(float)
    noise_pred = predicted_at_noise(m, 256, torch_generator(rng, m.device))
    S = config.samples
    f = np.clip(train_f, 1.0 / S, 1 - 1.0 / S)
    z = (marg - train_f) / np.sqrt(f * (1 - f) / S)
    full = samples.float().mean(0).cpu().numpy()
    slot = np.zeros((d.n, d.n), bool)
    slot[d.tails, d.heads] = slot[d.heads, d.tails] = True
    iu = np.triu_indices(d.n, 1)
    non_edges = full[iu][~slot[iu]]
    b = d.bridge
    values: dict[str, Any] = {
        "epsilon": config.epsilon,
        "samples": S,
        "train_graphs": config.settings.train_graphs,
        "parameters": m.parameters,
        "bridge": {"learned": float(marg[b].mean()), "train_frequency": float(train_f[b].mean()),
                   "noise_prediction": float(noise_pred[b].mean()), "z": float(z[b][0])},
        "clique": {"learned": float(marg[~b].mean()), "train_frequency": float(train_f[~b].mean()),
                   "noise_prediction": float(noise_pred[~b].mean()), "max_abs_z": float(np.abs(z[~b]).max()),
                   "rms_error": float(np.sqrt(np.mean((marg[~b] - train_f[~b]) ** 2)))},
        "non_edges": {"learned_mean": float(non_edges.mean()), "learned_max": float(non_edges.max()), "slots": int(non_edges.size)},
        "max_abs_z": float(np.abs(z).max()),
        "critical_z": float(norm.ppf(1 - (1 - config.level) / (2 * z.size))),
    }
    headline = (
        f"bridge learned {values['bridge']['learned']:.4f} vs training frequency {values['bridge']['train_frequency']:.4f} "
        f"(eps = {config.epsilon}); clique edges {values['clique']['learned']:.4f} vs {values['clique']['train_frequency']:.4f}; "
        f"non-edges {values['non_edges']['learned_mean']:.4f}; max |z| {values['max_abs_z']:.2f} "
        f"(critical {values['critical_z']:.2f}, S = {S})"
    )
    details = {"learned": marg, "train_frequency": train_f, "noise_prediction": noise_pred, "is_bridge": b,
               "non_edges": non_edges}
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced iff every edge is within its Bonferroni 99% binomial interval and non-edges stay ~0."""
    zc = values["critical_z"]
    tol = {"rule": "per edge |learned - train frequency| <= z_c sqrt(f(1-f)/S), Bonferroni over edges; non-edge mean <= 3/S",
           "critical_z": zc, "non_edge_mean_max": 3.0 / values["samples"]}
    ok_edges = values["max_abs_z"] <= zc
    ok_non = values["non_edges"]["learned_mean"] <= 3.0 / values["samples"]
    b = values["bridge"]
    if ok_edges and ok_non:
        return Judgement("reproduced", f"The trained network's sample marginals match the training frequencies: bridge "
                         f"{b['learned']:.4f} vs {b['train_frequency']:.4f}, max |z| {values['max_abs_z']:.2f} <= {zc:.2f}; "
                         f"non-edges {values['non_edges']['learned_mean']:.4f}.", tol)
    return Judgement("differs", f"Trained marginals deviate beyond sampling error: bridge {b['learned']:.4f} vs training "
                     f"frequency {b['train_frequency']:.4f} (z = {b['z']:.2f}), max |z| {values['max_abs_z']:.2f} > {zc:.2f} or "
                     f"non-edge mean {values['non_edges']['learned_mean']:.4f}; the finite training leaves that error in the learned marginals.", tol)


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Learned vs training frequency per edge, with binomial 99% bars."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import save_figure

    d, v = result["details"], result["measured"]
    f = np.asarray(d["train_frequency"])
    y = np.asarray(d["learned"])
    nz = np.asarray(d["noise_prediction"])
    b = np.asarray(d["is_bridge"], bool)
    S = v["samples"]
    err = 2.576 * np.sqrt(np.clip(f * (1 - f), 1e-12, None) / S)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.3))
    for ax, mask, title in ((axes[0], b, "bridge"), (axes[1], ~b, "clique edges")):
        idx = np.arange(mask.sum())
        ax.errorbar(idx, y[mask], yerr=err[mask], fmt="o", ms=4, label="sample marginal (99% binomial bar)")
        ax.plot(idx, nz[mask], "x", color="C2", label="x0-prediction at t = T")
        ax.plot(idx, f[mask], "_", color="k", ms=14, mew=2, label="training-set frequency")
        ax.set_title(f"trained standard model: {title}")
        ax.set_xlabel("edge index")
        ax.set_ylabel("P(A_e = 1)")
    axes[0].set_xlim(-1, 1)
    axes[0].set_xticks([0], ["the bridge"])
    axes[0].axhline(v["epsilon"], color="0.4", ls=":", label="generator eps")
    axes[1].axhline(0.95, color="0.4", ls=":", label="generator frequency 0.95")
    axes[0].legend(fontsize=8)
    axes[1].legend(fontsize=8, loc="lower right")
    fig.suptitle(f"Lemma 3.1 on a trained network (eps = {v['epsilon']}, S = {S}; non-edge mean {v['non_edges']['learned_mean']:.4f})")
    return [save_figure(fig, out_dir / "myopia.trained_lemma3_1.png")]


CLAIM = register(
    Claim(
        id="myopia.trained_lemma3_1",
        location="Lemma 3.1 (trained network, issue 5)",
        statement="A discrete edge-diffusion network trained with the standard loss generates each edge with its training frequency.",
        paper_value="p*(A_ij = 1) = P_freq(e_ij) (no number)",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
        reproduction=graph_sampling(2000),
    )
)
