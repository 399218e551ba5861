"""Intervals at any level and the pivot a check reads from them, against closed forms (SciPy)."""

import numpy as np
import pytest
from scipy import optimize, stats

from synthlaw.theory.claims.check import Check
from synthlaw.theory.stats.intervals import (
    bootstrap_slope,
    crossing,
    crossings,
    curve_region,
    grid_argmin,
    grid_argmins,
    mean_ci,
    positive_mean_ci,
    t2_cutoff,
)


def check_of(estimate, prediction):
    return Check(label="x", quantity="q", prediction=prediction, measured=estimate, error_kind="relative")


def test_the_pivot_of_a_t_interval_is_the_normal_score_of_the_t_statistic():
    values = np.random.default_rng(0).normal(1.0, 0.2, size=12)
    t = (values.mean() - 0.95) / (values.std(ddof=1) / np.sqrt(12))
    expected = stats.norm.ppf(stats.t.cdf(t, 11))  # the level at which 0.95 is on the interval's edge
    assert np.isclose(check_of(mean_ci(values), 0.95).pivot(), expected, atol=1e-6)
    lo, hi = stats.t.interval(0.8, 11, loc=values.mean(), scale=values.std(ddof=1) / np.sqrt(12))
    at_80 = mean_ci(values).at(0.8)
    assert np.allclose((at_80.lo, at_80.hi), (lo, hi))


def test_negating_an_estimate_flips_its_interval_at_every_level():
    estimate = positive_mean_ci(np.random.default_rng(1).gamma(2.0, 1.0, size=30))
    for level in (0.8, 0.999):
        at = estimate.at(level)
        assert ((-estimate).at(level).lo, (-estimate).at(level).hi) == (-at.hi, -at.lo)


def _gls(ratio_sg):
    precision_gg = np.linalg.inv(np.cov(ratio_sg, rowvar=False))
    return precision_gg.sum(axis=0) @ ratio_sg.mean(0) / precision_gg.sum()


def test_the_curve_region_is_hotellings_test_about_the_jackknifed_centre_and_one_point_is_the_t_test():
    rng = np.random.default_rng(2)
    prediction_g = np.array([1.0, 2.0, 4.0])
    values_sg = prediction_g * rng.normal(1.0, 0.1, size=(40, 3)) + rng.normal(0, 0.05, size=(40, 1))
    ratio_sg = values_sg / prediction_g
    # The jackknife written out: 40 GLS centres, each without one seed.
    jackknifed = 40 * _gls(ratio_sg) - 39 * np.mean([_gls(np.delete(ratio_sg, i, 0)) for i in range(40)])
    region = curve_region(values_sg, prediction_g)
    assert np.isclose(region.value, jackknifed, rtol=0, atol=1e-12)
    # Hotelling's T^2, written out directly, of rbar against c (1, 1, 1) where c = 1 moved by the
    # jackknife's shift: the cut holds 1 exactly when T^2 is within the cutoff, which is never below
    # the F law's 3 (40 - 1) / (40 - 3) F_{3, 37}.
    diff_g = ratio_sg.mean(0) - (1 + _gls(ratio_sg) - jackknifed)
    t2 = 40 * diff_g @ np.linalg.solve(np.cov(ratio_sg, rowvar=False), diff_g)
    cutoff = t2_cutoff(ratio_sg)
    check = check_of(region, 1.0)
    for level in (0.5, 0.8, 0.95, 0.99):
        assert cutoff(level) >= 3 * 39 / 37 * stats.f.ppf(level, 3, 37)
        assert check.covers_at(level) == (t2 <= cutoff(level))
    # The pivot sits where the region's edge passes 1: |pivot| = z((1 + level) / 2) at the level whose
    # cutoff is T^2.
    edge = optimize.brentq(lambda level: cutoff(level) - t2, 1e-9, 1 - 1e-9, xtol=1e-12)
    assert np.isclose(abs(check.pivot()), stats.norm.ppf((1 + edge) / 2), atol=1e-6)
    # T^2 is invariant to scaling each point: the cutoff of the values is that of the ratios.
    assert np.isclose(cutoff(0.999), t2_cutoff(values_sg)(0.999), rtol=1e-9)
    # Errors of opposite sign do not cancel: +10% at one point and -10% at another leave the
    # grid mean at 1, but the region excludes the prediction.
    tilted_g = prediction_g * np.array([1.1, 1.0, 0.9])
    assert not check_of(curve_region(values_sg, tilted_g), 1.0).passed
    # One grid point: T^2 = t^2 and F(1, S - 1) = t_{S-1}^2, so the cut is the t interval of the ratio
    # widened to the cutoff: half-width sqrt(cutoff) x the standard error, at least the t interval's.
    single = curve_region(values_sg[:, :1], prediction_g[:1])
    t_interval = mean_ci(ratio_sg[:, 0])
    se = ratio_sg[:, 0].std(ddof=1) / np.sqrt(40)
    assert np.isclose(single.value, t_interval.value)
    assert np.isclose(single.hi - single.value, np.sqrt(t2_cutoff(ratio_sg[:, :1])(0.999)) * se)
    assert single.lo <= t_interval.lo + 1e-12 and single.hi >= t_interval.hi - 1e-12


def test_the_t2_cutoff_holds_its_level_for_heavy_tailed_seeds_where_the_f_law_does_not():
    """chi^2_1 seeds (one squared normal per point, neighbours correlated 0.7: an excess's law at its most
    skewed), 64 seeds x 6 points, truth = the mean. Over 300 replicates the binomial standard error of a
    coverage of 0.95 is sqrt(0.95 x 0.05 / 300) = 0.0126: the cutoff's coverage at 95% must lie within 3 of
    them of 0.95, and the F law's alone falls more than 3 below (0.84 here)."""
    rng = np.random.default_rng(7)
    seeds, points, replicates = 64, 6, 300
    f_quantile = points * (seeds - 1) / (seeds - points) * stats.f.ppf(0.95, points, seeds - points)
    held_by_f, held = [], []
    for _ in range(replicates):
        z_sg = rng.standard_normal((seeds, points))
        for g in range(1, points):
            z_sg[:, g] = 0.7 * z_sg[:, g - 1] + np.sqrt(1 - 0.49) * z_sg[:, g]
        values_sg = z_sg**2
        diff_g = values_sg.mean(0) - 1
        t2 = seeds * diff_g @ np.linalg.solve(np.cov(values_sg, rowvar=False), diff_g)
        held_by_f.append(t2 <= f_quantile)
        held.append(t2 <= t2_cutoff(values_sg)(0.95))
    band = 3 * np.sqrt(0.95 * 0.05 / replicates)
    assert abs(np.mean(held) - 0.95) < band, np.mean(held)
    assert np.mean(held_by_f) < 0.95 - band, np.mean(held_by_f)


def test_grid_argmins_is_the_vertex_numpy_polyfit_finds_and_the_end_when_the_lowest_point_is_one():
    x_g = np.array([500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000.0])
    rng = np.random.default_rng(3)
    curves_bg = rng.normal(size=(200, 9)) + 3 * np.linspace(-1, 1, 9) ** 2
    curves_bg[:5] = np.linspace(1, 2, 9)  # lowest at the first point
    curves_bg[5:10] = np.linspace(2, 1, 9)  # lowest at the last
    expected = []
    for curve_g in curves_bg:
        j = int(np.argmin(curve_g))
        if j in (0, 8):
            expected.append(x_g[j])
        else:
            a, b, _ = np.polyfit(x_g[j - 1:j + 2], curve_g[j - 1:j + 2], 2)
            expected.append(-b / (2 * a))
    assert np.allclose(grid_argmins(x_g, curves_bg), expected, rtol=1e-9)
    assert grid_argmin(x_g, curves_bg[0]) == 500.0


def test_crossings_is_the_first_upward_crossing_of_each_row_interpolated_in_log_x():
    # Written out for one row: the first j with gap_j <= 0 < gap_{j+1}, then linear in log x; inf without one.
    def first_crossing(x_g, curve_g, reference):
        for j in range(len(x_g) - 1):
            lo, hi = curve_g[j] - reference, curve_g[j + 1] - reference
            if lo <= 0 < hi:
                return float(np.exp(np.log(x_g[j]) + np.log(x_g[j + 1] / x_g[j]) * -lo / (hi - lo)))
        return float("inf")

    rng = np.random.default_rng(4)
    x_g = np.array([0.05, 0.1, 0.2, 0.3, 0.5])
    curves_bg, references_b = rng.normal(0, 1, size=(500, 5)).cumsum(axis=1), rng.normal(0, 1, size=500)
    expected_b = [first_crossing(x_g, c, r) for c, r in zip(curves_bg, references_b, strict=True)]
    assert np.isinf(expected_b).any() and np.isfinite(expected_b).any()
    assert np.allclose(crossings(x_g, curves_bg, references_b), expected_b, rtol=1e-12)
    # Halfway in log x between 0.1 and 0.2 when the gap goes from -1 to +1.
    assert np.isclose(crossing(x_g, [-3, -1, 1, 2, 3], 0.0), np.sqrt(0.1 * 0.2), rtol=1e-12)


def test_the_jackknife_raises_the_cut_for_right_skewed_seeds():
    """chi^2_3 / 3 seeds (an excess's law to first order), truth = prediction, 192 seeds x 4 points
    correlated 0.7: the GLS centre's pivot sits low (-0.23 (0.02) over 2000 replicates) and the jackknifed
    cut's less so (-0.09 (0.02); benchmarks/t2_cut_under_skew.py). Here, over 100 replicates, the jackknife
    raises the centre by more than 5 standard errors of its mean shift (a sixth of the centre's spread)."""
    rng = np.random.default_rng(4)
    prediction_g = np.array([1.0, 0.5, 0.25, 0.125])
    shifts = []
    for _ in range(100):
        z_sgk = rng.standard_normal((192, 4, 3))
        for g in range(1, 4):
            z_sgk[:, g] = 0.7 * z_sgk[:, g - 1] + np.sqrt(1 - 0.49) * z_sgk[:, g]
        values_sg = (z_sgk**2).mean(axis=2) * prediction_g
        shifts.append(curve_region(values_sg, prediction_g).value - _gls(values_sg / prediction_g))
    assert np.mean(shifts) > 5 * np.std(shifts, ddof=1) / np.sqrt(100), shifts


def test_a_curve_whose_points_move_together_is_not_judged():
    """A generator that ignores the grid (AUG-2's perfect-generator control) gives every point the same
    seed value up to the prediction's scale: the seeds' covariance has rank 1, T^2 is undefined, and the
    cut is empty (FAIL), not an inverse of a singular matrix."""
    prediction_g = np.array([1.0, 0.5, 0.25, 0.125])
    values_sg = np.outer(np.random.default_rng(5).chisquare(3, 192) / 3, prediction_g)
    region = curve_region(values_sg, prediction_g)
    assert np.isnan([region.value, region.lo, region.hi]).all()
    assert not check_of(region, 1.0).passed


def test_a_log_log_slope_through_a_non_positive_mean_is_nan_and_says_where():
    """A control-corrected curve can dip to 0 (AUG-2's perfect generator measured against the plug-in's
    control): its log is undefined, so the slope is nan, a warning names the grid point, and a check
    built on it FAILs instead of passing on numpy's own invalid-value warnings."""
    rng = np.random.default_rng(0)
    values_sg = np.c_[rng.normal(1.0, 0.1, 64), rng.normal(0.01, 0.1, 64)]
    with pytest.warns(RuntimeWarning, match=r"the seed mean at x = \[2\.0\] is <= 0 in \d+ of 2000 bootstrap"):
        slope = bootstrap_slope(np.array([1.0, 2.0]), values_sg)
    assert np.isnan(slope.value) and np.isnan(slope.lo) and np.isnan(slope.hi)
    check = Check(label="nan", quantity="log-log slope", prediction=-1.0, measured=slope, error_kind="absolute")
    assert not check.passed
