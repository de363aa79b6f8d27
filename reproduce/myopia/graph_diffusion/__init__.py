"""A real discrete edge-diffusion model of graphs on a fixed node set (issue 5).

The paper (Siami) only *simulates* its diffusion models by ranking edges.  This package trains
one, DiGress-style, with the standard and the spectrally-weighted loss (Algorithm 4.1):

* :mod:`.diffusion` -- the per-edge forward Markov chain toward the marginal edge density
  (cosine schedule), its closed-form marginals and the exact posterior ``q(A_{t-1} | A_t, A_0)``;
* :mod:`.denoiser` -- a permutation-equivariant message-passing network with symmetric edge
  logits, a width/depth capacity knob and time conditioning (``x_0``-prediction);
* :mod:`.training` -- the training families (Exp I barbell, Exp II chain), the (weighted)
  per-edge cross-entropy, a resumable training loop with atomic, config-hashed checkpoints,
  and batched ancestral sampling.
"""

from .denoiser import EdgeDenoiser
from .diffusion import CosineSchedule, forward_probability, posterior_probability, reverse_probability
from .training import (
    TrainSpec,
    TrainedModel,
    checkpoint_dir,
    edge_marginals,
    make_dataset,
    pick_device,
    predicted_at_noise,
    sample,
    train,
    trained_model,
    weighted_edge_loss,
)

__all__ = [
    "CosineSchedule",
    "EdgeDenoiser",
    "TrainSpec",
    "TrainedModel",
    "checkpoint_dir",
    "edge_marginals",
    "forward_probability",
    "make_dataset",
    "pick_device",
    "posterior_probability",
    "predicted_at_noise",
    "reverse_probability",
    "sample",
    "train",
    "trained_model",
    "weighted_edge_loss",
]
