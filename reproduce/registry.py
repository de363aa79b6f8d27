"""Where the claims live: the list of claim modules, and lookup by id or paper prefix.

Kept apart from :mod:`reproduce.claims` (which every claim module imports) so that adding a
module here changes no claim's code fingerprint (:mod:`reproduce.fingerprint`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from .claims import Claim, registered

__all__ = ["CLAIM_MODULES", "all_claims", "in_paper_order", "select"]

CLAIM_MODULES = (
    # Spectral bias (Wang & Pehlevan), in the paper's order: Sec. 4, Sec. 5, Sec. 6, appendix, then ours
    "reproduce.spectral_bias.optimum_loss",
    "reproduce.spectral_bias.gaussian_equivalence",
    "reproduce.spectral_bias.eq7_weights",
    "reproduce.spectral_bias.lemma4_1_sign",
    "reproduce.spectral_bias.prop4_2_variance",
    "reproduce.spectral_bias.inverse_law",
    "reproduce.spectral_bias.noncentred",
    "reproduce.spectral_bias.prop5_1_two_layer",
    "reproduce.spectral_bias.deep_linear",
    "reproduce.spectral_bias.prop5_3_circulant",
    "reproduce.spectral_bias.eq10_typo",
    "reproduce.spectral_bias.prop5_4_patch",
    "reproduce.spectral_bias.gaussian_mlp",
    "reproduce.spectral_bias.gaussian_mlp_d512",
    "reproduce.spectral_bias.image_mlp",
    "reproduce.spectral_bias.cnn_no_bias",
    "reproduce.spectral_bias.cnn_speedup",
    "reproduce.spectral_bias.alignment",
    "reproduce.spectral_bias.flow_matching",
    "reproduce.spectral_bias.theory_overlay",
    "reproduce.spectral_bias.architecture_ablation",
    # Generative Myopia (Siami): Sec. 3, Sec. 4, Exps I-IV (each trained twin after its analytic claim), then ours
    "reproduce.myopia.lemma3_1",
    "reproduce.myopia.trained_lemma3_1",
    "reproduce.myopia.theorem3_2",
    "reproduce.myopia.trained_theorem3_2",
    "reproduce.myopia.worse_than_random",
    "reproduce.myopia.capacity_independence",
    "reproduce.myopia.dataset_size",
    "reproduce.myopia.reff_bridge",
    "reproduce.myopia.reff_cost",
    "reproduce.myopia.zero_inference_overhead",
    "reproduce.myopia.trained_weighted_marginal",
    "reproduce.myopia.lambda_sweep",
    "reproduce.myopia.table1_barbell",
    "reproduce.myopia.trained_table1_barbell",
    "reproduce.myopia.table2_chain",
    "reproduce.myopia.distinct_resistance",
    "reproduce.myopia.trained_table2_chain",
    "reproduce.myopia.fig4_visible_bridge",
    "reproduce.myopia.trained_visible_bridge",
    "reproduce.myopia.fig5_optimization",
    "reproduce.myopia.real_graphs",
    # Both papers (ours): gradient starvation
    "reproduce.bridge.starvation_law",
    "reproduce.bridge.starvation_dynamics",
)
"""Modules whose import registers claims, in the papers' order (``paper_claims.md`` follows it).

To add a claim, add its module here, where its statement sits in its paper."""


def all_claims() -> list[Claim]:
    """Every registered claim, sorted by id (imports :data:`CLAIM_MODULES` first)."""
    for module in CLAIM_MODULES:
        importlib.import_module(module)
    found = registered()
    return [found[k] for k in sorted(found)]


def in_paper_order(claims: Iterable[Claim]) -> list[Claim]:
    """``claims`` sorted as their modules are listed in :data:`CLAIM_MODULES` (then by id)."""
    rank = {module: i for i, module in enumerate(CLAIM_MODULES)}
    return sorted(claims, key=lambda c: (rank.get(c.module, len(rank)), c.id))


def select(patterns: Iterable[str] | None, claims: Iterable[Claim] | None = None) -> list[Claim]:
    """Claims whose id equals a pattern or starts with ``pattern + "."``.

    ``None`` or an empty list selects everything.  A pattern that matches nothing is a
    ``ValueError`` (a typo must not silently run zero claims).
    """
    pool = list(all_claims() if claims is None else claims)
    patterns = list(patterns or [])
    if not patterns:
        return pool
    chosen: dict[str, Claim] = {}
    for pattern in patterns:
        hits = [c for c in pool if c.id == pattern or c.id.startswith(pattern.rstrip(".") + ".")]
        if not hits:
            known = ", ".join(c.id for c in pool)
            raise ValueError(f"no claim matches {pattern!r}; known claims: {known}.")
        chosen.update((c.id, c) for c in hits)
    return [chosen[k] for k in sorted(chosen)]
