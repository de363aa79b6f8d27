"""spectral.deep_linear: the verdict rule on each of its conditions."""

import pytest

from reproduce.spectral_bias import deep_linear as claim

GOOD = {
    "aligned": {"2": {"alpha": 0.9}, "3": {"alpha": 0.97}},
    "full_matrix": {"3": {"alpha": {"mean": 1.1, "low": 0.9, "high": 1.3}}},
    "max_aligned_alpha_error": 0.03,
    "max_full_alpha_error": 0.1,
    "two_layer_closed_form_max_rel": 1e-9,
    "all_ordered_by_variance": True,
}


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"max_aligned_alpha_error": 0.2}, "aligned exponent"),
        ({"max_full_alpha_error": 0.5}, "non-aligned exponent"),
        ({"two_layer_closed_form_max_rel": 1e-3}, "closed form"),
        ({"all_ordered_by_variance": False}, "smaller variance"),
    ],
)
def test_each_condition_can_fail(change, phrase):
    config = claim.CONFIGS["quick"]
    assert claim.judge(GOOD, config).verdict == "reproduced"
    judgement = claim.judge(GOOD | change, config)
    assert judgement.verdict == "differs" and phrase in judgement.reason
