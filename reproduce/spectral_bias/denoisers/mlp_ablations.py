"""The residual MLP this package trained before it followed the printed network: an ablation only.

:class:`LegacyResidualMLP` departs from the paper's ``UNetBlockStyleMLP_backbone``
(:class:`~reproduce.spectral_bias.denoisers.mlp_unet.MLPUNet`) in four ways: a plain input ``Linear`` lifts
the data to the width (no LayerNorm of the raw input, no linear skip); every one of its
``blocks`` is residual with an identity skip; the output head is ``LayerNorm -> SiLU -> Linear``;
and the noise embedding is Fourier features at scale 16 followed by a two-layer MLP.  It is used
by ``spectral.architecture_ablation`` and nowhere else, to show what those choices do to the
measured exponent.
"""

from __future__ import annotations

import torch
from torch import nn

from reproduce.torch_runtime import seeded

from .mlp_unet import FourierEmbedding, embed_noise

__all__ = ["LegacyResidualMLP"]


class _ResidualBlock(nn.Module):
    def __init__(self, width: int, emb_dim: int) -> None:
        super().__init__()
        self.norm1, self.fc1 = nn.LayerNorm(width), nn.Linear(width, width)
        self.norm2, self.fc2 = nn.LayerNorm(width), nn.Linear(width, width)
        self.film = nn.Linear(emb_dim, 2 * width)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.fc1(nn.functional.silu(self.norm1(x)))
        scale, shift = self.film(emb).chunk(2, dim=1)
        h = self.fc2(nn.functional.silu(self.norm2(h) * (1 + scale) + shift))
        return x + h


class LegacyResidualMLP(nn.Module):
    """Input ``Linear``, ``blocks`` identity-skip residual blocks, ``LayerNorm -> SiLU -> Linear`` head.

    Parameters
    ----------
    ndim, blocks, width, emb_dim : int
        Data dimension, number of residual blocks, hidden width, noise-embedding width.
    seed : int
        Seed of the default initialisation.

    Examples
    --------
    >>> net = LegacyResidualMLP(4, blocks=2, width=8, emb_dim=8)
    >>> net(torch.zeros(3, 4), torch.zeros(3)).shape
    torch.Size([3, 4])
    """

    def __init__(self, ndim: int, blocks: int = 5, width: int = 256, emb_dim: int = 256, seed: int = 0) -> None:
        super().__init__()
        for name, value in (("ndim", ndim), ("blocks", blocks), ("width", width), ("emb_dim", emb_dim)):
            if isinstance(value, bool) or int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        self.dim = int(ndim)
        with seeded(seed):
            self.embed = nn.Sequential(
                FourierEmbedding(emb_dim, scale=16.0),
                nn.Linear(emb_dim, emb_dim),
                nn.SiLU(),
                nn.Linear(emb_dim, emb_dim),
                nn.SiLU(),
            )
            self.inp = nn.Linear(ndim, width)
            self.blocks = nn.ModuleList(_ResidualBlock(width, emb_dim) for _ in range(blocks))
            self.out = nn.Sequential(nn.LayerNorm(width), nn.SiLU(), nn.Linear(width, ndim))

    def forward(self, x: torch.Tensor, c_noise: torch.Tensor) -> torch.Tensor:
        """``x`` (B, d), ``c_noise`` (B,) -> (B, d)."""
        emb = embed_noise(self.embed, x, c_noise, self.dim)
        h = self.inp(x)
        for block in self.blocks:
            h = block(h, emb)
        return self.out(h)

    @property
    def num_parameters(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)
