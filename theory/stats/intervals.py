"""Confidence intervals over seeds: t-intervals for means, bootstrap intervals for log-log slopes.

Seeds are the independent unit: every interval resamples or averages over seeds, never over
grid points of one seed (those share their real data).

Checks use LEVEL = 99.9% intervals. A full `synthlaw verify` makes about 35 checks; at 95% about
one true prediction in twenty would FAIL by sampling noise alone, while at 99.9% the chance that
any of 35 exact predictions FAILs is at most 3.5% (Bonferroni). Figures draw 95% intervals
(FIGURE_LEVEL). Bootstrap intervals are normal intervals with the bootstrap standard error, which
stay stable at a 99.9% level where percentiles of a few thousand resamples would not.
"""

from typing import NamedTuple

import numpy as np
from scipy import stats

LEVEL = 0.999
FIGURE_LEVEL = 0.95
N_BOOT = 2000


class Estimate(NamedTuple):
    """A point estimate with its confidence interval (lo, hi)."""

    value: float
    lo: float
    hi: float


def mean_ci(values_s, level: float = LEVEL) -> Estimate:
    """Mean over seeds with the Student-t interval."""
    values_s = np.asarray(values_s, dtype=np.float64)
    n = len(values_s)
    mean = values_s.mean()
    half = stats.t.ppf(0.5 + level / 2, n - 1) * values_s.std(ddof=1) / np.sqrt(n)
    return Estimate(mean, mean - half, mean + half)


def positive_mean_ci(values_s, level: float = LEVEL) -> Estimate:
    """Mean over seeds of a positive, right-skewed quantity (an excess: to first order a weighted sum
    of chi^2_1 terms), with the union of the Student-t interval and the Satterthwaite interval: a
    gamma law with the sample's mean and variance, shape k = mean^2 / var per seed, so that
    2 n k mean / mu ~ chi^2_{2nk}. The t-interval alone is too short upwards when the seeds drew a
    low mean; the gamma interval alone ignores the error in the estimated variance."""
    values_s = np.asarray(values_s, dtype=np.float64)
    t_interval = mean_ci(values_s, level)
    dof = 2 * len(values_s) * values_s.mean() ** 2 / values_s.var(ddof=1)
    lo = dof * values_s.mean() / stats.chi2.ppf(0.5 + level / 2, dof)
    hi = dof * values_s.mean() / stats.chi2.ppf(0.5 - level / 2, dof)
    return Estimate(t_interval.value, min(lo, t_interval.lo), max(hi, t_interval.hi))


def curve_ratio(values_sg, prediction_g, level: float = LEVEL) -> Estimate:
    """The whole curve in one number: per seed, the mean over the grid of measured / predicted, with
    positive_mean_ci over seeds. A correct curve gives 1 at every grid point, so the mean is 1."""
    ratio_s = (np.asarray(values_sg, np.float64) / np.asarray(prediction_g, np.float64)).mean(axis=1)
    return positive_mean_ci(ratio_s, level)


def loglog_slope(x_g, mean_g) -> float:
    """Least-squares slope of log(mean_g) against log(x_g)."""
    return float(np.polyfit(np.log(x_g), np.log(mean_g), 1)[0])


def normal_interval(value: float, boot_b, level: float) -> Estimate:
    """value +- z sd(boot_b), the normal bootstrap interval."""
    half = float(stats.norm.ppf(0.5 + level / 2) * np.std(boot_b, ddof=1))
    return Estimate(value, value - half, value + half)


def bootstrap_slope(x_g, values_sg, level: float = LEVEL, n_boot: int = N_BOOT, seed: int = 0) -> Estimate:
    """Log-log slope of the seed-mean curve, with a normal bootstrap interval over seeds.

    values_sg: one row per seed, one column per grid value x_g; every bootstrap mean must be > 0.
    """
    values_sg = np.asarray(values_sg, dtype=np.float64)
    rng = np.random.default_rng(seed)
    n_seeds = values_sg.shape[0]
    picks_bs = rng.integers(0, n_seeds, size=(n_boot, n_seeds))
    means_bg = values_sg[picks_bs].mean(axis=1)
    log_x_g = np.log(x_g)
    centred_g = log_x_g - log_x_g.mean()
    slopes_b = (np.log(means_bg) @ centred_g) / (centred_g @ centred_g)
    return normal_interval(loglog_slope(x_g, values_sg.mean(axis=0)), slopes_b, level)


def crossing(x_g, curve_g, reference) -> float:
    """The first x where curve_g rises through the reference level, by linear interpolation of the
    gap in log x between the bracketing grid points; inf if it does not cross."""
    gap_g = np.asarray(curve_g) - reference
    up = np.flatnonzero((gap_g[:-1] <= 0) & (gap_g[1:] > 0))
    if len(up) == 0:
        return float("inf")
    j = up[0]
    log_x = np.log(x_g[j]) + (np.log(x_g[j + 1]) - np.log(x_g[j])) * -gap_g[j] / (gap_g[j + 1] - gap_g[j])
    return float(np.exp(log_x))


def crossing_ci(x_g, curve_sg, reference_s, level: float = LEVEL, n_boot: int = N_BOOT, seed: int = 0) -> Estimate:
    """Where the seed-mean curve meets the seed-mean reference (IMB-3's delta*), with a normal
    bootstrap interval over seeds (curve and reference resampled together: they share real data).
    A bootstrap resample that does not cross makes the upper end inf."""
    curve_sg, reference_s = np.asarray(curve_sg, np.float64), np.asarray(reference_s, np.float64)
    rng = np.random.default_rng(seed)
    picks_bs = rng.integers(0, len(reference_s), size=(n_boot, len(reference_s)))
    boots_b = np.array([crossing(x_g, curve_sg[p].mean(axis=0), reference_s[p].mean()) for p in picks_bs])
    value = crossing(x_g, curve_sg.mean(axis=0), reference_s.mean())
    if not np.isfinite(value) or not np.all(np.isfinite(boots_b)):
        return Estimate(value, float(np.min(boots_b)), float("inf"))
    return normal_interval(value, boots_b, level)


def grid_argmin(x_g, curve_g) -> float:
    """The vertex of the parabola through the lowest grid point and its two neighbours (AUG-4's
    best N); the grid's end when the lowest point is an end."""
    j = int(np.argmin(curve_g))
    if j in (0, len(x_g) - 1):
        return float(x_g[j])
    x_3, y_3 = np.asarray(x_g[j - 1:j + 2], float), np.asarray(curve_g[j - 1:j + 2], float)
    a, b, _ = np.polyfit(x_3, y_3, 2)
    return float(-b / (2 * a))


def argmin_ci(x_g, values_sg, level: float = LEVEL, n_boot: int = N_BOOT, seed: int = 0) -> Estimate:
    """grid_argmin of the seed-mean curve with a normal bootstrap interval over seeds."""
    values_sg = np.asarray(values_sg, np.float64)
    rng = np.random.default_rng(seed)
    picks_bs = rng.integers(0, values_sg.shape[0], size=(n_boot, values_sg.shape[0]))
    boots_b = np.array([grid_argmin(x_g, values_sg[p].mean(axis=0)) for p in picks_bs])
    return normal_interval(grid_argmin(x_g, values_sg.mean(axis=0)), boots_b, level)


def by_seed(columns: dict, value: str, grid_key: str, mask=None):
    """Pivot a tidy table into (grid values x_g, values_sg) for one column."""
    keep = np.ones(len(columns["seed"]), bool) if mask is None else mask
    seeds = np.unique(columns["seed"][keep])
    x_g = np.unique(columns[grid_key][keep])
    values_sg = np.empty((len(seeds), len(x_g)))
    for i, s in enumerate(seeds):
        for j, x in enumerate(x_g):
            row = keep & (columns["seed"] == s) & (columns[grid_key] == x)
            values_sg[i, j] = columns[value][row][0]
    return x_g, values_sg


def means_by(columns: dict, value: str, grid_key: str, rows, level: float = FIGURE_LEVEL):
    """The grid values among rows and, per value, the mean of column `value` over seeds with its
    interval at level (the figures' error bars: FIGURE_LEVEL)."""
    x_g = np.unique(columns[grid_key][rows])
    return x_g, [mean_ci(columns[value][rows & (columns[grid_key] == x)], level) for x in x_g]
