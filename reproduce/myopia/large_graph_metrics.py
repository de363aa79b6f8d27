"""Sparsifier quality on graphs too large for dense eigen-decompositions.

Scalable twins of :mod:`theory.sparsifier_quality` for one subgraph at a time:

* :func:`sparse_laplacian` -- ``L = D - A`` as a CSR matrix from an edge list, a mask and
  conductances;
* :func:`is_connected_sparse` -- one component?  ``scipy.sparse.csgraph.connected_components``,
  ``O(n + m)``;
* :func:`algebraic_connectivity_sparse` -- ``lambda_2`` by shift-invert Lanczos
  (``scipy.sparse.linalg.eigsh`` around ``sigma = -s < 0``, where ``L - sigma I`` is positive
  definite, so its sparse LU exists and the two eigenvalues nearest ``sigma`` are ``0`` and
  ``lambda_2``); 0 without solving when the graph is disconnected.

The dense versions stay the reference: the tests compare both on small graphs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import eigsh

__all__ = ["algebraic_connectivity_sparse", "is_connected_sparse", "sparse_laplacian"]

SHIFT = 1e-6
"""``s`` of the shift ``sigma = -s * mean weighted degree``: small, so that ``lambda_2`` is well
separated from ``lambda_3`` in the inverted spectrum, yet ``L + s I`` is comfortably non-singular."""


def _edges(n: int, tails: Any, heads: Any, mask: Any, conductances: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = np.asarray(tails, dtype=np.int64)
    h = np.asarray(heads, dtype=np.int64)
    if t.shape != h.shape or t.ndim != 1:
        raise ValueError("tails and heads must be one-dimensional arrays of the same length.")
    keep = np.ones(t.size, bool) if mask is None else np.asarray(mask, dtype=bool)
    if keep.shape != t.shape:
        raise ValueError(f"the mask has {keep.size} entries for {t.size} edges.")
    w = np.ones(t.size) if conductances is None else np.asarray(conductances, dtype=float)
    if w.shape != t.shape:
        raise ValueError(f"{w.size} conductances for {t.size} edges.")
    if t.size and (min(t.min(), h.min()) < 0 or max(t.max(), h.max()) >= n):
        raise ValueError(f"edge endpoints must lie in 0 .. {n - 1}.")
    return t[keep], h[keep], w[keep]


def sparse_laplacian(n: int, tails: Any, heads: Any, mask: Any = None, conductances: Any = None) -> sp.csr_matrix:
    """Laplacian ``D - A`` (CSR, shape (n, n)) of the edges selected by ``mask`` (default: all).

    Examples
    --------
    >>> sparse_laplacian(3, [0, 1], [1, 2]).toarray()
    array([[ 1., -1.,  0.],
           [-1.,  2., -1.],
           [ 0., -1.,  1.]])
    """
    t, h, w = _edges(n, tails, heads, mask, conductances)
    A = sp.coo_matrix((np.concatenate([w, w]), (np.concatenate([t, h]), np.concatenate([h, t]))), shape=(n, n)).tocsr()
    return (sp.diags(np.asarray(A.sum(axis=1)).ravel()) - A).tocsr()


def is_connected_sparse(n: int, tails: Any, heads: Any, mask: Any = None) -> bool:
    """Whether the selected edges span all ``n`` nodes in one component.

    Examples
    --------
    >>> is_connected_sparse(3, [0, 1, 0], [1, 2, 2], [True, True, False])
    True
    >>> is_connected_sparse(3, [0, 1, 0], [1, 2, 2], [True, False, False])
    False
    """
    t, h, _ = _edges(n, tails, heads, mask, None)
    if n <= 1:
        return True
    A = sp.coo_matrix((np.ones(t.size), (t, h)), shape=(n, n))
    count, _ = connected_components(A, directed=False)
    return bool(count == 1)


def algebraic_connectivity_sparse(
    n: int, tails: Any, heads: Any, mask: Any = None, conductances: Any = None, *, tol: float = 1e-10
) -> float:
    """``lambda_2`` of the Laplacian of the selected (weighted) edges; 0 if they do not connect all nodes.

    Examples
    --------
    A path on 3 nodes has Laplacian eigenvalues 0, 1, 3:

    >>> round(algebraic_connectivity_sparse(3, [0, 1], [1, 2]), 10)
    1.0
    """
    if n < 2 or not is_connected_sparse(n, tails, heads, mask):
        return 0.0
    L = sparse_laplacian(n, tails, heads, mask, conductances)
    if n <= 3:
        return float(np.linalg.eigvalsh(L.toarray())[1])
    sigma = -SHIFT * max(float(L.diagonal().mean()), 1e-300)
    # a fixed, generic start vector: ARPACK's default is random, which would make results vary in the last digits
    v0 = 1.0 + 0.5 * np.sin(np.arange(n, dtype=float))
    vals = eigsh(L.tocsc(), k=2, sigma=sigma, which="LM", tol=tol, v0=v0, return_eigenvectors=False)
    return float(max(np.sort(vals)[1], 0.0))
