"""Algorithm 5.1 end to end on graphs with known outcomes, and the table generators."""

import math

import numpy as np
import pytest

from reproduce.monte_carlo import binomial_tolerance, mean_tolerance
from reproduce.myopia.graphs import barbell, clique_chain, edge_arrays, edge_frequencies, visible_bridge
from reproduce.myopia.protocol import Workload, run_protocol
from theory.sparsifiers import METHODS

RSE_ROUNDOFF_ATOL = 1e-12  # keeping every edge or cutting the bridge gives RSE 0 or 1 up to eigvalsh round-off
BOUND_Z = 4  # standard errors (worst case p = 1/2) a 3,000-trial frequency may exceed 28/57: P = 3.2e-5


def barbell_work():
    G, bridges = barbell(8)
    n, t, h = edge_arrays(G)
    return Workload.from_edges(n, t, h, edge_frequencies(G, bridges))


@pytest.mark.parametrize("method", METHODS)
def test_keeping_everything_is_connected_and_exact(method):
    out = run_protocol(barbell_work(), method, rho=1.0, trials=5, rng=np.random.default_rng(0), lam=2.0)
    assert out["connectivity"] == 1.0 and out["rse_mean"] == pytest.approx(0.0, abs=RSE_ROUNDOFF_ATOL)
    assert out["kept"] == 57


def test_standard_diffusion_always_drops_the_bridge():
    out = run_protocol(barbell_work(), "standard", rho=0.5, trials=50, rng=np.random.default_rng(1))
    assert out == {
        "connectivity": 0.0,
        "rse_mean": pytest.approx(1.0),
        "rse_std": pytest.approx(0.0, abs=RSE_ROUNDOFF_ATOL),
        "kept": 28,
        "trials": 50,
    }


def test_random_connectivity_bounded_by_keeping_the_bridge():
    """A uniform 28-subset of 57 edges keeps the bridge with probability 28/57."""
    trials = 3000
    out = run_protocol(barbell_work(), "random", rho=0.5, trials=trials, rng=np.random.default_rng(2))
    assert out["connectivity"] <= 28 / 57 + BOUND_Z * math.sqrt(0.25 / trials)


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="method"):
        run_protocol(barbell_work(), "diffusion", rho=0.5, trials=1, rng=np.random.default_rng(0))


def test_tolerances_are_the_stated_formulas():
    p, k = 0.3, 400
    assert binomial_tolerance(p, p, k, k, printed=0.0) == pytest.approx(
        2.5758293035489004 * math.sqrt(p * (1 - p) * 2 / k)
    )
    assert mean_tolerance(0.2, 0.1, 100, 400, printed=0.0) == pytest.approx(
        2.5758293035489004 * math.sqrt(0.04 / 100 + 0.01 / 400)
    )


def test_chain_generators():
    G, cross = clique_chain((3, 4, 5))
    assert G.number_of_edges() == 3 + 6 + 10 + 2 and cross == {(2, 3), (6, 7)}
    G, cross = clique_chain((3, 4, 5), thickness=(1, 2))
    assert cross == {(2, 3), (6, 7), (5, 8)}
    G, cross = clique_chain((6, 6), density=0.5, rng=np.random.default_rng(0))
    assert G.number_of_nodes() == 12 and len(cross) == 1
    with pytest.raises(ValueError, match="rng"):
        clique_chain((6, 6), density=0.5)
    with pytest.raises(ValueError, match="thickness"):
        clique_chain((3, 4), thickness=(1, 1))
    G, cross = visible_bridge(5, 3)
    assert G.number_of_edges() == 2 * 10 + 3 and cross == {(0, 5), (1, 6), (2, 7)}
    with pytest.raises(ValueError, match="thickness"):
        visible_bridge(5, 6)
