"""Exp IV's single-logit SGD against autograd and the closed-form stationary point p*."""

import numpy as np
import pytest
import torch

from reproduce.myopia.fig5_optimization import sgd_single_logit, weighted_logit_gradient
from theory.gradient_starvation import stationary_marginal

AUTOGRAD_RTOL = 1e-12  # the closed-form gradient against float64 autograd of the same loss: round-off only
AUTOGRAD_ATOL = 1e-14  # the same, for gradients near 0
STATIONARY_GRADIENT_ATOL = 1e-12  # p* -> logit -> sigmoid: ulps of p times the slope omega eps + 1 - eps (<= 11)
SGD_MEAN_ATOL = 0.01  # empirical: lr-0.05 fluctuations of p about p*, averaged over 2,000 late steps and 8 seeds


@pytest.mark.parametrize(
    "theta,labels,omega", [(0.3, [1, 0, 0, 1, 0], 50.0), (-2.0, [0, 0, 0], 7.0), (1.5, [1, 1], 1.0)]
)
def test_gradient_matches_torch_autograd_on_explicit_labels(theta, labels, omega):
    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(labels, dtype=torch.float64)
    p = torch.sigmoid(t)
    loss = (-(omega * y * torch.log(p)) - (1 - y) * torch.log(1 - p)).mean()
    loss.backward()
    ours = weighted_logit_gradient(theta, sum(labels), len(labels), omega)
    assert float(ours) == pytest.approx(t.grad.item(), rel=AUTOGRAD_RTOL, abs=AUTOGRAD_ATOL)


def test_expected_gradient_vanishes_at_p_star():
    # E[c] = B eps, so the expected gradient is (omega eps + 1 - eps) p - omega eps: zero at p*.
    for eps, omega in [(0.05, 50.0), (0.2, 1.0), (0.01, 1000.0)]:
        p = stationary_marginal(eps, omega)
        theta = np.log(p / (1 - p))
        assert float(weighted_logit_gradient(theta, 64 * eps, 64, omega)) == pytest.approx(
            0.0, abs=STATIONARY_GRADIENT_ATOL
        )


@pytest.mark.parametrize("eps,omega", [(0.05, 1.0), (0.05, 50.0), (0.2, 3.0), (0.05, 2000.0)])
def test_late_time_average_is_p_star(eps, omega):
    # The expected gradient is linear in p, so the stationary mean of p is exactly p*.
    out = sgd_single_logit(eps, omega, lr=0.05, batch=64, steps=4000, rng=np.random.default_rng(1), seeds=8)
    late = out["p"][2000:].mean()
    assert late == pytest.approx(stationary_marginal(eps, omega), abs=SGD_MEAN_ATOL)


def test_shapes_and_start():
    out = sgd_single_logit(
        0.1, [1.0, 5.0, 9.0], lr=0.1, batch=4, steps=10, rng=np.random.default_rng(0), seeds=3, record_every=5
    )
    assert out["p"].shape == (3, 3, 3)
    assert out["record_steps"].tolist() == [0, 5, 10]
    np.testing.assert_allclose(out["p"][0], 0.5)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"epsilon": 0.0}, "epsilon"),
        ({"epsilon": 1.0}, "epsilon"),
        ({"omega": -1.0}, "omega"),
        ({"lr": 0.0}, "learning rate"),
        ({"batch": 0}, "batch"),
        ({"steps": 2.5}, "steps"),
    ],
)
def test_bad_inputs_are_rejected(kwargs, match):
    args = {"epsilon": 0.05, "omega": 50.0, "lr": 0.05, "batch": 64, "steps": 10}
    args.update(kwargs)
    eps, omega = args.pop("epsilon"), args.pop("omega")
    with pytest.raises(ValueError, match=match):
        sgd_single_logit(eps, omega, rng=np.random.default_rng(0), **args)
