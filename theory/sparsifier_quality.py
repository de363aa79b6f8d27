r"""How good is a sparsifier ``H`` of ``G``?  Batched over trials for small dense graphs.

Four measures, each for a stack of ``K`` subgraphs given as edge masks (and optionally
new conductances) over the edge list of ``G``:

* **connectivity** -- ``H`` spans one component (decided combinatorially, by boolean
  reachability, not by thresholding an eigenvalue);
* **algebraic connectivity** ``lambda_2`` -- the second-smallest eigenvalue of the
  unnormalised Laplacian ``L = D - A`` (Fiedler 1973); zero iff disconnected;
* **relative spectral error** (Siami, Algorithm 5.1) --
  ``RSE = |lambda_2(L_G) - lambda_2(L_H)| / lambda_2(L_G)``, so a disconnected ``H`` scores
  exactly 1;
* **spectral approximation** ``epsilon`` -- the smallest ``eps`` with
  ``(1 - eps) L_G <= L_H <= (1 + eps) L_G`` on the range of ``L_G``, i.e. the largest
  distance from 1 of the generalised eigenvalues of the pencil ``(L_H, L_G)`` restricted to
  ``range(L_G)`` (Spielman & Teng).  ``eps >= 1`` whenever ``H`` is disconnected.

Dense ``O(K n^3)`` eigen-decompositions: meant for the paper's graphs (tens of nodes) and
small real networks (about a hundred).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "algebraic_connectivity",
    "is_connected",
    "laplacian_stack",
    "relative_spectral_error",
    "spectral_approximation",
]


def laplacian_stack(n: int, tails: Any, heads: Any, masks: Any, conductances: Any = None) -> np.ndarray:
    """Dense Laplacians of the subgraphs selected by ``masks``.

    Parameters
    ----------
    n : int
        Nodes of ``G``.
    tails, heads : array_like of int, shape (m,)
        Edges of ``G``.
    masks : array_like of bool, shape (K, m) or (m,)
        Which edges each subgraph keeps.
    conductances : array_like, shape (m,) or (K, m), optional
        Edge conductances (default 1); entries of dropped edges are ignored.

    Returns
    -------
    ndarray, shape (K, n, n)

    Examples
    --------
    >>> laplacian_stack(3, [0, 1], [1, 2], [[True, False]])[0]
    array([[ 1., -1.,  0.],
           [-1.,  1.,  0.],
           [ 0.,  0.,  0.]])
    """
    t = np.asarray(tails, dtype=np.int64)
    h = np.asarray(heads, dtype=np.int64)
    M = np.atleast_2d(np.asarray(masks, dtype=bool))
    if M.shape[1] != t.size or t.size != h.size:
        raise ValueError(f"masks have {M.shape[1]} columns for {t.size} edges; lengths must match.")
    K, m = M.shape
    w = np.ones((K, m)) if conductances is None else np.broadcast_to(np.asarray(conductances, float), (K, m))
    w = np.where(M, w, 0.0)
    L = np.zeros((K, n * n))
    flat = np.arange(K)[:, None] * (n * n)
    for a, b, sign in ((t, h, -1.0), (h, t, -1.0), (t, t, 1.0), (h, h, 1.0)):
        np.add.at(L.reshape(-1), (flat + (a * n + b)[None, :]).ravel(), (sign * w).ravel())
    return L.reshape(K, n, n)


def algebraic_connectivity(L: Any) -> np.ndarray:
    """``lambda_2`` of each Laplacian in a stack (shape (..., n, n)); clipped at 0.

    Examples
    --------
    >>> round(float(algebraic_connectivity(laplacian_stack(3, [0, 1], [1, 2], [[1, 1]]))[0]), 12)
    1.0
    """
    ev = np.linalg.eigvalsh(np.asarray(L, dtype=float))
    if ev.shape[-1] < 2:
        return np.zeros(ev.shape[:-1])
    return np.clip(ev[..., 1], 0.0, None)


def is_connected(n: int, tails: Any, heads: Any, masks: Any) -> np.ndarray:
    """Whether each subgraph spans a single component (boolean reachability, exact).

    Examples
    --------
    >>> is_connected(3, [0, 1, 0], [1, 2, 2], [[1, 1, 0], [1, 0, 0]]).tolist()
    [True, False]
    """
    t = np.asarray(tails, dtype=np.int64)
    h = np.asarray(heads, dtype=np.int64)
    M = np.atleast_2d(np.asarray(masks, dtype=bool))
    K = M.shape[0]
    if n <= 1:
        return np.ones(K, dtype=bool)
    reach = np.zeros((K, n, n), dtype=np.float32)
    k_idx, e_idx = np.nonzero(M)
    reach[k_idx, t[e_idx], h[e_idx]] = 1.0
    reach[k_idx, h[e_idx], t[e_idx]] = 1.0
    reach[:, np.arange(n), np.arange(n)] = 1.0
    steps = 1
    while steps < n - 1:  # after j squarings, paths of length <= 2**j are found
        reach = (reach @ reach > 0).astype(np.float32)
        steps *= 2
    return reach[:, 0, :].all(axis=1)


def relative_spectral_error(lambda2_G: float, lambda2_H: Any) -> np.ndarray:
    """``|lambda_2(G) - lambda_2(H)| / lambda_2(G)`` (Siami, Algorithm 5.1).

    Examples
    --------
    >>> relative_spectral_error(2.0, [2.0, 1.0, 0.0]).tolist()
    [0.0, 0.5, 1.0]
    """
    if not lambda2_G > 0:
        raise ValueError(f"lambda_2(G) must be positive (G connected), got {lambda2_G!r}.")
    return np.abs(lambda2_G - np.asarray(lambda2_H, dtype=float)) / lambda2_G


def spectral_approximation(L_G: Any, L_H: Any, tol: float = 1e-9) -> np.ndarray:
    """Smallest ``eps`` with ``(1-eps) L_G <= L_H <= (1+eps) L_G`` on ``range(L_G)``.

    Parameters
    ----------
    L_G : array_like, shape (n, n)
    L_H : array_like, shape (K, n, n) or (n, n)
    tol : float
        Eigenvalues of ``L_G`` below ``tol * max`` count as its null space.

    Returns
    -------
    ndarray, shape (K,)

    Notes
    -----
    With ``L_G = U diag(mu) U^T`` and ``P = U_r diag(mu_r)^{-1/2}`` over the nonzero
    eigenvalues, the generalised eigenvalues are those of ``P^T L_H P``; the answer is
    ``max(lambda_max - 1, 1 - lambda_min)``.

    Examples
    --------
    >>> L = laplacian_stack(3, [0, 1, 0], [1, 2, 2], [[1, 1, 1]])[0]
    >>> spectral_approximation(L, [L, 2 * L, 0.5 * L]).round(12).tolist()
    [0.0, 1.0, 0.5]
    """
    G = np.asarray(L_G, dtype=float)
    H = np.asarray(L_H, dtype=float)
    if H.ndim == 2:
        H = H[None]
    mu, U = np.linalg.eigh(G)
    keep = mu > tol * max(mu.max(), 1.0)
    P = U[:, keep] / np.sqrt(mu[keep])
    ev = np.linalg.eigvalsh(P.T @ H @ P)
    return np.maximum(ev[..., -1] - 1.0, 1.0 - ev[..., 0])
