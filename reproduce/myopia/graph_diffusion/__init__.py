"""A real discrete edge-diffusion model of graphs on a fixed node set (issue 5).

The paper (Siami) only *simulates* its diffusion models by ranking edges.  This package trains
one, DiGress-style, with the standard and the spectrally-weighted loss (Algorithm 4.1):

* :mod:`.diffusion` -- the per-edge forward Markov chain toward the marginal edge density
  (cosine schedule), its closed-form marginals and the exact posterior ``q(A_{t-1} | A_t, A_0)``;
* :mod:`.denoiser` -- a permutation-equivariant message-passing network with symmetric edge
  logits, a width/depth capacity knob and time conditioning (``x_0``-prediction);
* :mod:`.data` -- the training families (Exp I barbell, Exp II chain) and the loss weights
  ``1 + lam R_eff`` computed once per training graph (by :mod:`theory.effective_resistance`);
* :mod:`.training` -- the (weighted) per-edge cross-entropy and a resumable training loop with
  atomic, config-hashed checkpoints;
* :mod:`.sampling` -- batched ancestral sampling through the exact posterior, and marginals.
"""

from .data import make_dataset
from .denoiser import EdgeDenoiser
from .diffusion import CosineSchedule, forward_probability, posterior_probability, reverse_probability
from .sampling import edge_marginals, predicted_at_noise, sample
from .training import (
    TrainedModel,
    TrainSpec,
    train,
    trained_model,
    weighted_edge_loss,
)

__all__ = [
    "CosineSchedule",
    "EdgeDenoiser",
    "TrainSpec",
    "TrainedModel",
    "edge_marginals",
    "forward_probability",
    "make_dataset",
    "posterior_probability",
    "predicted_at_noise",
    "reverse_probability",
    "sample",
    "train",
    "trained_model",
    "weighted_edge_loss",
]
