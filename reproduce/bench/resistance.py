"""Benchmark of the effective-resistance engine against its baselines (issue targets).

Run ``python -m reproduce.bench.resistance``.  Every comparison runs the baseline in the
same process, right before the engine, and prints the ratio, because absolute times on a
shared 2-core machine drift.  Targets:

* exact all edges, Erdos--Renyi 1,000 nodes (mean degree 10): >= 50x faster than
  ``networkx.resistance_distance`` (its all-pairs call, then an edge lookup), values equal
  to 1e-9 relative;
* exact, 70 x 70 grid: <= 2 s;
* approximate, epsilon = 0.3, 150 x 150 grid: <= 5 s, max relative error <= 0.3;
* approximate, epsilon = 0.5, 10^6 edges: <= 120 s and <= 4 GB peak memory (measured in a
  child process, so the peak is its own).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np

from reproduce.myopia.graphs import erdos_renyi_edges, grid_edges
from theory.bridges import bridge_mask
from theory.effective_resistance import edge_resistance_array, edge_resistances


def _timed(fn: Callable[[], Any], repeats: int = 1) -> tuple[float, Any]:
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _row(name: str, seconds: float, target: str, ok: bool, extra: str = "") -> None:
    flag = "ok " if ok else "MISS"
    print(f"[{flag}] {name:<58} {seconds:9.3f} s   target {target:<22} {extra}", flush=True)


def bench_networkx(repeats: int) -> None:
    """Exact engine vs networkx's pseudo-inverse on a 1,000-node Erdos--Renyi graph."""
    G = nx.gnm_random_graph(1000, 5000, seed=1)
    G = G.subgraph(max(nx.connected_components(G), key=len)).copy()
    t_nx, all_pairs = _timed(lambda: nx.resistance_distance(G), 1)
    ref = {(u, v): all_pairs[u][v] for u, v in G.edges()}
    L = nx.laplacian_matrix(G).toarray()
    t_pinv, Lp = _timed(lambda: np.linalg.pinv(L, hermitian=True), repeats)
    t_ours, ours = _timed(lambda: edge_resistances(G), repeats)
    rel = max(abs(ours[e] - ref[e]) / ref[e] for e in ref)
    _row(
        "exact, ER n=1000 deg 10, vs nx.resistance_distance",
        t_ours,
        ">= 50x faster, 1e-9",
        t_nx / t_ours >= 50 and rel <= 1e-9,
        f"ratio {t_nx / t_ours:7.1f}x  max rel diff {rel:.1e}",
    )
    _row(
        "  (same, vs numpy pinv alone, networkx's algorithm)",
        t_ours,
        "(information)",
        True,
        f"ratio {t_pinv / t_ours:7.1f}x",
    )


def bench_grid_exact(repeats: int) -> None:
    """Exact engine on a 70 x 70 grid vs a dense pseudo-inverse."""
    n, t, h = grid_edges(70)
    t_ours, r = _timed(lambda: edge_resistance_array(n, t, h), repeats)
    L = np.zeros((n, n))
    np.add.at(L, (t, h), -1.0)
    np.add.at(L, (h, t), -1.0)
    L[np.diag_indices(n)] = -L.sum(axis=1)
    t_pinv, Lp = _timed(lambda: np.linalg.pinv(L, hermitian=True), 1)
    ref = Lp[t, t] + Lp[h, h] - 2 * Lp[t, h]
    rel = float(np.max(np.abs(r - ref) / ref))
    _row(
        "exact, 70x70 grid (4,900 nodes)",
        t_ours,
        "<= 2 s",
        t_ours <= 2.0,
        f"vs dense pinv {t_pinv / t_ours:5.1f}x  max rel diff {rel:.1e}",
    )


def bench_grid_approx(repeats: int) -> None:
    """Approximate engine (epsilon 0.3) on a 150 x 150 grid, error against exact."""
    n, t, h = grid_edges(150)
    t_exact, exact = _timed(lambda: edge_resistance_array(n, t, h), 1)
    info: dict = {}
    t_ours, approx = _timed(
        lambda: edge_resistance_array(n, t, h, method="approx", epsilon=0.3, seed=0, info=info), repeats
    )
    err = float(np.max(np.abs(approx - exact) / exact))
    _row(
        f"approx eps=0.3, 150x150 grid (solver auto -> {info['solver']})",
        t_ours,
        "<= 5 s, err <= 0.3",
        t_ours <= 5.0 and err <= 0.3,
        f"max rel err {err:.3f}  k={info['projections']}  vs exact {t_exact / t_ours:5.1f}x",
    )


def bench_solver_choice() -> None:
    """Why ``solver="auto"`` measures: each solver loses badly on the other's graph family."""
    rng = np.random.default_rng(5)
    n_grid, tg, hg = grid_edges(100)
    n_er = 5000
    te, he = erdos_renyi_edges(n_er, 5 * n_er, rng)
    for name, (n, t, h) in (("100x100 grid", (n_grid, tg, hg)), ("ER 5,000 nodes deg 10", (n_er, te, he))):
        times = {}
        for solver in ("auto", "direct", "cg"):
            info: dict = {}
            times[solver], _ = _timed(
                lambda: edge_resistance_array(n, t, h, method="approx", epsilon=0.5, seed=0, solver=solver, info=info)
            )
            if solver == "auto":
                picked = info["solver"]
        worse = "cg" if picked == "direct" else "direct"
        _row(
            f"solver choice, {name}: auto -> {picked}",
            times["auto"],
            "auto ~ best",
            times["auto"] <= 1.5 * min(times["direct"], times["cg"]),
            (
                f"direct {times['direct']:.2f} s  cg {times['cg']:.2f} s  "
                f"({worse} / auto {times[worse] / times['auto']:.1f}x)"
            ),
        )


def bench_bridges() -> None:
    """Vectorised bridge finder vs networkx.bridges on a random graph with 2 x 10^5 edges."""
    rng = np.random.default_rng(3)
    n = 100_000
    t, h = erdos_renyi_edges(n, 200_000, rng)
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(t.tolist(), h.tolist()))
    t_nx, truth = _timed(lambda: {frozenset(e) for e in nx.bridges(G)})
    t_ours, mask = _timed(lambda: bridge_mask(n, t, h))
    mine = {frozenset((a, b)) for a, b, x in zip(t.tolist(), h.tolist(), mask) if x}
    _row(
        "bridges, 10^5 nodes 2x10^5 edges, vs nx.bridges",
        t_ours,
        "(information)",
        mine == truth,
        f"ratio {t_nx / t_ours:7.1f}x  same set: {mine == truth}",
    )


def _large_child() -> None:
    rng = np.random.default_rng(0)
    n, m = 200_000, 1_000_000
    t, h = erdos_renyi_edges(n, m, rng)
    info: dict = {}
    t0 = time.perf_counter()
    r = edge_resistance_array(n, t, h, method="approx", epsilon=0.5, seed=1, info=info)
    seconds = time.perf_counter() - t0
    foster = float(r.sum())
    print(json.dumps({"seconds": seconds, "edges": int(t.size), "info": info, "sum_R": foster}))


def bench_large() -> None:
    """Approximate engine on 10^6 edges in a child process (peak memory is the child's)."""
    proc = subprocess.run(
        [sys.executable, "-m", "reproduce.bench.resistance", "--large-child"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    _row(
        "approx eps=0.5, ER 2x10^5 nodes, 10^6 edges",
        out["seconds"],
        "<= 120 s, <= 4 GB",
        out["seconds"] <= 120 and peak_gb <= 4,
        f"peak {peak_gb:.2f} GB  k={out['info']['projections']}  solver={out['info']['solver']}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reproduce.bench.resistance",
        description="Time the effective-resistance engine against the issue's targets and baselines.",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="timings are the minimum over this many runs (default 3)"
    )
    parser.add_argument("--skip-large", action="store_true", help="skip the 10^6-edge case (about 1-2 minutes)")
    parser.add_argument("--large-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.large_child:
        _large_child()
        return 0
    print(f"effective-resistance benchmark (min of {args.repeats} runs; ratios = baseline time / ours)")
    bench_networkx(args.repeats)
    bench_grid_exact(args.repeats)
    bench_grid_approx(args.repeats)
    bench_solver_choice()
    bench_bridges()
    if not args.skip_large:
        bench_large()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
