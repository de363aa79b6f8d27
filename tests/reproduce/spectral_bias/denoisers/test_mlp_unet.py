"""Tests of :mod:`reproduce.spectral_bias.denoisers.mlp_unet`: the printed network's structure and size, shapes,
seeding, conditioning, the shared-level fast path; and the legacy ablation network."""

import math

import pytest
import torch
from torch import nn

from reproduce.spectral_bias.denoisers.mlp_ablations import LegacyResidualMLP
from reproduce.spectral_bias.denoisers.mlp_unet import FourierEmbedding, MLPUNet, UNetBlock, parameter_count
from reproduce.torch_runtime import seeded

PATH_TOL = 1e-12  # float64: the fast and per-sample paths differ only in how matmuls are batched, i.e. round-off
FREQ_ATOL = 0.03  # 3 sd of the mean (0.01) and 4.2 sd of the std (0.007) of 10,000 standard-normal draws

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _net(**kw):
    args = dict(ndim=5, nhidden=12, nlayers=3, time_embed_dim=8, seed=0)
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
    random = [k for k in sa if k.endswith("weight") and "norm" not in k] + ["embed.freqs"]
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
    net = _net(nlayers=4).double()
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(6, 5, generator=gen, dtype=torch.float64)
    for c in (-1.3, 0.0, 0.7):
        fast = net(x, torch.full((6,), c, dtype=torch.float64))
        levels = torch.cat([torch.full((6,), c, dtype=torch.float64), torch.full((6,), c + 0.25, dtype=torch.float64)])
        mixed = net(torch.cat([x, x]), levels)
        torch.testing.assert_close(fast, mixed[:6], rtol=PATH_TOL, atol=PATH_TOL)
        rows = torch.cat([net(x[i : i + 1], torch.full((1,), c, dtype=torch.float64)) for i in range(6)])
        torch.testing.assert_close(fast, rows, rtol=PATH_TOL, atol=PATH_TOL)


def test_per_sample_levels_are_applied_row_by_row():
    net = _net().double()
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(5, 5, generator=gen, dtype=torch.float64)
    c = torch.linspace(-2, 1, 5, dtype=torch.float64)
    rows = torch.cat([net(x[i : i + 1], c[i : i + 1]) for i in range(5)])
    torch.testing.assert_close(net(x, c), rows, rtol=PATH_TOL, atol=PATH_TOL)


def test_structure_is_the_printed_network():
    """App. I.2: nlayers - 1 blocks, the first on the raw input with a LayerNorm over d and a linear
    skip d -> nhidden, identity skips after it, a bare final Linear, fixed scale-1 Fourier features
    feeding every block directly (no embedding MLP, no input projection, no output norm)."""
    d, h, nlayers, e = 5, 12, 4, 8
    net = _net(ndim=d, nhidden=h, nlayers=nlayers, time_embed_dim=e)
    assert [type(m) for m in net.children()] == [FourierEmbedding, nn.ModuleList, nn.Linear]
    assert len(net.blocks) == nlayers - 1 and all(isinstance(b, UNetBlock) for b in net.blocks)
    first, rest = net.blocks[0], net.blocks[1:]
    assert first.norm1.normalized_shape == (d,) and (first.fc1.in_features, first.fc1.out_features) == (d, h)
    assert isinstance(first.skip, nn.Linear) and (first.skip.in_features, first.skip.out_features) == (d, h)
    assert all(isinstance(b.skip, nn.Identity) and b.norm1.normalized_shape == (h,) for b in rest)
    assert all((b.film.in_features, b.film.out_features) == (e, 2 * h) for b in net.blocks)
    assert (net.out.in_features, net.out.out_features) == (h, d)
    assert len(list(net.embed.parameters())) == 0 and net.embed.freqs.shape == (e // 2,)


def test_fourier_frequencies_are_standard_normal_at_scale_one():
    freqs = MLPUNet(3, nlayers=2, nhidden=4, time_embed_dim=20_000, seed=5).embed.freqs
    assert abs(float(freqs.mean())) < FREQ_ATOL and abs(float(freqs.std()) - 1.0) < FREQ_ATOL


def test_parameter_count_by_formula():
    # Hand count at the paper's Gaussian setting (d = 256, nlayers 5, width 256, embedding 256):
    # first block 2*256 + (256*256+256) + (2*256*256 + 512) + 512 + (256*256+256) + (256*256+256) ... with
    # in = out = 256 the first block's skip is the identity, so all four blocks are alike.
    block = 2 * 256 + (256 * 256 + 256) + (2 * 256 * 256 + 2 * 256) + 2 * 256 + (256 * 256 + 256)
    assert parameter_count(256, 5, 256, 256) == 4 * block + 256 * 256 + 256
    for d, h, nlayers, e in ((5, 12, 3, 8), (128, 128, 5, 128), (7, 3, 2, 4)):
        for first_skip in (True, False):
            for head in ("linear", "norm"):
                net = MLPUNet(d, nlayers, h, e, first_skip=first_skip, head=head)
                assert net.num_parameters == parameter_count(d, nlayers, h, e, first_skip, head)
                assert net.num_parameters == sum(p.numel() for p in net.parameters())


def test_ablation_switches():
    net = _net(first_skip=False, head="norm")
    assert net.blocks[0].skip is None and isinstance(net.blocks[1].skip, nn.Identity)
    assert isinstance(net.out, nn.Sequential) and isinstance(net.out[0], nn.LayerNorm)
    with pytest.raises(ValueError, match="head must be one of"):
        _net(head="mlp")


def test_legacy_network_is_the_pre_printed_design():
    net = LegacyResidualMLP(5, blocks=3, width=12, emb_dim=8)
    assert net(torch.zeros(2, 5), torch.zeros(2)).shape == (2, 5)
    assert isinstance(net.inp, nn.Linear) and len(net.blocks) == 3 and isinstance(net.out[0], nn.LayerNorm)
    embed = 2 * (8 * 8 + 8)
    block = 2 * (2 * 12) + 2 * (12 * 12 + 12) + (8 * 2 * 12 + 2 * 12)
    assert net.num_parameters == embed + (5 * 12 + 12) + 3 * block + 2 * 12 + (12 * 5 + 5)


def test_fourier_embedding():
    torch.manual_seed(0)
    emb = FourierEmbedding(6, scale=2.0)
    assert emb.freqs.shape == (3,) and not emb.freqs.requires_grad
    c = torch.tensor([0.0, 0.3, -1.1])
    out = emb(c)
    arg = 2 * math.pi * c[:, None] * emb.freqs[None, :]
    torch.testing.assert_close(out, torch.cat([torch.sin(arg), torch.cos(arg)], dim=1))
    torch.testing.assert_close(out[0], torch.tensor([0.0, 0, 0, 1, 1, 1]))
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


@pytest.mark.parametrize("name, value", [("ndim", 0), ("nhidden", -1), ("time_embed_dim", 0), ("nhidden", 2.5)])
def test_bad_constructor_arguments(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a positive integer"):
        _net(**{name: value})


@pytest.mark.parametrize("value", [1, 0, 2.5, True])
def test_nlayers_counts_the_final_layer_so_needs_two(value):
    with pytest.raises(ValueError, match="nlayers must be an integer >= 2"):
        _net(nlayers=value)


def test_odd_embedding_width_is_refused():
    with pytest.raises(ValueError, match="even integer >= 2"):
        _net(time_embed_dim=7)


def test_empty_batch_and_bad_noise_shape_are_rejected():
    net = MLPUNet(5, nlayers=2, nhidden=8, time_embed_dim=8)
    with pytest.raises(ValueError, match="batch >= 1"):
        net(torch.zeros(0, 5), torch.zeros(0))
    with pytest.raises(ValueError, match="c_noise must have shape"):
        net(torch.zeros(3, 5), torch.zeros(2))
