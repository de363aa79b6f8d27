"""Reproduction tolerances of the trained-network claims, derived from their own sampling error.

On the machine that made the record, a rerun of a trained claim gives the same bits (one torch
thread, seeded generators).  On another CPU the last bits of training change (other vector
kernels, other BLAS), the network ends up slightly elsewhere, and every number read from its
samples moves within its *sampling error*.  These tolerances say how far, per claim family, so
that :func:`reproduce.record.compare` can tell such a move from a real change.

Graph diffusion (:func:`graph_sampling`): a frequency estimated from ``S`` generated graphs has a
standard error of at most ``0.5/sqrt(S)``; the difference of two independent runs at most
``sqrt(2)`` times that, and we allow 4 of those standard deviations.  A z-score has unit
variance, so two runs' z differ by at most ``4 sqrt(2)`` at the same level.  Numbers fixed by the
configuration or by the training data (parameter counts, training frequencies, ``p*`` of the
training frequency, budgets) do not depend on training and must be equal up to float32 round-off
(1e-6 relative: some are float32 reductions, whose last bits depend on the CPU's kernels).

EDM denoisers (:data:`SPECTRAL_TRAINED`): mode variances come from 2,000 generated samples
(relative standard error ``sqrt(2/2000) ~ 3%``), which moves an emergence step by about one
record and a fitted slope by about its own fit error (~0.1).

Examples
--------
>>> tol = graph_sampling(2000)
>>> round(tol.atol, 4), tol.for_path("rows.0.z"), tol.for_path("parameters")
(0.0632, (0.0, 5.657), (1e-06, 0.0))
"""

from __future__ import annotations

import dataclasses
import math

from .claims import ReproductionTolerance

__all__ = ["FIXED", "SPECTRAL_TRAINED", "graph_sampling", "trained"]

FIXED = (1e-6, 0.0)
"""``(rtol, atol)`` of numbers fixed by configuration or training data: equal up to float32 round-off."""

_SIGMAS = 4.0
"""Standard deviations of the difference between two runs that the tolerances allow."""

_FIXED_PATTERNS = (
    "*parameters*",
    "*train_bridge",
    "*train_frequency",
    "*p_star*",
    "*epsilon*",
    "*lam",
    "*lambda",
    "*omega",
    "*samples",
    "*trials",
    "*kept",
    "*edges",
    "*slots",
    "*critical_z",
    "*theorem",
    "*target",
    "*predicted_speedup",
    "*random_bound_*",
    "*clique_optimum",
    "*width",
    "*depth",
    "steps",
    "sizes.*",
    "train_graphs",
)


def trained(atol: float, reason: str, rtol: float = 0.0, **keys: tuple[float, float]) -> ReproductionTolerance:
    """A trained claim's tolerance: ``keys`` first, then the numbers fixed by configuration or data
    (:data:`FIXED` for every pattern of ``_FIXED_PATTERNS``), then ``(rtol, atol)`` for the rest."""
    table = dict(keys)
    table.update({pattern: FIXED for pattern in _FIXED_PATTERNS if pattern not in table})
    return ReproductionTolerance(rtol=rtol, atol=atol, reason=reason, keys=table)


def graph_sampling(samples: int, **keys: tuple[float, float]) -> ReproductionTolerance:
    """The tolerance of a graph-diffusion claim whose numbers come from ``samples`` generated graphs.

    ``keys`` adds per-number overrides (pattern ``= (rtol, atol)``), checked before the defaults.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples must be a positive integer, got {samples!r}.")
    freq = _SIGMAS * math.sqrt(2.0) * 0.5 / math.sqrt(samples)
    z = round(_SIGMAS * math.sqrt(2.0), 3)
    reason = (
        f"trained network sampled {samples} times: frequencies within {_SIGMAS:g} standard deviations of the "
        f"difference of two runs ({freq:.3f}), z-scores within {z:g}; numbers fixed by configuration or "
        "training data up to float32 round-off"
    )
    tol = trained(freq, reason, **keys)
    table = dict(tol.keys)  # z-scores after the fixed numbers, so that ``critical_z`` stays fixed
    table.setdefault("*z", (0.0, z))
    table.setdefault("*max_abs_z", (0.0, z))
    return dataclasses.replace(tol, keys=table)


SPECTRAL_TRAINED = ReproductionTolerance(
    rtol=0.10,
    atol=0.05,
    reason=(
        "trained EDM denoiser: 2,000 generated samples per record give mode variances to ~3%, which moves "
        "emergence steps by about one record and fitted slopes by about their fit error; 10% relative plus "
        "0.05 absolute, mode counts within a quarter plus 2; sizes and the data-only ceiling up to float32 round-off"
    ),
    keys={
        "*seeds.*": FIXED,
        "*.n": (0.25, 2.0),
        "*seeds_fitted": (0.25, 2.0),
        "*n_min": (0.25, 2.0),
        "*gray_zone": (0.25, 2.0),
        "*no_crossing": (0.25, 2.0),
        "*degenerate": FIXED,
        "*parameters": FIXED,
        "*steps": FIXED,
        "*modes": FIXED,
        "*samples": FIXED,
        "*dim": FIXED,
        "*ceiling": FIXED,
    },
)
"""Tolerance of the trained spectral-bias claims (Gaussian, digits, patches; MLP and CNN)."""
