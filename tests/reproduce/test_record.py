"""Tests of reproduce.record: comparing a rerun with the committed record, and reproduction tolerances."""

from __future__ import annotations

import dataclasses
import math

import pytest
from toy_claims import make_claim

from reproduce.claims import ReproductionTolerance
from reproduce.record import compare, deviations, mismatches
from reproduce.trained_tolerances import graph_sampling


def _result(measured, verdict="reproduced", seed=0, details=None, config=None):
    return {"measured": measured, "verdict": verdict, "seed": seed, "details": details or {}, "config": config or {}}


def test_deviations_walk_nested_values_and_treat_nan_as_equal():
    found = deviations(
        {"a": [1.0, {"b": 2.0}], "c": "nan", "n": 3},
        {"a": [1.0, {"b": 2.5}], "c": "nan", "n": 4},
        lambda path: (0.0, 0.1),
    )
    assert [(d.path, d.recorded, d.new) for d in found] == [("a.1.b", 2.0, 2.5), ("n", 3.0, 4.0)]
    assert found[0].excess == pytest.approx(5.0) and found[0].relative == pytest.approx(0.25)


def test_mismatches_are_shape_strings_and_flags():
    bad = mismatches({"a": [1, 2], "b": "x", "c": True, "d": 1}, {"a": [1], "b": "y", "c": False, "e": 1})
    assert len(bad) == 5
    assert any("a: 2 items recorded, 1 in the rerun" in b for b in bad)
    assert any("present only in the rerun" in b for b in bad) and any("present only in the record" in b for b in bad)


def test_identical_rerun_agrees():
    claim = make_claim()
    a = _result({"mean": 0.1}, details={"curve": [1, 2]})
    agreement = compare(claim, a, dict(a))
    assert agreement.status == "agrees" and agreement.identical and agreement.describe().endswith("(identical)")


def test_within_tolerance_agrees_but_is_not_identical():
    claim = make_claim()
    agreement = compare(claim, _result({"mean": 0.1 * (1 + 1e-12)}), _result({"mean": 0.1}))
    assert agreement.status == "agrees" and not agreement.identical
    assert "largest deviation mean" in agreement.describe()


def test_outside_tolerance_changed_verdict_and_shape_disagree():
    claim = make_claim()
    agreement = compare(claim, _result({"mean": 0.2, "extra": 1}, verdict="differs"), _result({"mean": 0.1}))
    assert agreement.status == "differs"
    text = agreement.describe()
    assert "verdict reproduced -> differs" in text and "outside tolerance" in text and "non-numeric" in text


def test_timing_claims_compare_verdicts_only():
    claim = dataclasses.replace(make_claim(), deterministic=False)
    timing = compare(claim, _result({"seconds": 9.0}), _result({"seconds": 1.0}))
    assert timing.status == "agrees" and "timings are not compared" in timing.describe()
    assert compare(claim, _result({"seconds": 1.0}, verdict="differs"), _result({"seconds": 1.0})).status == "differs"


def test_same_measurement_other_details():
    agreement = compare(
        make_claim(), _result({"m": 1.0}, details={"curve": [1]}), _result({"m": 1.0}, details={"curve": [2]})
    )
    assert agreement.status == "agrees" and not agreement.identical
    assert agreement.describe() == "agrees with the record (measured values identical; details differ)"


def test_no_record_or_another_seed():
    claim = make_claim()
    assert compare(claim, _result({}), None).status == "no-record"
    other = compare(claim, _result({}, seed=3), _result({}))
    assert other.status == "no-record" and "seed 0" in other.describe()


def test_declared_tolerance_decides():
    loose = ReproductionTolerance(rtol=0.0, atol=0.05, reason="sampled", keys={"*.z": (0.0, 6.0)})
    claim = dataclasses.replace(make_claim(), reproduction=loose)
    assert (
        compare(claim, _result({"p": 0.14, "r": {"z": 4.0}}), _result({"p": 0.1, "r": {"z": -1.0}})).status == "agrees"
    )
    assert compare(claim, _result({"p": 0.16}), _result({"p": 0.1})).status == "differs"


def test_reproduction_tolerance_validates():
    with pytest.raises(ValueError, match="non-negative"):
        ReproductionTolerance(rtol=-1.0)
    with pytest.raises(ValueError, match="non-negative"):
        ReproductionTolerance(keys={"x": (0.0, math.inf)})
    with pytest.raises(ValueError, match="reason"):
        ReproductionTolerance(reason="")
    with pytest.raises(TypeError, match="ReproductionTolerance"):
        dataclasses.replace(make_claim(), reproduction=(0.0, 1.0))


def test_graph_sampling_tolerance_from_the_sample_count():
    tol = graph_sampling(1000, **{"*rank": (0.0, 5.0)})
    assert tol.atol == pytest.approx(4 * math.sqrt(2) * 0.5 / math.sqrt(1000))
    assert tol.for_path("models.standard.bridge_rank") == (0.0, 5.0)
    assert tol.for_path("rows.2.train_bridge") == (1e-6, 0.0)
    assert tol.for_path("rows.2.learned_bridge") == (0.0, tol.atol)
    assert tol.for_path("critical_z") == (1e-6, 0.0) and tol.for_path("rows.0.z") == (0.0, 5.657)
    with pytest.raises(ValueError, match="samples"):
        graph_sampling(0)


def test_a_changed_prediction_disagrees():
    claim = make_claim()
    old = {
        "seed": 0,
        "verdict": "extension",
        "prediction": "holds",
        "config": {},
        "measured": {"a": 1.0},
        "details": {},
    }
    new = dict(old, prediction="fails")
    a = compare(claim, new, old)
    assert a.status == "differs" and "prediction holds -> fails" in a.problems
