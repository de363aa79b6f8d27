"""Tests of reproduce.overview: the comparison spec against the committed record, and its figure."""

from __future__ import annotations

import math

import pytest
from PIL import Image

from reproduce.overview import COMPARISONS, Comparison, Point, draw_overview, format_point, lookup, points
from reproduce.paths import REPO_ROOT, results_dir
from reproduce.registry import all_claims
from reproduce.results import load_results

RECORD = {r["claim_id"]: r for r in load_results(results_dir(REPO_ROOT, "default"))}


def test_every_claim_has_an_entry_and_every_entry_a_claim():
    assert set(COMPARISONS) == {c.id for c in all_claims()}


@pytest.mark.parametrize("claim_id", sorted(COMPARISONS))
def test_each_entry_reads_numbers_from_the_committed_record(claim_id):
    found = points(RECORD[claim_id], COMPARISONS[claim_id])
    assert found, "every claim shows at least one number"
    for point in found:
        if point.ours is None:  # only a fit the result itself reports as null
            continue
        assert math.isfinite(point.ours)
        if point.kind == "value":
            assert math.isfinite(point.paper)
        if point.low is not None:
            assert point.low <= point.high
        if point.kind == "error":
            assert point.ours >= 0 and point.tolerance is not None


def test_the_only_missing_number_is_a_fit_the_record_reports_as_null():
    missing = [(cid, p.label) for cid, cs in COMPARISONS.items() for p in points(RECORD[cid], cs) if p.ours is None]
    assert missing == [("spectral.image_mlp", "patches slope rising")]
    assert RECORD["spectral.image_mlp"]["measured"]["patches_mlp"]["rising"] is None


def test_values_agree_with_the_result_and_signs_follow_negate():
    (rising, _falling) = points(RECORD["spectral.gaussian_mlp"], COMPARISONS["spectral.gaussian_mlp"])
    slope = RECORD["spectral.gaussian_mlp"]["measured"]["rising"]
    assert rising.ours == -slope["mean"] and (rising.low, rising.high) == (-slope["high"], -slope["low"])
    assert rising.paper == RECORD["spectral.gaussian_mlp"]["paper_value"]["d=256"]


def test_a_proportion_from_trials_gets_its_wilson_interval():
    result = {"measured": {"p": 0.0, "n": 500}}
    (point,) = points(result, [Comparison("p", "measured.p", 0.5, trials="measured.n", note="words")])
    assert point.low == 0.0 and 0 < point.high < 0.02


def test_lookup_wildcards_nulls_and_errors():
    result = {"m": {"rows": [{"x": 1}, {"x": 3}], "fit": None, "a.b": 2}}
    assert lookup(result, "m.rows.*.x") == [1, 3]
    assert lookup(result, "m.fit.slope") is None
    assert lookup(result, "m.a.b") == 2
    with pytest.raises(KeyError, match="m.rows.5"):
        lookup(result, "m.rows.5.x")
    with pytest.raises(KeyError, match="m.nope"):
        lookup(result, "m.nope")


def test_reduce_takes_the_worst_item():
    result = {"m": [{"w": 0.9}, {"w": 0.1}, {"w": None}]}
    (point,) = points(result, [Comparison("w", "m.*.w", 1.0, reduce="min", note="~100%")])
    assert point.ours == 0.1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"paper": 1.0}, "needs the paper's words"),
        ({"paper": "p", "error": True}, "an error has no paper value"),
        ({"reduce": "mean"}, "reduce must be"),
        ({"trials": "n", "low": "a", "high": "b"}, "either trials or low/high"),
    ],
)
def test_a_comparison_rejects_inconsistent_fields(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Comparison("label", "measured.x", **kwargs)


def test_format_point_kinds():
    assert format_point(Point("a", 2.0)) == ("a: —", "a: 2")
    assert format_point(Point("a", 2.0, 1.0, 1.5, 2.5)) == ("a: 1", "a: 2 [1.5, 2.5]")
    assert format_point(Point("a", None, 1.0)) == ("a: 1", "a: none")


def test_draw_overview_writes_a_png(tmp_path):
    rows = [
        (
            "Paper",
            "toy.a",
            "reproduced",
            [Point("v", 1.1, 1.0, 1.0, 1.2), Point("e", 1e-12, error=True, tolerance=1e-6)],
        ),
        ("Paper", "toy.b", "differs", [Point("zero", 0.3, 0.0), Point("far", 40.0, 1.0), Point("none", None, 1.0)]),
        ("Other", "toy.c", "extension", []),
    ]
    path = draw_overview(rows, tmp_path / "overview.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 1000
