"""Tests of :mod:`reproduce.spectral_bias.mlp_unet`: shapes, seeding, conditioning, the shared-level fast path."""

import math

import pytest
import torch

from reproduce.spectral_bias.mlp_unet import FourierEmbedding, MLPUNet
from reproduce.torch_runtime import seeded


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _net(**kw):
    args = dict(dim=5, width=12, layers=2, emb_dim=8, seed=0)
    args.update(kw)
    return MLPUNet(**args)


def test_output_shape():
    net = _net()
    for b in (1, 3, 17):
        assert net(torch.zeros(b, 5), torch.zeros(b)).shape == (b, 5)


def test_equal_seeds_give_equal_networks_and_different_seeds_differ():
    a, b, c = _net(seed=3), _net(seed=3), _net(seed=4)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert sa.keys() == sb.keys() == sc.keys()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    # every randomly initialised tensor (weights and the Fourier frequencies) changes with the seed
    random = [k for k in sa if k.endswith("weight") and "norm" not in k and not k.startswith("out.0")] + ["embed.0.freqs"]
    assert all(not torch.equal(sa[k], sc[k]) for k in random)


def test_construction_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    _net(seed=9)
    assert torch.equal(torch.get_rng_state(), state)


def test_seeded_is_manual_seed_inside_and_restores_outside():
    torch.manual_seed(1)
    before = torch.get_rng_state()
    with seeded(42):
        inside = torch.rand(4)
    assert torch.equal(torch.get_rng_state(), before)
    assert torch.equal(inside, torch.rand(4, generator=torch.Generator().manual_seed(42)))


def test_output_depends_on_the_noise_level():
    net = _net()
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(0))
    y0, y1 = net(x, torch.zeros(4)), net(x, torch.ones(4))
    assert not torch.allclose(y0, y1)


def test_shared_level_fast_path_matches_the_per_sample_path():
    # A batch whose noise levels all agree takes the fast path (one embedding broadcast over the
    # batch); doubling it with a second, different level forces the per-sample path.  Samples never
    # interact (LayerNorm is per sample), so the first half must agree with the fast-path output.
    net = _net(layers=3).double()
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(6, 5, generator=gen, dtype=torch.float64)
    for c in (-1.3, 0.0, 0.7):
        fast = net(x, torch.full((6,), c, dtype=torch.float64))
        levels = torch.cat([torch.full((6,), c, dtype=torch.float64), torch.full((6,), c + 0.25, dtype=torch.float64)])
        mixed = net(torch.cat([x, x]), levels)
        torch.testing.assert_close(fast, mixed[:6], rtol=1e-12, atol=1e-12)
        rows = torch.cat([net(x[i:i + 1], torch.full((1,), c, dtype=torch.float64)) for i in range(6)])
        torch.testing.assert_close(fast, rows, rtol=1e-12, atol=1e-12)


def test_per_sample_levels_are_applied_row_by_row():
    net = _net().double()
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(5, 5, generator=gen, dtype=torch.float64)
    c = torch.linspace(-2, 1, 5, dtype=torch.float64)
    rows = torch.cat([net(x[i:i + 1], c[i:i + 1]) for i in range(5)])
    torch.testing.assert_close(net(x, c), rows, rtol=1e-12, atol=1e-12)


def test_num_parameters():
    d, w, layers, e = 5, 12, 3, 8
    net = _net(dim=d, width=w, layers=layers, emb_dim=e)
    assert net.num_parameters == sum(p.numel() for p in net.parameters())
    embed = 2 * (e * e + e)
    block = 2 * (2 * w) + 2 * (w * w + w) + (e * 2 * w + 2 * w)  # two LayerNorms, two Linears, FiLM
    expected = embed + (d * w + w) + layers * block + 2 * w + (w * d + d)
    assert net.num_parameters == expected


def test_fourier_embedding():
    torch.manual_seed(0)
    emb = FourierEmbedding(6, scale=2.0)
    assert emb.freqs.shape == (3,) and not emb.freqs.requires_grad
    c = torch.tensor([0.0, 0.3, -1.1])
    out = emb(c)
    arg = 2 * math.pi * c[:, None] * emb.freqs[None, :]
    torch.testing.assert_close(out, torch.cat([torch.cos(arg), torch.sin(arg)], dim=1))
    torch.testing.assert_close(out[0], torch.tensor([1.0, 1, 1, 0, 0, 0]))
    assert len(list(emb.parameters())) == 0


@pytest.mark.parametrize("dim", [0, 1, 3, 7])
def test_fourier_embedding_needs_an_even_dimension(dim):
    with pytest.raises(ValueError, match="even integer >= 2"):
        FourierEmbedding(dim)


@pytest.mark.parametrize("shape", [(3, 4), (3, 6), (3, 5, 1), (5,)])
def test_wrong_input_shape(shape):
    net = _net()
    with pytest.raises(ValueError, match=r"x must have shape \(batch >= 1, 5\)"):
        net(torch.zeros(shape), torch.zeros(shape[0]))


@pytest.mark.parametrize("name, value", [("dim", 0), ("width", -1), ("layers", 0), ("emb_dim", 0), ("width", 2.5)])
def test_bad_constructor_arguments(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a positive integer"):
        _net(**{name: value})


def test_odd_embedding_width_is_refused():
    with pytest.raises(ValueError, match="even integer >= 2"):
        _net(emb_dim=7)


def test_empty_batch_and_bad_noise_shape_are_rejected():
    net = MLPUNet(5, width=8, layers=1, emb_dim=8)
    with pytest.raises(ValueError, match="batch >= 1"):
        net(torch.zeros(0, 5), torch.zeros(0))
    with pytest.raises(ValueError, match="c_noise must have shape"):
        net(torch.zeros(3, 5), torch.zeros(2))
