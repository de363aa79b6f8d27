"""Claim ``myopia.real_graphs`` (extension) -- the sparsifiers on real networks and on a large planted graph.

The paper tests its rankers only on toy graphs.  Here the four rankers of Algorithm 5.1 (random,
standard = frequency, weighted = frequency + ``lambda R_eff``, oracle = ``R_eff``) and the
classical Spielman--Srivastava importance sampling (probability ``prop. to R_eff``, reweighted,
stopped at the same number of distinct edges) are compared on

* four social networks that ship with networkx -- Zachary's karate club (34 nodes, 78 edges),
  Les Miserables co-appearances (77, 254), Florentine families (15, 20), Davis southern women
  (bipartite, 32, 89) -- relabelled ``0..n-1`` (sorted labels) and used **unweighted** (the
  karate and Les Miserables weights are interaction counts, not conductances);
* a large synthetic graph, :func:`reproduce.myopia.graphs.planted_bridge_communities`
  (default 20 communities x 100 nodes, mean degree 12: about 11,000 edges, 19 planted bridges),
  with approximate ``R_eff`` (Spielman--Srivastava projections, ``epsilon = 0.3``), connectivity by
  ``connected_components`` and ``lambda_2`` by shift-invert Lanczos
  (the sparse measures of :mod:`theory.sparsifier_quality`).

**Noisy-observation model for the frequencies** (ours; real graphs have no training set).  Each
edge is observed in each of ``T`` snapshots independently with probability ``pi_e``, and its
frequency is the fraction of snapshots that show it.  On real graphs ``pi_e`` falls linearly in the
percentile rank ``q_e`` of the edge's betweenness centrality, ``pi_e = 0.95 - 0.90 q_e``: weak ties
between groups -- the edges with the most shortest paths through them -- are the rarely observed
ones, as in Granovetter's picture and as the paper's bridge.  On the planted graph ``pi_e`` is
0.05 for the planted bridges and 0.95 for all other edges (Exp I's numbers).  Every trial draws its
own ``T`` snapshots (so the results average over the observation noise) and its own tie-breaking,
random subset or importance sample.

Metrics: connectivity, RSE of ``lambda_2`` (unnormalised Laplacian), and on the small graphs the
spectral approximation ``epsilon`` of :func:`theory.sparsifier_quality.spectral_approximation`.
Rank-kept edges keep conductance 1 (as in the paper); importance-sampled edges are reweighted.
An unweighted subgraph has ``L_H <= L_G``, so its ``epsilon`` is ``1 - lambda_min`` of the pencil.

This extension is descriptive: it makes no prediction, and its verdict is a bare ``extension``
(``Judgement.prediction`` is ``None``) whose reason summarises the measured connectivity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from scipy.stats import rankdata

from reproduce.claims import Claim, Judgement, Measurement, register
from reproduce.myopia.graphs import edge_arrays, planted_bridge_communities
from reproduce.progress import progress
from theory.effective_resistance import edge_resistance_array
from theory.laplacian import laplacian_stack
from theory.sparsifier_quality import (
    algebraic_connectivity,
    algebraic_connectivity_sparse,
    is_connected,
    is_connected_sparse,
    relative_spectral_error,
    spectral_approximation,
)
from theory.sparsifiers import METHODS, edge_budget, importance_sample, method_scores, rank_sparsify

__all__ = ["Config", "REAL_GRAPHS", "betweenness_observation_probability", "load_real_graph", "snapshot_frequencies"]

ALL_METHODS = METHODS + ("spielman_srivastava",)

REAL_GRAPHS: dict[str, Callable[[], nx.Graph]] = {
    "karate": nx.karate_club_graph,
    "les_miserables": nx.les_miserables_graph,
    "florentine": nx.florentine_families_graph,
    "davis": nx.davis_southern_women_graph,
}


@dataclass(frozen=True)
class Config:
    """Parameters of ``myopia.real_graphs``.

    Attributes
    ----------
    graphs : tuple of str
        Keys of :data:`REAL_GRAPHS`.
    rhos : tuple of float
        Densities for the real graphs.
    trials : int
        Trials per (graph, rho, method) on the real graphs.
    snapshots : int
        ``T`` of the observation model.
    pi_common, pi_rare : float
        Observation probability of the least / most central edges (and of planted
        non-bridges / bridges).
    lam : float
        ``lambda`` of the weighted score (above Exp I's threshold 1.2).
    communities, community_size : int
        Planted graph: number and size of the communities.
    degree : float
        Planted graph: mean degree inside a community.
    large_rhos : tuple of float
        Densities for the planted graph.
    large_trials : int
        Trials per (rho, method) on the planted graph.
    approx_epsilon : float
        Target relative error of the approximate ``R_eff``.
    """

    graphs: tuple[str, ...] = ("karate", "les_miserables", "florentine", "davis")
    rhos: tuple[float, ...] = (0.5, 0.7, 0.9)
    trials: int = 200
    snapshots: int = 20
    pi_common: float = 0.95
    pi_rare: float = 0.05
    lam: float = 2.0
    communities: int = 20
    community_size: int = 100
    degree: float = 12.0
    large_rhos: tuple[float, ...] = (0.5, 0.7)
    large_trials: int = 10
    approx_epsilon: float = 0.3


CONFIGS = {
    # quick: a planted graph below 10^4 edges (smoke scale only)
    "quick": Config(trials=30, rhos=(0.5, 0.9), communities=8, community_size=60, large_rhos=(0.7,), large_trials=3),
    "default": Config(),
    "paper": Config(trials=1000, communities=50, community_size=200, large_trials=50, large_rhos=(0.3, 0.5, 0.7, 0.9)),
}


def load_real_graph(name: str) -> nx.Graph:
    """A networkx built-in network, unweighted, nodes relabelled ``0..n-1`` in sorted label order."""
    if name not in REAL_GRAPHS:
        raise ValueError(f"unknown graph {name!r}; choose one of {', '.join(REAL_GRAPHS)}.")
    G = REAL_GRAPHS[name]()
    H = nx.Graph()
    H.add_edges_from(G.edges())
    return nx.convert_node_labels_to_integers(H, ordering="sorted")


def betweenness_observation_probability(G: nx.Graph, pi_common: float, pi_rare: float) -> np.ndarray:
    """``pi_e = pi_common - (pi_common - pi_rare) q_e``, ``q_e`` the betweenness percentile (``G.edges()`` order).

    ``q_e = (rank_e - 1) / (m - 1)`` with average ranks for ties, so the least central edge gets
    ``pi_common`` and the most central one ``pi_rare``.

    Examples
    --------
    On a path the middle edge carries the most shortest paths:

    >>> betweenness_observation_probability(nx.path_graph(4), 0.95, 0.05).round(3).tolist()
    [0.725, 0.05, 0.725]
    """
    bc = nx.edge_betweenness_centrality(G)
    b = np.array([bc[e] for e in G.edges()])
    q = (rankdata(b) - 1) / max(b.size - 1, 1)
    return pi_common - (pi_common - pi_rare) * q


def snapshot_frequencies(pi: np.ndarray, snapshots: int, rng: np.random.Generator, draws: int = 1) -> np.ndarray:
    """Fraction of ``snapshots`` independent observations in which each edge is seen.

    Returns
    -------
    ndarray, shape (draws, m)
        One row of frequencies per independent set of snapshots.

    Examples
    --------
    >>> snapshot_frequencies(np.array([0.0, 1.0]), 10, np.random.default_rng(0)).tolist()
    [[0.0, 1.0]]
    """
    p = np.asarray(pi, dtype=float)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("observation probabilities must lie in [0, 1].")
    if int(snapshots) != snapshots or snapshots < 1:
        raise ValueError(f"snapshots must be a positive integer, got {snapshots!r}.")
    return rng.binomial(int(snapshots), p, size=(int(draws), p.size)) / snapshots


def _masks(method: str, f: np.ndarray, R: np.ndarray, rho: float, trials: int, lam: float, rng: np.random.Generator):
    """Kept-edge masks (trials, m) and conductances (trials, m) of one method; ``f`` has one row per trial."""
    m = R.size
    if method != "spielman_srivastava":
        masks = rank_sparsify(method_scores(method, f, R, lam=lam), rho, rng, trials=trials)
        return masks, np.ones((trials, m))
    k = edge_budget(m, rho)
    p = R / R.sum()
    out = [importance_sample(p, k, rng) for _ in range(trials)]
    return np.array([o[0] for o in out]), np.array([o[1] for o in out])


def _small_graph(name: str, config: Config, rng: np.random.Generator) -> tuple[dict, dict]:
    G = load_real_graph(name)
    n, t, h = edge_arrays(G)
    R = edge_resistance_array(n, t, h)
    pi = betweenness_observation_probability(G, config.pi_common, config.pi_rare)
    f = snapshot_frequencies(pi, config.snapshots, rng, draws=config.trials)
    L_G = laplacian_stack(n, t, h, np.ones((1, t.size), bool))[0]
    lam2_G = float(algebraic_connectivity(L_G[None])[0])
    is_bridge = np.isclose(R, 1.0, atol=1e-9)
    out: dict[str, Any] = {
        "nodes": n,
        "edges": int(t.size),
        "bridges": int(is_bridge.sum()),
        "spanning_tree_density": (n - 1) / t.size,
        "bridge_mean_observation_probability": float(pi[is_bridge].mean()) if is_bridge.any() else None,
        "corr_observation_probability_resistance": float(np.corrcoef(pi, R)[0, 1]),
    }
    for rho in config.rhos:
        block = {}
        for method in ALL_METHODS:
            masks, w = _masks(method, f, R, rho, config.trials, config.lam, rng)
            connected = is_connected(n, t, h, masks)
            # A disconnected H has lambda_2 = 0 (RSE 1) and, kept unweighted (L_H <= L_G), epsilon = 1
            # exactly; only connected or reweighted subgraphs need an eigen-decomposition.
            rse = np.ones(config.trials)
            eps = np.ones(config.trials)
            need = connected if method != "spielman_srivastava" else np.ones(config.trials, bool)
            if need.any():
                L_H = laplacian_stack(n, t, h, masks[need], w[need])
                rse[need] = relative_spectral_error(lam2_G, algebraic_connectivity(L_H))
                eps[need] = spectral_approximation(L_G, L_H)
            block[method] = {
                "connectivity": float(connected.mean()),
                "rse_mean": float(rse.mean()),
                "epsilon_mean": float(eps.mean()),
            }
        out[f"rho={rho:g}"] = block
    return out, {"observation_probability": pi, "resistance": R}


def _large_graph(config: Config, rng: np.random.Generator) -> tuple[dict, dict]:
    G, bridges = planted_bridge_communities(rng, config.communities, config.community_size, config.degree)
    n, t, h = edge_arrays(G)
    is_bridge = np.array([(min(a, b), max(a, b)) in bridges for a, b in zip(t.tolist(), h.tolist())])
    info: dict = {}
    R = edge_resistance_array(n, t, h, method="approx", epsilon=config.approx_epsilon, seed=rng, info=info)
    pi = np.where(is_bridge, config.pi_rare, config.pi_common)
    f = snapshot_frequencies(pi, config.snapshots, rng, draws=config.large_trials)
    lam2_G = algebraic_connectivity_sparse(n, t, h)
    out: dict[str, Any] = {
        "nodes": n,
        "edges": int(t.size),
        "planted_bridges": int(is_bridge.sum()),
        "approx_projections": int(info.get("projections", 0)),
        "lambda2_G": lam2_G,
        "bridge_R_min": float(R[is_bridge].min()),
        "nonbridge_R_max": float(R[~is_bridge].max()),
    }
    for rho in config.large_rhos:
        block = {}
        for method in ALL_METHODS:
            masks, w = _masks(method, f, R, rho, config.large_trials, config.lam, rng)
            conn, rse = [], []
            for mask, wk in zip(masks, w):
                ok = is_connected_sparse(n, t, h, mask)
                lam2 = algebraic_connectivity_sparse(n, t, h, mask, wk) if ok else 0.0
                conn.append(ok)
                rse.append(abs(lam2_G - lam2) / lam2_G)
            block[method] = {
                "connectivity": float(np.mean(conn)),
                "rse_mean": float(np.mean(rse)),
                "bridges_kept": float(masks[:, is_bridge].all(axis=1).mean()),
            }
        out[f"rho={rho:g}"] = block
    return out, {
        "bridge_R": R[is_bridge],
        "nonbridge_R_sample": np.sort(R[~is_bridge])[:: max(1, (~is_bridge).sum() // 400)],
    }


def measure(config: Config, rng: np.random.Generator) -> Measurement:
    """All methods on every real graph at every rho, and on the planted graph."""
    values: dict[str, Any] = {}
    details: dict[str, Any] = {}
    for name in progress(config.graphs, desc="small graphs"):
        values[name], details[name] = _small_graph(name, config, rng)
    values["planted"], details["planted"] = _large_graph(config, rng)
    summary = {}
    for method in ALL_METHODS:
        cells = [values[g][f"rho={r:g}"][method]["connectivity"] for g in config.graphs for r in config.rhos]
        summary[method] = float(np.mean(cells))
    values["mean_connectivity_real"] = summary
    top = f"rho={max(config.large_rhos):g}"
    headline = (
        "mean connectivity over 4 real graphs x "
        f"{len(config.rhos)} rho: "
        + ", ".join(f"{m} {v:.0%}" for m, v in summary.items())
        + f"; planted graph ({values['planted']['edges']} edges, {top}): "
        + ", ".join(f"{m} {values['planted'][top][m]['connectivity']:.0%}" for m in ALL_METHODS)
    )
    return Measurement(values, headline, details)


def judge(values: Mapping[str, Any], config: Config) -> Judgement:
    """Extension: a summary of which rankers keep the graphs connected."""
    s = values["mean_connectivity_real"]
    top = f"rho={max(config.large_rhos):g}"
    p = values["planted"][top]
    return Judgement(
        "extension",
        f"On the four real networks (frequencies from the betweenness observation model, lambda = {config.lam:g}) "
        f"mean connectivity is standard {s['standard']:.0%}, weighted {s['weighted']:.0%}, oracle {s['oracle']:.0%}, "
        f"random {s['random']:.0%}, Spielman-Srivastava {s['spielman_srivastava']:.0%}. On the planted graph "
        f"({values['planted']['edges']} edges, {top}) standard keeps all bridges "
        f"in {p['standard']['bridges_kept']:.0%} of trials, weighted in {p['weighted']['bridges_kept']:.0%}, "
        f"Spielman-Srivastava in {p['spielman_srivastava']['bridges_kept']:.0%}.",
        f"descriptive: {config.trials} trials per cell (real graphs), {config.large_trials} (planted)",
    )


def figure(result: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """One panel per metric: every (graph, rho) on the x axis, the five methods as markers side by side."""
    import matplotlib.pyplot as plt

    from reproduce.myopia.figures import METHOD_COLORS, wilson_yerr
    from reproduce.plotting import figure_path, legend_outside, save_figure

    m, cfg = result["measured"], result["config"]
    graphs = list(cfg["graphs"]) + ["planted"]
    labels = {
        "random": "random",
        "standard": "standard",
        "weighted": f"weighted (lam={cfg['lam']:g})",
        "oracle": "oracle",
        "spielman_srivastava": "Spielman-Srivastava",
    }
    markers = {"random": "o", "standard": "s", "weighted": "^", "oracle": "D", "spielman_srivastava": "v"}
    groups = [(g, r) for g in graphs for r in (cfg["large_rhos"] if g == "planted" else cfg["rhos"])]
    x = np.arange(len(groups))
    metrics = (
        ("connectivity", "connectivity (bars: 99% Wilson)"),
        ("rse_mean", "mean RSE of lambda_2"),
        ("epsilon_mean", "mean spectral epsilon"),
    )
    fig, axes = plt.subplots(3, 1, figsize=(14, 10.5), sharex=True)
    width = 0.8 / len(ALL_METHODS)
    for ax, (key, ylabel) in zip(axes, metrics):
        for k, method in enumerate(ALL_METHODS):
            shown = [i for i, (g, _) in enumerate(groups) if not (g == "planted" and key == "epsilon_mean")]
            y = np.array([m[groups[i][0]][f"rho={groups[i][1]:g}"][method][key] for i in shown])
            xs = x[shown] + (k - (len(ALL_METHODS) - 1) / 2) * width
            style = dict(color=METHOD_COLORS[method], marker=markers[method], ms=6, ls="none", label=labels[method])
            if key == "connectivity":
                n = np.array([cfg["large_trials"] if groups[i][0] == "planted" else cfg["trials"] for i in shown])
                ax.errorbar(xs, y, yerr=wilson_yerr(y, n), capsize=2, **style)
            else:
                ax.plot(xs, y, **style)
        ax.set_ylabel(ylabel)
        for i in range(1, len(groups)):
            if groups[i][0] != groups[i - 1][0]:
                ax.axvline(i - 0.5, color="0.3", lw=1)
    axes[0].set_ylim(-0.05, 1.05)
    axes[1].set_ylim(bottom=0)
    axes[2].set_ylim(bottom=0)
    planted = [i for i, (g, _) in enumerate(groups) if g == "planted"]
    if planted:
        axes[2].text(
            np.mean(planted),
            0.5,
            "not computed:\nneeds dense\neigensolves",
            transform=axes[2].get_xaxis_transform(),
            ha="center",
            va="center",
        )
    for g in graphs:
        idx = [i for i, (h, _) in enumerate(groups) if h == g]
        info = m[g]
        bridges = info.get("bridges", info.get("planted_bridges"))
        axes[0].text(
            np.mean(idx),
            1.03,
            f"{g}\nn={info['nodes']}, m={info['edges']}\nbridges: {bridges}",
            transform=axes[0].get_xaxis_transform(),
            ha="center",
            va="bottom",
        )
    axes[-1].set_xticks(x, [f"rho={r:g}" for _, r in groups])
    axes[-1].set_xlim(-0.5, len(groups) - 0.5)
    fig.suptitle(
        "Sparsifiers on real networks (betweenness observation model) and on a planted-bridge graph (approximate R_eff)"
    )
    legend_outside(fig, axes[:1], ncols=len(ALL_METHODS))
    return [save_figure(fig, figure_path(result, out_dir))]


CLAIM = register(
    Claim(
        id="myopia.real_graphs",
        location="beyond the paper (Sec. 5 protocol on real and large graphs)",
        statement=(
            "The four rankers and Spielman-Srivastava sampling on four real networks (noisy-observation "
            "frequencies) and on a >= 10^4-edge graph with planted rare bridges: connectivity, RSE, spectral epsilon."
        ),
        paper_value="not in the paper",
        configs=CONFIGS,
        measure=measure,
        judge=judge,
        figure=figure,
        kind="extension",
    )
)
