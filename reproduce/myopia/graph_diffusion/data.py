"""Training data of the edge-diffusion model: the families of Siami, Sec. 5, on a fixed labelled node set.


* ``barbell`` (Exp I): two ``K_c`` joined by one bridge; each clique edge is present
  independently with probability ``common`` (paper: 0.95), the bridge with ``epsilon``;
* ``visible`` (Exp III): two ``K_c`` joined by ``k`` cross edges ``(i, c + i)``
  (:func:`reproduce.myopia.graphs.visible_bridge`), each present with probability ``epsilon``;
* ``chain`` (Exp II): complete blocks of ``sizes`` in a chain joined by single bridges
  (:func:`reproduce.myopia.graphs.clique_chain`), same frequencies.

Pairs that are not edges of the base graph are never present.  ``N`` training graphs are
drawn once per spec (numpy, seeded by ``spec.seed``).

The weights of Algorithm 4.1 (``1 + lam R_eff`` on present edges, 1 elsewhere) are computed here,
once per training graph, before training, by :func:`theory.effective_resistance.resistance_stack`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from reproduce.myopia.graphs import barbell, clique_chain, edge_arrays, visible_bridge
from theory.effective_resistance import resistance_stack

if TYPE_CHECKING:  # only for annotations: training imports this module
    from .training import TrainSpec

__all__ = ["Dataset", "make_dataset"]


@dataclass
class Dataset:
    """Training graphs of a spec, with the precomputed loss weights.

    Attributes
    ----------
    n : int
    tails, heads : ndarray (m,)
        Edges of the base graph.
    bridge : ndarray of bool (m,)
        Which base edges are the rare bridges (the cross edges of the ``visible`` family).
    frequency : ndarray (m,)
        Generator frequency of each base edge.
    adjacency : Tensor (N, n, n) float32
        The training graphs.
    weight : Tensor (N, n, n) float32
        ``1 + lam R_eff`` on present edges, 1 elsewhere.
    pi : float
        Marginal edge density over all slots ``i < j`` (the forward chain's limit).
    reff_seconds : float
        Time spent computing effective resistances (0 when ``lam = 0``).
    """

    n: int
    tails: np.ndarray
    heads: np.ndarray
    bridge: np.ndarray
    frequency: np.ndarray
    adjacency: torch.Tensor
    weight: torch.Tensor
    pi: float
    reff_seconds: float


def make_dataset(spec: TrainSpec) -> Dataset:
    """Draw ``spec.train_graphs`` graphs of the family and precompute their weights (Alg. 4.1)."""
    if spec.family == "barbell":
        G, rare = barbell(spec.clique)
    elif spec.family == "visible":
        G, rare = visible_bridge(spec.clique, spec.thickness)
    else:
        G, rare = clique_chain(spec.sizes)
    n, tails, heads = edge_arrays(G)
    bridge = np.array([(min(u, v), max(u, v)) in rare for u, v in zip(tails, heads)])
    freq = np.where(bridge, spec.epsilon, spec.common)
    rng = np.random.default_rng([spec.seed, 7])
    present = rng.random((spec.train_graphs, tails.size)) < freq
    adj = np.zeros((spec.train_graphs, n, n), np.float32)
    g_idx, e_idx = np.nonzero(present)
    adj[g_idx, tails[e_idx], heads[e_idx]] = 1.0
    adj[g_idx, heads[e_idx], tails[e_idx]] = 1.0
    weight = np.ones_like(adj)
    reff_seconds = 0.0
    if spec.lam > 0:
        t0 = time.perf_counter()
        r = resistance_stack(adj.astype(np.float64))  # inf across components: never a present edge
        weight = np.where(adj > 0, 1.0 + spec.lam * r, 1.0).astype(np.float32)
        reff_seconds = time.perf_counter() - t0
    pi = float(present.sum() / (spec.train_graphs * n * (n - 1) / 2))
    return Dataset(n, tails, heads, bridge, freq, torch.from_numpy(adj), torch.from_numpy(weight), pi, reff_seconds)
