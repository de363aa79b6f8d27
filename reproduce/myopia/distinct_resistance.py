"""Claim ``myopia.distinct_resistance`` -- Exp II: the chain's two bridges have "distinct" R_eff.

Siami's Exp II joins K10, K15 and K20 by two bridges and says they have "distinct Effective
Resistance values".  For single-edge bridges this cannot hold: all current between the ends of a
bridge crosses it, so ``R_eff = 1`` for both (eq. 3.1, checked by ``myopia.reff_bridge``).  Only
*thickened* links, ``k >= 2`` parallel cross edges between consecutive blocks (the generator of
:func:`reproduce.myopia.graphs.clique_chain`), can differ.

We compute every cross edge's resistance with the dense grounded inverse
(:func:`theory.effective_resistance.resistance_matrix`, no bridge shortcut) for the literal chain
and for every pair of link thicknesses ``(k1, k2)`` in the configured range, and report each link's
value (all cross edges of one link are symmetric, so they share one value; the spread is checked).

Verdict rule (written before the numbers were computed): ``differs`` when the literal chain's two
bridges agree within ``TOLERANCE`` (floating-point, 1e-9); ``reproduced`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.myopia.graphs import clique_chain
from theory.effective_resistance import resistance_matrix

TOLERANCE = 1e-9
"""Absolute tolerance for "equal" resistances: floating-point agreement."""


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.distinct_resistance``.

    Attributes
    ----------
    sizes : tuple of int
        Block sizes of the chain (paper: 10, 15, 20).
    max_thickness : int
        Link thicknesses ``k1, k2`` run over ``1 .. max_thickness``.
    """

    sizes: tuple[int, ...] = (10, 15, 20)
    max_thickness: int = 3


CONFIGS = {"quick": Config(max_thickness=2), "default": Config(), "paper": Config(max_thickness=4)}


def link_resistances(sizes: tuple[int, ...], thickness: tuple[int, ...]) -> list[list[float]]:
    """The effective resistance of every cross edge of each link of ``clique_chain(sizes, thickness)``.

    Returns one list per link (between blocks ``i`` and ``i + 1``), in the generator's edge order.
    """
    G, _cross = clique_chain(sizes, thickness)
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    R = resistance_matrix(G, nodes)
    out, start = [], 0
    for i, k in enumerate(thickness):
        start += sizes[i]
        edges = [(start - 1 - j, start + j) for j in range(k)]
        out.append([float(R[index[u], index[v]]) for u, v in edges])
    return out


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Both bridges of the literal chain, and each link's R_eff for every pair of thicknesses."""
    del rng  # deterministic: the graphs are fixed
    literal = [values[0] for values in link_resistances(config.sizes, (1,) * (len(config.sizes) - 1))]
    pairs, spread = [], 0.0
    for k1 in range(1, config.max_thickness + 1):
        for k2 in range(1, config.max_thickness + 1):
            links = link_resistances(config.sizes, (k1, k2))
            spread = max(spread, *(max(v) - min(v) for v in links))
            pairs.append({"k1": k1, "k2": k2, "R1": links[0][0], "R2": links[1][0], "diff": links[0][0] - links[1][0]})
    thick_equal = [p for p in pairs if p["k1"] == p["k2"] and p["k1"] > 1]
    values = {
        "literal_R": literal,
        "literal_abs_diff": abs(literal[0] - literal[1]),
        "pairs": pairs,
        "within_link_spread": spread,
        "min_abs_diff_equal_thickness": min((abs(p["diff"]) for p in thick_equal), default=None),
        "min_abs_diff_thickened": min((abs(p["diff"]) for p in pairs if max(p["k1"], p["k2"]) > 1), default=None),
    }
    two = next((p for p in thick_equal if p["k1"] == 2), None)
    headline = f"single-edge bridges: R = {literal[0]:.12g} and {literal[1]:.12g}" + (
        f"; links of 2 edges: {two['R1']:.4f} (K{config.sizes[0]}-K{config.sizes[1]}) and "
        f"{two['R2']:.4f} (K{config.sizes[1]}-K{config.sizes[2]})"
        if two
        else ""
    )
    return Measurement(values, headline)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Differs when the literal chain's two bridges have the same R_eff (within 1e-9)."""
    tolerance = {"equal_within": TOLERANCE}
    r1, r2 = values["literal_R"]
    thick = values["min_abs_diff_thickened"]
    equal = values["min_abs_diff_equal_thickness"]
    beyond = (
        f"Thickened links differ: every pair with a link of 2 or more edges gives distinct values "
        f"(smallest difference {thick:.3g}; {equal:.3g} when both links have the same thickness, "
        "set by the block sizes)."
        if thick is not None and equal is not None
        else "No thickened link was computed."
    )
    if values["literal_abs_diff"] <= TOLERANCE:
        return Judgement(
            "differs",
            f"The chain's two single-edge bridges have the same effective resistance, {r1:.12g} and "
            f"{r2:.12g} (eq. 3.1: every bridge has R_eff = 1), not distinct values. {beyond}",
            tolerance,
        )
    return Judgement("reproduced", f"The two bridges have R_eff {r1:.6g} and {r2:.6g}. {beyond}", tolerance)


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Each link's R_eff for every thickness pair, with the single-edge value of eq. 3.1."""
    import matplotlib.pyplot as plt

    from reproduce.plotting import figure_path, legend_outside, save_figure

    m, sizes = result["measured"], result["config"]["sizes"]
    pairs = m["pairs"]
    x = np.arange(len(pairs))
    fig, ax = plt.subplots(figsize=(max(6.4, 0.7 * len(pairs) + 2), 4.2))
    ax.bar(x - 0.2, [p["R1"] for p in pairs], 0.4, color="#4575b4", label=f"link K{sizes[0]}-K{sizes[1]}")
    ax.bar(x + 0.2, [p["R2"] for p in pairs], 0.4, color="#f46d43", label=f"link K{sizes[1]}-K{sizes[2]}")
    ax.axhline(1.0, color="black", ls=":", lw=1.5, label="a bridge: R_eff = 1 (eq. 3.1)")
    ax.set_xticks(x, [f"{p['k1']}+{p['k2']}" for p in pairs])
    ax.set_xlabel("cross edges per link (k1 + k2); 1+1 is the paper's chain")
    ax.set_ylabel("R_eff of a cross edge")
    ax.set_ylim(0, 1.15)
    ax.set_title('Exp II: are the two links\' resistances "distinct"?')
    legend_outside(fig)
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.distinct_resistance",
        location="Exp II (Sec. 5, Table 2)",
        statement='The asymmetric chain\'s two bridges have "distinct effective resistance values".',
        paper_value="distinct R_eff for the two bridges (no number)",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
