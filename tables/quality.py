"""Is a synthetic row any good: the fidelity and privacy metrics of SDMetrics and synthcity, computed
by synthlaw alone on the codes representation of a mixed table.

Rows are x_nd float64 with a mask categorical_d (d,) and level counts levels_d (d,): a categorical
column holds codes 0 .. levels_d[j] - 1, a numeric column floats with NaN for a blank cell. Fidelity
is measured against held-out real rows, memorisation against the training rows (row_quality).
SDMetrics' names: KSComplement and TVComplement are 1 - column_distances; CorrelationSimilarity is
1 - |A_real - A_synthetic| / 2 on a numeric pair; LogisticDetection scores 1 - 2 (max(AUC, 0.5) - 0.5)
from a test like c2st_auc; DCROverfittingProtection compares dcr_synthetic with dcr_holdout.
"""

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from scipy.stats import rankdata

from synthlaw.models.logistic import STEPS_REAL_TABLE, fit_logistic
from synthlaw.tables.features import encode_features, fit_features
from synthlaw.tables.schema import Column, Schema

C2ST_L2 = 1.0  # scikit-learn's default C = 1: finite weights when real and synthetic rows separate
BLOCK_CELLS = 2**18  # query x training rows per block of the closest-record search (2 MiB in float64)


class RowQuality(NamedTuple):
    """The quality table's numbers for one set of synthetic rows (row_quality).

    distance_d: per column, KS (numeric, non-blank cells) or total variation (categorical);
    blank_gap_d: |blank share of synthetic - of held-out real| (0 for categorical columns, whose
    blank is a level); association_gap: mean |A_real - A_synthetic| over column pairs; c2st_auc:
    held-out AUC of real against synthetic (0.5 = indistinguishable); dcr_*: median distance to the
    closest training row of synthetic / held-out real rows; copy_share, holdout_copy_share: share of
    synthetic / held-out real rows equal to a training row.
    """

    worst_distance: float
    worst_column: int
    mean_distance: float
    association_gap: float
    c2st_auc: float
    dcr_synthetic: float
    dcr_holdout: float
    copy_share: float
    holdout_copy_share: float
    distance_d: np.ndarray
    blank_gap_d: np.ndarray

    @property
    def dcr_ratio(self) -> float:
        """dcr_synthetic / dcr_holdout: below 1, synthetic rows sit closer to the training rows than
        fresh real rows do (nan when dcr_holdout is 0)."""
        return self.dcr_synthetic / self.dcr_holdout if self.dcr_holdout > 0 else float("nan")


def ks_statistic(a_n, b_m) -> float:
    """Two-sample Kolmogorov-Smirnov statistic sup_x |F_a(x) - F_b(x)| of the empirical CDFs
    (scipy.stats.ks_2samp's statistic)."""
    a_n, b_m = np.sort(a_n), np.sort(b_m)
    x_k = np.concatenate([a_n, b_m])
    cdf_a_k = np.searchsorted(a_n, x_k, side="right") / len(a_n)
    cdf_b_k = np.searchsorted(b_m, x_k, side="right") / len(b_m)
    return float(np.max(np.abs(cdf_a_k - cdf_b_k)))


def total_variation(a_n, b_m, levels: int) -> float:
    """Total variation distance 0.5 sum_l |p_l - q_l| between the level shares of two code columns."""
    p_l = np.bincount(a_n.astype(np.int64), minlength=levels) / len(a_n)
    q_l = np.bincount(b_m.astype(np.int64), minlength=levels) / len(b_m)
    return float(0.5 * np.abs(p_l - q_l).sum())


def column_distances(real_nd, synthetic_nd, categorical_d, levels_d):
    """(distance_d, blank_gap_d): per column, KS on the non-blank cells (numeric; 1 where exactly one
    side has none, 0 where neither has) or total variation (categorical), and the gap between the
    two sides' blank shares (numeric; 0 for categorical columns)."""
    d = real_nd.shape[1]
    distance_d, blank_gap_d = np.zeros(d), np.zeros(d)
    for j in range(d):
        a_n, b_m = real_nd[:, j], synthetic_nd[:, j]
        if categorical_d[j]:
            distance_d[j] = total_variation(a_n, b_m, int(levels_d[j]))
            continue
        blank_a_n, blank_b_m = np.isnan(a_n), np.isnan(b_m)
        blank_gap_d[j] = abs(blank_a_n.mean() - blank_b_m.mean())
        a_n, b_m = a_n[~blank_a_n], b_m[~blank_b_m]
        distance_d[j] = ks_statistic(a_n, b_m) if len(a_n) and len(b_m) else float(len(a_n) != len(b_m))
    return distance_d, blank_gap_d


def spearman(a_n, b_n) -> float:
    """Spearman's rho: Pearson's r of the average ranks (scipy.stats.spearmanr); 0 when a column is
    constant."""
    ra_n, rb_n = rankdata(a_n), rankdata(b_n)
    ra_n, rb_n = ra_n - ra_n.mean(), rb_n - rb_n.mean()
    scale = np.sqrt((ra_n @ ra_n) * (rb_n @ rb_n))
    return float(ra_n @ rb_n / scale) if scale > 0 else 0.0


def cramers_v(a_n, b_n) -> float:
    """Cramer's V = sqrt(chi2 / (n (min(r, c) - 1))) of the r x c contingency table of the levels
    that occur, without bias or Yates correction (scipy.stats.contingency.association, "cramer");
    0 when a column shows one level. chi2 = n (sum_ij n_ij^2 / (n_i. n_.j) - 1) over the occupied
    cells only, so a 10 000-level column costs no r x c table."""
    a_n, b_n = np.unique(a_n, return_inverse=True)[1], np.unique(b_n, return_inverse=True)[1]
    r, c, n = a_n.max() + 1, b_n.max() + 1, len(a_n)
    if min(r, c) < 2:
        return 0.0
    cell_k, n_k = np.unique(a_n * c + b_n, return_counts=True)
    n_a_r, n_b_c = np.bincount(a_n), np.bincount(b_n)
    chi2 = n * (np.sum(n_k.astype(float) ** 2 / (n_a_r[cell_k // c] * n_b_c[cell_k % c])) - 1.0)
    return float(np.sqrt(max(chi2, 0.0) / (n * (min(r, c) - 1))))


def correlation_ratio(codes_n, y_n) -> float:
    """Correlation ratio eta = sqrt(sum_k n_k (mean_k - mean)^2 / sum_i (y_i - mean)^2) of numeric y
    over the levels k of a code column; 0 when y is constant."""
    k_n = np.unique(codes_n, return_inverse=True)[1]
    n_k = np.bincount(k_n)
    mean_k, mean = np.bincount(k_n, y_n) / n_k, y_n.mean()
    total = np.sum((y_n - mean) ** 2)
    return float(np.sqrt(min(n_k @ (mean_k - mean) ** 2 / total, 1.0))) if total > 0 else 0.0


def association(x_nd, categorical_d, i: int, j: int) -> float:
    """The association of columns i and j: Spearman's rho (numeric pair, in [-1, 1]), Cramer's V
    (categorical pair) or the correlation ratio (numeric with categorical), both in [0, 1]. A numeric
    column enters on the rows where it is not blank. Spearman rather than Pearson: like KS it sees
    only ranks, so a heavy tail (wages, incomes) or one outlying synthetic row does not dominate it."""
    keep_n = ~(np.isnan(x_nd[:, i]) | np.isnan(x_nd[:, j]))
    a_n, b_n = x_nd[keep_n, i], x_nd[keep_n, j]
    if len(a_n) < 2:
        return 0.0
    if categorical_d[i] and categorical_d[j]:
        return cramers_v(a_n, b_n)
    if categorical_d[i] or categorical_d[j]:
        return correlation_ratio(a_n, b_n) if categorical_d[i] else correlation_ratio(b_n, a_n)
    return spearman(a_n, b_n)


def association_matrix(x_nd, categorical_d):
    """The d x d matrix of pairwise associations (association), 1 on the diagonal."""
    d = x_nd.shape[1]
    a_dd = np.eye(d)
    for i in range(d):
        for j in range(i + 1, d):
            a_dd[i, j] = a_dd[j, i] = association(x_nd, categorical_d, i, j)
    return a_dd


def association_gap(real_nd, synthetic_nd, categorical_d) -> float:
    """Mean over column pairs i < j of |A_real - A_synthetic| (association); nan for a table of one
    column."""
    d = real_nd.shape[1]
    upper_dd = np.triu(np.ones((d, d), dtype=bool), k=1)
    gap_dd = np.abs(association_matrix(real_nd, categorical_d) - association_matrix(synthetic_nd, categorical_d))
    return float(gap_dd[upper_dd].mean()) if d > 1 else float("nan")


def classifier_features(x_nd, n_fit: int, categorical_d, levels_d):
    """Features of the two-sample classifier: the paper runs' classifier features (tables/features.py:
    blanks set to the median with an indicator, categories one-hot, rare levels folded past
    MAX_LEVELS) learnt on the first n_fit rows, then standardised by those rows; columns constant
    over them are dropped. Shape n x p."""
    schema = Schema(tuple(Column(str(j), "categorical" if c else "numeric", tuple(map(str, range(levels))) if c else ())
                          for j, (c, levels) in enumerate(zip(categorical_d, levels_d, strict=True))))
    f_np = encode_features(fit_features(schema, x_nd[:n_fit]), x_nd)
    mean_p, sd_p = f_np[:n_fit].mean(axis=0), f_np[:n_fit].std(axis=0)
    varies_p = sd_p > 0
    return ((f_np - mean_p) / np.where(varies_p, sd_p, 1.0))[:, varies_p]


def mann_whitney_auc(positive_n, negative_m) -> float:
    """AUC = P(s+ > s-) + P(s+ = s-) / 2 = (R+ - n (n + 1) / 2) / (n m), R+ the sum of the positive
    scores' average ranks among all n + m (sklearn.metrics.roc_auc_score)."""
    n, m = len(positive_n), len(negative_m)
    rank_k = rankdata(np.concatenate([positive_n, negative_m]))
    return float((rank_k[:n].sum() - n * (n + 1) / 2) / (n * m))


def c2st_auc(real_nd, synthetic_nd, categorical_d, levels_d, *, key) -> float:
    """Classifier two-sample test: held-out AUC of the exact logistic fit (C2ST_L2) telling synthetic
    (1) from real (0) rows; 0.5 = indistinguishable. Each side is subsampled to m = the smaller row
    count, in an order drawn by key, and halved: fit on m // 2 rows of each, scored on the next
    m // 2 of each (classifier_features, statistics of the fit half). A linear rule on these main
    effects sees the columns' laws, hardly their dependence: association_gap measures that."""
    key_real, key_synthetic = jax.random.split(key)
    h = min(len(real_nd), len(synthetic_nd)) // 2
    real_nd = real_nd[np.asarray(jax.random.permutation(key_real, len(real_nd)))[:2 * h]]
    synthetic_nd = synthetic_nd[np.asarray(jax.random.permutation(key_synthetic, len(synthetic_nd)))[:2 * h]]
    x_nd = classifier_features(np.concatenate([real_nd[:h], synthetic_nd[:h], real_nd[h:], synthetic_nd[h:]]),
                               2 * h, categorical_d, levels_d)
    if x_nd.shape[1] == 0:  # no feature varies over the fit rows: the rule is constant
        return 0.5
    x_fit_nd, x_held_nd = jnp.asarray(x_nd[:2 * h]), jnp.asarray(x_nd[2 * h:])
    y_n = jnp.repeat(jnp.arange(2, dtype=x_fit_nd.dtype), h)
    fit = fit_logistic(x_fit_nd, y_n, jnp.ones_like(y_n), l2=C2ST_L2, n_steps=STEPS_REAL_TABLE)
    score_n = np.asarray(x_held_nd @ fit.w_d + fit.b)
    return mann_whitney_auc(score_n[h:], score_n[:h])


def gower_term(a_bm, b_bm, categorical, scale):
    """One column's Gower term: 1{a != b} (categorical) or min(|a - b| / scale, 1) (numeric; blank
    against a value 1, blank against blank 0)."""
    blank_a_bm, blank_b_bm = jnp.isnan(a_bm), jnp.isnan(b_bm)
    numeric_bm = jnp.where(blank_a_bm | blank_b_bm, (blank_a_bm != blank_b_bm).astype(a_bm.dtype),
                           jnp.minimum(jnp.abs(a_bm - b_bm) / scale, 1.0))
    return jnp.where(categorical, (a_bm != b_bm).astype(a_bm.dtype), numeric_bm)


@partial(jax.jit, static_argnames="block")
def closest_in_blocks(query_nd, train_md, categorical_d, scale_d, block: int):
    """Per query row, min over training rows of the mean Gower term, `block` query rows at a time;
    the terms are summed column by column into a block x m array (never block x m x d)."""
    n, d = query_nd.shape
    padded_nd = jnp.concatenate([query_nd, jnp.zeros((-n % block, d), query_nd.dtype)])
    train_dm = train_md.T

    def nearest(q_bd):
        def add_column(j, sum_bm):
            return sum_bm + gower_term(q_bd[:, j][:, None], train_dm[j][None, :], categorical_d[j], scale_d[j])

        sum_bm = jax.lax.fori_loop(0, d, add_column, jnp.zeros((block, train_dm.shape[1]), query_nd.dtype))
        return jnp.min(sum_bm, axis=1) / d

    return jax.lax.map(nearest, padded_nd.reshape(-1, block, d)).reshape(-1)[:n]


def closest_distances(query_nd, train_md, categorical_d):
    """Per query row, the Gower distance to its closest training row, shape (n,): the mean over
    columns of |a - b| / range (numeric, range over the training rows, capped at 1; blank against a
    value 1, blank against blank 0) or 1{a != b} (categorical). Computed in blocks of query rows
    (BLOCK_CELLS query x training cells), so 10 000 x 20 000 rows take megabytes."""
    range_d = np.fmax.reduce(train_md, axis=0) - np.fmin.reduce(train_md, axis=0)  # nan: an all-blank column
    scale_d = np.maximum(np.nan_to_num(range_d), np.finfo(np.float64).tiny)  # a constant column: any change is 1
    block = max(1, min(len(query_nd), BLOCK_CELLS // len(train_md)))
    return np.asarray(closest_in_blocks(jnp.asarray(query_nd), jnp.asarray(train_md), jnp.asarray(categorical_d),
                                        jnp.asarray(scale_d), block))


def check_rows(name: str, x_nd, categorical_d, levels_d):
    """One ValueError line naming the field, the value and what is allowed, unless x_nd has the
    codes contract's shape and cells and at least 2 rows."""
    if x_nd.ndim != 2 or x_nd.shape[1] != len(categorical_d) or len(x_nd) < 2:
        raise ValueError(f"{name}: shape {x_nd.shape}; allowed: (n, {len(categorical_d)}) with n >= 2")
    codes_nc = x_nd[:, categorical_d]
    bad_nc = ~((codes_nc >= 0) & (codes_nc < levels_d[categorical_d]) & (codes_nc == np.round(codes_nc)))
    if bad_nc.any():
        row, col = np.argwhere(bad_nc)[0]
        j = np.flatnonzero(categorical_d)[col]
        raise ValueError(f"{name}: row {row}, column {j} holds {codes_nc[row, col]}; allowed: "
                         f"the codes 0 .. {int(levels_d[j]) - 1}")


def row_quality(train_nd, holdout_nd, synthetic_nd, categorical_d, levels_d, *, key) -> RowQuality:
    """The quality table for synthetic rows of one class: column distances, association gap and the
    classifier two-sample test against held-out real rows (holdout_nd), closest-record distances
    and copies against the generator's training rows (train_nd). Needs float64 (jax.enable_x64)."""
    if jax.dtypes.canonicalize_dtype(jnp.float64) != jnp.float64:
        raise RuntimeError("row_quality computes in float64: call it inside `with jax.enable_x64(True)`")
    categorical_d, levels_d = np.asarray(categorical_d, dtype=bool), np.asarray(levels_d)
    if levels_d.shape != categorical_d.shape:
        raise ValueError(f"levels_d: shape {levels_d.shape}; allowed: {categorical_d.shape}, as categorical_d")
    for name, x_nd in (("train_nd", train_nd), ("holdout_nd", holdout_nd), ("synthetic_nd", synthetic_nd)):
        check_rows(name, np.asarray(x_nd), categorical_d, levels_d)
    train_nd, holdout_nd, synthetic_nd = (np.asarray(x, dtype=np.float64) for x in (train_nd, holdout_nd, synthetic_nd))
    distance_d, blank_gap_d = column_distances(holdout_nd, synthetic_nd, categorical_d, levels_d)
    dcr_synthetic_n = closest_distances(synthetic_nd, train_nd, categorical_d)
    dcr_holdout_n = closest_distances(holdout_nd, train_nd, categorical_d)
    return RowQuality(worst_distance=float(distance_d.max()), worst_column=int(distance_d.argmax()),
                      mean_distance=float(distance_d.mean()),
                      association_gap=association_gap(holdout_nd, synthetic_nd, categorical_d),
                      c2st_auc=c2st_auc(holdout_nd, synthetic_nd, categorical_d, levels_d, key=key),
                      dcr_synthetic=float(np.median(dcr_synthetic_n)), dcr_holdout=float(np.median(dcr_holdout_n)),
                      copy_share=float(np.mean(dcr_synthetic_n == 0.0)),
                      holdout_copy_share=float(np.mean(dcr_holdout_n == 0.0)),
                      distance_d=distance_d, blank_gap_d=blank_gap_d)
