import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies.spectral import lambdas

from theory import emergence as em
from theory import linear_denoiser as lin

SMOOTHED_SPIKE_RTOL = 0.2  # empirical: under two 12% grid steps of crossing shift, far from the raw spike's factor > 2


def test_exact_crossing_of_a_power_law_trajectory():
    t = np.logspace(0, 4, 9)
    y = np.array([t**0.5 * 0 + 1e-2 * t**1.0])  # log-linear: interpolation is exact
    e = em.emergence_times(t, y, [1e2], smoothing=0)
    assert np.isclose(e.tau_star[0], 10**2.0)  # geometric mean of 1e-2 and 1e2 is 1, reached at t = 100


def test_harmonic_and_geometric_levels():
    assert np.isclose(em.threshold(1.0, 9.0), 3.0) and np.isclose(em.threshold(1.0, 9.0, "harmonic"), 1.8)


def test_falling_modes_no_crossing_and_irregular_times():
    t = np.array([1.0, 2.0, 7.0, 50.0, 51.0])
    y = np.array([[4.0, 3.0, 1.5, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0]])
    e = em.emergence_times(t, y, np.array([1.0, 5.0]), smoothing=0)
    assert not e.rising[0] and e.rising[1]
    assert 2.0 < e.tau_star[0] < 7.0 and np.isnan(e.tau_star[1])
    fit = em.fit_inverse_law(np.array([1.0, 5.0]), e)
    assert fit["no_crossing"] == 1 and fit["rising"] is None


def test_smoothing_removes_a_single_spike():
    t = np.logspace(0, 3, 60)
    y = np.exp(np.linspace(0, 4, 60))[None, :]
    spiky = y.copy()
    spiky[0, 5] *= 50
    base = em.emergence_times(t, y, [np.e**4], smoothing=2).tau_star[0]
    assert em.emergence_times(t, spiky, [np.e**4], smoothing=0, initial=1.0).tau_star[0] < base / 2
    assert np.isclose(
        em.emergence_times(t, spiky, [np.e**4], smoothing=2, initial=1.0).tau_star[0], base, rtol=SMOOTHED_SPIKE_RTOL
    )


def test_gray_zone_and_loglog_fit():
    assert em.gray_zone([0.4, 0.6, 1.9, 2.1], [1.0]).tolist() == [False, True, True, False]
    f = em.loglog_fit([1, 2, 4], [8, 2, 0.5])
    assert np.isclose(f["slope"], -2) and np.isclose(f["r2"], 1)


@given(st.lists(lambdas, min_size=3, max_size=8, unique=True))
def test_closed_form_emergence_is_ordered_by_variance(lams):
    lam = np.sort(lams)
    lam = lam[lam > 10 * lin.initial_variance(0.1)]
    # tau* is read off a grid with 1.9% spacing, so modes closer than that cannot be ordered
    # (hypothesis found 1.0 and 1 - 2e-16); keep modes at least 10% apart.
    kept = []
    for x in lam:
        if not kept or x > 1.1 * kept[-1]:
            kept.append(x)
    lam = np.array(kept)
    if lam.size < 2:
        return
    tau = np.logspace(-6, 6, 1500)
    e = em.emergence_times(tau, lin.generated_variance(lam[:, None], tau[None, :], 0.1), lam)
    assert np.all(np.diff(e.tau_star) < 0)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: em.emergence_times([1.0, 1.0], [[1.0, 2.0]], [2.0]), "strictly increasing"),
        (lambda: em.emergence_times([1.0, 2.0], [[1.0, 2.0, 3.0]], [2.0]), "shape"),
        (lambda: em.emergence_times([1.0, 2.0], [[1.0, -2.0]], [2.0]), "positive"),
        (lambda: em.emergence_times([1.0, 2.0], [[1.0, 2.0]], [2.0, 3.0]), "targets must have shape"),
        (lambda: em.threshold(1.0, 2.0, "arithmetic"), "criterion must be"),
        (lambda: em.loglog_fit([1.0], [1.0]), "length >= 2"),
        (lambda: em.gray_zone([1.0], [1.0], low=3.0), "0 < low < high"),
    ],
)
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "x, y, match",
    [
        ([2.0, 2.0, 2.0], [1.0, 2.0, 3.0], "distinct x"),  # used to return a slope with r2 = 0
        ([2.0, 2.0], [1.0, 2.0], "distinct x"),
        ([1.0, 0.0, 3.0], [1.0, 2.0, 3.0], "positive, finite"),
        ([1.0, -2.0, 3.0], [1.0, 2.0, 3.0], "positive, finite"),
        ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], "positive, finite"),
        ([1.0, 2.0, 3.0], [1.0, np.inf, 3.0], "positive, finite"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], "equal length"),
        ([[1.0, 2.0]], [[1.0, 2.0]], "1-D"),
    ],
)
def test_loglog_fit_rejects_degenerate_input(x, y, match):
    with pytest.raises(ValueError, match=match):
        em.loglog_fit(x, y)


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5, np.nan])
def test_loglog_fit_rejects_a_level_outside_the_unit_interval(level):
    with pytest.raises(ValueError, match=r"level must lie in \(0, 1\)"):
        em.loglog_fit([1.0, 2.0, 4.0], [1.0, 2.0, 5.0], level=level)


def test_loglog_fit_with_repeated_but_not_all_equal_x():
    f = em.loglog_fit([1.0, 1.0, 4.0], [2.0, 2.0, 8.0])
    assert np.isclose(f["slope"], 1.0) and f["slope_se"] is not None


def test_fit_inverse_law_skips_a_branch_whose_modes_share_one_variance():
    t = np.logspace(0, 2, 5)
    y = np.array([[1.0, 2.0, 4.0, 8.0, 16.0], [1.0, 1.5, 3.0, 8.0, 16.0]])
    e = em.emergence_times(t, y, [16.0, 16.0], smoothing=0)
    assert e.crossed.all()
    fit = em.fit_inverse_law(np.array([16.0, 16.0]), e)
    assert fit["rising"] is None and fit["falling"] is None


def test_gray_zone_of_no_targets_is_an_empty_mask_of_their_shape():
    assert em.gray_zone([], [1.0]).shape == (0,) and em.gray_zone([], [1.0]).dtype == bool
    assert em.gray_zone(np.zeros((0, 3)), [1.0]).shape == (0, 3)


@pytest.mark.parametrize(
    "targets, initial, match",
    [
        ([1.0], [], "at least one variance"),  # used to return [False]
        ([1.0], [1.0, np.nan], "finite and positive"),
        ([1.0], [1.0, 0.0], "finite and positive"),
        ([1.0], [np.inf], "finite and positive"),
        ([1.0, np.nan], [1.0], "targets must not be NaN"),
    ],
)
def test_gray_zone_rejects_undefined_input(targets, initial, match):
    with pytest.raises(ValueError, match=match):
        em.gray_zone(targets, initial)
