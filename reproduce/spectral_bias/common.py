"""Shared grids and small helpers of the spectral-bias claims."""

from __future__ import annotations

import numpy as np

FIG2_LAMBDAS = (10.0, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01, 0.001)
"""Mode variances of the paper's Fig. 2."""

CLOSED_FORM_RTOL = 1e-6
"""Closed form vs numerical twin: the issue's agreement target (relative)."""


def max_rel(a, b) -> float:
    """Largest relative difference ``|a/b - 1|``."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a / b - 1.0)))


def random_rotation(d: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-random orthogonal matrix (QR of a Gaussian matrix with the sign fix)."""
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def mode_colors(n: int):
    """``n`` colours from dark (large variance) to light (small variance)."""
    import matplotlib.pyplot as plt

    return plt.get_cmap("viridis")(np.linspace(0.0, 0.9, n))


def fig2_row(axes, lam, tau_w, w, tau_v, v, initial, wlabel, title):
    """One row of the paper's Fig. 2 (or Fig. 5): weights per mode (left), generated variance (right)."""
    colors = mode_colors(len(lam))
    for k, (lk, c) in enumerate(zip(lam, colors)):
        axes[0].semilogx(tau_w, w[:, k], color=c, label=f"lambda = {lk:g}")
        axes[1].loglog(tau_v, v[:, k], color=c)
        axes[1].axhline(lk, color=c, ls=":", lw=1)
    axes[1].axhline(initial, color="0.4", ls="--", lw=1, label="tau -> 0 level")
    axes[0].set_xlabel("training time tau (gradient-flow units, eta = 1)")
    axes[0].set_ylabel(wlabel)
    axes[0].set_title(title)
    axes[1].set_xlabel("training time tau (gradient-flow units, eta = 1)")
    axes[1].set_ylabel("generated variance along mode (data units^2)")
    axes[1].set_title("generated variance (dotted: targets lambda)")
    axes[1].legend(loc="lower right", fontsize=9)
