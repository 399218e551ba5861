"""The augmentation sweep's law a + b / N on a real table, and the synthetic row count it recommends.

AUG-2 in CLAIMS: at large N the excess follows a + b / N (the law the paper's code fits); b > 0
means the curve falls to its floor a (the generator's rows are worth adding), b < 0 that it rises
to it (they hurt). The fit is theory.stats.scaling_law.fit_law with gamma = 1 on the augmented
arm's N > 0 seed means of a loss (1 - accuracy, or a cross-entropy); a and b get 95% normal
bootstrap intervals over seeds, and the curve a 95% band from the same resamples.

Recommended N. Past N the fitted curve can still fall by f(N) - a = b / N in all. Set
N_rec = b / se, with se the median standard error of the measured seed means: beyond N_rec every
further row together gains less than one standard error, less than the run can resolve. When b's
interval holds 0 or lies below it, no rows beyond the balanced base are recommended (N_rec = 0).
"""

from typing import NamedTuple

import numpy as np
from scipy import stats

from synthlaw.theory.stats.intervals import FIGURE_LEVEL, Estimate, normal_interval
from synthlaw.theory.stats.scaling_law import N_BOOT_LAW, fit_law, law_value

ACCURACIES = ("balanced", "min", "worst")  # plotted and fitted as 1 - accuracy


class LawFit(NamedTuple):
    """a + b / N on one method's augmented arm: estimates, the curve's band on grid_g, N_rec and
    the standard error it used."""

    a: Estimate
    b: Estimate
    grid_g: np.ndarray
    curve_g: np.ndarray
    lo_g: np.ndarray
    hi_g: np.ndarray
    n_rec: float
    se: float


def loss_values(values, metric: str) -> np.ndarray:
    """A metric as a loss: 1 - accuracy, or the cross-entropy itself."""
    return 1.0 - np.asarray(values, float) if metric in ACCURACIES else np.asarray(values, float)


def augmented_by_seed(columns: dict, method: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """N > 0 of the augmented arm and the loss per (seed, N)."""
    rows = (columns["method"] == method) & (columns["arm"] == "augmented") & (columns["n_synthetic"] > 0)
    n_g, seeds = np.unique(columns["n_synthetic"][rows]), np.unique(columns["seed"][rows])
    values_sg = np.full((len(seeds), len(n_g)), np.nan)
    for r in np.nonzero(rows)[0]:
        values_sg[np.searchsorted(seeds, columns["seed"][r]), np.searchsorted(n_g, columns["n_synthetic"][r])] = \
            columns[metric][r]
    return n_g.astype(float), loss_values(values_sg, metric)


def fit_augmentation(columns: dict, method: str, metric: str, level: float = FIGURE_LEVEL,
                     n_boot: int = N_BOOT_LAW, seed: int = 0) -> LawFit | None:
    """The a + b / N fit with bootstrap intervals over seeds; None with under 3 N or 2 seeds."""
    n_g, values_sg = augmented_by_seed(columns, method, metric)
    if len(n_g) < 3 or values_sg.shape[0] < 2 or np.isnan(values_sg).any():
        return None
    rng = np.random.default_rng(seed)
    point = fit_law(n_g, values_sg.mean(0), gamma=1.0)
    boots = [fit_law(n_g, values_sg[rng.integers(0, len(values_sg), len(values_sg))].mean(0), gamma=1.0)
             for _ in range(n_boot)]
    grid_g = np.linspace(n_g.min(), n_g.max(), 100)
    curves_bg = np.array([law_value(grid_g, law) for law in boots])
    a = normal_interval(point.a, np.array([law.a for law in boots]), level)
    b = normal_interval(point.b, np.array([law.b for law in boots]), level)
    half_g = stats.norm.ppf(0.5 + level / 2) * curves_bg.std(0, ddof=1)  # normal band, as normal_interval
    curve_g = law_value(grid_g, point)
    se = float(np.median(values_sg.std(0, ddof=1) / np.sqrt(len(values_sg))))
    n_rec = point.b / se if b.lo > 0 and se > 0 else 0.0
    return LawFit(a, b, grid_g, curve_g, curve_g - half_g, curve_g + half_g, float(n_rec), se)


def augmentation_fits(columns: dict, metrics) -> dict:
    """(method, metric) -> LawFit (or None) of every method of an augmentation sweep's columns."""
    methods = list(dict.fromkeys(columns["method"].tolist()))
    return {(m, metric): fit_augmentation(columns, m, metric) for m in methods for metric in metrics}
