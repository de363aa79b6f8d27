"""spectral.gaussian_equivalence: the moment-matched pair, and the verdict rule."""

import numpy as np
import pytest

from reproduce.spectral_bias import gaussian_equivalence as claim


def test_the_pair_has_equal_first_two_moments_and_different_fourth():
    first, second = claim.moment_matched_pair(5, 400, np.random.default_rng(2))
    np.testing.assert_allclose(first.mean(0), second.mean(0), atol=1e-12)
    np.testing.assert_allclose(np.cov(first, rowvar=False), np.cov(second, rowvar=False), atol=1e-12)
    kurtosis = lambda x: (((x - x.mean(0)) / x.std(0)) ** 4).mean(0)  # noqa: E731
    assert np.all(kurtosis(second) - kurtosis(first) > 0.5)  # the Gaussian's tails against the two-point's


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"linear_exact_max_rel_diff": 1e-6}, "linear denoiser's trajectories"),
        ({"mlp_over_linear_sampled": 2.0}, "MLP"),
    ],
)
def test_the_rule_fails_on_either_count(change, phrase):
    values = {"linear_exact_max_rel_diff": 1e-15, "linear_sampled_max_rel_diff": 0.03, "mlp_over_linear_sampled": 20.0}
    config = claim.CONFIGS["quick"]
    assert claim.judge(values, config).verdict == "reproduced"
    judgement = claim.judge(values | change, config)
    assert judgement.verdict == "differs" and phrase in judgement.reason
