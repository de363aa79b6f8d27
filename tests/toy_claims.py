"""Toy claims for testing the runner, the result files, the checklist and the CLI.

They are built per test and passed to ``runner.run`` / ``main(claims=...)`` directly, never
registered, so the global registry holds only the real claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from reproduce.claims import Claim, Judgement, Measurement
from reproduce.plotting import save_figure

__all__ = ["ToyConfig", "make_claim"]


@dataclass(frozen=True)
class ToyConfig:
    """Parameters of a toy claim: ``n`` standard normal draws scaled by ``scale``."""

    n: int = 4
    scale: float = 1.0


def make_claim(
    claim_id: str = "toy.alpha",
    *,
    n: int = 4,
    verdict: str = "reproduced",
    fail: bool = False,
    figure: bool = True,
    calls: dict[str, int] | None = None,
    statement: str = "The mean of a few normal draws is small.",
    seen: list[dict] | None = None,
) -> Claim:
    """A toy claim; ``calls["measure"]`` counts measure calls, ``seen`` collects figure inputs.

    ``fail=True`` makes ``measure`` raise ``RuntimeError("toy failure")``.
    """
    counter = {} if calls is None else calls
    counter.setdefault("measure", 0)

    def measure(config: ToyConfig, rng: np.random.Generator) -> Measurement:
        counter["measure"] += 1
        if fail:
            raise RuntimeError("toy failure")
        draws = config.scale * rng.standard_normal(config.n)
        values = {"mean": float(draws.mean()), "draws": draws, "ratio": np.float64(np.nan)}
        return Measurement(values, f"mean = {draws.mean():.3g}", {"curve": np.arange(config.n)})

    def judge(values: Any, config: ToyConfig) -> Judgement:
        return Judgement(verdict, f"toy rule gives {verdict}", {"abs": 10.0})

    def draw(result: dict, out_dir: Path) -> list[Path]:
        if seen is not None:
            seen.append(result)
        fig, ax = plt.subplots()
        ax.plot(result["measured"]["draws"], marker="o")
        ax.set_title(result["claim_id"])
        return [save_figure(fig, Path(out_dir) / f"{result['claim_id']}.png")]

    configs = {name: ToyConfig(n=n) for name in ("quick", "default", "paper")}
    return Claim(
        id=claim_id,
        location="eq. 1",
        statement=statement,
        paper_value={"mean": 0.0},
        configs=configs,
        measure=measure,
        judge=judge,
        figure=draw if figure else None,
    )
