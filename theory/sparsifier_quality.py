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
small real networks (about a hundred).  The stacks of Laplacians come from
:func:`theory.laplacian.laplacian_stack`, re-exported here.

Graphs too large for dense algebra, one subgraph at a time (the tests compare them with the
dense versions on small graphs):

* :func:`is_connected_sparse` -- ``scipy.sparse.csgraph.connected_components``, ``O(n + m)``;
* :func:`algebraic_connectivity_sparse` -- ``lambda_2`` by shift-invert Lanczos
  (``scipy.sparse.linalg.eigsh`` around ``sigma = -s < 0``, where ``L - sigma I`` is positive
  definite, so its sparse LU exists and the two eigenvalues nearest ``sigma`` are ``0`` and
  ``lambda_2``); 0 without solving when the graph is disconnected.  The Laplacian is
  :func:`theory.laplacian.laplacian_matrix`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import eigsh

from theory.laplacian import check_edge_arrays, laplacian_matrix, laplacian_stack

__all__ = [
    "algebraic_connectivity",
    "algebraic_connectivity_sparse",
    "is_connected",
    "is_connected_sparse",
    "laplacian_stack",
    "relative_spectral_error",
    "spectral_approximation",
]


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

    Parameters
    ----------
    n : int
        Nodes of ``G``.
    tails, heads : array_like of int, shape (m,)
        Edges of ``G``, node indices in ``[0, n)``.
    masks : array_like of bool, shape (K, m) or (m,)
        Which edges each subgraph keeps.

    Returns
    -------
    ndarray of bool, shape (K,)
        True for every subgraph when ``n == 1``.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``tails``/``heads`` do not hold integers.
    ValueError
        If ``n < 1``, ``tails`` and ``heads`` are not 1-D arrays of one length, an index lies
        outside ``[0, n)`` (negative indices are not wrapped), or ``masks`` do not have shape
        ``(K, m)`` or ``(m,)``.

    Examples
    --------
    >>> is_connected(3, [0, 1, 0], [1, 2, 2], [[1, 1, 0], [1, 0, 0]]).tolist()
    [True, False]
    """
    edges = check_edge_arrays(n, tails, heads)
    t, h = edges.tails, edges.heads
    M = np.atleast_2d(np.asarray(masks, dtype=bool))
    if M.ndim != 2 or M.shape[1] != t.size:
        raise ValueError(f"masks must have shape (K, {t.size}) or ({t.size},) for {t.size} edges, got {M.shape}.")
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
    tol : float, >= 0
        Eigenvalues of ``L_G`` below ``tol * max(1, mu_max)`` count as its null space.

    Returns
    -------
    ndarray, shape (K,)

    Raises
    ------
    ValueError
        If ``L_G`` is not a square matrix, ``L_H`` not of shape ``(K, n, n)`` or ``(n, n)``
        with the same ``n``, an entry is not finite, ``tol`` is negative or not finite, or
        ``L_G`` has no eigenvalue above the threshold (a graph without edges): the range of
        ``L_G`` is then ``{0}``, where every ``eps`` satisfies the definition vacuously, so no
        meaningful answer exists and this raises instead of returning 0.

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
    if G.ndim != 2 or G.shape[0] != G.shape[1] or G.shape[0] == 0:
        raise ValueError(f"L_G must be a non-empty square matrix, got shape {G.shape}.")
    if H.ndim != 3 or H.shape[1:] != G.shape:
        raise ValueError(f"L_H must have shape (K, {G.shape[0]}, {G.shape[0]}) or {G.shape}, got {np.shape(L_H)}.")
    if not (np.all(np.isfinite(G)) and np.all(np.isfinite(H))):
        raise ValueError("the Laplacians must be finite (got NaN or inf).")
    if not 0.0 <= tol < np.inf:
        raise ValueError(f"tol must be finite and non-negative, got {tol!r}.")
    mu, U = np.linalg.eigh(G)
    keep = mu > tol * max(mu.max(), 1.0)
    if not keep.any():
        raise ValueError("L_G has no nonzero eigenvalue (a graph without edges), so there is nothing to approximate.")
    P = U[:, keep] / np.sqrt(mu[keep])
    ev = np.linalg.eigvalsh(P.T @ H @ P)
    return np.maximum(ev[..., -1] - 1.0, 1.0 - ev[..., 0])


SHIFT = 1e-6
"""``s`` of the shift ``sigma = -s * mean weighted degree`` of :func:`algebraic_connectivity_sparse`:
small, so that ``lambda_2`` is well separated from ``lambda_3`` in the inverted spectrum, yet
``L + s I`` is comfortably non-singular."""


def _selected_edges(n: int, tails: Any, heads: Any, mask: Any, conductances: Any):
    """The edges (and conductances) kept by ``mask``, validated by :func:`theory.laplacian.check_edge_arrays`."""
    edges = check_edge_arrays(n, tails, heads, None)
    m = edges.tails.size
    keep = np.ones(m, bool) if mask is None else np.asarray(mask)
    if keep.shape != (m,) or keep.dtype != bool:
        raise ValueError(f"the mask must be a boolean array of shape ({m},), got {keep.dtype} {keep.shape}.")
    w = np.ones(m) if conductances is None else np.asarray(conductances, dtype=float)
    if w.shape != (m,):
        raise ValueError(f"{w.size} conductances for {m} edges; lengths must match.")
    w = w[keep]
    if w.size and not (np.all(np.isfinite(w)) and np.all(w > 0)):
        raise ValueError("the kept edges' conductances must be finite and positive.")
    return edges.tails[keep], edges.heads[keep], w


def is_connected_sparse(n: int, tails: Any, heads: Any, mask: Any = None) -> bool:
    """Whether the edges selected by ``mask`` (default: all) span all ``n`` nodes in one component.

    Examples
    --------
    >>> is_connected_sparse(3, [0, 1, 0], [1, 2, 2], [True, True, False])
    True
    >>> is_connected_sparse(3, [0, 1, 0], [1, 2, 2], [True, False, False])
    False
    """
    t, h, _ = _selected_edges(n, tails, heads, mask, None)
    if n == 1:
        return True
    count, _ = connected_components(sp.coo_matrix((np.ones(t.size), (t, h)), shape=(n, n)), directed=False)
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
    t, h, w = _selected_edges(n, tails, heads, mask, conductances)
    if n < 2 or not is_connected_sparse(n, t, h):
        return 0.0
    L = laplacian_matrix(n, t, h, w)
    if n <= 3:
        return float(np.linalg.eigvalsh(L.toarray())[1])
    sigma = -SHIFT * max(float(L.diagonal().mean()), 1e-300)
    # a fixed, generic start vector: ARPACK's default is random, which would make results vary in the last digits
    v0 = 1.0 + 0.5 * np.sin(np.arange(n, dtype=float))
    vals = eigsh(L.tocsc(), k=2, sigma=sigma, which="LM", tol=tol, v0=v0, return_eigenvectors=False)
    return float(max(np.sort(vals)[1], 0.0))
