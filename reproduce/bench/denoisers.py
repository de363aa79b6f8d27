"""Benchmark of the EDM-trained spectral-bias denoisers: training steps/s and Heun samples/s.

Run ``python -m reproduce.bench.denoisers``.  Times the default-preset networks (the printed
Gaussian MLP, ``d = 128``, nlayers 5, width 128; the image MLP on 8x8 patches; the convolutional
UNet on 8x8 patches) with their batch sizes and 20-level Heun sampler, and prints ratios measured
in the same process: one torch thread against two (the claims use one), the batched sampler (all
samples of a record in one batch) against sampling in batches of 100, and the printed Gaussian MLP
against the legacy residual MLP this package trained before (the ablation's ``legacy`` arm).

``--cuda`` times the paper preset's Gaussian MLP instead (``d = 256``, nlayers 5, width 256, batch
1024, the preset ``spectral.gaussian_mlp`` trains on a GPU) on the CPU with one thread and on CUDA,
in the same process, and prints steps/s, samples/s and their ratios (issue 12, item 6: a prepared
check of a few minutes for a machine with a GPU).
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np
import torch

from reproduce.spectral_bias.denoisers.edm import edm_loss, heun_sample, sigma_steps
from reproduce.spectral_bias.denoisers.experiments import experiment
from reproduce.spectral_bias.denoisers.training import build_network
from reproduce.torch_runtime import torch_threads


def _row(name: str, value: float, unit: str, extra: str = "") -> None:
    print(f"  {name:<46} {value:10.1f} {unit:<10} {extra}", flush=True)


def _best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _synchronised(fn, device: torch.device):
    """``fn`` followed by a CUDA synchronisation when ``device`` is CUDA (so a timing covers the work)."""

    def run():
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    return run


def paper_on_cuda(steps: int, samples: int, repeats: int) -> dict:
    """Steps/s and samples/s of the paper preset's Gaussian MLP on the CPU (1 thread) and on CUDA."""
    if not torch.cuda.is_available():
        raise ValueError("--cuda needs a CUDA device, and torch sees none.")
    exp = experiment("paper", "gaussian_mlp")
    spec, shape = exp.train, (exp.data.dim,)
    out = {}
    for device in (torch.device("cpu"), torch.device("cuda")):
        model = build_network(spec, shape).to(device)
        gen = torch.Generator(device=device).manual_seed(0)
        data = torch.randn((8192, *shape), generator=gen, device=device)
        noise = torch.randn((samples, *shape), generator=gen, device=device)
        opt = torch.optim.Adam(model.parameters(), lr=spec.lr)
        sig = sigma_steps(spec.heun_steps)  # the levels stay on the CPU, as in training

        def train():
            for _ in range(steps):
                idx = torch.randint(0, data.shape[0], (spec.batch,), generator=gen, device=device)
                loss = edm_loss(model, data[idx], gen)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()

        with torch_threads(1):
            out[f"train_{device.type}"] = steps / _best(_synchronised(train, device), repeats)
            out[f"sample_{device.type}"] = samples / _best(
                _synchronised(lambda: heun_sample(model, noise, sig), device), repeats
            )
    print(
        f"paper gaussian_mlp (d = {exp.data.dim}, width {spec.width}, batch {spec.batch}, {spec.heun_steps}-level "
        f"Heun; {torch.cuda.get_device_name(0)})"
    )
    _row("training, CPU 1 thread", out["train_cpu"], "steps/s")
    _row("training, CUDA", out["train_cuda"], "steps/s", f"(CUDA / CPU = {out['train_cuda'] / out['train_cpu']:.1f}x)")
    _row("sampling, CPU 1 thread", out["sample_cpu"], "samples/s")
    _row(
        "sampling, CUDA",
        out["sample_cuda"],
        "samples/s",
        f"(CUDA / CPU = {out['sample_cuda'] / out['sample_cpu']:.1f}x)",
    )
    return out


def bench(name: str, steps: int, samples: int, repeats: int, variant: str = "printed") -> dict:
    """Steps/s and samples/s of the default run ``name`` for 1 and 2 threads and two sampling batch sizes."""
    exp = experiment("default", name)
    spec = exp.train if exp.train.arch != "mlp" else dataclasses.replace(exp.train, variant=variant)
    shape = (exp.data.dim,) if exp.data.source == "gaussian" else (1, exp.data.patch, exp.data.patch)
    model = build_network(spec, shape)
    flat = (int(np.prod(shape)),) if spec.arch == "mlp" else shape
    gen = torch.Generator().manual_seed(0)
    data = torch.randn((4096, *flat), generator=gen)
    opt = torch.optim.Adam(model.parameters(), lr=spec.lr)
    sig = sigma_steps(spec.heun_steps)
    noise = torch.randn((samples, *flat), generator=gen)

    def train():
        for _ in range(steps):
            idx = torch.randint(0, data.shape[0], (spec.batch,), generator=gen)
            loss = edm_loss(model, data[idx], gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    def sample(chunk):
        return lambda: [heun_sample(model, noise[i : i + chunk], sig) for i in range(0, samples, chunk)]

    out = {}
    for threads in (1, 2):
        with torch_threads(threads):
            out[f"train_{threads}"] = steps / _best(train, repeats)
            out[f"sample_{threads}"] = samples / _best(sample(samples), repeats)
    with torch_threads(1):
        out["sample_small"] = samples / _best(sample(100), repeats)
    n_par = sum(p.numel() for p in model.parameters())
    arch = spec.arch if spec.arch != "mlp" else f"mlp, {spec.variant}"
    print(f"{name} ({arch}, {n_par} parameters, batch {spec.batch}, {spec.heun_steps}-level Heun)")
    _row(
        "training, 1 thread",
        out["train_1"],
        "steps/s",
        f"(2 threads: {out['train_2']:.1f}, ratio 1/2 = {out['train_1'] / out['train_2']:.2f})",
    )
    _row(
        "sampling, 1 thread, one batch",
        out["sample_1"],
        "samples/s",
        f"(2 threads: {out['sample_2']:.0f}, ratio 1/2 = {out['sample_1'] / out['sample_2']:.2f})",
    )
    _row(
        "sampling, 1 thread, batches of 100",
        out["sample_small"],
        "samples/s",
        f"(batched / small = {out['sample_1'] / out['sample_small']:.2f}x)",
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reproduce.bench.denoisers",
        description="Time training and sampling of the EDM-trained spectral-bias denoisers.",
    )
    parser.add_argument("--steps", type=int, default=100, help="training steps per timing (default 100)")
    parser.add_argument("--samples", type=int, default=2000, help="samples per sampling timing (default 2000)")
    parser.add_argument(
        "--repeats", type=int, default=3, help="timings per measurement; the minimum is reported (default 3)"
    )
    parser.add_argument(
        "--cuda",
        action="store_true",
        help="time the paper preset's Gaussian MLP on the CPU and on CUDA instead (needs a GPU)",
    )
    args = parser.parse_args(argv)
    if args.cuda:
        try:
            paper_on_cuda(args.steps, args.samples, args.repeats)
        except ValueError as exc:
            parser.error(str(exc))
        return 0
    print("EDM denoiser benchmark (CPU; min of repeats)")
    printed = bench("gaussian_mlp", args.steps, args.samples, args.repeats)
    legacy = bench("gaussian_mlp", args.steps, args.samples, args.repeats, variant="legacy")
    print(
        f"printed / legacy Gaussian MLP: training {printed['train_1'] / legacy['train_1']:.2f}x, "
        f"sampling {printed['sample_1'] / legacy['sample_1']:.2f}x (1 thread; > 1 means the printed network is faster)"
    )
    for name in ("patches_mlp", "patches_cnn"):
        bench(name, args.steps, args.samples, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
