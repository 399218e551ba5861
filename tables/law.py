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

Which weight. The sweep may run its synthetic rows at several loss weights w (a seed draws the same
rows at every w); the law is fitted per (method, w). Weighted ERM with real and surrogate rows needs
w tuned (Jain, Montanari, Sasoglu, NeurIPS 2024; AUG-5 predicts it in the Gaussian model). The
weight of lowest loss at the largest measured N is called best only when every other weight's loss
there exceeds it by a paired difference over seeds whose 95% Student-t interval lies above 0;
otherwise the choice is not resolved at these seeds.
"""

from typing import NamedTuple

import numpy as np
from scipy import stats

from synthlaw.figures.paper import weights_of
from synthlaw.theory.stats.intervals import FIGURE_LEVEL, Estimate, mean_ci, normal_interval
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


def augmented_by_seed(columns: dict, method: str, metric: str, weight: float) -> tuple[np.ndarray, np.ndarray]:
    """N > 0 of the augmented arm at a synthetic loss weight and the loss per (seed, N)."""
    rows = (columns["method"] == method) & (columns["arm"] == "augmented") & (columns["n_synthetic"] > 0) & \
        (columns["weight"] == weight)
    n_g, seeds = np.unique(columns["n_synthetic"][rows]), np.unique(columns["seed"][rows])
    values_sg = np.full((len(seeds), len(n_g)), np.nan)
    for r in np.nonzero(rows)[0]:
        values_sg[np.searchsorted(seeds, columns["seed"][r]), np.searchsorted(n_g, columns["n_synthetic"][r])] = \
            columns[metric][r]
    return n_g.astype(float), loss_values(values_sg, metric)


def fit_augmentation(columns: dict, method: str, metric: str, weight: float, level: float = FIGURE_LEVEL,
                     n_boot: int = N_BOOT_LAW, seed: int = 0) -> LawFit | None:
    """The a + b / N fit at one weight with bootstrap intervals over seeds; None with under 3 N or 2 seeds."""
    n_g, values_sg = augmented_by_seed(columns, method, metric, weight)
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
    """(method, weight, metric) -> LawFit (or None) of every method and weight of an augmentation sweep's columns."""
    methods = list(dict.fromkeys(columns["method"].tolist()))
    return {(m, w, metric): fit_augmentation(columns, m, metric, w)
            for m in methods for w in weights_of(columns) for metric in metrics}


class Laws(NamedTuple):
    """An augmentation sweep's laws: fits[(method, weight, metric)] (augmentation_fits) and
    choices[(method, metric)] (weight_choices)."""

    fits: dict
    choices: dict


class WeightChoice(NamedTuple):
    """The weights of one method and metric compared at the largest measured N: each weight's loss
    there (seed mean, 95% t-interval), the weight of lowest mean, every other weight's paired excess
    over it (None for itself), and best: that weight when every excess interval lies above 0, else
    None (not resolved at these seeds)."""

    n_max: float
    n_seeds: int
    weights: tuple
    loss_w: tuple
    lowest: float
    excess_w: tuple
    best: float | None


def weight_choice(columns: dict, method: str, metric: str, level: float = FIGURE_LEVEL) -> WeightChoice | None:
    """Which synthetic loss weight gives the lowest loss at the largest N (module docstring); None
    with fewer than 2 weights or 2 seeds. ValueError where the weights' grids or seeds differ."""
    weights = weights_of(columns)
    by_weight = [augmented_by_seed(columns, method, metric, w) for w in weights]
    if len(weights) < 2 or by_weight[0][1].shape[0] < 2:
        return None
    n_max = by_weight[0][0][-1]
    if any(not np.array_equal(n_g, by_weight[0][0]) or v_sg.shape != by_weight[0][1].shape for n_g, v_sg in by_weight):
        raise ValueError(f"method {method!r}: its weights {weights} were run on different N or numbers of seeds; "
                         "they compare only paired by seed at the same N")
    last_ws = np.array([values_sg[:, -1] for _, values_sg in by_weight])
    lowest = int(np.argmin(last_ws.mean(1)))
    excess_w = tuple(None if k == lowest else mean_ci(last_ws[k] - last_ws[lowest], level)
                     for k in range(len(weights)))
    resolved = all(e is None or e.lo > 0 for e in excess_w)
    return WeightChoice(float(n_max), last_ws.shape[1], tuple(weights), tuple(mean_ci(v_s, level) for v_s in last_ws),
                        weights[lowest], excess_w, weights[lowest] if resolved else None)


def weight_choices(columns: dict, metrics) -> dict:
    """(method, metric) -> WeightChoice (or None) of every method of an augmentation sweep's columns."""
    methods = list(dict.fromkeys(columns["method"].tolist()))
    return {(m, metric): weight_choice(columns, m, metric) for m in methods for metric in metrics}
