"""Claim ``myopia.reff_bridge`` -- eq. 3.1: a bridge has effective resistance exactly 1.

Siami (Sec. 3) states that an unweighted bridge has ``R_eff = 1`` (generally ``w R_eff = 1``)
and that an edge of ``K_n`` has ``R_eff = 2/n``.  We check both on the paper's graphs
(barbell 2 x K8; chain K10-K15-K20) and on random weighted graphs with planted bridges.

The values checked come from the *linear algebra* (:func:`theory.effective_resistance.resistance_matrix`,
a grounded-Cholesky inverse with no special case for bridges), so the check is not
circular: the engine's own shortcut, which sets bridges to ``1/w`` combinatorially, is
compared against it separately.  Which edges are bridges is decided by ``networkx.bridges``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.myopia.graphs import barbell, clique_chain, planted_bridge_graph
from theory.effective_resistance import edge_resistances, resistance_matrix

TOLERANCE = 1e-9
"""Absolute tolerance on ``R_eff`` and ``w R_eff``: floating-point agreement, no modelling error."""


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.reff_bridge``.

    Attributes
    ----------
    clique : int
        Clique size of the barbell (paper: 8).
    chain : tuple of int
        Block sizes of the chain (paper: 10, 15, 20).
    random_graphs : int
        Number of random weighted graphs with planted bridges.
    max_pieces : int
        Each random graph has 2 .. max_pieces 2-edge-connected pieces.
    """

    clique: int = 8
    chain: tuple[int, ...] = (10, 15, 20)
    random_graphs: int = 200
    max_pieces: int = 5


CONFIGS = {
    "quick": Config(random_graphs=20),
    "default": Config(random_graphs=300),
    "paper": Config(random_graphs=2000),
}


def _numerical_resistances(G: nx.Graph) -> dict[tuple[Any, Any], float]:
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    R = resistance_matrix(G, nodes)
    return {(u, v): float(R[index[u], index[v]]) for u, v in G.edges()}


def _sorted(edges) -> set[tuple[int, int]]:
    return {(min(u, v), max(u, v)) for u, v in edges}


def _graph_summary(G: nx.Graph) -> dict[str, Any]:
    R = _numerical_resistances(G)
    engine = edge_resistances(G)
    return {
        "edges": [[int(u), int(v)] for u, v in G.edges()],
        "R": [R[e] for e in G.edges()],
        "engine_max_abs_diff": max(abs(engine[e] - R[e]) for e in G.edges()),
    }


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """Resistances on the barbell, the chain, and random graphs with planted bridges."""
    Gb, bridge_b = barbell(config.clique)
    sb = _graph_summary(Gb)
    Rb = dict(zip(map(tuple, sb["edges"]), sb["R"]))
    clique_b = [r for e, r in Rb.items() if _sorted([e]).isdisjoint(bridge_b)]
    barbell_values = {
        "edges": len(Rb),
        "bridge_R": Rb[next(iter(bridge_b))],
        "clique_R_min": min(clique_b),
        "clique_R_max": max(clique_b),
        "clique_R_expected": 2 / config.clique,
        "max_abs_error": max(abs(Rb[next(iter(bridge_b))] - 1), *(abs(r - 2 / config.clique) for r in clique_b)),
    }

    Gc, bridges_c = clique_chain(config.chain)
    sc = _graph_summary(Gc)
    Rc = dict(zip(map(tuple, sc["edges"]), sc["R"]))
    starts = np.cumsum((0,) + config.chain)
    block_of = {v: int(np.searchsorted(starts, v, side="right") - 1) for v in Gc}
    chain_errors = [abs(Rc[e] - 1) for e in Rc if _sorted([e]) <= bridges_c]
    per_block = {}
    for b, size in enumerate(config.chain):
        vals = [r for (u, v), r in Rc.items() if block_of[u] == block_of[v] == b]
        per_block[f"K{size}"] = {"min": min(vals), "max": max(vals), "expected": 2 / size}
        chain_errors += [abs(r - 2 / size) for r in vals]
    chain_values = {
        "edges": len(Rc),
        "bridge_R": sorted(Rc[e] for e in Rc if _sorted([e]) <= bridges_c),
        "clique_R": per_block,
        "max_abs_error": max(chain_errors),
    }

    bridge_errors, nonbridge_max, agree, planted_ok, n_bridges, engine_diff = [], 0.0, 0, 0, 0, 0.0
    leverage_bridge, leverage_other = [], []
    for _ in range(config.random_graphs):
        pieces = int(rng.integers(2, config.max_pieces + 1))
        G, planted = planted_bridge_graph(rng, pieces=pieces)
        R = _numerical_resistances(G)
        engine = edge_resistances(G)
        engine_diff = max(engine_diff, max(abs(engine[e] - R[e]) for e in R))
        lev = {(min(u, v), max(u, v)): G[u][v]["weight"] * r for (u, v), r in R.items()}
        truth = _sorted(nx.bridges(G))
        ours = {e for e, x in lev.items() if abs(x - 1) <= TOLERANCE}
        agree += ours == truth
        planted_ok += planted == truth
        n_bridges += len(truth)
        bridge_errors += [abs(lev[e] - 1) for e in truth]
        others = [x for e, x in lev.items() if e not in truth]
        nonbridge_max = max(nonbridge_max, max(others, default=0.0))
        leverage_bridge += [lev[e] for e in truth]
        leverage_other += others
    random_values = {
        "graphs": config.random_graphs,
        "bridges": n_bridges,
        "max_bridge_leverage_error": max(bridge_errors),
        "max_nonbridge_leverage": nonbridge_max,
        "bridge_sets_agree_with_networkx": agree,
        "planted_bridges_are_the_bridges": planted_ok,
    }
    engine_max = max(sb["engine_max_abs_diff"], sc["engine_max_abs_diff"], engine_diff)
    values = {
        f"barbell_2xK{config.clique}": barbell_values,
        "chain_" + "_".join(f"K{s}" for s in config.chain): chain_values,
        "random_planted": random_values,
        "engine_vs_linear_algebra_max_abs_diff": engine_max,
        "max_abs_error": max(barbell_values["max_abs_error"], chain_values["max_abs_error"], max(bridge_errors)),
    }
    bins = np.linspace(0.0, 1.0, 41)
    headline = (
        f"bridge R = {barbell_values['bridge_R']:.12g} (barbell), {n_bridges} planted weighted bridges: "
        f"max |wR - 1| = {max(bridge_errors):.1e}; K{config.clique} edge R = {barbell_values['clique_R_max']:.12g}"
    )
    details = {
        "barbell": {k: sb[k] for k in ("edges", "R")},
        "barbell_bridges": sorted(map(list, bridge_b)),
        "chain": {k: sc[k] for k in ("edges", "R")},
        "chain_bridges": sorted(map(list, bridges_c)),
        "leverage_bins": bins,
        "leverage_hist_bridges": np.histogram(np.clip(leverage_bridge, 0, 1), bins)[0],
        "leverage_hist_other": np.histogram(np.clip(leverage_other, 0, 1), bins)[0],
    }
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Reproduced iff every checked resistance is within 1e-9 of the formula and bridges match."""
    rnd = values["random_planted"]
    failures = []
    if values["max_abs_error"] > TOLERANCE:
        failures.append(f"max |R - formula| = {values['max_abs_error']:.3g} > {TOLERANCE:g}")
    if rnd["bridge_sets_agree_with_networkx"] != rnd["graphs"]:
        failures.append(
            f"{rnd['graphs'] - rnd['bridge_sets_agree_with_networkx']} random graphs where wR = 1 "
            "does not single out networkx's bridges"
        )
    if rnd["max_nonbridge_leverage"] >= 1 - TOLERANCE:
        failures.append(f"a non-bridge has w R = {rnd['max_nonbridge_leverage']:.12g}")
    if values["engine_vs_linear_algebra_max_abs_diff"] > TOLERANCE:
        failures.append("the edge_resistances engine disagrees with the dense inverse")
    tolerance = {"absolute_R": TOLERANCE, "leverage": TOLERANCE}
    if failures:
        return Judgement("differs", "; ".join(failures) + ".", tolerance)
    return Judgement(
        "reproduced",
        f"Bridges have R_eff = 1/w to within {values['max_abs_error']:.1e} (barbell, chain and "
        f"{rnd['bridges']} planted weighted bridges), clique edges have 2/n, and w R_eff = 1 holds "
        "for exactly the edges networkx calls bridges.",
        tolerance,
    )


def _draw_graph(ax, block: Mapping[str, Any], bridges: list, title: str, norm, cmap) -> None:
    G = nx.Graph()
    G.add_edges_from(map(tuple, block["edges"]))
    pos = nx.kamada_kawai_layout(G)
    bridge_set = {tuple(b) for b in bridges}
    colors = [cmap(norm(r)) for r in block["R"]]
    widths = [4.0 if tuple(sorted(e)) in bridge_set else 0.8 for e in block["edges"]]
    nx.draw_networkx_edges(G, pos, edgelist=[tuple(e) for e in block["edges"]], edge_color=colors, width=widths, ax=ax)
    nx.draw_networkx_nodes(G, pos, node_size=18, node_color="0.2", ax=ax)
    ax.set_title(title)
    ax.set_axis_off()


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Barbell and chain drawn with edges coloured by R_eff (paper values marked on the colour bar);
    leverage histogram of random graphs with the paper's bridge value."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    from reproduce.plotting import figure_path, save_figure

    d = result["details"]
    paper = {k: v for k, v in result["paper_value"].items() if isinstance(v, int | float)}
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    cmap = plt.get_cmap("viridis")
    norm = LogNorm(vmin=0.09, vmax=1.0)
    _draw_graph(axes[0], d["barbell"], d["barbell_bridges"], "Exp I barbell 2 x K8 (bridge drawn thick)", norm, cmap)
    _draw_graph(axes[1], d["chain"], d["chain_bridges"], "Exp II chain K10-K15-K20 (bridges thick)", norm, cmap)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    cbar = fig.colorbar(sm, ax=axes[:2], shrink=0.8, label="effective resistance R_eff (unit conductances)")
    for value in paper.values():
        cbar.ax.axhline(value, color="crimson", lw=2.5)
    ticks = sorted({norm.vmin, *paper.values()})
    cbar.set_ticks(ticks, labels=[f"{v:g} (paper)" if v in paper.values() else f"{v:g}" for v in ticks])
    bins = np.asarray(d["leverage_bins"])
    centers = 0.5 * (bins[1:] + bins[:-1])
    width = bins[1] - bins[0]
    ax = axes[2]
    ax.bar(centers, d["leverage_hist_other"], width=width, color="0.6", label="non-bridge edges")
    ax.bar(centers, d["leverage_hist_bridges"], width=width, color="crimson", label="bridges (networkx)")
    ax.axvline(paper["bridge R_eff"], color="k", ls=":", lw=1.5, label="paper: a bridge has w_e R_eff = 1")
    ax.set_yscale("log")
    top = max(max(d["leverage_hist_other"]), max(d["leverage_hist_bridges"]))
    ax.set_ylim(top=30 * top)  # an empty band above the bars for the legend
    ax.set_xlabel("leverage w_e R_eff(e) (dimensionless)")
    ax.set_ylabel("number of edges")
    n = result["measured"]["random_planted"]["graphs"]
    ax.set_title(f"{n} random weighted graphs\nwith planted bridges")
    ax.legend(loc="upper left")
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.reff_bridge",
        location="eq. 3.1, Sec. 3",
        statement="A bridge has effective resistance exactly 1 (1/w when weighted); a clique edge of K_n has 2/n.",
        paper_value={"bridge R_eff": 1.0, "K_n edge R_eff": "2/n", "barbell 2xK8 clique edge": 0.25},
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
    )
)
