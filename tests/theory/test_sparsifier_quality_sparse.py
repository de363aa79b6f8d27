"""The sparse connectivity and lambda_2 of large graphs against the dense reference metrics and formulas."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.laplacian import laplacian_matrix
from theory.sparsifier_quality import (
    algebraic_connectivity,
    algebraic_connectivity_sparse,
    is_connected,
    is_connected_sparse,
    laplacian_stack,
)

LAPLACIAN_ATOL = 1e-12  # the same sums of conductances in another order
LANCZOS_RTOL = 1e-7  # eigsh's tol=1e-10 on lambda_2, loosened by the shift-invert conditioning
LANCZOS_ATOL = 1e-10  # eigsh's tol=1e-10 as an absolute floor where lambda_2 is small (weak, long trees)
FORMULA_RTOL = 1e-8  # eigsh at tol=1e-10 on the unit-conductance P_30 and K_12 against their exact lambda_2


def _random_graph(seed, n, extra):
    rng = np.random.default_rng(seed)
    t = np.arange(1, n)
    h = np.array([rng.integers(0, i) for i in range(1, n)])  # a random spanning tree
    et, eh = rng.integers(0, n, extra), rng.integers(0, n, extra)
    keep = et != eh
    return rng, np.concatenate([t, et[keep]]), np.concatenate([h, eh[keep]])


@given(st.integers(0, 10_000), st.integers(4, 40), st.integers(0, 60))
def test_sparse_metrics_match_dense(seed, n, extra):
    rng, t, h = _random_graph(seed, n, extra)
    mask = rng.random(t.size) < 0.8
    w = 10 ** rng.uniform(-1, 1, t.size)
    dense_L = laplacian_stack(n, t, h, mask[None], w)[0]
    np.testing.assert_allclose(laplacian_matrix(n, t[mask], h[mask], w[mask]).toarray(), dense_L, atol=LAPLACIAN_ATOL)
    assert is_connected_sparse(n, t, h, mask) == bool(is_connected(n, t, h, mask[None])[0])
    expected = float(algebraic_connectivity(dense_L[None])[0]) if is_connected_sparse(n, t, h, mask) else 0.0
    assert algebraic_connectivity_sparse(n, t, h, mask, w) == pytest.approx(
        expected, rel=LANCZOS_RTOL, abs=LANCZOS_ATOL
    )


def test_path_and_complete_graph_formulas():
    n = 30
    t, h = np.arange(n - 1), np.arange(1, n)
    # path P_n: lambda_2 = 2 (1 - cos(pi / n)); K_n: lambda_2 = n
    assert algebraic_connectivity_sparse(n, t, h) == pytest.approx(2 * (1 - np.cos(np.pi / n)), rel=FORMULA_RTOL)
    ct, ch = np.triu_indices(12, 1)
    assert algebraic_connectivity_sparse(12, ct, ch) == pytest.approx(12.0, rel=FORMULA_RTOL)


def test_disconnected_graph_has_zero_lambda2():
    assert algebraic_connectivity_sparse(4, [0, 2], [1, 3]) == 0.0
    assert not is_connected_sparse(4, [0, 2], [1, 3])


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: is_connected_sparse(3, [0, 1], [1]), "same length"),
        (lambda: is_connected_sparse(3, [0, 1], [1, 5]), r"range \[0, 3\)"),
        (lambda: is_connected_sparse(3, [0, -1], [1, 2]), r"range \[0, 3\)"),
        (lambda: is_connected_sparse(3, [0, 1], [1, 2], [True]), "mask"),
        (lambda: is_connected_sparse(3, [0, 1], [1, 2], [1, 0]), "boolean"),
        (lambda: algebraic_connectivity_sparse(3, [0, 1], [1, 2], None, [1.0]), "conductances"),
        (lambda: algebraic_connectivity_sparse(3, [0, 1], [1, 2], None, [1.0, -2.0]), "finite and positive"),
    ],
)
def test_bad_inputs_are_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()
