"""What a trained denoiser has learned, read in the eigenbasis of its training data (spec Sec. 4).

At each recorded training step the experiments sample, take the sample covariance ``Sigma~`` and
read ``lam~_k = u_k^T Sigma~ u_k`` along each eigenvector ``u_k`` of the *training* covariance;
the alignment score ``sum_k (U^T Sigma~ U)_kk^2 / sum_kl (U^T Sigma~ U)_kl^2`` is 1 when the data
eigenbasis diagonalises the generated covariance.  Records are taken on a schedule of training
steps: the authors' (every step to 9, then strides 2, 4, 8, 16, 32, 64 from 10, 50, 100, 500,
2500, 5000 on) or a log-spaced one with fewer records, which is what a CPU budget affords.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Eigenbasis", "alignment_score", "eigenbasis", "log_record_steps", "mode_variances", "paper_record_steps"]


@dataclass(frozen=True)
class Eigenbasis:
    """Eigen-decomposition of a data covariance, modes sorted by decreasing variance.

    Attributes
    ----------
    mean : ndarray (d,)
    vectors : ndarray (d, d)
        Orthonormal eigenvectors as columns ``u_k``.
    variances : ndarray (d,)
        Eigenvalues ``lam_k`` (decreasing).
    """

    mean: np.ndarray
    vectors: np.ndarray
    variances: np.ndarray


def _flat(x) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim < 2 or a.shape[0] < 2:
        raise ValueError(f"need at least 2 samples as an array (n, ...), got shape {a.shape}.")
    return a.reshape(a.shape[0], -1)


def eigenbasis(data) -> Eigenbasis:
    """Eigenbasis of the sample covariance (``1/(n-1)`` normalisation) of ``data`` (n, ...).

    Examples
    --------
    >>> b = eigenbasis([[1.0, 3.0], [-1.0, -3.0], [1.0, -3.0], [-1.0, 3.0]])
    >>> np.round(b.variances, 4).tolist(), np.abs(b.vectors[:, 0]).tolist()
    ([12.0, 1.3333], [0.0, 1.0])
    """
    x = _flat(data)
    lam, u = np.linalg.eigh(np.cov(x, rowvar=False).reshape(x.shape[1], x.shape[1]))
    order = np.argsort(lam)[::-1]
    return Eigenbasis(x.mean(axis=0), u[:, order], lam[order])


def _centred_coordinates(samples, basis: Eigenbasis) -> np.ndarray:
    """Centred samples in the eigenbasis, (n, d)."""
    x = _flat(samples)
    if x.shape[1] != basis.vectors.shape[0]:
        raise ValueError(f"samples have dimension {x.shape[1]}, the eigenbasis {basis.vectors.shape[0]}.")
    return (x - x.mean(axis=0)) @ basis.vectors


def mode_variances(samples, basis: Eigenbasis) -> np.ndarray:
    """``lam~_k = u_k^T Sigma~ u_k`` for the sample covariance ``Sigma~`` of ``samples`` (n, ...), shape (d,)."""
    y = _centred_coordinates(samples, basis)
    return np.einsum("nk,nk->k", y, y) / (y.shape[0] - 1)


def alignment_score(samples, basis: Eigenbasis) -> float:
    """Share of the squared entries of ``U^T Sigma~ U`` on its diagonal (1: aligned with the data eigenbasis).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> b = eigenbasis(rng.standard_normal((5000, 3)) * [3.0, 2.0, 1.0])
    >>> alignment_score(rng.standard_normal((100000, 3)) * [3.0, 2.0, 1.0], b) > 0.999
    True
    """
    y = _centred_coordinates(samples, basis)
    c = y.T @ y
    return float(np.sum(np.diag(c) ** 2) / np.sum(c**2))


def paper_record_steps(total: int) -> np.ndarray:
    """The authors' record schedule up to ``total`` steps (spec Sec. 6), always including 1 and ``total``.

    Examples
    --------
    >>> paper_record_steps(60).tolist()[:12]
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14]
    >>> len(paper_record_steps(5000))
    297
    """
    if int(total) != total or total < 1:
        raise ValueError(f"total must be a positive integer, got {total!r}.")
    steps = [np.arange(1, 10)]
    for start, stop, stride in ((10, 50, 2), (50, 100, 4), (100, 500, 8), (500, 2500, 16), (2500, 5000, 32)):
        steps.append(np.arange(start, stop, stride))
    steps.append(np.arange(5000, total + 1, 64))
    s = np.concatenate(steps)
    return np.unique(np.append(s[s <= total], total))


def log_record_steps(total: int, count: int) -> np.ndarray:
    """About ``count`` steps from 1 to ``total``, evenly spaced in ``log step`` (distinct integers).

    Examples
    --------
    >>> log_record_steps(1000, 4).tolist()
    [1, 10, 100, 1000]
    """
    if int(total) != total or total < 1 or int(count) != count or count < 2:
        raise ValueError(f"need integers total >= 1 and count >= 2, got {total!r} and {count!r}.")
    return np.unique(np.rint(np.logspace(0, np.log10(total), count)).astype(int))
