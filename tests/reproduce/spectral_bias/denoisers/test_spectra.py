"""Tests of :func:`reproduce.spectral_bias.denoisers.spectra.analyse` on trajectories with a known emergence law."""

import numpy as np
import pytest

from reproduce.spectral_bias.denoisers.spectra import analyse
from theory.emergence import loglog_fit

STEPS = np.logspace(0, 5, 200)
LAM = np.logspace(-1, 1, 12)
RATE = 1e-3  # mode k relaxes at rate RATE * lam_k per step

INITIAL_RTOL = 1e-12  # the initial variance is the first record, exp(ln 0.01): round-off only
CROSSING_RTOL = 5e-3  # log-log interpolation between records 2.5% apart in t (measured 1.3e-4)
FIT_SLOPE_ATOL = 5e-3  # crossings within 0.5% move a slope fitted over two decades of lambda by less than this
INVERSE_LAW_SLOPE_ATOL = 0.05  # tau* = t0 + ln 2 / (RATE lam) is an inverse law bent by t0 = 1 (slope -0.997)
MIN_R2 = 0.99  # the same law is a straight line in log-log up to t0 (measured R^2 = 0.999998)
LINEAR_RELAXATION_RTOL = 1e-2  # log-log interpolation of a trajectory that is not log-linear between records
LINEAR_SLOPE_ATOL = 0.01  # the fitted slope against the fit of the exact crossings, given 1% crossing errors
FIT_ROUNDOFF_ATOL = 1e-12  # the same modes fitted again with the gray-zone modes excluded: round-off only


def _log_relaxation(lam, v0, steps=STEPS):
    """``ln v`` relaxes exponentially from ``ln v0`` (at the first record) to ``ln lam``.

    The geometric threshold ``sqrt(v0 lam)`` is the midpoint in ``ln v``, reached when
    ``exp(-RATE lam (t - t0)) = 1/2``: ``tau* = t0 + ln 2 / (RATE lam)``, exactly ``∝ 1/lam`` up to ``t0``.
    """
    decay = np.exp(-RATE * np.outer(steps - steps[0], lam))
    return np.exp(np.log(lam) + (np.log(v0) - np.log(lam)) * decay)


def _expected_log_relaxation_tau(lam):
    return STEPS[0] + np.log(2) / (RATE * lam)


def test_rising_modes_follow_the_inverse_law():
    var = _log_relaxation(LAM, 0.01)
    out = analyse(STEPS, var, LAM, smoothing=0)
    assert out["rising"].all() and not out["gray"].any() and not out["degenerate"].any()
    np.testing.assert_allclose(out["initial"], 0.01, rtol=INITIAL_RTOL)
    # log-log interpolation between records 2.5% apart in t is accurate to well under 1%
    np.testing.assert_allclose(out["tau_star"], _expected_log_relaxation_tau(LAM), rtol=CROSSING_RTOL)
    fit = out["fit"]["rising"]
    assert abs(fit["slope"] + 1) < INVERSE_LAW_SLOPE_ATOL and fit["r2"] > MIN_R2 and fit["n"] == LAM.size
    assert out["fit"]["falling"] is None and out["fit"]["degenerate"] == 0
    ref = loglog_fit(LAM, _expected_log_relaxation_tau(LAM))
    assert abs(fit["slope"] - ref["slope"]) < FIT_SLOPE_ATOL


def test_falling_modes_follow_the_inverse_law():
    var = _log_relaxation(LAM, 100.0)
    out = analyse(STEPS, var, LAM, smoothing=0)
    assert not out["rising"].any()
    np.testing.assert_allclose(out["tau_star"], _expected_log_relaxation_tau(LAM), rtol=CROSSING_RTOL)
    fit = out["fit"]["falling"]
    assert abs(fit["slope"] + 1) < INVERSE_LAW_SLOPE_ATOL and fit["r2"] > MIN_R2 and out["fit"]["rising"] is None


def test_linear_relaxation_crossing_time():
    # v(t) = lam - (lam - v0) exp(-RATE lam (t - t0)) reaches sqrt(v0 lam) at
    # t0 + ln(1 + sqrt(v0/lam)) / (RATE lam): not a pure inverse law (the log factor steepens it
    # towards lam^-1.5 when v0 << lam), so the fitted slope is compared with the fit of these times.
    v0 = 0.01
    decay = np.exp(-RATE * np.outer(STEPS - STEPS[0], LAM))
    var = LAM - (LAM - v0) * decay
    out = analyse(STEPS, var, LAM, smoothing=0)
    expected = STEPS[0] + np.log1p(np.sqrt(v0 / LAM)) / (RATE * LAM)
    np.testing.assert_allclose(out["tau_star"], expected, rtol=LINEAR_RELAXATION_RTOL)
    ref = loglog_fit(LAM, expected)
    assert abs(out["fit"]["rising"]["slope"] - ref["slope"]) < LINEAR_SLOPE_ATOL


@pytest.mark.parametrize("tiny", [0.0, 1e-9])
def test_degenerate_modes_are_left_out(tiny):
    var = _log_relaxation(LAM, 0.01)
    base = analyse(STEPS, var, LAM, smoothing=0)
    lam = np.insert(LAM, 5, tiny)  # a mode without data variance (tiny <= 1e-6 * max lam)
    flat = np.full((STEPS.size, 1), 0.01)
    out = analyse(STEPS, np.insert(var, [5], flat, axis=1), lam, smoothing=0)
    assert out["fit"]["degenerate"] == 1
    assert out["degenerate"].tolist() == [k == 5 for k in range(lam.size)]
    assert np.isnan(out["tau_star"][5]) and np.isnan(out["initial"][5])
    assert not out["rising"][5] and not out["gray"][5]
    keep = np.arange(lam.size) != 5
    np.testing.assert_array_equal(out["tau_star"][keep], base["tau_star"])
    assert out["fit"]["rising"] == base["fit"]["rising"]


def test_gray_zone_modes_are_excluded_from_the_fit():
    lam = np.append(LAM, [0.012, 0.015])  # within 0.5-2x of the initial variance 0.01
    var = _log_relaxation(lam, 0.01)
    out = analyse(STEPS, var, lam, smoothing=0)
    assert out["gray"].tolist() == [False] * LAM.size + [True, True]
    assert out["fit"]["excluded"] == 2
    base = analyse(STEPS, _log_relaxation(LAM, 0.01), LAM, smoothing=0)
    assert out["fit"]["rising"]["n"] == LAM.size
    assert abs(out["fit"]["rising"]["slope"] - base["fit"]["rising"]["slope"]) < FIT_ROUNDOFF_ATOL


def test_tau_ranges_use_only_fitted_modes():
    from reproduce.spectral_bias.denoisers.spectra import tau_ranges

    a = {
        "tau_star": np.array([5.0, 50.0, np.nan, 7.0, 300.0, 40.0, 1.0]),
        "rising": np.array([True, True, True, True, False, False, False]),
        "gray": np.array([False, False, False, True, False, False, False]),
        "degenerate": np.array([False, False, False, False, False, False, True]),
    }
    r = tau_ranges(a)
    assert r["rising"] == {"min": 5.0, "median": 27.5, "max": 50.0}  # NaN and gray-zone modes left out
    assert r["falling"] == {"min": 40.0, "median": 170.0, "max": 300.0}  # the degenerate mode left out
    a["rising"][:] = False
    assert tau_ranges(a)["rising"] is None
