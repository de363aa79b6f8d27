"""Tests of :mod:`reproduce.spectral_bias.denoisers.cnn_unet`: shapes, determinism, conditioning, locality, training."""

import math

import pytest
import torch
from torch import nn

from reproduce.spectral_bias.denoisers.cnn_unet import ConvUNet

FREQ_SCALE_RTOL = 0.1  # 4.5 relative standard errors (1/sqrt(2000) = 2.2%) of the std of 1,000 normal draws
MIN_RELATIVE_CHANGE = 1e-3  # a new c_noise must move the output by 0.1% of its size, far above float32 round-off
BATCH_ATOL = 1e-6  # other samples' float32 outputs may differ by kernel round-off only (values are O(1))


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


# ---------------------------------------------------------------- shapes and parameter counts


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(channels=1, image_size=8, levels=1),
        dict(channels=1, image_size=8, levels=2),
        dict(channels=2, image_size=8, levels=2, blocks_per_level=2),
        dict(channels=1, image_size=16, levels=3, base=8),
        dict(channels=3, image_size=32, levels=3, base=8, attention=True),
        dict(channels=1, image_size=4, levels=3, base=3, emb_dim=6),  # 1x1 lowest level, 3 groups
    ],
)
def test_output_shape(kwargs):
    net = ConvUNet(**kwargs)
    B, C, H = 3, kwargs["channels"], kwargs["image_size"]
    x = torch.randn(B, C, H, H, generator=_gen(1))
    out = net(x, torch.linspace(-1.0, 1.0, B))
    assert out.shape == (B, C, H, H) and out.dtype == x.dtype
    assert out.is_contiguous() and torch.isfinite(out).all()


def test_scalar_c_noise_broadcasts_over_the_batch():
    net = ConvUNet(out_init_scale=1.0)
    x = torch.randn(4, 1, 8, 8, generator=_gen(1))
    torch.testing.assert_close(net(x, torch.tensor(0.3)), net(x, torch.full((4,), 0.3)))


def _resblock_count(c_in: int, c_out: int, e: int) -> int:
    count = 2 * c_in + (9 * c_in * c_out + c_out) + (2 * c_out * e + 2 * c_out) + 2 * c_out + (9 * c_out**2 + c_out)
    return count + (c_in * c_out + c_out if c_in != c_out else 0)


@pytest.mark.parametrize("channels, base, emb_dim, attention", [(1, 16, 64, False), (3, 8, 10, True)])
def test_num_parameters_of_one_level_matches_a_layer_by_layer_count(channels, base, emb_dim, attention):
    # One level, one block: conv_in, encoder b->b, [attention], decoder 2b->b, GroupNorm, conv_out.
    C, b, e = channels, base, emb_dim
    expected = 2 * (e * e + e) + (9 * C * b + b) + _resblock_count(b, b, e) + _resblock_count(2 * b, b, e)
    expected += 2 * b + 9 * b * C + C
    if attention:
        expected += 2 * b + (3 * b * b + 3 * b) + (b * b + b)
    net = ConvUNet(channels=C, image_size=8, base=b, levels=1, emb_dim=e, attention=attention)
    assert net.num_parameters == expected == sum(p.numel() for p in net.parameters())


def test_default_size_is_modest():
    assert 50_000 <= ConvUNet().num_parameters <= 300_000


# ---------------------------------------------------------------- randomness


def test_equal_generators_give_identical_networks():
    a = ConvUNet(levels=2, attention=True, generator=_gen(7)).state_dict()
    b = ConvUNet(levels=2, attention=True, generator=_gen(7)).state_dict()
    c = ConvUNet(levels=2, attention=True, generator=_gen(8)).state_dict()
    assert a.keys() == b.keys() == c.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not torch.equal(a["conv_in.weight"], c["conv_in.weight"])
    assert not torch.equal(a["embed.freqs"], c["embed.freqs"])


def test_no_generator_means_seed_zero():
    a, b = ConvUNet().state_dict(), ConvUNet(generator=_gen(0)).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_construction_neither_reads_nor_changes_the_global_rng():
    state = torch.get_rng_state()
    torch.manual_seed(123)
    a = ConvUNet(generator=_gen(3)).state_dict()
    after_a = torch.get_rng_state()
    torch.manual_seed(456)
    b = ConvUNet(generator=_gen(3)).state_dict()
    after_b = torch.get_rng_state()
    torch.set_rng_state(state)
    assert all(torch.equal(a[k], b[k]) for k in a)
    torch.manual_seed(123)
    assert torch.equal(after_a, torch.get_rng_state())
    torch.manual_seed(456)
    assert torch.equal(after_b, torch.get_rng_state())
    torch.set_rng_state(state)


def test_fourier_frequencies_have_the_requested_scale():
    freqs = ConvUNet(emb_dim=2000, fourier_scale=16.0).embed.freqs
    assert freqs.shape == (1000,)
    # Sample std of 1000 N(0, 16^2) draws: relative standard error 1/sqrt(2000) ~ 2.2 %.
    assert abs(freqs.std().item() / 16.0 - 1.0) < FREQ_SCALE_RTOL


# ---------------------------------------------------------------- conditioning and independence


def test_output_depends_on_c_noise_per_sample():
    net = ConvUNet(out_init_scale=1.0, generator=_gen(2))
    x = torch.randn(4, 1, 8, 8, generator=_gen(3))
    c = torch.tensor([-1.0, -0.3, 0.2, 0.9])
    out = net(x, c)
    c_changed = c.clone()
    c_changed[1] = 0.5
    moved = net(x, c_changed)
    assert (moved[1] - out[1]).abs().max() > MIN_RELATIVE_CHANGE * out[1].abs().max()
    # Samples never interact: the other outputs are untouched.
    torch.testing.assert_close(moved[[0, 2, 3]], out[[0, 2, 3]], rtol=0.0, atol=BATCH_ATOL)


def test_samples_do_not_interact():
    net = ConvUNet(levels=2, attention=True, out_init_scale=1.0)
    x = torch.randn(3, 1, 8, 8, generator=_gen(4))
    c = torch.zeros(3)
    y = x.clone()
    y[0] = torch.randn(1, 8, 8, generator=_gen(5))
    torch.testing.assert_close(net(y, c)[1:], net(x, c)[1:], rtol=0.0, atol=BATCH_ATOL)


# ---------------------------------------------------------------- locality


def _freeze_group_norm_statistics(net: nn.Module) -> dict:
    """Make every GroupNorm reuse the statistics of its first call (recorded into the returned dict)."""
    stats = {}

    def frozen(name, norm):
        def forward(x):
            groups = x.reshape(x.shape[0], norm.num_groups, -1)
            if name not in stats:
                stats[name] = (groups.mean(-1, keepdim=True), groups.var(-1, unbiased=False, keepdim=True))
            mean, var = stats[name]
            y = ((groups - mean) / torch.sqrt(var + norm.eps)).reshape(x.shape)
            return y * norm.weight[:, None, None] + norm.bias[:, None, None]

        return forward

    for name, module in net.named_modules():
        if isinstance(module, nn.GroupNorm):
            module.forward = frozen(name, module)
    return stats


@pytest.mark.parametrize("blocks_per_level, size", [(1, 16), (2, 24)])
def test_with_frozen_normalisation_one_pixel_acts_only_within_the_receptive_field(blocks_per_level, size):
    # One level: conv_in, 2n convolutions in each of the encoder and decoder, conv_out -- all 3x3
    # (the residual skips are 1x1), so the receptive field has Chebyshev radius 2 + 4n.
    radius = 2 + 4 * blocks_per_level
    centre = size // 2
    net = ConvUNet(image_size=size, levels=1, blocks_per_level=blocks_per_level, out_init_scale=1.0).double()
    x = torch.randn(1, 1, size, size, generator=_gen(6), dtype=torch.float64)
    c = torch.zeros(1, dtype=torch.float64)
    live = net(x, c)
    _freeze_group_norm_statistics(net)
    reference = net(x, c)  # records the statistics of the unperturbed image
    torch.testing.assert_close(reference, live)  # the frozen copy reproduces GroupNorm

    x[0, 0, centre, centre] += 1.0
    change = (net(x, c) - reference)[0, 0].abs()
    rows, cols = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    distance = torch.maximum((rows - centre).abs(), (cols - centre).abs())
    assert (distance > radius).any() and change[0, 0] == 0.0  # a far corner exists and is untouched
    assert change[distance > radius].max() == 0.0
    assert change[distance == radius].min() > 0.0  # the bound is tight in every direction


def test_group_norm_makes_the_network_globally_coupled():
    # The documented caveat: with live statistics, a far corner does feel the centre pixel.
    net = ConvUNet(image_size=16, levels=1, out_init_scale=1.0).double()
    x = torch.randn(1, 1, 16, 16, generator=_gen(6), dtype=torch.float64)
    c = torch.zeros(1, dtype=torch.float64)
    reference = net(x, c)
    x[0, 0, 8, 8] += 1.0
    assert (net(x, c) - reference)[0, 0, 0, 0].abs() > 0.0


# ---------------------------------------------------------------- training


@pytest.mark.parametrize("attention", [False, True])
def test_every_parameter_receives_a_gradient(attention):
    net = ConvUNet(levels=2, attention=attention, generator=_gen(9))  # default tiny output init
    x = torch.randn(8, 1, 8, 8, generator=_gen(10))
    loss = ((net(x, torch.linspace(-1.0, 1.0, 8)) - x) ** 2).mean()
    loss.backward()
    for name, p in net.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all() and (p.grad != 0).any(), name


def test_adam_overfits_a_fixed_batch():
    net = ConvUNet(generator=_gen(11))
    x = torch.randn(16, 1, 8, 8, generator=_gen(12))
    target = torch.randn(16, 1, 8, 8, generator=_gen(13))
    c = torch.full((16,), math.log(0.5) / 4)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    initial = ((net(x, c) - target) ** 2).mean().item()
    for _ in range(200):
        opt.zero_grad()
        loss = ((net(x, c) - target) ** 2).mean()
        loss.backward()
        opt.step()
    final = ((net(x, c) - target) ** 2).mean().item()
    assert final < initial / 10


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(channels=0), "channels must be at least 1"),
        (dict(image_size=0), "image_size must be at least 1"),
        (dict(base=0), "base must be at least 1"),
        (dict(levels=0), "levels must be at least 1"),
        (dict(blocks_per_level=0), "blocks_per_level must be at least 1"),
        (dict(emb_dim=0), "emb_dim must be at least 2"),
        (dict(emb_dim=7), "emb_dim must be even"),
        (dict(image_size=12, levels=4), r"image_size must be divisible by 2\*\*\(levels - 1\) = 8"),
        (dict(image_size=8, levels=5), r"divisible by 2\*\*\(levels - 1\) = 16"),
        (dict(fourier_scale=0.0), "fourier_scale must be positive and finite"),
        (dict(fourier_scale=float("inf")), "fourier_scale must be positive and finite"),
        (dict(out_init_scale=-1.0), "out_init_scale must be positive and finite"),
        (dict(out_init_scale=float("nan")), "out_init_scale must be positive and finite"),
    ],
)
def test_bad_construction_raises_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ConvUNet(**kwargs)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA generator")
def test_cuda_generator_is_refused():
    with pytest.raises(ValueError, match="generator must be a CPU generator"):
        ConvUNet(generator=torch.Generator(device="cuda"))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(channels=1.0), "channels must be an integer"),
        (dict(levels=True), "levels must be an integer"),
        (dict(attention=1), "attention must be a bool"),
        (dict(fourier_scale="16"), "fourier_scale must be a real number"),
        (dict(generator=0), "generator must be a torch.Generator"),
    ],
)
def test_bad_construction_types_raise_type_error(kwargs, match):
    with pytest.raises(TypeError, match=match):
        ConvUNet(**kwargs)


@pytest.mark.parametrize(
    "shape, match",
    [
        ((2, 1, 8), r"x must have shape \(B, 1, 8, 8\), got \(2, 1, 8\)"),
        ((2, 3, 8, 8), r"x must have shape \(B, 1, 8, 8\), got \(2, 3, 8, 8\)"),
        ((2, 1, 16, 16), r"x must have shape \(B, 1, 8, 8\)"),
        ((2, 1, 8, 4), r"x must have shape \(B, 1, 8, 8\)"),
    ],
)
def test_wrong_input_shape_raises_value_error(shape, match):
    with pytest.raises(ValueError, match=match):
        ConvUNet()(torch.zeros(shape), torch.zeros(shape[0]))


@pytest.mark.parametrize("c_shape", [(3,), (2, 1), (1,)])
def test_wrong_c_noise_shape_raises_value_error(c_shape):
    with pytest.raises(ValueError, match=r"c_noise must have shape \(2,\) or \(\)"):
        ConvUNet()(torch.zeros(2, 1, 8, 8), torch.zeros(c_shape))


def test_non_tensor_input_raises_type_error():
    with pytest.raises(TypeError, match="x and c_noise must both be torch tensors"):
        ConvUNet()(torch.zeros(2, 1, 8, 8), 0.0)
