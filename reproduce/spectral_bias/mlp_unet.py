"""The MLP denoiser of Wang & Pehlevan's trained experiments (spec Sec. 4, "MLP-UNet").

Block design (from the authors' description and code): ``h = Linear(SiLU(LayerNorm(x)))``; the
noise embedding (Gaussian Fourier features of ``c_noise`` followed by a two-layer MLP) gives a
per-block ``(scale, shift)``; ``h = Linear(SiLU(LayerNorm(h) (1 + scale) + shift))``; the block
returns ``x + h`` (residual skip).  An input ``Linear`` lifts the data to the width and a final
``LayerNorm -> SiLU -> Linear`` maps back to the data dimension.  PyTorch's default initialisation
is used, under a private seed (:func:`reproduce.torch_runtime.seeded`), so building a network never touches the global RNG.

Sizes in the paper: Gaussian data ``d -> 5 blocks x 256`` (embedding 256); MNIST ``784 -> 8 x 1024``;
32x32 RGB ``3072 -> 8 x 3072`` (embedding 128).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from reproduce.torch_runtime import seeded

__all__ = ["FourierEmbedding", "MLPBlock", "MLPUNet"]


class FourierEmbedding(nn.Module):
    """Gaussian Fourier features ``[cos(2 pi f c), sin(2 pi f c)]`` of a scalar, ``f ~ N(0, scale^2)`` fixed."""

    def __init__(self, dim: int, scale: float = 16.0) -> None:
        super().__init__()
        if dim < 2 or dim % 2:
            raise ValueError(f"the embedding dimension must be an even integer >= 2, got {dim!r}.")
        self.register_buffer("freqs", torch.randn(dim // 2) * scale)

    def forward(self, c: torch.Tensor) -> torch.Tensor:
        """``c`` (B,) -> (B, dim)."""
        arg = 2 * math.pi * c[:, None] * self.freqs[None, :]
        return torch.cat([arg.cos(), arg.sin()], dim=1)


class MLPBlock(nn.Module):
    """One residual block with a noise-conditioned scale and shift."""

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


class MLPUNet(nn.Module):
    """Residual MLP ``F(x, c_noise)`` on flattened data.

    Parameters
    ----------
    dim : int
        Data dimension ``d``.
    width : int
        Hidden width.
    layers : int
        Number of residual blocks.
    emb_dim : int
        Width of the noise embedding.
    seed : int
        Seed of the default initialisation (see :func:`reproduce.torch_runtime.seeded`).

    Examples
    --------
    >>> net = MLPUNet(4, width=8, layers=2, emb_dim=8)
    >>> net(torch.zeros(3, 4), torch.zeros(3)).shape
    torch.Size([3, 4])
    """

    def __init__(self, dim: int, width: int = 256, layers: int = 5, emb_dim: int = 256, seed: int = 0) -> None:
        super().__init__()
        for name, value in (("dim", dim), ("width", width), ("layers", layers), ("emb_dim", emb_dim)):
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        self.dim = int(dim)
        with seeded(seed):
            self.embed = nn.Sequential(FourierEmbedding(emb_dim), nn.Linear(emb_dim, emb_dim), nn.SiLU(),
                                       nn.Linear(emb_dim, emb_dim), nn.SiLU())
            self.inp = nn.Linear(dim, width)
            self.blocks = nn.ModuleList(MLPBlock(width, emb_dim) for _ in range(layers))
            self.out = nn.Sequential(nn.LayerNorm(width), nn.SiLU(), nn.Linear(width, dim))

    def forward(self, x: torch.Tensor, c_noise: torch.Tensor) -> torch.Tensor:
        """``x`` (B, d), ``c_noise`` (B,) -> (B, d)."""
        if x.dim() != 2 or x.shape[1] != self.dim or x.shape[0] == 0:
            raise ValueError(f"x must have shape (batch >= 1, {self.dim}), got {tuple(x.shape)}.")
        if c_noise.shape != x.shape[:1]:
            raise ValueError(f"c_noise must have shape ({x.shape[0]},), got {tuple(c_noise.shape)}.")
        if bool((c_noise == c_noise[0]).all()):
            # one noise level for the whole batch (every sampler step): embed it once, and let
            # the (1, width) scales and shifts broadcast over the batch
            emb = self.embed(c_noise[:1])
        else:
            emb = self.embed(c_noise)
        h = self.inp(x)
        for block in self.blocks:
            h = block(h, emb)
        return self.out(h)

    @property
    def num_parameters(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)
