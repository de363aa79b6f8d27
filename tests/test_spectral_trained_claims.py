"""Verdict rules of the trained spectral-bias claims (issue 6), on constructed measurements.

The rules are read from the claims' stated tolerances: each test builds the measurement that
sits just inside or just outside a rule and checks the verdict, so a rule cannot silently change.
"""

import numpy as np
import pytest

from reproduce.presets import PRESETS
from reproduce.spectral_bias import alignment, architecture_ablation, cnn_no_bias, gaussian_mlp, image_mlp, theory_overlay
from reproduce.spectral_bias.trained_denoisers import EXPERIMENTS, DataSpec, experiment, gaussian_data


def fit(slope, r2=0.95, n=10):
    return {"slope": slope, "r2": r2, "n": n, "intercept": 0.0}


def run_values(rising=None, falling=None):
    return {"rising": rising, "falling": falling}


@pytest.mark.parametrize("module", [gaussian_mlp, image_mlp, cnn_no_bias, alignment, theory_overlay, architecture_ablation])
def test_every_preset_has_a_config(module):
    assert set(module.CONFIGS) == set(PRESETS)


def test_experiments_cover_the_same_runs_in_every_preset():
    names = {p: set(runs) for p, runs in EXPERIMENTS.items()}
    assert names["quick"] == names["default"] == names["paper"]


def test_paper_preset_uses_the_papers_gaussian_setting():
    exp = experiment("paper", "gaussian_mlp")
    assert (exp.data.dim, exp.train.width, exp.train.nlayers, exp.train.steps, exp.train.batch, exp.train.lr,
            exp.train.samples) == (256, 256, 5, 5000, 1024, 1e-4, 10_000)


def test_gaussian_data_has_the_specified_spectrum():
    x = gaussian_data(16, 200_000, np.random.default_rng(3))
    lam = np.linalg.eigvalsh(np.cov(x.T))
    assert abs(lam.mean() - 1.0) < 0.02  # variances normalised to mean 1
    lam_again = np.sort(np.exp(np.random.default_rng(3).standard_normal(16)))
    assert np.allclose(np.sort(lam), lam_again / lam_again.mean(), rtol=0.03)


def test_dataspec_errors():
    with pytest.raises(ValueError, match="source must be one of"):
        DataSpec("cifar")
    with pytest.raises(ValueError, match="needs a path"):
        DataSpec("folder")
    with pytest.raises(ValueError, match="no run"):
        experiment("default", "transformer")


def gaussian_values(slope, r2=0.95):
    return {"rising": fit(slope, r2), "falling": None, "dim": 128, "parameters": 1, "steps": 10}


@pytest.mark.parametrize("slope, r2, verdict", [
    (-1.08, 0.95, "reproduced"),
    (-1.08 - 0.29, 0.95, "reproduced"),
    (-1.08 + 0.31, 0.95, "differs"),
    (-1.82, 0.98, "differs"),
    (-1.0, 0.5, "differs"),
])
def test_gaussian_rule(slope, r2, verdict):
    j = gaussian_mlp.judge(gaussian_values(slope, r2), gaussian_mlp.CONFIGS["default"])
    assert j.verdict == verdict
    assert f"{-slope:.2f}" in j.reason


def test_gaussian_rule_without_a_fit():
    v = gaussian_values(-1.0)
    v["rising"] = None
    assert gaussian_mlp.judge(v, gaussian_mlp.CONFIGS["default"]).verdict == "differs"


def image_values(digits, patches, gauss=-1.5):
    return {"digits_mlp": digits, "patches_mlp": patches, "gaussian_mlp": run_values(fit(gauss))}


def test_image_rule_reads_only_branches_with_three_modes():
    ok = image_values(run_values(fit(-0.8, 0.93, 8), fit(-0.1, 0.5, 37)),
                      run_values(fit(-2.0, 1.0, 2), fit(-0.2, 0.87, 58)))  # the N = 2 branch is ignored
    assert image_mlp.judge(ok, image_mlp.CONFIGS["default"]).verdict == "reproduced"


def test_image_rule_needs_attenuation_and_a_clear_branch():
    steep = image_values(run_values(fit(-1.6, 0.93, 8)), run_values(None, fit(-0.2, 0.87, 58)))
    assert image_mlp.judge(steep, image_mlp.CONFIGS["default"]).verdict == "differs"
    vague = image_values(run_values(fit(-0.5, 0.6, 8)), run_values(None, fit(-0.2, 0.87, 58)))
    assert image_mlp.judge(vague, image_mlp.CONFIGS["default"]).verdict == "differs"
    empty = image_values(run_values(fit(-0.5, 0.9, 2)), run_values(None, fit(-0.2, 0.87, 58)))
    assert image_mlp.judge(empty, image_mlp.CONFIGS["default"]).verdict == "differs"


def cnn_values(patches_cnn, digits_cnn):
    mlp = run_values(fit(-0.8), fit(-0.3))
    return {"patches_cnn": patches_cnn, "digits_cnn": digits_cnn, "patches_mlp": mlp, "digits_mlp": mlp}


@pytest.mark.parametrize("slope, verdict", [(0.29, "reproduced"), (-0.29, "reproduced"), (-0.31, "differs"), (0.4, "differs")])
def test_cnn_flatness_rule(slope, verdict):
    v = cnn_values(run_values(fit(0.0, n=3), fit(slope, n=50)), run_values(fit(0.1, n=8), fit(-0.1, n=30)))
    assert cnn_no_bias.judge(v, cnn_no_bias.CONFIGS["default"]).verdict == verdict


def test_cnn_rule_needs_a_readable_branch():
    v = cnn_values(run_values(fit(0.0, n=2), None), run_values(fit(0.1, n=8), None))
    assert cnn_no_bias.judge(v, cnn_no_bias.CONFIGS["default"]).verdict == "differs"


def align(first, final, ceiling):
    return {"first": first, "final": final, "ceiling": ceiling, "samples": 2000}


def test_alignment_rule():
    cfg = alignment.CONFIGS["default"]
    good = {n: align(0.75, 0.96, 0.97) for n in alignment.RUNS}
    assert alignment.judge(good, cfg).verdict == "reproduced"
    short = dict(good, digits_mlp=align(0.75, 0.96 - 0.02, 1.0))
    assert alignment.judge(short, cfg).verdict == "differs"
    not_learned = dict(good, patches_mlp=align(0.99, 0.98, 0.99))
    assert alignment.judge(not_learned, cfg).verdict == "differs"


def test_finite_sample_ceiling_is_below_one():
    """S draws of the data have a sample covariance with off-diagonal noise ~ 1/sqrt(S) per entry,
    so even the data themselves score clearly below 1 (why the rule compares with this ceiling)."""
    from reproduce.spectral_bias.generated_spectrum import eigenbasis

    rng = np.random.default_rng(0)
    d, s = 20, 400
    data = rng.standard_normal((50_000, d)) * np.linspace(1, 3, d)
    c = alignment.finite_sample_ceiling(data, eigenbasis(data), s, 5, rng)
    assert 0.8 < c < 0.999


def test_cnn_reason_reports_the_speed_ratio_when_measured():
    v = cnn_values(run_values(fit(0.0, n=3), fit(0.1, n=50)), run_values(fit(0.1, n=8), fit(-0.1, n=30)))
    v["patches_falling_median_mlp_over_cnn"] = 7.25
    v["patches_cnn"]["parameters"] = 77393
    reason = cnn_no_bias.judge(v, cnn_no_bias.CONFIGS["default"]).reason
    assert "median tau* of the falling modes, MLP over CNN: 7.2" in reason
    assert "scaled-down SongUNet" in reason and "77,393 parameters" in reason and "2 resolutions, 16 base channels" in reason


def ablation_values(printed, no_skip, legacy, v0_printed=0.6, v0_no_skip=0.3):
    def entry(slope, v0):
        return {"rising": None if slope is None else fit(slope), "falling": None, "mean_initial_variance": v0}

    return {"printed": entry(printed, v0_printed), "no_first_skip": entry(no_skip, v0_no_skip),
            "norm_head": entry(-1.1, 0.5), "legacy": entry(legacy, 0.33), "dim": 128}


@pytest.mark.parametrize("values, word", [
    (ablation_values(-1.1, -1.7, -1.8), "Prediction holds"),
    (ablation_values(-1.1, -1.39, -1.8), "Prediction fails"),  # not steeper by more than 0.3
    (ablation_values(-1.1, -1.7, -1.8, v0_printed=0.3, v0_no_skip=0.6), "Prediction fails"),
    (ablation_values(-1.1, None, -1.8), "Prediction not testable"),
])
def test_ablation_judges_its_own_prediction(values, word):
    j = architecture_ablation.judge(values, architecture_ablation.CONFIGS["default"])
    assert j.verdict == "extension" and j.reason.startswith(word)


def test_ablation_variants_change_only_the_network():
    base = architecture_ablation.CONFIGS["default"].run
    legacy = architecture_ablation.variant_run(base, "legacy")
    assert legacy.data == base.data and legacy.train.variant == "legacy"
    assert {**vars(legacy.train), "variant": "printed"} == vars(base.train)
    assert base.train.variant == "printed"
