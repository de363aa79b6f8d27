"""Factorised edge models (Lemma 3.1) and the exact disconnection probability (Theorem 3.2)."""

import itertools

import networkx as nx
import numpy as np
import pytest

from reproduce.myopia.frequency_models import (
    TabularEdgeDiffusion,
    barbell_disconnection_probability,
    bernoulli_mle,
    fit_logistic,
    gnp_connected_probability,
    sample_graphs,
)
from reproduce.myopia.graphs import barbell


def brute_force_connected(G: nx.Graph, p) -> float:
    """Sum of P(subgraph) over every connected spanning subgraph of G (edge probabilities p)."""
    edges = list(G.edges())
    p = np.broadcast_to(np.asarray(p, float), (len(edges),))
    total = 0.0
    for keep in itertools.product((0, 1), repeat=len(edges)):
        H = nx.Graph()
        H.add_nodes_from(G)
        H.add_edges_from(e for e, k in zip(edges, keep) if k)
        if nx.is_connected(H):
            total += float(np.prod(np.where(keep, p, 1 - p)))
    return total


@pytest.mark.parametrize("n,p", [(1, 0.3), (2, 0.3), (4, 0.5), (5, 0.8), (5, 0.1)])
def test_gilbert_recursion_matches_enumeration(n, p):
    assert gnp_connected_probability(n, p) == pytest.approx(brute_force_connected(nx.complete_graph(n), p), abs=1e-12)


@pytest.mark.parametrize("eps,common", [(0.05, 0.95), (0.3, 0.6)])
def test_barbell_disconnection_matches_enumeration(eps, common):
    G, bridge = barbell(3)
    p = [eps if tuple(sorted(e)) in bridge else common for e in G.edges()]
    expected = 1 - brute_force_connected(G, p)
    assert float(barbell_disconnection_probability(3, common, eps)) == pytest.approx(expected, abs=1e-12)


def test_theorem_limit_with_certain_cliques():
    assert float(barbell_disconnection_probability(8, 1.0, 0.05)) == pytest.approx(0.95, abs=1e-15)


def test_logistic_gradient_descent_reaches_the_mle():
    data = sample_graphs(np.array([0.03, 0.3, 0.5, 0.9]), 400, np.random.default_rng(0))
    p, loss = fit_logistic(data, steps=3000)
    np.testing.assert_allclose(p, bernoulli_mle(data), atol=1e-9)
    assert np.all(np.diff(loss) <= 1e-15)


def test_forward_flip_probability_composes_to_the_closed_form():
    T = 12
    gamma = 0.0
    for t in range(1, T + 1):
        beta = 1 / (2 * (T - t + 1))
        gamma = gamma * (1 - beta) + (1 - gamma) * beta
        assert gamma == pytest.approx(TabularEdgeDiffusion.flip_to_start(t, T), abs=1e-12)
    assert gamma == pytest.approx(0.5)


def test_diffusion_samples_reproduce_the_training_marginals():
    rng = np.random.default_rng(3)
    f = np.array([0.02, 0.2, 0.5, 0.95])
    data = sample_graphs(f, 5000, rng)
    model = TabularEdgeDiffusion.fit(data, steps=10, noise_draws=8, rng=rng)
    # at t = T the noised edge is independent of the data, so the table row is the training frequency
    np.testing.assert_allclose(model.table[-1], data.mean(0)[None, :].repeat(2, 0), atol=0.02)
    gen = model.sample(40000, rng).mean(0)
    se = np.sqrt(f * (1 - f) * (1 / 5000 + 1 / 40000 + 2 / (5000 * 8)))
    assert np.all(np.abs(gen - f) < 5 * se)


def test_degenerate_edges_are_reproduced_exactly():
    data = np.array([[1, 0]] * 50, bool)
    model = TabularEdgeDiffusion.fit(data, steps=5, noise_draws=2, rng=np.random.default_rng(0))
    assert model.sample(200, np.random.default_rng(1)).mean(0).tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: sample_graphs([0.5, 1.2], 3, np.random.default_rng(0)), r"\[0, 1\]"),
        (lambda: sample_graphs([0.5], 0, np.random.default_rng(0)), "count"),
        (lambda: bernoulli_mle(np.zeros(3)), "graphs, edges"),
        (lambda: fit_logistic([[1, 0]], lr=9.0), "learning rate"),
        (lambda: gnp_connected_probability(0, 0.5), "n must"),
        (lambda: gnp_connected_probability(3, 1.5), "p must"),
        (lambda: TabularEdgeDiffusion.fit([[1, 0]], 0, 1, np.random.default_rng(0)), "positive integers"),
    ],
)
def test_bad_inputs_are_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()
