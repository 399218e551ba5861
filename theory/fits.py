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


def loglog_slope(x_g, mean_g) -> float:
    """Least-squares slope of log(mean_g) against log(x_g)."""
    return float(np.polyfit(np.log(x_g), np.log(mean_g), 1)[0])


def normal_interval(value: float, boot_b, level: float) -> Estimate:
    """value +- z sd(boot_b), the normal bootstrap interval."""
    half = stats.norm.ppf(0.5 + level / 2) * np.std(boot_b, ddof=1)
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
