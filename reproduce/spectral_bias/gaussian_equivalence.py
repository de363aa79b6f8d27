"""``spectral.gaussian_equivalence``: a linear denoiser's training sees only the data's first two moments.

Lemma C.1 of Wang & Pehlevan: for ``D(y) = W y + b`` the gradients of the denoising loss depend on
the data only through its mean and covariance, so any distribution with the same two moments
trains identically.  We train on two data sets with *identical empirical* mean and covariance: a
two-point (Rademacher) distribution, rotated and scaled, and a Gaussian sample transformed so that
its mean and covariance equal the first one's to round-off.

- **Linear denoiser, noise averaged exactly.** Full-batch gradient descent (torch autograd over the
  data points, float64) on ``(1/n) sum_i E_z ||W (x_i + sigma z) + b - x_i||^2``; the noise
  expectation is taken in closed form (``||(W - I) x_i + b||^2 + sigma^2 ||W||_F^2``), so nothing
  but the data differs between the two runs.  Autograd works on the points, not on their moments:
  the trajectories can only agree if the lemma holds.
- **Sampled noise.** The same training with ``noise_draws`` common noise draws per point (the same
  draws, paired by index, in both runs), for the linear denoiser and for a one-hidden-layer tanh
  MLP with the same initialisation in both runs.  With finite draws the linear runs differ only
  through noise-data cross terms that vanish as the draws grow; the MLP's loss depends on higher
  moments, so its runs separate.

Verdict rule (written before the runs): ``reproduced`` when the exact-noise linear trajectories
agree within ``EQUAL_RTOL`` (relative, every recorded step and noise level), and the MLP's
trajectories differ by more than ``SEPARATION`` times the sampled-noise linear ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, register

from .common import error_panel, random_rotation

EQUAL_RTOL = 1e-10
"""Agreement of the exact-noise linear trajectories: float64 sums over the data in another order."""

SEPARATION = 10.0
"""How many times further apart the MLP's two runs must end than the sampled-noise linear ones."""


@dataclass(frozen=True)
class Config:
    """Parameters of ``spectral.gaussian_equivalence``.

    Attributes
    ----------
    dim : int
        Data dimension.
    samples : int
        Points per data set.
    sigmas : tuple of float
        Noise levels, one linear denoiser each; the sampled-noise runs use the last.
    steps : int
        Full-batch gradient-descent steps.
    lr : float
        Step size.
    hidden : int
        Hidden width of the MLP.
    noise_draws : int
        Common noise draws per point for the sampled-noise runs.
    records : int
        Recorded steps (log-spaced) per trajectory.
    """

    dim: int = 8
    samples: int = 500
    sigmas: tuple[float, ...] = (0.3, 1.0)
    steps: int = 300
    lr: float = 0.05
    hidden: int = 32
    noise_draws: int = 16
    records: int = 20


CONFIGS = {
    "quick": Config(samples=200, steps=100, noise_draws=8, records=10),
    "default": Config(),
    "paper": Config(dim=16, samples=4000, steps=2000, noise_draws=32, records=40),
}


def moment_matched_pair(dim: int, samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A rotated, scaled Rademacher sample and a Gaussian sample with identical empirical mean and covariance.

    The Gaussian sample is whitened with its own Cholesky factor and recoloured with the first
    sample's, so both empirical moments agree to round-off.
    """
    lam = np.exp(rng.uniform(np.log(0.05), np.log(5.0), dim))
    U = random_rotation(dim, rng)
    mu = rng.standard_normal(dim)
    first = (rng.choice([-1.0, 1.0], size=(samples, dim)) * np.sqrt(lam)) @ U.T + mu
    g = rng.standard_normal((samples, dim))
    g -= g.mean(axis=0)
    white = np.linalg.solve(np.linalg.cholesky(np.cov(g, rowvar=False, bias=True)), g.T).T
    target = np.linalg.cholesky(np.cov(first, rowvar=False, bias=True))
    second = white @ target.T + first.mean(axis=0)
    return first, second


def _trajectory(model: str, data: np.ndarray, sigma: float, noise, config: Config, seed: int) -> np.ndarray:
    """Parameters (flattened) at the recorded steps of full-batch gradient descent."""
    import torch

    from reproduce.torch_runtime import cpu_threads, seeded, torch_threads

    d = data.shape[1]
    x = torch.as_tensor(data, dtype=torch.float64)
    with torch_threads(cpu_threads()), seeded(seed):
        if model == "mlp":
            net = torch.nn.Sequential(
                torch.nn.Linear(d, config.hidden), torch.nn.Tanh(), torch.nn.Linear(config.hidden, d)
            )
            net = net.double()
        else:
            net = torch.nn.Linear(d, d).double()
            torch.nn.init.normal_(net.weight, std=0.1 / np.sqrt(d))
            torch.nn.init.zeros_(net.bias)
    params = list(net.parameters())
    if noise is not None:
        z = torch.as_tensor(noise, dtype=torch.float64)
        clean = x.repeat_interleave(z.shape[0] // x.shape[0], dim=0)
        noisy = clean + sigma * z
    record = set(np.unique(np.geomspace(1, config.steps, config.records).round().astype(int)).tolist())
    out = []
    with torch_threads(cpu_threads()):
        for step in range(1, config.steps + 1):
            if noise is None:  # linear, noise averaged in closed form
                loss = ((net(x) - x) ** 2).sum(dim=1).mean() + sigma**2 * (net.weight**2).sum()
            else:
                loss = ((net(noisy) - clean) ** 2).sum(dim=1).mean()
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                for p, g in zip(params, grads):
                    p -= config.lr * g
            if step in record:
                out.append(torch.cat([p.detach().reshape(-1) for p in params]).numpy().copy())
    return np.asarray(out)


def _separation(a: np.ndarray, b: np.ndarray) -> float:
    """Largest relative distance ``||a_t - b_t|| / ||a_t||`` over the recorded steps."""
    return float(np.max(np.linalg.norm(a - b, axis=1) / np.linalg.norm(a, axis=1)))


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Train each model on both moment-matched data sets and compare their trajectories."""
    first, second = moment_matched_pair(config.dim, config.samples, rng)
    moments = {
        "mean_max_abs_diff": float(np.max(np.abs(first.mean(0) - second.mean(0)))),
        "cov_max_abs_diff": float(
            np.max(np.abs(np.cov(first, rowvar=False, bias=True) - np.cov(second, rowvar=False, bias=True)))
        ),
        "third_moment_max_abs_diff": float(
            np.max(np.abs(((first - first.mean(0)) ** 3).mean(0) - ((second - second.mean(0)) ** 3).mean(0)))
        ),
        "fourth_moment_max_abs_diff": float(
            np.max(np.abs(((first - first.mean(0)) ** 4).mean(0) - ((second - second.mean(0)) ** 4).mean(0)))
        ),
    }
    rows, curves = [], {}
    for sigma in config.sigmas:
        seed = int(rng.integers(2**31))
        runs = {
            "linear, exact noise": (
                _trajectory("linear", first, sigma, None, config, seed),
                _trajectory("linear", second, sigma, None, config, seed),
            )
        }
        if sigma == config.sigmas[-1]:  # the sampled-noise runs cost most: one noise level
            noise = rng.standard_normal((config.samples * config.noise_draws, config.dim))
            for model, name in (("linear", "linear, sampled noise"), ("mlp", "MLP, sampled noise")):
                runs[name] = tuple(_trajectory(model, data, sigma, noise, config, seed) for data in (first, second))
        row = {"sigma": sigma}
        for name, (a, b) in runs.items():
            row[name] = _separation(a, b)
            curves[f"sigma={sigma:g}/{name}"] = (np.linalg.norm(a - b, axis=1) / np.linalg.norm(a, axis=1)).tolist()
        rows.append(row)
    exact = max(r["linear, exact noise"] for r in rows)
    sampled, mlp = rows[-1]["linear, sampled noise"], rows[-1]["MLP, sampled noise"]
    values = {
        "moments": moments,
        "rows": rows,
        "linear_exact_max_rel_diff": exact,
        "linear_sampled_max_rel_diff": sampled,
        "mlp_rel_diff": mlp,
        "mlp_over_linear_sampled": mlp / sampled if sampled > 0 else float("inf"),
    }
    headline = (
        f"same mean and covariance, different higher moments (4th moments differ by "
        f"{moments['fourth_moment_max_abs_diff']:.2g}): linear trajectories agree to {exact:.1e} (noise averaged "
        f"exactly), {sampled:.1e} (common sampled noise); the MLP's differ by {mlp:.2g} "
        f"({values['mlp_over_linear_sampled']:.0f}x the sampled linear)"
    )
    steps = np.unique(np.geomspace(1, config.steps, config.records).round().astype(int)).tolist()
    return Measurement(values, headline, {"steps": steps, "curves": curves})


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced when the linear runs agree to 1e-10 and the MLP's separate 10x further than the sampled linear."""
    tolerance = {"linear_exact_rel": EQUAL_RTOL, "mlp_over_linear_sampled_min": SEPARATION}
    exact, ratio = values["linear_exact_max_rel_diff"], values["mlp_over_linear_sampled"]
    ratio = float(ratio)
    failures = []
    if exact > EQUAL_RTOL:
        failures.append(f"the linear denoiser's trajectories on the two data sets differ by {exact:.2g} (relative)")
    if ratio < SEPARATION:
        failures.append(f"the MLP's runs separate only {ratio:.2g}x as far as the sampled-noise linear ones")
    if failures:
        return Judgement("differs", "; ".join(failures) + ".", tolerance)
    return Judgement(
        "reproduced",
        f"Trained on a Rademacher and a Gaussian data set with the same mean and covariance, the linear "
        f"denoiser's weight trajectories agree to {exact:.1e} when the noise is averaged exactly (Lemma C.1); "
        f"with common sampled noise they differ by {values['linear_sampled_max_rel_diff']:.1e} (noise-data cross "
        f"terms), and a tanh MLP's by {ratio:.0f} times more: its loss sees the higher moments.",
        tolerance,
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Distance between the two data sets' trajectories per model, and the verdict's numbers."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    d, m = result["details"], result["measured"]
    steps = np.asarray(d["steps"])
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6), gridspec_kw={"width_ratios": [1.3, 1]})
    ax = axes[0]
    styles = {"linear, exact noise": "C0", "linear, sampled noise": "C2", "MLP, sampled noise": "C3"}
    for key, curve in d["curves"].items():
        sigma, name = key.split("/", 1)
        ls = "-" if sigma.endswith("=1") else "--"
        ax.plot(steps, np.maximum(curve, 1e-17), ls, color=styles[name], label=f"{name} ({sigma.replace('=', ' = ')})")
    ax.axhline(result["tolerance"]["linear_exact_rel"], color="k", ls=":", lw=1.2, label="tolerance (linear, exact)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("||theta_Rademacher - theta_Gaussian|| / ||theta||")
    ax.set_title("Same mean and covariance: do the trajectories agree?")
    error_panel(
        axes[1],
        {
            "linear, exact noise": m["linear_exact_max_rel_diff"],
            "linear, sampled noise": m["linear_sampled_max_rel_diff"],
            "MLP, sampled noise": m["mlp_rel_diff"],
        },
        {"linear, exact noise": result["tolerance"]["linear_exact_rel"]},
        unjudged=("linear, sampled noise", "MLP, sampled noise"),
        title="largest relative distance over the run",
    )
    legend_outside(fig, axes[:1], ncols=3)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="spectral.gaussian_equivalence",
        location="Lemma C.1, App. C",
        statement=(
            "For a linear denoiser the loss gradients depend on the data only through its mean and covariance, so "
            "any distribution with the same two moments trains identically."
        ),
        paper_value="identical training for equal mean and covariance (no number)",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
