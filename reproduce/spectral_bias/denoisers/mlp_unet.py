"""The MLP denoiser of Wang & Pehlevan's trained experiments, as App. I.2 prints it (spec Sec. 4).

``UNetBlockStyleMLP_backbone(ndim, nlayers, nhidden, time_embed_dim)``, inside the EDM
preconditioning wrapper (:class:`~reproduce.spectral_bias.denoisers.edm.Preconditioned`):

- **noise embedding**: fixed (non-trainable) Gaussian Fourier features of ``c_noise`` at scale 1,
  ``w ~ N(0, 1)`` (``time_embed_dim / 2`` of them), features ``[sin(2 pi w c), cos(2 pi w c)]``;
  no MLP after them: the raw features feed every block;
- ``nlayers`` counts the final layer: ``nlayers - 1`` blocks, then one bare
  ``Linear(nhidden -> ndim)``; no input projection, no output normalisation or activation;
- **block** ``(in -> out)``: ``h = Linear(in, out)(SiLU(LayerNorm(in)(x)))``;
  ``(scale, shift) = Linear(emb, 2 out)(emb)``; ``h = SiLU(LayerNorm(out)(h) (1 + scale) + shift)``;
  ``h = Linear(out, out)(h)``; return ``h + skip(x)``, with ``skip`` a ``Linear(in, out)`` when
  ``in != out`` and the identity otherwise.  The first block takes the raw ``d``-dimensional input,
  so its linear skip is a linear path from the input to the residual stream;
- PyTorch's default initialisation, under a private seed (:func:`reproduce.torch_runtime.seeded`),
  so building a network never touches the global RNG.

Two switches exist only for the ablation claim ``spectral.architecture_ablation`` and are off in
every other claim: ``first_skip=False`` drops the first block's linear skip, and
``head="norm"`` replaces the bare output ``Linear`` by ``LayerNorm -> SiLU -> Linear``.  The
network this package used before it followed the printed code is kept, for the same claim, as
:class:`~reproduce.spectral_bias.denoisers.mlp_ablations.LegacyResidualMLP`.

Sizes in the paper: Gaussian data ``d -> nlayers 5, width 256`` (embedding 256); MNIST
``784 -> 8 x 1024``; 32x32 RGB ``3072 -> 8 x 3072`` (embedding 128).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from reproduce.torch_runtime import seeded

__all__ = ["HEADS", "FourierEmbedding", "MLPUNet", "UNetBlock", "embed_noise", "parameter_count"]

HEADS = ("linear", "norm")
"""Output heads: the printed bare ``Linear`` and the ablation's ``LayerNorm -> SiLU -> Linear``."""


class FourierEmbedding(nn.Module):
    """Gaussian Fourier features ``[sin(2 pi w c), cos(2 pi w c)]`` of a scalar, ``w ~ N(0, scale^2)`` fixed."""

    def __init__(self, dim: int, scale: float = 1.0) -> None:
        super().__init__()
        if isinstance(dim, bool) or int(dim) != dim or dim < 2 or dim % 2:
            raise ValueError(f"the embedding dimension must be an even integer >= 2, got {dim!r}.")
        self.register_buffer("freqs", torch.randn(int(dim) // 2) * scale)

    def forward(self, c: torch.Tensor) -> torch.Tensor:
        """``c`` (B,) -> (B, dim)."""
        arg = 2 * math.pi * c[:, None] * self.freqs[None, :]
        return torch.cat([arg.sin(), arg.cos()], dim=1)


class UNetBlock(nn.Module):
    """One block ``in -> out`` with a noise-conditioned scale and shift and a skip (see the module docstring).

    ``skip=False`` (ablation only) drops the skip path altogether.
    """

    def __init__(self, in_dim: int, out_dim: int, emb_dim: int, skip: bool = True) -> None:
        super().__init__()
        self.norm1, self.fc1 = nn.LayerNorm(in_dim), nn.Linear(in_dim, out_dim)
        self.film = nn.Linear(emb_dim, 2 * out_dim)
        self.norm2, self.fc2 = nn.LayerNorm(out_dim), nn.Linear(out_dim, out_dim)
        if not skip:
            self.skip = None
        elif in_dim != out_dim:
            self.skip = nn.Linear(in_dim, out_dim)
        else:
            self.skip = nn.Identity()

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.fc1(nn.functional.silu(self.norm1(x)))
        scale, shift = self.film(emb).chunk(2, dim=1)
        h = self.fc2(nn.functional.silu(self.norm2(h) * (1 + scale) + shift))
        return h if self.skip is None else h + self.skip(x)


def parameter_count(
    ndim: int, nlayers: int, nhidden: int, time_embed_dim: int, first_skip: bool = True, head: str = "linear"
) -> int:
    """Trainable parameters of :class:`MLPUNet`, by formula.

    A block ``in -> out`` with embedding width ``e`` has ``2 in`` (LayerNorm) ``+ in out + out`` (first
    Linear) ``+ 2 e out + 2 out`` (scale/shift) ``+ 2 out`` (LayerNorm) ``+ out^2 + out`` (second Linear)
    ``+ in out + out`` (a linear skip, when ``in != out``); the head has ``nhidden ndim + ndim``
    (plus ``2 nhidden`` for the ablation's LayerNorm).  The Fourier frequencies are not trainable.

    Examples
    --------
    >>> parameter_count(128, 5, 256, 256)   # the paper's Gaussian network at d = 128
    1089664
    """

    def block(i: int, o: int, skip: bool) -> int:
        linear_skip = skip and i != o
        return 2 * i + (i * o + o) + (2 * time_embed_dim * o + 2 * o) + 2 * o + (o * o + o) + linear_skip * (i * o + o)

    total = block(ndim, nhidden, first_skip) + (nlayers - 2) * block(nhidden, nhidden, True)
    return total + nhidden * ndim + ndim + (2 * nhidden if head == "norm" else 0)


def embed_noise(embed: nn.Module, x: torch.Tensor, c_noise: torch.Tensor, dim: int) -> torch.Tensor:
    """Check ``x`` (B, dim) and ``c_noise`` (B,); return the noise embedding for the blocks.

    When the whole batch shares one noise level (every sampler step) it is embedded once, and the
    (1, width) scales and shifts broadcast over the batch.
    """
    if x.dim() != 2 or x.shape[1] != dim or x.shape[0] == 0:
        raise ValueError(f"x must have shape (batch >= 1, {dim}), got {tuple(x.shape)}.")
    if c_noise.shape != x.shape[:1]:
        raise ValueError(f"c_noise must have shape ({x.shape[0]},), got {tuple(c_noise.shape)}.")
    return embed(c_noise[:1] if bool((c_noise == c_noise[0]).all()) else c_noise)


class MLPUNet(nn.Module):
    """``UNetBlockStyleMLP_backbone``: ``F(x, c_noise)`` on flattened data (see the module docstring).

    Parameters
    ----------
    ndim : int
        Data dimension ``d``.
    nlayers : int
        Layers in the paper's sense: ``nlayers - 1`` blocks and the final ``Linear`` (at least 2).
    nhidden : int
        Hidden width.
    time_embed_dim : int
        Width of the Fourier noise embedding (even).
    seed : int
        Seed of the default initialisation and of the Fourier frequencies.
    first_skip : bool
        Keep the first block's linear skip (the printed network); ``False`` only for the ablation.
    head : {"linear", "norm"}
        The printed bare ``Linear`` head, or the ablation's ``LayerNorm -> SiLU -> Linear``.

    Examples
    --------
    >>> net = MLPUNet(4, nlayers=3, nhidden=8, time_embed_dim=8)
    >>> net(torch.zeros(3, 4), torch.zeros(3)).shape, len(net.blocks)
    (torch.Size([3, 4]), 2)
    """

    def __init__(
        self,
        ndim: int,
        nlayers: int = 5,
        nhidden: int = 256,
        time_embed_dim: int = 256,
        seed: int = 0,
        *,
        first_skip: bool = True,
        head: str = "linear",
    ) -> None:
        super().__init__()
        for name, value in (("ndim", ndim), ("nhidden", nhidden), ("time_embed_dim", time_embed_dim)):
            if isinstance(value, bool) or int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        if isinstance(nlayers, bool) or int(nlayers) != nlayers or nlayers < 2:
            raise ValueError(f"nlayers must be an integer >= 2 (blocks + the final layer), got {nlayers!r}.")
        if head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {head!r}.")
        self.dim = int(ndim)
        with seeded(seed):
            self.embed = FourierEmbedding(time_embed_dim, scale=1.0)
            dims = [int(ndim)] + [int(nhidden)] * (int(nlayers) - 1)
            self.blocks = nn.ModuleList(
                UNetBlock(i, o, int(time_embed_dim), skip=first_skip or k > 0)
                for k, (i, o) in enumerate(zip(dims, dims[1:]))
            )
            final = nn.Linear(int(nhidden), int(ndim))
            self.out = final if head == "linear" else nn.Sequential(nn.LayerNorm(int(nhidden)), nn.SiLU(), final)

    def forward(self, x: torch.Tensor, c_noise: torch.Tensor) -> torch.Tensor:
        """``x`` (B, d), ``c_noise`` (B,) -> (B, d)."""
        emb = embed_noise(self.embed, x, c_noise, self.dim)
        h = x
        for block in self.blocks:
            h = block(h, emb)
        return self.out(h)

    @property
    def num_parameters(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)
