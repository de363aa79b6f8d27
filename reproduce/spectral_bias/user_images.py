"""Run the trained-denoiser spectral analysis on the user's own images (MNIST, CIFAR-10, FFHQ32, ...).

Nothing is downloaded at run time, so the checklist's image claims use stand-ins
(:mod:`.denoisers.image_data`).  Users who have the paper's data sets exported to disk point this command at
them; it trains the preset's MLP (or CNN) run on those images with the same EDM loss, recorder and
``tau*`` protocol, and writes ``results/user/<name>.json`` and ``figures/user/<name>.png``::

    python -m reproduce.spectral_bias.user_images --path ~/data/mnist_train.npz --name mnist --arch mlp

The paper's settings (MLP 8 x 1024 for MNIST, 8 x 3072 for 32x32 RGB, 100k steps) are the
``paper`` preset; ``default`` trains the small CPU model in minutes.  Checkpoints are cached and a
killed run resumes (:mod:`.denoisers.training`).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path

import numpy as np

from reproduce.paths import REPO_ROOT, root_argument, writable_root
from reproduce.results import write_json_atomic

from .denoisers.experiments import EXPERIMENTS, Experiment, experiment, make_data, run
from .denoisers.spectra import MIN_MODES, analyse, draw_spectral_figure, recording_details, summary

__all__ = ["crossing_warning", "default_name", "main", "user_experiment"]


def user_experiment(preset: str, arch: str, path: str, count: int, size: int, grayscale: bool) -> Experiment:
    """The preset's image run of ``arch`` with the user's images as data."""
    if arch not in ("mlp", "cnn"):
        raise ValueError(f"arch must be 'mlp' or 'cnn', got {arch!r}.")
    exp = experiment(preset, f"patches_{arch}")
    data = dataclasses.replace(
        exp.data,
        source="folder",
        path=str(Path(path).expanduser().resolve()),
        count=count,
        size=size,
        grayscale=grayscale,
    )
    return dataclasses.replace(exp, data=data)


def output_name(value: str) -> str:
    """``argparse`` type of ``--name``: a plain file-name stem, so that the outputs stay under ``--root``."""
    if not re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a plain name: use letters, digits, '.', '_' and '-', without path separators"
        )
    return value


def default_name(path: str, arch: str) -> str:
    """The output name when ``--name`` is not given: the data's file or folder name and the network.

    Examples
    --------
    >>> default_name("~/data/mnist_train.npz", "mlp"), default_name("/data/ffhq 32/", "cnn")
    ('mnist_train-mlp', 'ffhq_32-cnn')
    """
    stem = Path(path.rstrip("/\\")).stem or "images"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).lstrip(".") + f"-{arch}"


def crossing_warning(analysis: dict) -> str | None:
    """A warning when too few modes crossed their target for the power-law fit to say much, else ``None``."""
    live = ~np.asarray(analysis["degenerate"], bool)
    crossed = int(np.sum(np.isfinite(np.asarray(analysis["tau_star"], float)) & live))
    fitted = [branch for branch in ("rising", "falling") if (analysis["fit"][branch] or {}).get("n", 0) >= MIN_MODES]
    if crossed >= live.sum() / 2 and fitted:
        return None
    return (
        f"warning: only {crossed} of {int(live.sum())} modes crossed their target within the run, and "
        f"{'no branch has' if not fitted else 'only the ' + ' and '.join(fitted) + ' branch has'} "
        f"{MIN_MODES} or more fitted modes; the exponents say little. Train longer (--preset default or paper)."
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m reproduce.spectral_bias.user_images",
        description="Train an EDM denoiser on your own images and measure the emergence-time power law "
        "(Wang & Pehlevan, Figs. 3-4, 11-12) with the same protocol as the checklist.",
    )
    p.add_argument(
        "--path",
        required=True,
        help=(
            "a folder of PNG/JPG images (searched recursively) or a .npy/.npz array (N, H, W[, C]) of "
            "uint8 or [0, 1] floats"
        ),
    )
    p.add_argument(
        "--name",
        type=output_name,
        default=None,
        help="name of the output files results/user/<name>.json and figures/user/<name>.png "
        "(letters, digits, '.', '_' and '-'; no path separators); default: from --path and --arch, "
        "e.g. mnist_train-mlp for --path ~/data/mnist_train.npz",
    )
    p.add_argument(
        "--arch",
        choices=("mlp", "cnn"),
        default="mlp",
        help=("MLP-UNet on flattened images, or the convolutional UNet (default: %(default)s)"),
    )
    p.add_argument(
        "--preset",
        choices=sorted(EXPERIMENTS),
        default="default",
        help=("scale of the training run, as in reproduce.all (default: %(default)s)"),
    )
    p.add_argument(
        "--count",
        type=int,
        default=10_000,
        help=("use at most this many images, the first ones in path order (default: %(default)s)"),
    )
    p.add_argument(
        "--size",
        type=int,
        default=0,
        help=("resize images to size x size; 0 keeps them, and they must then share one shape (default: %(default)s)"),
    )
    p.add_argument("--grayscale", action="store_true", help="convert colour images to gray (default: keep colour)")
    p.add_argument(
        "--root",
        type=root_argument,
        default=REPO_ROOT,
        help=("where results/user and figures/user are written (default: this checkout, %(default)s)"),
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        writable_root(args.root)
        exp = user_experiment(args.preset, args.arch, args.path, args.count, args.size, args.grayscale)
        images = make_data(exp.data)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.name is None:
        args.name = default_name(args.path, args.arch)
    if exp.train.arch == "cnn" and images.shape[-1] % 2 ** (exp.train.levels - 1):
        print(
            f"error: the CNN needs image sides divisible by {2 ** (exp.train.levels - 1)}; use --size.", file=sys.stderr
        )
        return 2
    rec, _ = run(exp, desc=f"{args.name} {args.arch}")
    a = analyse(rec.steps, rec.variances, rec.basis.variances)
    result = {
        "name": args.name,
        "path": exp.data.path,
        "images": list(images.shape),
        "arch": args.arch,
        "preset": args.preset,
        "fit": a["fit"],
        "final_alignment": float(rec.alignment[-1]),
        "details": recording_details(rec, a),
    }
    out = args.root / "results" / "user" / f"{args.name}.json"
    write_json_atomic(out, result)
    fig = draw_spectral_figure(
        result["details"],
        a["fit"],
        f"EDM-trained {args.arch.upper()} on {args.name} ({images.shape[0]} images)",
        args.root / "figures" / "user" / f"{args.name}.png",
    )
    speed = rec.throughput(exp.train)
    print(
        f"{args.name}: {summary(a['fit'])}; alignment {result['final_alignment']:.3f}\n"
        f"training {speed['train_steps_per_s']:.1f} steps/s, sampling {speed['samples_per_s']:.0f} samples/s "
        f"(summed over resumed runs)\nwrote {out}\nwrote {fig}"
    )
    warning = crossing_warning(a)
    if warning:
        print(warning, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
