"""A permutation-equivariant ``x_0``-predictor over the noisy adjacency.

Input: the noisy adjacency ``A_t`` (B, n, n), the step ``t`` (B,) and node features ``X``
(n, d) or (B, n, d).  Node states ``h_i`` and edge states ``e_ij`` (width ``w``) are updated
``depth`` times by

.. code-block:: text

    e_ij <- LN(e_ij + MLP_e([h_i + h_j, h_i * h_j, e_ij]))          symmetric in i, j
    h_i  <- LN(h_i + MLP_h([h_i, mean_{j != i} e_ij]))

and the edge logit is ``Linear(e_ij)``, symmetrised.  Time enters as a sinusoidal embedding
added to every node and edge state at the input.  Every operation commutes with relabelling
the nodes, so ``net(P A P^T, t, P X) = P net(A, t, X) P^T`` (tested).

The node features are the model's view of *which* node is which.  The paper's setting is a
fixed, labelled node set whose slots have their own marginals (Lemma 3.1: ``p*(A_ij = 1) =
P_freq(e_ij)``), so the training code passes one-hot node identities; the network is still
equivariant in (A, X) jointly.  Capacity knob: ``width`` and ``depth``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["EdgeDenoiser"]


def _time_embedding(t: torch.Tensor, T: int, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of ``t / T`` (B,) -> (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(1000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / max(half - 1, 1))
    x = (t.float() / T)[:, None] * freqs[None, :] * 100.0
    return torch.cat([torch.sin(x), torch.cos(x)], dim=1)


class _Layer(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.edge = nn.Sequential(nn.Linear(3 * width, width), nn.SiLU(), nn.Linear(width, width))
        self.node = nn.Sequential(nn.Linear(2 * width, width), nn.SiLU(), nn.Linear(width, width))
        self.edge_norm = nn.LayerNorm(width)
        self.node_norm = nn.LayerNorm(width)

    def forward(self, h: torch.Tensor, e: torch.Tensor, offdiag: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hi, hj = h[:, :, None, :], h[:, None, :, :]
        inp = torch.cat([(hi + hj).expand_as(e), (hi * hj).expand_as(e), e], dim=-1)
        e = self.edge_norm(e + self.edge(inp))
        n = h.shape[1]
        agg = (e * offdiag[None, :, :, None]).sum(dim=2) / max(n - 1, 1)
        h = self.node_norm(h + self.node(torch.cat([h, agg], dim=-1)))
        return h, e


class EdgeDenoiser(nn.Module):
    """``x_0``-prediction network: logits of ``P(A_0,ij = 1 | A_t, t)``, shape (B, n, n).

    Parameters
    ----------
    n_features : int
        Dimension of the node features ``X``.
    width, depth : int
        Capacity knob: state width and number of message-passing layers.
    T : int
        Number of diffusion steps (scales the time embedding).
    """

    def __init__(self, n_features: int, width: int = 32, depth: int = 2, T: int = 50):
        super().__init__()
        for name, v in (("n_features", n_features), ("width", width), ("depth", depth), ("T", T)):
            if int(v) != v or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}.")
        self.T, self.width = int(T), int(width)
        self.node_in = nn.Linear(n_features, width)
        self.edge_in = nn.Linear(1, width)
        self.time = nn.Sequential(nn.Linear(16, width), nn.SiLU(), nn.Linear(width, width))
        self.layers = nn.ModuleList(_Layer(width) for _ in range(depth))
        self.out = nn.Linear(width, 1)

    def forward(self, a_t: torch.Tensor, t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Symmetric edge logits (B, n, n); the diagonal is meaningless and set to 0."""
        if a_t.dim() != 3 or a_t.shape[1] != a_t.shape[2]:
            raise ValueError(f"a_t must have shape (B, n, n), got {tuple(a_t.shape)}.")
        B, n, _ = a_t.shape
        if x.dim() == 2:
            x = x.expand(B, *x.shape)
        temb = self.time(_time_embedding(t, self.T, 16))  # (B, w)
        h = self.node_in(x) + temb[:, None, :]
        e = self.edge_in(a_t[..., None].float()) + temb[:, None, None, :]
        offdiag = 1.0 - torch.eye(n, device=a_t.device)
        for layer in self.layers:
            h, e = layer(h, e, offdiag)
        logits = self.out(e)[..., 0]
        return 0.5 * (logits + logits.transpose(1, 2)) * offdiag
