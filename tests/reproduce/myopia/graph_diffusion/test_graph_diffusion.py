"""Tests of the trained discrete edge-diffusion model (reproduce.myopia.graph_diffusion)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from reproduce.myopia.graph_diffusion import (
    CosineSchedule,
    EdgeDenoiser,
    TrainSpec,
    edge_marginals,
    forward_probability,
    make_dataset,
    posterior_probability,
    predicted_at_noise,
    reverse_probability,
    sample,
    train,
    weighted_edge_loss,
)

PROBABILITY_ATOL = 1e-12  # closed-form probabilities against products or ratios of a few 2x2 terms: round-off only
FLOAT32_TOL = 1e-5  # float32 network: permuting the nodes reorders its sums, ~1e-7 round-off grown through the layers
PREDICTED_ATOL = 0.08  # 3.5 sd of the 400-graph training set's bridge frequency (sd sqrt(0.21 / 400) = 0.023)
SAMPLED_ATOL = 0.1  # 3 sd of that training-set error plus 400-sample binomial error (0.023 each, 0.033 together)

TINY = dict(clique=4, width=8, depth=1, T=6, train_graphs=64, batch=16, checkpoint_every=10, log_every=5)


def _Q(alpha, pi):
    """One-step transition matrix Q[x_{t-1}, x_t] of the marginal chain."""
    m = np.array([1 - pi, pi])
    return alpha * np.eye(2) + (1 - alpha) * np.outer(np.ones(2), m)


@pytest.mark.parametrize("pi", [0.1, 0.45, 0.9])
def test_forward_marginals_match_product_of_transitions(pi):
    s = CosineSchedule(12)
    Qbar = np.eye(2)
    for t in range(1, s.T + 1):
        Qbar = Qbar @ _Q(s.alpha[t], pi)
        for a0 in (0, 1):
            assert forward_probability(float(a0), s.alpha_bar[t], pi) == pytest.approx(
                Qbar[a0, 1], abs=PROBABILITY_ATOL
            )
    assert Qbar[0, 1] == pytest.approx(pi) and Qbar[1, 1] == pytest.approx(pi)  # A_T forgets A_0


@pytest.mark.parametrize("pi", [0.2, 0.6])
def test_posterior_is_bayes_by_enumeration(pi):
    s = CosineSchedule(10)
    for t in range(1, s.T + 1):
        Qt = _Q(s.alpha[t], pi)
        for a0 in (0, 1):
            prior = np.array(
                [1 - forward_probability(a0, s.alpha_bar[t - 1], pi), forward_probability(a0, s.alpha_bar[t - 1], pi)]
            )
            for at in (0, 1):
                joint = prior * Qt[:, at]  # P(x_{t-1} = v, x_t = at | a0)
                brute = joint / joint.sum()
                p1 = posterior_probability(float(at), float(a0), s.alpha[t], s.alpha_bar[t - 1], pi)
                assert p1 == pytest.approx(brute[1], abs=PROBABILITY_ATOL)
                p0 = 1 - p1
                assert p0 + p1 == pytest.approx(1.0)
                # reverse step with a certain x0-prediction is the posterior itself
                assert reverse_probability(float(at), float(a0), s.alpha[t], s.alpha_bar[t - 1], pi) == pytest.approx(
                    p1
                )


def test_schedule_limits_and_errors():
    s = CosineSchedule(20)
    assert s.alpha_bar[0] == 1.0 and s.alpha_bar[-1] == 0.0
    assert np.all(np.diff(s.alpha_bar) <= 0)
    with pytest.raises(ValueError, match="positive integer"):
        CosineSchedule(0)
    with pytest.raises(ValueError, match="family"):
        TrainSpec(family="tree")
    with pytest.raises(ValueError, match="lam"):
        TrainSpec(lam=-1.0)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        TrainSpec(optimizer="rmsprop")
    with pytest.raises(ValueError, match="lr must be a positive number"):
        TrainSpec(lr=0.0)


def test_denoiser_is_permutation_equivariant_and_symmetric():
    gen = torch.Generator().manual_seed(0)
    n, B = 7, 3
    net = EdgeDenoiser(5, width=16, depth=2, T=10)
    x = torch.randn(B, n, 5, generator=gen)
    u = torch.triu((torch.rand(B, n, n, generator=gen) < 0.4).float(), 1)
    a = u + u.transpose(1, 2)
    t = torch.tensor([1, 5, 10])
    perm = torch.randperm(n, generator=gen)
    with torch.no_grad():
        out = net(a, t, x)
        out_p = net(a[:, perm][:, :, perm], t, x[:, perm])
    torch.testing.assert_close(out_p, out[:, perm][:, :, perm], atol=FLOAT32_TOL, rtol=FLOAT32_TOL)
    torch.testing.assert_close(out, out.transpose(1, 2), atol=0, rtol=0)


def test_weighted_loss_reduces_to_standard_at_lambda_zero():
    gen = torch.Generator().manual_seed(1)
    logits = torch.randn(4, 6, 6, generator=gen)
    logits = logits + logits.transpose(1, 2)
    a0 = (torch.rand(4, 6, 6, generator=gen) < 0.5).float()
    a0 = torch.triu(a0, 1) + torch.triu(a0, 1).transpose(1, 2)
    assert torch.equal(weighted_edge_loss(logits, a0, torch.ones_like(a0)), weighted_edge_loss(logits, a0))
    data0 = make_dataset(TrainSpec(**TINY, lam=0.0))
    assert torch.all(data0.weight == 1.0)
    # lam > 0: present bridge gets 1 + lam * 1 (R_eff of a bridge is 1), absent slots keep 1
    data = make_dataset(TrainSpec(**TINY, lam=3.0, epsilon=0.5))
    u, v = data.tails[data.bridge][0], data.heads[data.bridge][0]
    present = data.adjacency[:, u, v] == 1
    assert torch.allclose(data.weight[present, u, v], torch.tensor(4.0))
    assert torch.all(data.weight[~present, u, v] == 1.0)
    assert torch.all(data.weight[data.adjacency == 0] == 1.0)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_resume_is_bit_for_bit(tmp_path, optimizer):
    spec = TrainSpec(**TINY, steps=40, epsilon=0.3, lam=2.0, optimizer=optimizer)
    full = train(spec, cache=tmp_path / "a")
    part = train(spec, cache=tmp_path / "b", stop_after=20)
    assert part.history["step"][-1] == 20
    resumed = train(spec, cache=tmp_path / "b")
    for p, q in zip(full.net.state_dict().values(), resumed.net.state_dict().values()):
        assert torch.equal(p, q)
    assert full.history["bridge"] == resumed.history["bridge"]
    s1 = sample(full, 20, torch.Generator().manual_seed(5))
    s2 = sample(resumed, 20, torch.Generator().manual_seed(5))
    assert torch.equal(s1, s2)  # same seed -> same samples
    # a finished checkpoint is loaded, not retrained
    again = train(spec, cache=tmp_path / "a")
    assert again.history == full.history


def test_sgd_keeps_its_rate_and_adam_decays_it(tmp_path):
    """Plain SGD: no momentum, the constant rate ``lr``; Adam: the rate decayed on a cosine to near 0."""
    groups = {}
    for optimizer in ("sgd", "adam"):
        spec = TrainSpec(**TINY, steps=20, lr=0.05, optimizer=optimizer)
        train(spec, cache=tmp_path)
        state = torch.load(tmp_path / f"{spec.key()}.pt", map_location="cpu", weights_only=False)
        groups[optimizer] = state["optim"]["param_groups"][0]
    assert groups["sgd"]["lr"] == 0.05 and groups["sgd"]["momentum"] == 0
    assert groups["adam"]["lr"] == pytest.approx(0.05 * 0.5 * (1 + np.cos(np.pi * 19 / 20)))
    assert TrainSpec(optimizer="sgd").key() != TrainSpec().key()
    assert TrainSpec(optimizer="sgd").label().endswith(" sgd") and TrainSpec().label().endswith("x2")


def test_tiny_training_learns_the_bridge_frequency(tmp_path):
    eps = 0.3
    spec = TrainSpec(
        clique=3,
        width=16,
        depth=1,
        T=5,
        train_graphs=400,
        batch=64,
        steps=300,
        lr=1e-2,
        epsilon=eps,
        checkpoint_every=300,
        log_every=50,
    )
    model = train(spec, cache=tmp_path)
    gen = torch.Generator().manual_seed(0)
    p = predicted_at_noise(model, 64, gen)
    assert abs(p[model.data.bridge][0] - eps) < PREDICTED_ATOL
    s = sample(model, 400, gen)
    m = edge_marginals(s, model)
    # 400 samples: binomial sd ~ 0.023; training-set error ~ 0.023 as well
    assert abs(m[model.data.bridge][0] - eps) < SAMPLED_ATOL
    assert np.all(np.abs(m[~model.data.bridge] - 0.95) < SAMPLED_ATOL)


def test_a_corrupt_checkpoint_is_retrained_not_fatal(tmp_path):
    spec = TrainSpec(**TINY, steps=20, epsilon=0.3)
    clean = train(spec, cache=tmp_path / "a")
    bad = tmp_path / "b" / f"{spec.key()}.pt"
    bad.parent.mkdir()
    bad.write_bytes(b"\x00" * 64)  # a torn or foreign file under the entry's name
    with pytest.warns(RuntimeWarning, match="discarding the unreadable checkpoint"):
        again = train(spec, cache=tmp_path / "b")
    assert again.history == clean.history
    for p, q in zip(clean.net.state_dict().values(), again.net.state_dict().values()):
        assert torch.equal(p, q)
