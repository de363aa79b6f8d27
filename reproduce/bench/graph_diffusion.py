"""Benchmark of the trained edge-diffusion model: training steps/s and sampling graphs/s.

Run ``python -m reproduce.bench.graph_diffusion``.  Times the default-preset network (barbell
2 x K8, width 16, depth 2, T = 20, batch 64) and, for scale, the smallest and largest capacities
of ``myopia.capacity_independence`` and the Exp II chain (45 nodes).  Training runs in a scratch
checkpoint directory (nothing is cached); one thread, as the claims use.  Steps/s exclude the
one-off dataset and ``R_eff`` preparation, which is timed separately for the weighted loss.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import torch

from reproduce.myopia.graph_diffusion import TrainSpec, make_dataset, sample, train


def _row(name: str, value: float, unit: str, extra: str = "") -> None:
    print(f"  {name:<52} {value:10.1f} {unit:<10} {extra}", flush=True)


def bench(spec: TrainSpec, label: str, count: int) -> None:
    """Train ``spec`` from scratch (scratch cache) and sample ``count`` graphs."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        model = train(spec, cache=tmp)
        wall = time.perf_counter() - t0
    _row(
        f"{label}: training",
        spec.steps / model.train_seconds,
        "steps/s",
        f"({model.parameters} parameters, {spec.steps} steps, batch {spec.batch}; wall incl. setup {wall:.1f} s)",
    )
    gen = torch.Generator().manual_seed(0)
    sample(model, 20, gen)
    t0 = time.perf_counter()
    sample(model, count, gen)
    dt = time.perf_counter() - t0
    _row(f"{label}: sampling", count / dt, "graphs/s", f"(T = {spec.T}, {count} graphs, batch 500)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reproduce.bench.graph_diffusion",
        description="Time training and sampling of the trained edge-diffusion model.",
    )
    parser.add_argument("--steps", type=int, default=300, help="training steps per timing (default 300)")
    parser.add_argument("--count", type=int, default=1000, help="graphs sampled per timing (default 1000)")
    args = parser.parse_args(argv)
    print("graph-diffusion benchmark (1 thread, CPU)")
    base = dict(T=20, train_graphs=2000, steps=args.steps, batch=64, lr=1e-2, checkpoint_every=args.steps)
    bench(TrainSpec(width=16, depth=2, **base), "barbell 2xK8, width 16 depth 2 (default)", args.count)
    bench(TrainSpec(width=16, depth=2, lam=2.0, **base), "same, weighted loss lam = 2", args.count)
    bench(TrainSpec(width=8, depth=1, **base), "barbell, width 8 depth 1", args.count)
    bench(TrainSpec(width=32, depth=2, **base), "barbell, width 32 depth 2", args.count)
    bench(
        TrainSpec(family="chain", width=16, depth=2, **base),
        "chain 10-15-20 (45 nodes), width 16 depth 2",
        args.count // 4,
    )
    for lam in (2.0,):
        t0 = time.perf_counter()
        data = make_dataset(TrainSpec(lam=lam, train_graphs=2000))
        total = time.perf_counter() - t0
        _row(
            "R_eff of 2000 barbell training graphs (batched pinv)",
            1000 * data.reff_seconds,
            "ms",
            f"(dataset total {total:.2f} s)",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
