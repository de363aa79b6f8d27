"""Helpers of the trained-model claims: the weighted optimum, the learning time, connectivity."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from reproduce.myopia.graph_diffusion import TrainSpec, make_dataset
from reproduce.myopia.starvation_dynamics import learning_time
from reproduce.myopia.trained_models import connected_fraction
from reproduce.myopia.trained_weighted_marginal import tilted_optimum
from theory.gradient_starvation import stationary_marginal


@pytest.mark.parametrize("lam", [0.0, 2.0, 20.0])
def test_tilted_optimum_of_the_bridge_is_the_closed_form(lam):
    spec = TrainSpec(clique=4, train_graphs=300, epsilon=0.2, lam=lam)
    data = make_dataset(spec)
    p = tilted_optimum(SimpleNamespace(data=data))
    b = data.bridge
    u, v = data.tails[b][0], data.heads[b][0]
    eps_hat = float(data.adjacency[:, u, v].mean())
    # a present bridge always has R_eff = 1, so omega = 1 + lam exactly
    assert p[b][0] == pytest.approx(stationary_marginal(eps_hat, 1.0 + lam), rel=1e-6)
    if lam == 0.0:
        np.testing.assert_allclose(p, data.adjacency[:, data.tails, data.heads].numpy().mean(0), rtol=1e-6)


def test_learning_time_of_a_logistic_climb():
    steps = np.arange(0, 1000, 10)
    z_min, z_end, t_half = -6.0, -1.0, 400.0
    z = z_min + (z_end - z_min) / (1 + np.exp(-(steps - t_half) / 30.0))
    prob = 1 / (1 + np.exp(-z))
    assert learning_time(steps, prob, window=1) == pytest.approx(t_half, abs=10)
    # a dip first does not move the half-way point of the climb after the minimum
    prob2 = prob.copy()
    prob2[:5] = 0.9
    assert learning_time(steps, prob2, window=1) == pytest.approx(t_half, abs=10)


def test_connected_fraction_counts_components():
    a = torch.zeros(2, 4, 4)
    path = [(0, 1), (1, 2), (2, 3)]
    for i, j in path:
        a[0, i, j] = a[0, j, i] = 1
    a[1, 0, 1] = a[1, 1, 0] = a[1, 2, 3] = a[1, 3, 2] = 1
    assert connected_fraction(a).tolist() == [True, False]
