r"""Spielman--Srivastava random-projection estimates of effective resistance.

With ``B`` the signed edge-node incidence matrix, ``W`` the conductances and ``Q`` a
``k x m`` matrix of independent :math:`\pm 1/\sqrt{k}` entries,

.. math:: R_e = \lVert W^{1/2} B L^{+} b_e \rVert^2 \approx \lVert Q W^{1/2} B L^{+} b_e \rVert^2,

so ``k`` Laplacian solves (``L X = B^T W^{1/2} Q^T``) estimate every edge at once
(Spielman & Srivastava, "Graph sparsification by effective resistances", SIAM J. Comput.
40(6), 2011, Thm. 2).  The projections are processed in column blocks so memory stays
bounded, and the Laplacian is grounded at one node per component so it is positive definite.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from theory.laplacian import laplacian_matrix

__all__ = ["SOLVERS", "block_pcg", "check_sketch_parameters", "sketch_pair_resistances", "sketch_size"]

SOLVERS = ("auto", "direct", "cg")

CG_RTOL = 1e-7
"""Relative residual at which a CG column counts as solved.

The projection itself has relative error ~epsilon >= 0.05, so solving more accurately
buys nothing; on the graphs where ``"auto"`` picks CG (condition number of the Jacobi-
scaled Laplacian ~10) the induced error in each ``R_e`` is ~1e-6.
"""

PILOT_MAXITER = 100
"""``solver="auto"`` keeps CG only if a pilot solve converges within this many iterations."""

BLOCK_CAP = 16
"""At most this many projections per block: narrow blocks stay in cache (measured)."""

WORKSPACE_BYTES = 2**29
"""Memory allotted to one block of projections (about 0.5 GiB)."""


def sketch_size(m: int, epsilon: float, jl_constant: float = 8.0) -> int:
    """Number of random projections ``k = ceil(C ln m / epsilon**2)`` (at least 1).

    Parameters
    ----------
    m : int
        Number of edges, ``>= 0`` (0 and 1 edge need a single projection).
    epsilon : float in (0, 1)
        Target relative error.
    jl_constant : float, default 8.0
        The ``C`` above; finite and positive.

    Raises
    ------
    TypeError
        If ``m`` is not an integer, or ``epsilon`` or ``jl_constant`` is not a real number.
    ValueError
        If ``m < 0``, ``epsilon`` is outside (0, 1), or ``jl_constant`` is not finite and positive.

    Examples
    --------
    >>> sketch_size(44_700, 0.3)
    952
    """
    if not isinstance(m, Integral) or isinstance(m, bool):
        raise TypeError(f"m, the number of edges, must be an integer, got {type(m).__name__}.")
    if m < 0:
        raise ValueError(f"m, the number of edges, must be non-negative, got {m}.")
    check_sketch_parameters(epsilon, jl_constant)
    if m < 1:
        return 1
    return max(1, math.ceil(jl_constant * math.log(m) / epsilon**2))


def check_sketch_parameters(epsilon: Any, jl_constant: Any) -> None:
    """Raise unless ``epsilon`` lies in (0, 1) and ``jl_constant`` is finite and positive.

    Raises
    ------
    TypeError
        If either is not a real number (bools included).
    ValueError
        If ``epsilon`` is outside the open interval (0, 1) (NaN included), or
        ``jl_constant`` is not finite and positive.
    """
    if not isinstance(epsilon, Real) or isinstance(epsilon, bool):
        raise TypeError(f"epsilon must be a real number, got {type(epsilon).__name__}.")
    if not 0.0 < float(epsilon) < 1.0:
        raise ValueError(f"epsilon must lie in the open interval (0, 1), got {epsilon!r}.")
    if not isinstance(jl_constant, Real) or isinstance(jl_constant, bool):
        raise TypeError(f"jl_constant must be a real number, got {type(jl_constant).__name__}.")
    if not (math.isfinite(jl_constant) and jl_constant > 0):
        raise ValueError(
            f"jl_constant must be finite and positive (it scales the number of projections), got {jl_constant!r}."
        )


def sketch_pair_resistances(
    n: int,
    t: np.ndarray,
    h: np.ndarray,
    w: np.ndarray,
    *,
    epsilon: float,
    rng: np.random.Generator,
    jl_constant: float = 8.0,
    solver: str = "auto",
    info: dict | None = None,
) -> np.ndarray:
    """Estimated resistance of each loop-free pair ``(t[i], h[i])`` with conductance ``w[i]``.

    Returns an array of shape (p,); see :func:`theory.effective_resistance.edge_resistance_array`
    for the accuracy guarantee.  If ``info`` is a dict it receives ``projections`` (k),
    ``block``, ``solver`` ("cg" or "direct"), ``cg_iterations`` (summed over blocks) and
    ``work``: the multiply-adds of the solves and the final gather (CG: iterations x
    (nnz + 6 s) x columns; direct: 2 nnz(LU) per column), a machine-independent cost.
    """
    check_sketch_parameters(epsilon, jl_constant)
    if info is not None and not isinstance(info, dict):
        raise TypeError(f"info must be a dict (it receives diagnostics) or None, got {type(info).__name__}.")
    p = t.size
    if p == 0:
        return np.zeros(0)
    k = sketch_size(p, epsilon, jl_constant)
    L = laplacian_matrix(n, t, h, w)
    _, labels = connected_components(L, directed=False)
    _, ground = np.unique(labels, return_index=True)
    keep = np.ones(n, dtype=bool)
    keep[ground] = False
    M = L[keep][:, keep].tocsr()
    # Signed, conductance-scaled incidence (n x p): column e is sqrt(w_e) (1_t - 1_h).
    sw = np.sqrt(w)
    inc = sp.csr_matrix(
        (np.concatenate([sw, -sw]), (np.concatenate([t, h]), np.tile(np.arange(p), 2))),
        shape=(n, p),
    )[keep]
    block = int(max(1, min(k, BLOCK_CAP, WORKSPACE_BYTES // (8 * (p + 8 * max(M.shape[0], 1))))))
    solve, chosen, unit_work = _choose_solver(M, solver, inc, np.random.default_rng(rng.integers(2**63)))
    full = np.zeros((n, block))
    estimate = np.zeros(p)
    iterations = 0
    for j0 in range(0, k, block):
        b = min(block, k - j0)
        signs = rng.integers(0, 2, size=(p, b), dtype=np.int8).astype(np.float64)
        signs = (2.0 * signs - 1.0) / math.sqrt(k)
        rhs = inc @ signs
        full[:, :b] = 0.0
        if M.shape[0]:
            x, its = solve(rhs)
            full[keep, :b] = x
            iterations += its
        diff = full[t, :b] - full[h, :b]
        estimate += np.einsum("ij,ij->i", diff, diff)
    if info is not None:
        work = iterations * unit_work * block if chosen == "cg" else k * unit_work
        info.update(projections=k, block=block, solver=chosen, cg_iterations=iterations, work=int(work + 2 * p * k))
    return estimate


def _choose_solver(M: sp.csr_matrix, solver: str, inc: sp.csr_matrix, rng_for_pilot: np.random.Generator):
    """Pick the solver; return ``(solve, name, unit_work)``.

    ``solve(B) -> (M^{-1} B, iterations)`` for dense ``B`` of shape (s, b); ``unit_work`` is
    the multiply-adds of one CG iteration per column, or of one direct solve per column.
    """
    if solver == "auto":
        if M.shape[0] == 0:
            solver = "direct"
        else:
            pilot = inc @ (2.0 * rng_for_pilot.integers(0, 2, size=(inc.shape[1], 1)) - 1.0)
            _, iterations = block_pcg(M, pilot, rtol=CG_RTOL, maxiter=PILOT_MAXITER)
            solver = "cg" if iterations < PILOT_MAXITER else "direct"
    if solver == "cg":
        maxiter = 20 * M.shape[0] + 100
        return (lambda B: block_pcg(M, B, rtol=CG_RTOL, maxiter=maxiter)), "cg", M.nnz + 6 * M.shape[0]
    if M.shape[0] == 0:
        return (lambda B: (B, 0)), "direct", 0
    lu = splu(M.tocsc(), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
    return (lambda B: (lu.solve(B), 0)), "direct", 2 * lu.nnz


def block_pcg(A: sp.csr_matrix, B: np.ndarray, *, rtol: float = CG_RTOL, maxiter: int = 1000) -> tuple[np.ndarray, int]:
    """Jacobi-preconditioned conjugate gradients on all columns of ``B`` at once.

    Parameters
    ----------
    A : sparse matrix, shape (s, s)
        Symmetric positive definite.
    B : ndarray, shape (s, b)
    rtol : float
        Stop when every column has ``||B - A X|| <= rtol ||B||``.
    maxiter : int

    Returns
    -------
    X : ndarray, shape (s, b)
    iterations : int
        Iterations used (``maxiter`` if some column did not converge).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_matrix(np.array([[4.0, 1.0], [1.0, 3.0]]))
    >>> X, _ = block_pcg(A, np.eye(2))
    >>> np.allclose(A @ X, np.eye(2))
    True
    """
    inv_diag = 1.0 / A.diagonal()[:, None]
    X = np.zeros_like(B)
    R = B.copy()
    Z = inv_diag * R
    P = Z.copy()
    tmp = np.empty_like(B)
    rz = np.einsum("ij,ij->j", R, Z)
    target = rtol**2 * np.einsum("ij,ij->j", B, B)
    for it in range(1, maxiter + 1):
        AP = A @ P
        pap = np.einsum("ij,ij->j", P, AP)
        alpha = np.divide(rz, pap, out=np.zeros_like(rz), where=pap > 0)
        np.multiply(P, alpha, out=tmp)
        X += tmp
        np.multiply(AP, alpha, out=AP)
        R -= AP
        if np.all(np.einsum("ij,ij->j", R, R) <= target):
            return X, it
        np.multiply(R, inv_diag, out=Z)
        rz_new = np.einsum("ij,ij->j", R, Z)
        beta = np.divide(rz_new, rz, out=np.zeros_like(rz), where=rz > 0)
        P *= beta
        P += Z
        rz = rz_new
    return X, maxiter
