"""The quality table's metrics against scipy and scikit-learn, hand computations and brute force."""

import jax
import numpy as np
import pytest
from scipy.stats import ks_2samp, spearmanr
from scipy.stats.contingency import association, crosstab
from sklearn.metrics import roc_auc_score

from synthlaw.tables import quality
from synthlaw.tables.quality import (
    association_matrix,
    c2st_auc,
    closest_distances,
    column_distances,
    correlation_ratio,
    cramers_v,
    ks_statistic,
    mann_whitney_auc,
    row_quality,
    spearman,
    total_variation,
)

CATEGORICAL_D = np.array([False, False, True, True])
LEVELS_D = np.array([0, 0, 40, 2])  # 40 levels: more than MAX_LEVELS, so "other" is used


def draw(rng, n, shift=0.0):
    """n rows of a mixed law: x0 normal, x1 correlated with x0 and blank 10% of the time, c2 of 40
    Zipf-like levels, c3 a binary category that follows x0."""
    x0_n = rng.normal(size=n) + shift
    x1_n = 0.8 * x0_n + 0.6 * rng.normal(size=n)
    x1_n[rng.random(n) < 0.1] = np.nan
    p_l = 1.0 / np.arange(1, 41)
    c2_n = rng.choice(40, size=n, p=p_l / p_l.sum())
    c3_n = (x0_n + rng.normal(size=n) > 0).astype(int)
    return np.stack([x0_n, x1_n, c2_n, c3_n], axis=1).astype(np.float64)


def hanley_mcneil_se(auc, n_1, n_0):
    """Standard error of an AUC from n_1 positives and n_0 negatives (Hanley and McNeil 1982)."""
    q_1, q_2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    return np.sqrt((auc * (1 - auc) + (n_1 - 1) * (q_1 - auc**2) + (n_0 - 1) * (q_2 - auc**2)) / (n_1 * n_0))


def test_ks_matches_scipy_with_ties_and_blanks():
    rng = np.random.default_rng(0)
    a_n, b_m = rng.integers(0, 12, 300).astype(float), rng.integers(2, 15, 170).astype(float)
    assert ks_statistic(a_n, b_m) == pytest.approx(ks_2samp(a_n, b_m).statistic, abs=1e-15)
    a_n[:30], b_m[:5] = np.nan, np.nan
    distance_d, blank_gap_d = column_distances(a_n[:, None], b_m[:, None], np.array([False]), np.array([0]))
    assert distance_d[0] == pytest.approx(ks_2samp(a_n[30:], b_m[5:]).statistic, abs=1e-15)
    assert blank_gap_d[0] == pytest.approx(30 / 300 - 5 / 170, abs=1e-15)


def test_total_variation_by_hand():
    # p = (1/2, 1/4, 1/4, 0), q = (1/4, 3/4, 0, 0): 0.5 (1/4 + 1/2 + 1/4 + 0) = 1/2
    assert total_variation(np.array([0, 0, 1, 2.0]), np.array([0, 1, 1, 1.0]), 4) == 0.5
    distance_d, blank_gap_d = column_distances(np.array([[0.0], [0], [1], [2]]), np.array([[0.0], [1], [1], [1]]),
                                               np.array([True]), np.array([4]))
    assert (distance_d.tolist(), blank_gap_d.tolist()) == ([0.5], [0.0])


@pytest.mark.parametrize("shape", [(2, 2), (5, 3), (7, 9)])
def test_cramers_v_matches_scipy(shape):
    """Codes with gaps (levels that never occur) and a 2 x 2 table (where chi2_contingency's Yates
    correction would apply if association asked for it)."""
    rng = np.random.default_rng(sum(shape))
    a_n = 3 * rng.integers(0, shape[0], 400)
    b_n = (a_n // 3 + rng.integers(0, shape[1], 400)) % shape[1] + 10
    reference = association(crosstab(a_n, b_n).count, method="cramer")
    assert cramers_v(a_n.astype(float), b_n.astype(float)) == pytest.approx(reference, rel=1e-12)


def test_correlation_ratio_by_hand_and_by_least_squares():
    # means 2 and 6 around 4: between 2 * 4 + 2 * 4 = 16, total 9 + 1 + 1 + 9 = 20
    assert correlation_ratio(np.array([0, 0, 1, 1.0]), np.array([1, 3, 5, 7.0])) == pytest.approx(np.sqrt(0.8))
    rng = np.random.default_rng(1)
    codes_n = rng.integers(0, 6, 500)
    y_n = codes_n % 3 + rng.normal(size=500)
    one_hot_nk = (codes_n[:, None] == np.arange(6)[None, :]).astype(float)
    residual_n = y_n - one_hot_nk @ np.linalg.lstsq(one_hot_nk, y_n, rcond=None)[0]
    r2 = 1 - residual_n @ residual_n / np.sum((y_n - y_n.mean()) ** 2)  # eta^2 is the R^2 on the level dummies
    assert correlation_ratio(codes_n.astype(float), y_n) == pytest.approx(np.sqrt(r2), rel=1e-10)


def test_spearman_matches_scipy_with_ties():
    rng = np.random.default_rng(2)
    a_n = rng.integers(0, 8, 200).astype(float)
    b_n = a_n + rng.integers(0, 5, 200)
    assert spearman(a_n, b_n) == pytest.approx(spearmanr(a_n, b_n).statistic, rel=1e-12)
    assert spearman(a_n, np.ones(200)) == 0.0


def test_association_matrix_takes_each_pair_from_its_reference():
    """Numeric pair: spearmanr on the rows both are filled; categorical pair: scipy's Cramer's V;
    numeric with categorical: eta on the numeric column's filled rows."""
    x_nd = draw(np.random.default_rng(3), 400)
    a_dd = association_matrix(x_nd, CATEGORICAL_D)
    filled_n = ~np.isnan(x_nd[:, 1])
    assert a_dd[0, 1] == pytest.approx(spearmanr(x_nd[:, 0], x_nd[:, 1], nan_policy="omit").statistic, rel=1e-12)
    assert a_dd[2, 3] == pytest.approx(association(crosstab(x_nd[:, 2], x_nd[:, 3]).count, method="cramer"))
    assert a_dd[1, 3] == a_dd[3, 1] == correlation_ratio(x_nd[filled_n, 3], x_nd[filled_n, 1])
    assert a_dd[0, 1] > 0.6 and a_dd[0, 3] > 0.4  # the law's dependences show
    assert np.diagonal(a_dd).tolist() == [1.0] * 4


def test_association_gap_sees_broken_dependence():
    """Shuffling each synthetic column on its own keeps every column's law (distances 0) and breaks
    the dependent pairs (x0, x1), (x0, c3), (x1, c3): their shuffled Spearman rho and eta on a binary
    column (|point-biserial r|) are null, below 4 / sqrt(n) = 0.09, so the gap is at least
    (sum of their real associations - 3 x 0.09) / 6 pairs."""
    rng = np.random.default_rng(4)
    real_nd = draw(rng, 2000)
    shuffled_nd = np.stack([rng.permutation(col) for col in real_nd.T], axis=1)
    real_dd, shuffled_dd = association_matrix(real_nd, CATEGORICAL_D), association_matrix(shuffled_nd, CATEGORICAL_D)
    gap = quality.association_gap(real_nd, shuffled_nd, CATEGORICAL_D)
    assert gap == pytest.approx(np.abs(real_dd - shuffled_dd)[np.triu_indices(4, 1)].mean(), rel=1e-12)
    assert gap >= (real_dd[0, 1] + real_dd[0, 3] + real_dd[1, 3] - 3 * 4 / np.sqrt(2000)) / 6 > 0.2
    assert quality.association_gap(real_nd, real_nd, CATEGORICAL_D) == 0.0
    distance_d, blank_gap_d = column_distances(real_nd, shuffled_nd, CATEGORICAL_D, LEVELS_D)
    assert distance_d.max() == blank_gap_d.max() == 0.0


def test_mann_whitney_auc_matches_scikit_learn_with_ties():
    rng = np.random.default_rng(5)
    positive_n, negative_m = rng.integers(0, 10, 80).astype(float), rng.integers(-2, 8, 120).astype(float)
    y = np.r_[np.ones(80), np.zeros(120)]
    assert mann_whitney_auc(positive_n, negative_m) == pytest.approx(
        roc_auc_score(y, np.r_[positive_n, negative_m]), rel=1e-12)


def test_c2st_cannot_tell_a_fresh_draw_and_tells_a_shifted_one():
    """Held-out halves of h = 500 rows each: under the null the held-out scores of both sides are iid
    given the fit, so AUC - 0.5 has the Mann-Whitney null law, SE = hanley_mcneil_se(0.5, h, h) =
    0.018; 4 SE bounds it. A mean shift of 3 in x0 alone gives the best rule AUC Phi(3 / sqrt(2))
    = 0.98 (x1 and c3 follow x0 and add to it); 0.9 leaves room for a fitted rule (0.98 measured)."""
    rng = np.random.default_rng(6)
    real_nd, fresh_nd, shifted_nd = draw(rng, 1000), draw(rng, 1000), draw(rng, 1000, shift=3.0)
    key = jax.random.key(0)
    with jax.enable_x64(True):
        null_auc = c2st_auc(real_nd, fresh_nd, CATEGORICAL_D, LEVELS_D, key=key)
        shifted_auc = c2st_auc(real_nd, shifted_nd, CATEGORICAL_D, LEVELS_D, key=key)
        assert c2st_auc(real_nd, fresh_nd, CATEGORICAL_D, LEVELS_D, key=key) == null_auc  # the key fixes the halves
    assert abs(null_auc - 0.5) <= 4 * hanley_mcneil_se(0.5, 500, 500)
    assert shifted_auc > 0.9


def test_c2st_sees_a_category_alone():
    """Only c2's law changes (uniform over its 40 levels instead of Zipf-like, total variation
    0.44): the one-hot of 31 levels plus "other" sees it, AUC beyond 0.5 + 4 SE = 0.57 (0.72
    measured)."""
    rng = np.random.default_rng(7)
    real_nd, synthetic_nd = draw(rng, 1000), draw(rng, 1000)
    synthetic_nd[:, 2] = rng.integers(0, 40, 1000)
    with jax.enable_x64(True):
        auc = c2st_auc(real_nd, synthetic_nd, CATEGORICAL_D, LEVELS_D, key=jax.random.key(1))
    assert auc > 0.5 + 4 * hanley_mcneil_se(0.5, 500, 500)


def brute_force_gower(query_nd, train_md, categorical_d):
    """The closest-record distance written out column by column, one query row at a time."""
    range_d = np.array([np.nanmax(c) - np.nanmin(c) if not np.isnan(c).all() else 0.0 for c in train_md.T])
    out_n = []
    for a_d in query_nd:
        terms_md = np.empty(train_md.shape)
        for j, (a, b_m, r) in enumerate(zip(a_d, train_md.T, range_d, strict=True)):
            if categorical_d[j]:
                terms_md[:, j] = a != b_m
            elif np.isnan(a):
                terms_md[:, j] = ~np.isnan(b_m)
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    numeric_m = np.minimum(np.abs(a - b_m) / r, 1.0) if r > 0 else (a != b_m).astype(float)
                terms_md[:, j] = np.where(np.isnan(b_m), 1.0, numeric_m)
        out_n.append(terms_md.mean(axis=1).min())
    return np.array(out_n)


@pytest.mark.parametrize("jit", [True, False])
def test_closest_distances_match_brute_force(jit, monkeypatch):
    """Blocks of 1 query row (BLOCK_CELLS 30 over 23 training rows), padding the last block; a
    constant column, an all-blank column, values outside the training range (capped at 1)."""
    rng = np.random.default_rng(8)
    train_md, query_nd = draw(rng, 23), draw(rng, 11, shift=1.5)
    extra_m2, extra_n2 = np.full((23, 2), np.nan), np.full((11, 2), np.nan)
    extra_m2[:, 0], extra_n2[:, 0] = 2.0, rng.choice([2.0, 3.0, np.nan], 11)
    extra_n2[:4, 1] = 1.0
    train_md, query_nd = np.c_[train_md, extra_m2], np.c_[query_nd, extra_n2]
    categorical_d = np.r_[CATEGORICAL_D, False, False]
    monkeypatch.setattr(quality, "BLOCK_CELLS", 30)
    with jax.enable_x64(True), jax.disable_jit(not jit):
        ours_n = closest_distances(query_nd, train_md, categorical_d)
    np.testing.assert_allclose(ours_n, brute_force_gower(query_nd, train_md, categorical_d), rtol=1e-12)


def test_copies_of_training_rows_are_copies():
    """Random oversampling's rows (training rows drawn with replacement, blanks kept): DCR 0, every
    row a copy, while fresh real rows are not."""
    rng = np.random.default_rng(9)
    train_nd, holdout_nd = draw(rng, 600), draw(rng, 300)
    copies_nd = train_nd[rng.integers(0, 600, 400)]
    with jax.enable_x64(True):
        result = row_quality(train_nd, holdout_nd, copies_nd, CATEGORICAL_D, LEVELS_D, key=jax.random.key(2))
    assert (result.copy_share, result.dcr_synthetic, result.holdout_copy_share) == (1.0, 0.0, 0.0)
    assert result.dcr_holdout > 0 and result.dcr_ratio == 0.0


def test_a_fresh_draw_sits_as_far_from_training_as_held_out_rows():
    """Given the training rows, the DCRs of fresh synthetic and of held-out rows are iid from one
    continuous law, so F_holdout(median of synthetic DCRs) - 1/2 has SD sqrt(1/(4 n_s) + 1/(4 n_h))
    = 0.022 (n_s = n_h = 1000); 4 SD bounds it. Negative control: near-copies of training rows
    (noise 0.01 on the numeric columns) sit far below."""
    rng = np.random.default_rng(10)
    train_nd, holdout_nd, fresh_nd = draw(rng, 2000), draw(rng, 1000), draw(rng, 1000)
    near_nd = train_nd[:1000] + 0.01 * rng.normal(size=(1000, 4)) * ~CATEGORICAL_D
    with jax.enable_x64(True):
        holdout_n, fresh_n, near_n = (closest_distances(x_nd, train_nd, CATEGORICAL_D)
                                      for x_nd in (holdout_nd, fresh_nd, near_nd))
        result = row_quality(train_nd, holdout_nd, fresh_nd, CATEGORICAL_D, LEVELS_D, key=jax.random.key(3))
    tolerance = 4 * np.sqrt(1 / 4000 + 1 / 4000)
    assert abs(np.mean(holdout_n <= np.median(fresh_n)) - 0.5) <= tolerance
    assert np.mean(holdout_n <= np.median(near_n)) < 0.5 - tolerance
    assert (result.dcr_synthetic, result.dcr_holdout) == (np.median(fresh_n), np.median(holdout_n))
    assert result.copy_share == 0.0 and abs(result.c2st_auc - 0.5) <= 4 * hanley_mcneil_se(0.5, 500, 500)
    assert result.worst_distance == result.distance_d[result.worst_column] == result.distance_d.max()


@pytest.mark.parametrize(("change", "message"), [
    (lambda x: x[:, :3], r"synthetic_nd: shape \(50, 3\); allowed: \(n, 4\) with n >= 2"),
    (lambda x: x[:1], r"synthetic_nd: shape \(1, 4\); allowed: \(n, 4\) with n >= 2"),
    (lambda x: np.where(np.arange(4) == 3, np.nan, x), r"synthetic_nd: row 0, column 3 holds nan; allowed: the "
                                                       r"codes 0 \.\. 1"),
    (lambda x: np.where(np.arange(4) == 2, 40.0, x), r"synthetic_nd: row 0, column 2 holds 40\.0; allowed: the "
                                                     r"codes 0 \.\. 39"),
])
def test_bad_rows_get_one_line(change, message):
    x_nd = draw(np.random.default_rng(11), 50)
    with jax.enable_x64(True), pytest.raises(ValueError, match=message):
        row_quality(x_nd, x_nd, change(x_nd), CATEGORICAL_D, LEVELS_D, key=jax.random.key(0))


def test_row_quality_needs_float64():
    x_nd = draw(np.random.default_rng(12), 50)
    with pytest.raises(RuntimeError, match=r"float64: call it inside `with jax.enable_x64\(True\)`"):
        row_quality(x_nd, x_nd, x_nd, CATEGORICAL_D, LEVELS_D, key=jax.random.key(0))


@pytest.mark.slow
def test_closest_distances_at_scale():
    """10 000 synthetic x 20 000 training rows of 50 columns in blocks (a few seconds, megabytes);
    20 rows checked against brute force."""
    rng = np.random.default_rng(13)
    categorical_d = np.arange(50) < 10
    train_md, query_nd = rng.normal(size=(20_000, 50)), rng.normal(size=(10_000, 50))
    train_md[:, categorical_d], query_nd[:, categorical_d] = rng.integers(0, 20, (20_000, 10)), rng.integers(
        0, 20, (10_000, 10))
    with jax.enable_x64(True):
        ours_n = closest_distances(query_nd, train_md, categorical_d)
    reference_n = brute_force_gower(query_nd[:20], train_md, categorical_d)
    np.testing.assert_allclose(ours_n[:20], reference_n, rtol=1e-12)
