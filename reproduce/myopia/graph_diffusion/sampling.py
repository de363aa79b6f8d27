"""Batched ancestral sampling of a trained edge-diffusion model, and readouts of its marginals."""

from __future__ import annotations

import numpy as np
import torch

from reproduce.progress import Progress
from reproduce.torch_runtime import torch_threads

from .diffusion import reverse_probability
from .training import TrainedModel, symmetric_bernoulli

__all__ = ["edge_marginals", "predicted_at_noise", "sample"]


def sample(
    model: TrainedModel, count: int, gen: torch.Generator, batch: int = 500, threads: int | None = 1
) -> torch.Tensor:
    """``count`` graphs by ancestral sampling through the exact posterior; (count, n, n) float 0/1.

    ``A_T`` is i.i.d. Bernoulli(``pi``) per slot; each step draws ``A_{t-1}`` from
    ``p(A_{t-1} = 1 | A_t) = sum_a q(A_{t-1} = 1 | A_t, A_0 = a) p_theta(A_0 = a | A_t)``.
    """
    if int(count) != count or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}.")
    s, n, dev = model.schedule, model.data.n, model.device
    out = []
    bar = Progress(int(count), f"sample {model.spec.label()}", unit="graph")
    with torch.inference_mode(), torch_threads(threads):
        for start in range(0, int(count), batch):
            b = min(batch, int(count) - start)
            a = symmetric_bernoulli(torch.full((b, n, n), model.data.pi, device=dev), gen)
            for t in range(s.T, 0, -1):
                p0 = torch.sigmoid(model.net(a, torch.full((b,), t, device=dev), model.features))
                p = reverse_probability(a, p0, float(s.alpha[t]), float(s.alpha_bar[t - 1]), model.data.pi)
                a = symmetric_bernoulli(p, gen)
            out.append(a)
            bar.update(b)
    bar.close()
    return torch.cat(out)


def edge_marginals(samples: torch.Tensor, model: TrainedModel) -> np.ndarray:
    """Fraction of ``samples`` containing each base edge (``G.edges()`` order), shape (m,)."""
    freq = samples.float().mean(0).cpu().numpy()
    return freq[model.data.tails, model.data.heads]


def predicted_at_noise(model: TrainedModel, draws: int, gen: torch.Generator) -> np.ndarray:
    """The network's ``P(A_0,e = 1 | A_T, T)`` for each base edge, averaged over ``draws`` noise inputs."""
    n, dev = model.data.n, model.device
    with torch.inference_mode():
        a = symmetric_bernoulli(torch.full((draws, n, n), model.data.pi, device=dev), gen)
        p = torch.sigmoid(model.net(a, torch.full((draws,), model.schedule.T, device=dev), model.features)).mean(0)
    p = p.cpu().numpy()
    return p[model.data.tails, model.data.heads]
