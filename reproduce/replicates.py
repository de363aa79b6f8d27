"""Independent replicates of a trained experiment: their seeds, and the interval of their mean.

A trained verdict rests on ``S`` independent runs (data draw, initialisation, minibatches, training
noise and sampling all re-seeded).  Their seeds come from the master seed (``--seed``, else the
preset's), which reaches every claim inside its own generator (:func:`reproduce.results.claim_rng`
seeds it with ``[master, crc32(claim id)]``).  Replicate seeds are keyed by the *run's* name rather
than the claim's, so that claims which read the same trained run (``spectral.gaussian_mlp`` and
``spectral.alignment``, say) read the same models and the models are trained once.

Intervals are two-sided Student-t intervals of the mean over seeds, the usual between-run error bar
for a handful of independent runs (``S = 1`` has none; callers then fall back to the fit's own
interval, see :func:`theory.emergence.loglog_fit`).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
from scipy import stats

__all__ = ["LEVEL", "Z_99", "interval", "master_seed", "replicate_seeds"]

LEVEL = 0.95
"""Coverage of every interval the trained claims report."""

Z_99 = float(stats.norm.ppf(0.995))
"""Two-sided 99% quantile of the normal distribution (2.5758...): the half-width, in standard
errors, of every 99% band (paper-vs-ours tolerances, error bars of proportions in figures)."""


def master_seed(rng: np.random.Generator) -> int:
    """The master seed a claim's generator was built from (see :func:`reproduce.results.claim_rng`).

    Raises
    ------
    TypeError
        If ``rng`` is not a generator seeded by a sequence whose first word is the master seed.

    Examples
    --------
    >>> from reproduce.results import claim_rng
    >>> master_seed(claim_rng(12345, "spectral.gaussian_mlp"))
    12345
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"expected a numpy Generator, got {type(rng).__name__}.")
    seq = getattr(rng.bit_generator, "seed_seq", None)
    entropy = getattr(seq, "entropy", None)
    if isinstance(entropy, (int, np.integer)):
        return int(entropy)
    if isinstance(entropy, Sequence) and len(entropy) >= 1:
        return int(entropy[0])
    raise TypeError("the generator carries no seed sequence to read the master seed from; build it with claim_rng.")


def replicate_seeds(rng: np.random.Generator, run: str, count: int) -> tuple[int, ...]:
    """``count`` independent 31-bit seeds of the trained run ``run`` under the master seed of ``rng``.

    The same master seed, run name and index always give the same seed, whichever claim asks; a
    different master seed gives different seeds for every replicate.

    Examples
    --------
    >>> from reproduce.results import claim_rng
    >>> a = replicate_seeds(claim_rng(0, "x.a"), "gaussian_mlp", 3)
    >>> a == replicate_seeds(claim_rng(0, "x.b"), "gaussian_mlp", 3), len(set(a))
    (True, 3)
    >>> a == replicate_seeds(claim_rng(1, "x.a"), "gaussian_mlp", 3)
    False
    """
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}.")
    if not isinstance(run, str) or not run:
        raise ValueError(f"run must be a non-empty name, got {run!r}.")
    seq = np.random.SeedSequence([master_seed(rng), zlib.crc32(run.encode("utf-8"))])
    return tuple(int(c.generate_state(1)[0] >> 1) for c in seq.spawn(int(count)))


def interval(values, level: float = LEVEL) -> dict:
    """Mean of per-seed ``values`` with its Student-t interval.

    Returns
    -------
    dict
        ``values`` (as floats), ``n``, ``mean``, ``sd`` (``ddof=1``), ``low`` and ``high``; with a
        single value ``sd``, ``low`` and ``high`` are ``None`` (one run has no between-run spread).

    Examples
    --------
    >>> r = interval([1.0, 2.0, 3.0])
    >>> r["mean"], r["sd"], round(r["high"] - r["mean"], 4)
    (2.0, 1.0, 2.4841)
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.size < 1 or not np.all(np.isfinite(x)):
        raise ValueError(f"interval needs at least one finite value in a 1-D array, got {values!r}.")
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}.")
    out = {
        "values": [float(v) for v in x],
        "n": int(x.size),
        "mean": float(x.mean()),
        "sd": None,
        "low": None,
        "high": None,
    }
    if x.size >= 2:
        sd = float(x.std(ddof=1))
        half = float(stats.t.ppf(0.5 + level / 2, x.size - 1)) * sd / np.sqrt(x.size)
        out.update(sd=sd, low=float(out["mean"] - half), high=float(out["mean"] + half))
    return out
