"""EDM training and sampling (Karras et al. 2022), as used by every trained model of Wang & Pehlevan.

Spec Sec. 4 ("Common"): noisy data ``x = x_0 + sigma n``; ``ln sigma ~ N(P_mean, P_std^2)`` with
``P_mean = -1.2``, ``P_std = 1.2``; loss weight ``lambda(sigma) = (sigma^2 + sigma_d^2) / (sigma sigma_d)^2``
with ``sigma_d = 0.5``; preconditioning

    D(x; sigma) = c_skip x + c_out F(c_in x, c_noise),
    c_skip = sigma_d^2 / (sigma^2 + sigma_d^2),  c_out = sigma sigma_d / sqrt(sigma^2 + sigma_d^2),
    c_in = 1 / sqrt(sigma^2 + sigma_d^2),         c_noise = ln(sigma) / 4;

and the deterministic Heun sampler of the probability-flow ODE ``dx/dsigma = (x - D(x; sigma)) / sigma``
on the EDM step rule ``sigma_i = (sigma_max^(1/rho) + i/(N-1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho``,
``rho = 7``, ``sigma in [0.002, 80]``, followed by ``sigma_N = 0`` (last step Euler).

The raw network ``F`` is any module called as ``F(x, c_noise)`` with ``x`` of shape ``(B, *shape)``
and ``c_noise`` of shape ``(B,)``: :class:`~reproduce.spectral_bias.denoisers.mlp_unet.MLPUNet`,
:class:`~reproduce.spectral_bias.denoisers.cnn_unet.ConvUNet` or a linear layer.

The loss is the weighted squared error averaged over the batch and over the data dimension (EDM
sums over the dimension; with Adam the constant factor does not matter, and the mean keeps the
learning rate independent of ``d``).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "P_MEAN",
    "P_STD",
    "RHO",
    "SIGMA_DATA",
    "SIGMA_MAX",
    "SIGMA_MIN",
    "Preconditioned",
    "edm_loss",
    "heun_sample",
    "loss_weight",
    "preconditioning",
    "sample_sigma",
    "sigma_steps",
]

SIGMA_DATA = 0.5
P_MEAN, P_STD = -1.2, 1.2
SIGMA_MIN, SIGMA_MAX, RHO = 0.002, 80.0, 7.0


def preconditioning(sigma: torch.Tensor, sigma_data: float = SIGMA_DATA):
    """``(c_skip, c_out, c_in, c_noise)`` of EDM (Karras et al., Table 1) at noise levels ``sigma``.

    Examples
    --------
    >>> c_skip, c_out, c_in, c_noise = preconditioning(torch.tensor([0.5]))
    >>> [round(float(c), 4) for c in (c_skip, c_out, c_in, c_noise)]
    [0.5, 0.3536, 1.4142, -0.1733]
    """
    s2, d2 = sigma**2, sigma_data**2
    return d2 / (s2 + d2), sigma * sigma_data / torch.sqrt(s2 + d2), 1.0 / torch.sqrt(s2 + d2), torch.log(sigma) / 4.0


def loss_weight(sigma: torch.Tensor, sigma_data: float = SIGMA_DATA) -> torch.Tensor:
    """EDM's ``lambda(sigma) = (sigma^2 + sigma_d^2) / (sigma sigma_d)^2`` (makes ``c_out^2 lambda = 1``)."""
    return (sigma**2 + sigma_data**2) / (sigma * sigma_data) ** 2


class Preconditioned(nn.Module):
    """The denoiser ``D(x; sigma) = c_skip x + c_out F(c_in x, c_noise)`` around a raw network ``F``.

    Parameters
    ----------
    net : nn.Module
        Raw network, called as ``net(x, c_noise)``.
    sigma_data : float
        Data standard deviation assumed by the preconditioning (EDM: 0.5).
    """

    def __init__(self, net: nn.Module, sigma_data: float = SIGMA_DATA) -> None:
        super().__init__()
        if not sigma_data > 0:
            raise ValueError(f"sigma_data must be positive, got {sigma_data!r}.")
        self.net = net
        self.sigma_data = float(sigma_data)

    def forward(self, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        """Denoise ``x`` (B, *shape) at per-sample noise levels ``sigma`` (B,)."""
        if sigma.shape != x.shape[:1]:
            raise ValueError(f"sigma must have shape ({x.shape[0]},), got {tuple(sigma.shape)}.")
        c_skip, c_out, c_in, c_noise = preconditioning(sigma, self.sigma_data)
        view = (-1,) + (1,) * (x.dim() - 1)
        return c_skip.view(view) * x + c_out.view(view) * self.net(c_in.view(view) * x, c_noise)


def sample_sigma(
    n: int, gen: torch.Generator, p_mean: float = P_MEAN, p_std: float = P_STD, device: torch.device | None = None
) -> torch.Tensor:
    """``n`` training noise levels with ``ln sigma ~ N(p_mean, p_std^2)``."""
    return torch.exp(p_mean + p_std * torch.randn(n, generator=gen, device=device))


def edm_loss(model: Preconditioned, x0: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """EDM loss ``E_sigma,n[ lambda(sigma) |D(x0 + sigma n; sigma) - x0|^2 ]`` (mean over batch and dimension).

    ``sigma`` and ``n`` are drawn from ``gen`` (on ``x0``'s device).
    """
    sigma = sample_sigma(x0.shape[0], gen, device=x0.device)
    noise = torch.randn(x0.shape, generator=gen, device=x0.device)
    view = (-1,) + (1,) * (x0.dim() - 1)
    err = model(x0 + sigma.view(view) * noise, sigma) - x0
    return (loss_weight(sigma, model.sigma_data).view(view) * err**2).mean()


def sigma_steps(
    num_steps: int, sigma_min: float = SIGMA_MIN, sigma_max: float = SIGMA_MAX, rho: float = RHO
) -> torch.Tensor:
    """EDM's ``num_steps`` noise levels from ``sigma_max`` down to ``sigma_min``, then 0 (length ``num_steps + 1``).

    Examples
    --------
    >>> s = sigma_steps(3)
    >>> [round(float(v), 4) for v in s]
    [80.0, 2.5152, 0.002, 0.0]
    """
    if int(num_steps) != num_steps or num_steps < 2:
        raise ValueError(f"num_steps must be an integer >= 2, got {num_steps!r}.")
    if not 0 < sigma_min < sigma_max:
        raise ValueError(f"need 0 < sigma_min < sigma_max, got {sigma_min!r} and {sigma_max!r}.")
    i = torch.arange(num_steps, dtype=torch.float64)
    lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    s = (hi + i / (num_steps - 1) * (lo - hi)) ** rho
    return torch.cat([s, torch.zeros(1, dtype=torch.float64)])


@torch.no_grad()
def heun_sample(model: nn.Module, noise: torch.Tensor, sigmas: torch.Tensor) -> torch.Tensor:
    """Deterministic Heun integration of the PF-ODE from ``sigmas[0]`` to 0 (EDM Algorithm 1, no churn).

    Parameters
    ----------
    model : callable
        ``model(x, sigma)`` with ``sigma`` of shape (B,): the denoiser ``D``.
    noise : Tensor (B, *shape)
        Standard normal draws; the start is ``sigmas[0] * noise``.
    sigmas : Tensor (N + 1,)
        Decreasing noise levels ending in 0 (:func:`sigma_steps`).

    Returns
    -------
    Tensor (B, *shape)
        The samples ``x(sigma = 0)``; ``2N - 1`` evaluations of ``model``.
    """
    if sigmas.dim() != 1 or sigmas.numel() < 2 or float(sigmas[-1]) != 0.0 or bool((sigmas[1:] >= sigmas[:-1]).any()):
        raise ValueError("sigmas must be a 1-D strictly decreasing sequence ending in 0.")
    levels = [float(s) for s in sigmas]
    x = noise * levels[0]
    b = x.shape[0]

    def slope(y, s):
        return (y - model(y, torch.full((b,), s, dtype=y.dtype, device=y.device))) / s

    for s, s_next in zip(levels[:-1], levels[1:]):
        d = slope(x, s)
        x_next = x + (s_next - s) * d
        if s_next > 0:
            x_next = x + (s_next - s) * 0.5 * (d + slope(x_next, s_next))
        x = x_next
    return x
