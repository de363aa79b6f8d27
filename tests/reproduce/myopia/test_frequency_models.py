"""Factorised edge models (Lemma 3.1)."""

import numpy as np
import pytest

from reproduce.myopia.frequency_models import TabularEdgeDiffusion, bernoulli_mle, fit_logistic, sample_graphs

MLE_ATOL = 1e-9  # 3,000 steps at lr 4 shrink the error by (1 - 4 p (1 - p))^3000, far below round-off
LOSS_RISE_ATOL = 1e-15  # the loss falls monotonically; at convergence an ulp-sized rise of an O(1) cross-entropy
COMPOSITION_ATOL = 1e-12  # 12 composed one-step flips against the closed form: round-off of probabilities
TABLE_ATOL = 0.02  # over 5 sd of a conditional frequency from ~20,000 noised copies per cell (sd <= 0.0035)
SAMPLING_Z = 5  # standard errors per sampled marginal: a false failure has probability 5.7e-7 per edge


def test_logistic_gradient_descent_reaches_the_mle():
    data = sample_graphs(np.array([0.03, 0.3, 0.5, 0.9]), 400, np.random.default_rng(0))
    p, loss = fit_logistic(data, steps=3000)
    np.testing.assert_allclose(p, bernoulli_mle(data), atol=MLE_ATOL)
    assert np.all(np.diff(loss) <= LOSS_RISE_ATOL)


def test_forward_flip_probability_composes_to_the_closed_form():
    T = 12
    gamma = 0.0
    for t in range(1, T + 1):
        beta = 1 / (2 * (T - t + 1))
        gamma = gamma * (1 - beta) + (1 - gamma) * beta
        assert gamma == pytest.approx(TabularEdgeDiffusion.flip_to_start(t, T), abs=COMPOSITION_ATOL)
    assert gamma == pytest.approx(0.5)


def test_diffusion_samples_reproduce_the_training_marginals():
    rng = np.random.default_rng(3)
    f = np.array([0.02, 0.2, 0.5, 0.95])
    data = sample_graphs(f, 5000, rng)
    model = TabularEdgeDiffusion.fit(data, steps=10, noise_draws=8, rng=rng)
    # at t = T the noised edge is independent of the data, so the table row is the training frequency
    np.testing.assert_allclose(model.table[-1], data.mean(0)[None, :].repeat(2, 0), atol=TABLE_ATOL)
    gen = model.sample(40000, rng).mean(0)
    se = np.sqrt(f * (1 - f) * (1 / 5000 + 1 / 40000 + 2 / (5000 * 8)))
    assert np.all(np.abs(gen - f) < SAMPLING_Z * se)


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
        (lambda: TabularEdgeDiffusion.fit([[1, 0]], 0, 1, np.random.default_rng(0)), "positive integers"),
    ],
)
def test_bad_inputs_are_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()
