"""The claim ``bridge.starvation_dynamics``: the learning-time read-out and the prediction rule."""

import numpy as np
import pytest

from reproduce.bridge import starvation_dynamics
from reproduce.bridge.starvation_dynamics import learning_time
from reproduce.replicates import interval
from theory.gradient_starvation import emergence_speedup

LOG_INTERVAL_ATOL = 10  # one logging interval: the half-way crossing is read off steps 10 apart
DIP_ATOL = 50  # the dip covers the logged steps 200-240, and its minimum may be any of them


def _logistic_climb(steps, z_min, z_end, t_half, width=30.0):
    z = z_min + (z_end - z_min) / (1 + np.exp(-(steps - t_half) / width))
    return 1 / (1 + np.exp(-z))


def test_learning_time_is_the_climb_from_the_minimum_to_half_way_to_the_target():
    steps = np.arange(0, 1000, 10)
    target = 1 / (1 + np.exp(1.0))  # logit -1
    prob = _logistic_climb(steps, -6.0, -1.0, 400.0)
    t = learning_time(steps, prob, target, window=1)
    assert t["start"] == 0 and t["half"] == pytest.approx(400, abs=LOG_INTERVAL_ATOL) and t["time"] == t["half"]
    # a plateau and a dip first: the climb is timed from the bottom of the dip
    dipped = prob.copy()
    dipped[:20] = 0.4
    dipped[20:25] = 1 / (1 + np.exp(7.0))
    t2 = learning_time(steps, dipped, target, window=1)
    assert t2["start"] == pytest.approx(200, abs=DIP_ATOL) and t2["half"] == pytest.approx(400, abs=LOG_INTERVAL_ATOL)
    assert t2["time"] == t2["half"] - t2["start"]


def test_learning_time_is_censored_when_the_climb_stops_short():
    steps = np.arange(0, 1000, 10)
    prob = _logistic_climb(steps, -6.0, -5.0, 400.0)  # climbs 1 of the 5 logit units to the target
    t = learning_time(steps, prob, 1 / (1 + np.exp(1.0)), window=1)
    assert t["half"] is None and t["time"] is None


def starvation_values(sgd, adam=None, eps=0.05, lams=(2.0, 20.0)):
    """Values with the given per-seed speed-ups per lam (None: censored) for each arm."""

    def arm(speedups):
        rows = []
        for lam, sp in zip(lams, speedups):
            measured = [s for s in sp if s is not None]
            rows.append(
                {
                    "lam": lam,
                    "omega": 1 + lam,
                    "predicted_speedup": float(emergence_speedup(eps, 1 + lam)),
                    "measured_speedup": interval(measured) if measured else None,
                    "measured_in": len(measured),
                }
            )
        n = len(speedups[0])
        return {"rows": rows, "standard_learning_time": interval([600.0] * n), "per_seed": [{}] * n, "steps": 3000}

    adam = adam if adam is not None else [[1.0, 1.0, 1.0]] * len(lams)
    return {"seeds": list(range(len(sgd[0]))), "epsilon": eps, "sgd_lr": 0.3, "sgd": arm(sgd), "adam": arm(adam)}


def test_starvation_prediction_is_the_sgd_arms():
    cfg = starvation_dynamics.CONFIGS["default"]
    p2, p20 = emergence_speedup(0.05, 3.0), emergence_speedup(0.05, 21.0)
    j = starvation_dynamics.judge(starvation_values([[p2 * 0.9, p2, p2 * 1.1], [p20 * 0.9, p20, p20 * 1.1]]), cfg)
    assert (j.verdict, j.prediction) == ("extension", "holds")
    assert "Under Adam the prediction fails" in j.reason
    # the mean within a factor 2, just inside and just outside
    inside = [[2 * p2 - 0.1, 2 * p2, 2 * p2 + 0.09], [p20] * 3]
    outside = [[2 * p2 - 0.1, 2 * p2 + 0.01, 2 * p2 + 0.12], [p20] * 3]
    assert starvation_dynamics.judge(starvation_values(inside), cfg).prediction == "holds"
    assert starvation_dynamics.judge(starvation_values(outside), cfg).prediction == "fails"
    low = [[p2 / 2 + 0.01] * 3, [p20] * 3]
    assert starvation_dynamics.judge(starvation_values(low), cfg).prediction == "holds"
    assert starvation_dynamics.judge(starvation_values([[p2 / 2 - 0.01] * 3, [p20] * 3]), cfg).prediction == "fails"


def test_starvation_needs_a_real_speedup_and_every_replicate():
    cfg = starvation_dynamics.CONFIGS["default"]
    p20 = emergence_speedup(0.05, 21.0)
    wide = [[1.5, 2.7, 3.9], [p20] * 3]  # mean 2.7 within a factor 2 of 2.73, interval reaches below 1
    assert interval(wide[0])["low"] < 1
    assert starvation_dynamics.judge(starvation_values(wide), cfg).prediction == "fails"
    censored = [[2.7, 2.7, None], [p20] * 3]
    j = starvation_dynamics.judge(starvation_values(censored), cfg)
    assert j.prediction == "fails" and "measured in 2 of 3" in j.reason
    one = starvation_values([[2.0], [8.0]], adam=[[1.0], [1.0]])  # one replicate: the factor alone
    assert starvation_dynamics.judge(one, cfg).prediction == "holds"
