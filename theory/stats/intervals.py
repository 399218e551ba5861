"""Confidence intervals over seeds: t-intervals for means, bootstrap intervals for log-log slopes,
and a Hotelling region for a whole curve.

Seeds are the independent unit: every interval resamples or averages over seeds, never over
grid points of one seed (those share their real data).

Checks use LEVEL = 99.9% intervals. A full `synthlaw verify` makes about 35 checks; at 95% about
one true prediction in twenty would FAIL by sampling noise alone, while at 99.9% the chance that
any of 35 exact predictions FAILs is at most 3.5% (Bonferroni). Figures draw 95% intervals
(FIGURE_LEVEL). Bootstrap intervals are value +- t_{S-1} x (the bootstrap standard error, scaled by
sqrt(S/(S-1))), which stay stable at a 99.9% level where percentiles of a few thousand resamples
would not.

Every Estimate a check uses also carries its interval at any other level (`at`), from which
`synthlaw calibrate` measures coverage at 80, 95, 99 and 99.9% and Check.pivot the prediction's
normal score (docs/claims.md, "What a check must show").
"""

import dataclasses
import math
import warnings
from collections.abc import Callable

import numpy as np
from scipy import stats

LEVEL = 0.999
FIGURE_LEVEL = 0.95
N_BOOT = 2000
N_BOOT_T2 = 1000  # t2_cutoff's resamples: two moments, not a 99.9% quantile, are read from them


@dataclasses.dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval (lo, hi) at the level it was built for.

    interval(level) -> (lo, hi) rebuilds it at another level (calibrate's coverage and Check.pivot);
    it is None for an estimate written by hand, which then has no coverage."""

    value: float
    lo: float
    hi: float
    interval: Callable[[float], tuple[float, float]] | None = dataclasses.field(default=None, compare=False,
                                                                               repr=False)

    def at(self, level: float) -> "Estimate":
        """The same estimate with its interval at level."""
        if self.interval is None:
            raise ValueError("this estimate was written by hand: it has no interval at other levels")
        lo, hi = self.interval(level)
        return dataclasses.replace(self, lo=lo, hi=hi)

    def bracket(self) -> str:
        """'[lo, hi]' as a report prints it, or 'empty' when no value is inside (curve_region)."""
        return "empty" if np.isnan(self.lo) else f"[{self.lo:.4g}, {self.hi:.4g}]"

    def __neg__(self) -> "Estimate":
        """The estimate of minus the quantity: the interval flips."""
        interval = self.interval
        return Estimate(-self.value, -self.hi, -self.lo,
                        None if interval is None else lambda level: (-interval(level)[1], -interval(level)[0]))


def _at_level(value: float, interval: Callable[[float], tuple[float, float]], level: float) -> Estimate:
    lo, hi = interval(level)
    return Estimate(float(value), float(lo), float(hi), interval)


def t_quantile(level: float, seeds: int) -> float:
    """The two-sided Student-t quantile with seeds - 1 degrees of freedom."""
    return float(stats.t.ppf(0.5 + level / 2, seeds - 1))


def mean_ci(values_s, level: float = LEVEL) -> Estimate:
    """Mean over seeds with the Student-t interval."""
    values_s = np.asarray(values_s, dtype=np.float64)
    n = len(values_s)
    mean, se = values_s.mean(), values_s.std(ddof=1) / np.sqrt(n)
    return _at_level(mean, lambda lv: (mean - t_quantile(lv, n) * se, mean + t_quantile(lv, n) * se), level)


def positive_mean_ci(values_s, level: float = LEVEL) -> Estimate:
    """Mean over seeds of a positive, right-skewed quantity (an excess: to first order a weighted sum
    of chi^2_1 terms), with the union of the Student-t interval and the Satterthwaite interval: a
    gamma law with the sample's mean and variance, shape k = mean^2 / var per seed, so that
    2 n k mean / mu ~ chi^2_{2nk}. The t-interval alone is too short upwards when the seeds drew a
    low mean; the gamma interval alone ignores the error in the estimated variance."""
    values_s = np.asarray(values_s, dtype=np.float64)
    t_interval = mean_ci(values_s, level)
    mean = values_s.mean()
    dof = 2 * len(values_s) * mean**2 / values_s.var(ddof=1)

    def interval(lv):
        t_lo, t_hi = t_interval.interval(lv)  # pyright: ignore[reportOptionalCall]
        gamma_lo = dof * mean / stats.chi2.ppf(0.5 + lv / 2, dof)
        gamma_hi = dof * mean / stats.chi2.ppf(0.5 - lv / 2, dof)
        return min(gamma_lo, t_lo), max(gamma_hi, t_hi)

    return _at_level(mean, interval, level)


def curve_ratio(values_sg, prediction_g, level: float = LEVEL) -> Estimate:
    """The whole curve in one number: per seed, the sum over the grid of the measured values over
    the sum of the predicted ones, with positive_mean_ci over seeds; 1 for a correct curve. A ratio
    of sums, not a mean of per-point ratios: a point whose prediction is tiny (AUG-4's balanced
    N, a pure variance term) made the mean of ratios skewed (skewness 1.8 per seed) and its 32-seed
    interval covered 93% at 95% and 94% at 99% (issue 19); the ratio of sums weighs each point by
    its prediction (skewness 0.2) and covers 96% and 99% on the same 9 600 seeds."""
    ratio_s = np.asarray(values_sg, np.float64).sum(axis=1) / np.asarray(prediction_g, np.float64).sum()
    return positive_mean_ci(ratio_s, level)


def curve_share(part_g, prediction_g) -> float:
    """What curve_ratio measures if the truth is part_g: a rival curve as a ratio of sums."""
    return float(np.sum(part_g) / np.sum(prediction_g))


def curve_region(values_sg, prediction_g, level: float = LEVEL) -> Estimate:
    """The whole curve point by point, where errors of opposite sign cannot cancel: Hotelling's T^2
    region for the per-point means of r = measured / predicted (S seeds, G points, the seeds'
    G x G covariance), cut along the prediction's multiples c (1, ..., 1). With a = 1' Cov^-1 1,
    S (rbar - c 1)' Cov^-1 (rbar - c 1) = S (a (c - c_gls)^2 + off_line) <= t2_cutoff(level) is the T^2
    test of c, c_gls the generalised-least-squares c. value is c_gls less its jackknife bias estimate
    (jackknife_gls): the weights Cov^-1 come from the same seeds, and for a right-skewed excess they are
    smallest where the means are largest, which pulls c_gls low (a pivot of -0.23 at 192 chi^2_3 seeds,
    -0.09 once corrected; benchmarks/t2_cut_under_skew.py). The cut keeps T^2's half-width around value,
    so c is in it iff T^2 accepts c + (c_gls - value). A curve whose shape is off makes the cut empty
    (lo = hi = nan). So do seeds whose covariance (or a leave-one-out one) has rank below G, as when a
    generator ignores the grid and every point moves with the others (AUG-2's perfect-generator
    control): T^2 cannot judge such a curve (value nan)."""
    ratio_sg = np.asarray(values_sg, np.float64) / np.asarray(prediction_g, np.float64)
    seeds, points = ratio_sg.shape
    if seeds <= points + 1:
        raise ValueError(f"curve_region needs at least two more seeds than grid points: {seeds} seeds, "
                         f"{points} points")
    mean_g = ratio_sg.mean(axis=0)
    not_judged = _at_level(float("nan"), lambda lv: (float("nan"), float("nan")), level)
    cov_gg = np.atleast_2d(np.cov(ratio_sg, rowvar=False))
    if np.linalg.matrix_rank(cov_gg) < points:
        return not_judged
    precision_gg = np.linalg.inv(cov_gg)
    ones_g = np.ones(points)
    a, b, e = ones_g @ precision_gg @ ones_g, ones_g @ precision_gg @ mean_g, mean_g @ precision_gg @ mean_g
    off_line = e - b**2 / a  # S (rbar - c 1)' P (rbar - c 1) = S (a (c - b / a)^2 + off_line)
    try:
        centre = jackknife_gls(ratio_sg, b / a)
    except np.linalg.LinAlgError:  # a leave-one-out covariance of rank below G: the seeds span less than G
        return not_judged
    cutoff = t2_cutoff(ratio_sg)

    def interval(lv):
        bound = cutoff(lv) / seeds
        if bound < off_line:
            return float("nan"), float("nan")
        half = np.sqrt((bound - off_line) / a)
        return centre - half, centre + half

    return _at_level(centre, interval, level)


def t2_cutoff(values_sg, n_boot: int = N_BOOT_T2, seed: int = 0) -> Callable[[float], float]:
    """T^2's cutoff at a level for these seeds: the larger of Hotelling's G (S - 1) / (S - G) F_{G, S - G}
    quantile, exact for Gaussian seeds, and the bootstrap's, from the law of T^2* = S (rbar* - rbar)'
    Cov*^-1 (rbar* - rbar) over n_boot resamples of the seeds (the studentised bootstrap of T^2), fitted by
    its first two moments as g chi^2_h (Box's approximation), so that the tail is smooth at 99.9%. An
    excess's seeds are skewed and heavy-tailed, and the F law's region is then too small, mostly across
    the line of multiples (a wrong shape): over 300 runs of AUG-4's quick config it covered 0.77, 0.93,
    0.97 and 0.99 at 80, 95, 99 and 99.9%, the bootstrap's 0.82, 0.96, 0.99 and 0.997 (notes/AUG-4.md).
    T^2 is invariant to scaling each point, so values_sg may be the ratios or the values. A resample
    whose covariance is singular (a few seeds drawn many times) takes the pseudo-inverse."""
    values_sg = np.asarray(values_sg, np.float64)
    seeds, points = values_sg.shape
    resample_bs = np.random.default_rng(seed).integers(0, seeds, size=(n_boot, seeds))
    draws_bsg = values_sg[resample_bs]
    mean_bg = draws_bsg.mean(axis=1)
    dev_bsg = draws_bsg - mean_bg[:, None, :]
    precision_bgg = np.linalg.pinv(np.einsum("bsg,bsh->bgh", dev_bsg, dev_bsg) / (seeds - 1), hermitian=True)
    shift_bg = mean_bg - values_sg.mean(axis=0)
    t2_b = seeds * np.einsum("bg,bgh,bh->b", shift_bg, precision_bgg, shift_bg)
    scale = t2_b.var() / (2 * t2_b.mean())
    dof = t2_b.mean() / scale

    def cutoff(level: float) -> float:
        hotelling = points * (seeds - 1) / (seeds - points) * stats.f.ppf(level, points, seeds - points)
        return max(hotelling, scale * stats.chi2.ppf(level, dof))

    return cutoff


def jackknife_gls(ratio_sg, gls: float) -> float:
    """Quenouille's jackknife of the GLS centre gls = 1' P rbar / 1' P 1 (P the inverse seed covariance):
    S gls - (S - 1) mean_i gls_(-i), each gls_(-i) without seed i; its covariance in closed form,
    ((S - 1) Cov - S / (S - 1) d_i d_i') / (S - 2) with d_i = r_i - rbar, so one batched inverse serves."""
    seeds = ratio_sg.shape[0]
    mean_g = ratio_sg.mean(axis=0)
    dev_sg = ratio_sg - mean_g
    cov_gg = np.atleast_2d(np.cov(ratio_sg, rowvar=False))
    loo_cov_sgg = ((seeds - 1) * cov_gg - seeds / (seeds - 1) * dev_sg[:, :, None] * dev_sg[:, None, :]) / (seeds - 2)
    loo_precision_sgg = np.linalg.inv(loo_cov_sgg)
    loo_gls_s = (np.einsum("sgh,sh->s", loo_precision_sgg, mean_g - dev_sg / (seeds - 1))
                 / loo_precision_sgg.sum(axis=(1, 2)))
    return float(seeds * gls - (seeds - 1) * loo_gls_s.mean())


def loglog_slope(x_g, mean_g) -> float:
    """Least-squares slope of log(mean_g) against log(x_g)."""
    return float(np.polyfit(np.log(x_g), np.log(mean_g), 1)[0])


def normal_interval(value: float, boot_b, level: float, seeds: int | None = None) -> Estimate:
    """value +- q sd(boot_b), the normal bootstrap interval. With the number of seeds resampled, q is
    the t quantile with seeds - 1 degrees of freedom and sd is scaled by sqrt(seeds / (seeds - 1))
    (the bootstrap's plug-in variance divides by seeds): at 16 seeds the z quantile alone covered 90.7%
    at 95% (issue 19). Without it, q is the normal quantile (the figures' and tables' laws)."""
    sd = float(np.std(boot_b, ddof=1))
    se = sd if seeds is None else sd * float(np.sqrt(seeds / (seeds - 1)))

    def quantile(lv: float) -> float:
        return float(stats.norm.ppf(0.5 + lv / 2)) if seeds is None else t_quantile(lv, seeds)

    return _at_level(value, lambda lv: (value - quantile(lv) * se, value + quantile(lv) * se), level)


def bootstrap_slope(x_g, values_sg, level: float = LEVEL, n_boot: int = N_BOOT, seed: int = 0) -> Estimate:
    """Log-log slope of the seed-mean curve, with a normal bootstrap interval over seeds.

    values_sg: one row per seed, one column per grid value x_g. A log-log slope needs positive means: if
    a grid point's mean is <= 0 in any bootstrap resample (a control-variate-corrected curve near 0 can
    be), the slope is undefined there, so the estimate and its interval are nan (the check FAILs) and a
    RuntimeWarning names the points.
    """
    values_sg = np.asarray(values_sg, dtype=np.float64)
    rng = np.random.default_rng(seed)
    n_seeds = values_sg.shape[0]
    picks_bs = rng.integers(0, n_seeds, size=(n_boot, n_seeds))
    means_bg = values_sg[picks_bs].mean(axis=1)
    nonpositive_bg = means_bg <= 0
    if nonpositive_bg.any():
        warnings.warn(f"bootstrap_slope: the seed mean at x = {np.asarray(x_g)[nonpositive_bg.any(axis=0)].tolist()} "
                      f"is <= 0 in {int(nonpositive_bg.any(axis=1).sum())} of {n_boot} bootstrap resamples; a "
                      "log-log slope needs positive means, so the slope and its interval are nan",
                      RuntimeWarning, stacklevel=2)
        return _at_level(math.nan, lambda _level: (math.nan, math.nan), level)
    log_x_g = np.log(x_g)
    centred_g = log_x_g - log_x_g.mean()
    slopes_b = (np.log(means_bg) @ centred_g) / (centred_g @ centred_g)
    return normal_interval(loglog_slope(x_g, values_sg.mean(axis=0)), slopes_b, level, n_seeds)


def crossing(x_g, curve_g, reference) -> float:
    """The first x where curve_g rises through the reference level, by linear interpolation of the
    gap in log x between the bracketing grid points; inf if it does not cross."""
    return float(crossings(x_g, np.asarray(curve_g, float)[None, :], np.array([reference], float))[0])


def crossings(x_g, curves_bg, references_b) -> np.ndarray:
    """crossing of every row of curves_bg through its own reference level, at once."""
    log_x_g = np.log(np.asarray(x_g, float))
    gap_bg = np.asarray(curves_bg, float) - np.asarray(references_b, float)[:, None]
    up_bg = (gap_bg[:, :-1] <= 0) & (gap_bg[:, 1:] > 0)
    j_b = np.argmax(up_bg, axis=1)
    rows_b = np.arange(len(j_b))
    below_b, above_b = gap_bg[rows_b, j_b], gap_bg[rows_b, j_b + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_b = log_x_g[j_b] + (log_x_g[j_b + 1] - log_x_g[j_b]) * -below_b / (above_b - below_b)
    return np.where(up_bg.any(axis=1), np.exp(log_b), np.inf)


def crossing_ci(x_g, curve_sg, reference_s, level: float = LEVEL, n_boot: int = N_BOOT, seed: int = 0) -> Estimate:
    """Where the seed-mean curve meets the seed-mean reference (IMB-3's delta*), with a normal
    bootstrap interval over seeds (curve and reference resampled together: they share real data).
    A bootstrap resample that does not cross makes the upper end inf."""
    curve_sg, reference_s = np.asarray(curve_sg, np.float64), np.asarray(reference_s, np.float64)
    rng = np.random.default_rng(seed)
    picks_bs = rng.integers(0, len(reference_s), size=(n_boot, len(reference_s)))
    boots_b = crossings(x_g, curve_sg[picks_bs].mean(axis=1), reference_s[picks_bs].mean(axis=1))
    value = crossing(x_g, curve_sg.mean(axis=0), reference_s.mean())
    if not np.isfinite(value) or not np.all(np.isfinite(boots_b)):
        return _at_level(value, lambda lv: (float(np.min(boots_b)), float("inf")), level)
    return normal_interval(value, boots_b, level, len(reference_s))


def grid_argmin(x_g, curve_g) -> float:
    """The vertex of the parabola through the lowest grid point and its two neighbours (AUG-4's
    best N); the grid's end when the lowest point is an end."""
    return float(grid_argmins(x_g, np.asarray(curve_g, float)[None, :])[0])


def grid_argmins(x_g, curves_bg) -> np.ndarray:
    """grid_argmin of every row of curves_bg at once: the vertex of the interpolating parabola
    through (x_0, y_0), (x_1, y_1), (x_2, y_2) is x_1 - [(x_1 - x_0)^2 (y_1 - y_2) - (x_1 - x_2)^2 (y_1 - y_0)]
    / (2 [(x_1 - x_0)(y_1 - y_2) - (x_1 - x_2)(y_1 - y_0)])."""
    x_g, curves_bg = np.asarray(x_g, float), np.asarray(curves_bg, float)
    j_b = np.argmin(curves_bg, axis=1)
    inner_b = np.clip(j_b, 1, len(x_g) - 2)
    rows_b = np.arange(len(j_b))
    x0, x1, x2 = x_g[inner_b - 1], x_g[inner_b], x_g[inner_b + 1]
    y0, y1, y2 = (curves_bg[rows_b, inner_b + k] for k in (-1, 0, 1))
    numerator = (x1 - x0) ** 2 * (y1 - y2) - (x1 - x2) ** 2 * (y1 - y0)
    denominator = 2 * ((x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0))
    at_end_b = (j_b == 0) | (j_b == len(x_g) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex_b = x1 - numerator / denominator
    return np.where(at_end_b, x_g[j_b], vertex_b)


def argmin_ci(x_g, values_sg, level: float = LEVEL, n_boot: int = N_BOOT, seed: int = 0) -> Estimate:
    """grid_argmin of the seed-mean curve with a normal bootstrap interval over seeds."""
    values_sg = np.asarray(values_sg, np.float64)
    rng = np.random.default_rng(seed)
    picks_bs = rng.integers(0, values_sg.shape[0], size=(n_boot, values_sg.shape[0]))
    boots_b = grid_argmins(x_g, values_sg[picks_bs].mean(axis=1))
    return normal_interval(grid_argmin(x_g, values_sg.mean(axis=0)), boots_b, level, values_sg.shape[0])


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
