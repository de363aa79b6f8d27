"""Claim ``bridge.starvation_dynamics`` -- how fast a trained network learns the rare bridge, per loss and optimiser.

"Gradient starvation" (Siami) gets a formal statement in :mod:`theory.gradient_starvation`: a
Bernoulli(eps) edge is a mode of variance ``eps(1 - eps)`` learned on a time scale ``∝ 1/variance``,
and a weight ``omega`` on the present class divides that time by
``emergence_speedup(eps, omega) = omega / (omega eps + 1 - eps)`` (linear denoiser, gradient flow).

Here the network of :mod:`reproduce.myopia.graph_diffusion` is trained on the Exp I barbell
(``eps`` bridge) with the standard loss and with the weighted loss (``omega = 1 + lam``, the bridge's
``R_eff`` being 1), by two optimisers (two *arms*):

* **Adam**, cosine-decayed rate -- the models every other trained claim reads (shared through the
  checkpoint cache).  Adam rescales each parameter's step by its gradient's running size and so
  removes much of the gradient-size effect the prediction rests on: it is measured, not predicted.
* **SGD**, plain (no momentum), constant rate ``sgd_lr`` -- the discretised gradient flow the
  prediction speaks about.  The rate is 0.3, chosen by a stated principle before any weighted SGD
  run was looked at: the largest rate of the half-decade grid 0.1, 0.3, 1, 3, 10 at which the
  standard model and both weighted models (lam 2, 20) train without diverging, on replicate 1 of
  master seed 0 (at 1 the lam = 20 model's loss is NaN, at batch 64 and 32 alike; at 0.3 every
  loss falls from its start, and the standard model's ordinary edges are learned by step ~600).
  Batch 32 (the Adam models use 64) halves the cost of a step and leaves the expected gradient
  as it is.  The step budget was first set to 3,000 from the standard SGD model alone (replicate
  1: its bridge logit bottoms out near step 800 and is half-way up by step ~1,400), so that the
  slowest, unweighted, run finishes its climb inside it; for the issue-11 time budget it was then
  cut to ``sgd_steps`` = 2,000, after the three default replicates' standard climbs had all ended
  by step 1,650.  With a constant rate the first 2,000 steps are the same either way, and a shorter
  budget can only censor a run, which fails the prediction: the cut cannot help it hold.

Every ``log_every`` steps we record the bridge's predicted ``P(A_0 = 1 | A_T)`` (averaged over
fixed noise draws).  A network first sits on a plateau, then learns the ordinary edges and "no edge
between the cliques" (the bridge's prediction dips), then the bridge's logit climbs to the value
the loss is minimised by, ``logit p*`` with ``p*`` the tilted marginal at the replicate's training
frequency.  The **learning time** is the length of that climb: from the minimum of the smoothed
logit to the first logged step at which it has come half way from the minimum to ``logit p*``
(:func:`learning_time`); the plateau before it, which is the network's and not the mode's, is not
counted.  A run that never gets half way inside its steps is *censored*.  The measured speed-up of
a replicate is the standard run's learning time over the weighted run's (same seed: same data and
initialisation, a paired comparison).

Each arm is trained in ``settings.replicates`` independent replicates.  Rule (written for issue 11
before the replicated runs; the former rule made no prediction -- the verdict was a bare
``extension`` whose wording followed the single Adam run, 1.00x against 2.73x and 10.5x
predicted): an arm **bears out** the prediction when every replicate gives both learning times
(nothing censored) and, for every ``lam``, the mean measured speed-up lies within a factor
:data:`FACTOR` of ``omega/(omega eps + 1 - eps)`` and its 95% interval over replicates lies above 1
(a real speed-up; with one replicate the factor test alone).  The factor 2 allows for what the
linear theory leaves out: ``bridge.starvation_law`` finds the closed form off its own coupled
simulation by up to 90% where ``p*`` nears 1/2 (lam = 20 here), and the logging resolution is 25
steps.  The claim's ``prediction`` is the SGD arm's (``holds`` / ``fails``); the Adam arm is
judged by the same rule and reported beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, Training, register
from reproduce.myopia.trained_models import (
    REPLICATE_KEYS,
    SETTINGS,
    ModelSettings,
    Replicated,
    bridge_frequency,
    describe,
    model,
    replicate_seeds_of,
    training,
)
from reproduce.replicates import interval
from reproduce.trained_tolerances import FIXED, trained
from theory.gradient_starvation import emergence_speedup, stationary_marginal

ARMS = ("sgd", "adam")
FACTOR = 2.0
"""The measured mean speed-up must lie within this factor of the predicted one."""


@dataclass(frozen=True)
class Config(Replicated):
    """Parameters of ``bridge.starvation_dynamics``.

    Attributes
    ----------
    settings : ModelSettings
        The Adam arm's models and the replicate count (the SGD arm takes width, depth, ``T`` and
        the training set from it).
    epsilon : float
        Bridge frequency.
    lams : tuple of float
        lambda of the weighted losses (both arms).
    sgd_lr, sgd_steps, sgd_batch : float, int, int
        The SGD arm's constant rate, steps and batch (see the module docstring).
    """

    settings: ModelSettings = field(default_factory=ModelSettings)
    epsilon: float = 0.05
    lams: tuple[float, ...] = (2.0, 20.0)
    sgd_lr: float = 0.3
    sgd_steps: int = 2000
    sgd_batch: int = 32


CONFIGS = {
    "quick": Config(settings=SETTINGS["quick"], lams=(20.0,), sgd_steps=1000),
    "default": Config(settings=SETTINGS["default"]),
    # the SGD rate was selected on the default network; a paper run should re-check it by the same principle
    "paper": Config(settings=SETTINGS["paper"], lams=(2.0, 20.0, 100.0), sgd_steps=10000),
}


def _logit(p):
    p = np.clip(np.asarray(p, float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def learning_time(steps, prob, target: float, window: int = 5) -> dict:
    """The climb of ``logit(prob)`` from its minimum to half way towards ``logit(target)``.

    The logit is smoothed by a centred moving average over ``window`` logged points first (single
    readings are noisy).  Returns ``start`` (the step of the smoothed minimum), ``half`` (the first
    later step at which the smoothed logit is at least half way from that minimum to
    ``logit(target)``, ``None`` if it never gets there: censored) and ``time = half - start``
    (``None`` when censored).

    Examples
    --------
    A logit that dips from -2 to -6 at step 100 and jumps to the target's -1 at step 400:

    >>> steps = np.arange(0, 1000, 10)
    >>> z = np.where(steps < 100, -2.0, np.where(steps < 400, -6.0, -1.0))
    >>> learning_time(steps, 1 / (1 + np.exp(-z)), 1 / (1 + np.exp(1.0)), window=1)
    {'start': 100.0, 'half': 400.0, 'time': 300.0}
    """
    s = np.asarray(steps, float)
    z = _logit(prob)
    if z.size >= window:
        pad = np.pad(z, (window // 2, window - 1 - window // 2), mode="edge")
        z = np.convolve(pad, np.ones(window) / window, mode="valid")
    k = int(np.argmin(z))
    goal = z[k] + 0.5 * (float(_logit(target)) - z[k])
    after = np.nonzero(z[k:] >= goal)[0]
    half = float(s[k + after[0]]) if after.size else None
    return {"start": float(s[k]), "half": half, "time": None if half is None else half - float(s[k])}


def _arm_models(config: Config, arm: str) -> list[tuple[float, dict]]:
    """One arm's losses in order (standard, then every weighted one): ``(lam, model keywords)``."""
    extra = (
        {} if arm == "adam" else dict(optimizer="sgd", lr=config.sgd_lr, steps=config.sgd_steps, batch=config.sgd_batch)
    )
    return [(lam, dict(epsilon=config.epsilon, lam=lam, **extra)) for lam in (0.0, *config.lams)]


def _arm(config: Config, arm: str, seeds) -> tuple[dict, dict]:
    """Learning times of every loss in every replicate of one arm, and the paired speed-ups."""
    per_seed, curves = [], {}
    for i, seed in enumerate(seeds):
        runs = {}
        for lam, kw in _arm_models(config, arm):
            m = model(config.settings, seed, **kw)
            h = m.history
            target = float(stationary_marginal(bridge_frequency(m), 1.0 + lam))
            runs[f"{lam:g}"] = dict(learning_time(h["step"], h["bridge"], target), target=target, final=h["bridge"][-1])
            if i == 0:
                curves[f"{lam:g}"] = {"step": h["step"], "bridge": h["bridge"], "ordinary": h["ordinary"]}
        per_seed.append(runs)
    rows = []
    for lam in config.lams:
        t0 = [r["0"]["time"] for r in per_seed]
        tw = [r[f"{lam:g}"]["time"] for r in per_seed]
        paired = [a / b for a, b in zip(t0, tw) if a is not None and b is not None and b > 0]
        omega = 1.0 + lam
        rows.append(
            {
                "lam": lam,
                "omega": omega,
                "predicted_speedup": float(emergence_speedup(config.epsilon, omega)),
                "measured_speedup": interval(paired) if paired else None,
                "measured_in": len(paired),
                "learning_time": interval([t for t in tw if t is not None]) if any(t is not None for t in tw) else None,
            }
        )
    t_std = [r["0"]["time"] for r in per_seed if r["0"]["time"] is not None]
    out = {
        "standard_learning_time": interval(t_std) if t_std else None,
        "rows": rows,
        "per_seed": per_seed,
        "steps": config.settings.steps if arm == "adam" else config.sgd_steps,
    }
    return out, curves


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Training histories of the bridge prediction for the standard and weighted losses, both arms, every replicate."""
    seeds = replicate_seeds_of(config.settings, rng)
    values: dict[str, Any] = {"seeds": list(seeds), "epsilon": config.epsilon, "sgd_lr": config.sgd_lr}
    details: dict[str, Any] = {}
    for arm in ARMS:
        values[arm], details[arm] = _arm(config, arm, seeds)
    headline = "; ".join(f"{arm.upper()}: " + ", ".join(_speedup_text(r) for r in values[arm]["rows"]) for arm in ARMS)
    return Measurement(values, f"{headline} ({len(seeds)} seed(s))", {"curves": details})


def trainings(config: Config, rng: np.random.Generator) -> list[Training]:
    """Every model :func:`measure` trains: per arm and replicate, the standard and weighted losses of
    :func:`_arm_models`."""
    seeds = replicate_seeds_of(config.settings, rng)
    return [
        training(config.settings, seed, **kw) for arm in ARMS for seed in seeds for _, kw in _arm_models(config, arm)
    ]


def _speedup_text(row: Mapping[str, Any]) -> str:
    measured = "not measured" if row["measured_speedup"] is None else describe(row["measured_speedup"], 2)
    return f"lam {row['lam']:g} speed-up {measured} vs predicted {row['predicted_speedup']:.2f}"


def _standard_text(arm: Mapping[str, Any]) -> str:
    est = arm["standard_learning_time"]
    n = len(arm["per_seed"])
    if est is None:
        return f"the standard loss does not learn the bridge within {arm['steps']} steps in any replicate"
    return f"the standard loss's climb takes {describe(est, 0)} steps in {est['n']} of {n} replicate(s)"


def row_miss(row: Mapping[str, Any], seeds: int) -> str | None:
    """Why one ``lam`` of an arm misses the prediction by the rule of the module docstring (``None``: it does not)."""
    est, predicted = row["measured_speedup"], row["predicted_speedup"]
    if est is None or row["measured_in"] < seeds:
        return f"measured in {row['measured_in']} of {seeds} replicate(s) (censored runs)"
    if not predicted / FACTOR <= est["mean"] <= FACTOR * predicted:
        return f"the mean {est['mean']:.2f} is not within a factor {FACTOR:g} of {predicted:.2f}"
    if est["low"] is not None and est["low"] <= 1.0:
        return f"the interval reaches {est['low']:.2f}, not above 1"
    return None


def arm_holds(arm: Mapping[str, Any], seeds: int) -> bool:
    """Whether one arm bears out the prediction for every ``lam`` (:func:`row_miss`)."""
    return all(row_miss(row, seeds) is None for row in arm["rows"])


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Extension; the prediction is the SGD arm's by the rule of the module docstring, the Adam arm
    reported beside it."""
    n = len(values["seeds"])
    tol = {
        "rule": f"every replicate measured; per lam the mean speed-up within a factor {FACTOR:g} of "
        "omega/(omega eps + 1 - eps) and its 95% interval above 1; the claim's prediction is the SGD arm's",
        "factor": FACTOR,
        "interval": "95%",
    }
    verdicts = {arm: arm_holds(values[arm], n) for arm in ARMS}

    def rows(arm: str) -> str:
        out = []
        for r in values[arm]["rows"]:
            miss = row_miss(r, n)
            out.append(_speedup_text(r) + ("" if miss is None else f" ({miss})"))
        return ", ".join(out)

    reason = (
        f"Prediction {'holds' if verdicts['sgd'] else 'fails'} under plain SGD (lr {values['sgd_lr']:g}; "
        f"{_standard_text(values['sgd'])}): {rows('sgd')}. Under Adam the prediction "
        f"{'holds too' if verdicts['adam'] else 'fails'} ({_standard_text(values['adam'])}): {rows('adam')}; "
        "Adam divides each step by the gradient's running size, which removes the gradient-size effect the law rests "
        f"on ({n} replicate(s))."
    )
    return Judgement("extension", reason, tol, prediction="holds" if verdicts["sgd"] else "fails")


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Bridge prediction vs training step per loss (replicate 1), one panel per optimiser, with the learning times."""
    import matplotlib.pyplot as plt

    from reproduce.myopia.figures import legend_below
    from reproduce.plotting import figure_path, save_figure

    v = result["measured"]
    curves = result["details"]["curves"]
    fig, axes = plt.subplots(1, len(ARMS), figsize=(14, 6.2))
    for ax, arm in zip(axes, ARMS):
        first = v[arm]["per_seed"][0]
        for j, lam in enumerate(curves[arm]):
            c, r = curves[arm][lam], first[lam]
            label = "standard" if lam == "0" else f"weighted, lam = {lam}"
            when = "censored" if r["half"] is None else f"climb {r['start']:.0f}-{r['half']:.0f}"
            ax.semilogy(c["step"], c["bridge"], color=f"C{j}", label=f"{label}: {when}")
            ax.axhline(r["target"], color=f"C{j}", ls=":", lw=1)
            if r["half"] is not None:
                ax.axvspan(r["start"], r["half"], color=f"C{j}", alpha=0.08)
        rows = ", ".join(
            f"lam {r['lam']:g}: "
            + ("-" if r["measured_speedup"] is None else f"{r['measured_speedup']['mean']:.2f}")
            + f" (pred. {r['predicted_speedup']:.2f})"
            for r in v[arm]["rows"]
        )
        name = "Adam, cosine-decayed rate" if arm == "adam" else f"plain SGD, rate {v['sgd_lr']:g}"
        ax.set_title(f"{name}\nmean speed-up over {len(v['seeds'])} seed(s):\n{rows}")
        ax.set_xlabel("training step")
        ax.set_ylabel("bridge: predicted P(A_0 = 1 | A_T)")
        legend_below(ax)
    fig.suptitle(
        f"bridge learning dynamics, eps = {v['epsilon']}, replicate 1\n(dotted: p* at the training frequency; "
        "shaded: the climb whose length is the learning time)"
    )
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="bridge.starvation_dynamics",
        version=2,
        location="ours: theory/gradient_starvation.py on trained networks (issue 5)",
        statement=(
            "Prediction (ours): trained by plain SGD, where the gradient-flow law applies, "
            "a network learns the rare bridge omega/(omega eps + 1 - eps) times faster under the weighted loss than "
            "under the standard one; under Adam the speed-up is measured, not predicted."
        ),
        paper_value="prediction (ours): speed-up omega/(omega eps + 1 - eps) under gradient flow",
        configs=CONFIGS,
        measure=measure,
        trainings=trainings,
        judge=judge,
        figure=figure,
        kind="extension",
        reproduction=trained(
            0.05,
            "trained networks read through 64 fixed noise draws: predicted marginals within 0.05; "
            "learning times within two logging intervals at each end of the climb (100 steps), "
            "so speed-ups within a factor of about 1.3 (0.3 relative); numbers fixed by configuration or training "
            "data up to float32 round-off",
            **{
                "*.start": (0.0, 50.0),
                "*.half": (0.0, 50.0),
                "*.time": (0.0, 100.0),
                "*learning_time.*": (0.0, 100.0),
                "*measured_speedup.*": (0.3, 0.0),
                "*measured_in": FIXED,
                "*sgd_lr": FIXED,
                **REPLICATE_KEYS,
            },
        ),
    )
)
