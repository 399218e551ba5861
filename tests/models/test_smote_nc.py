import jax
import numpy as np
import pytest
from imblearn.metrics.pairwise import ValueDifferenceMetric
from imblearn.over_sampling import SMOTENC
from scipy import stats
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder

from synthlaw.models import adasyn, smote_nc

CATEGORICAL_D = np.array([False, True, False, True, False])  # numeric and code columns interleaved


def mixed_table(n_per_class=(200, 60), seed=0):
    """Numeric columns N(class, 1); code columns with 4 and 3 levels whose shares depend on the class."""
    rng = np.random.default_rng(seed)
    blocks = []
    for c, n in enumerate(n_per_class):
        num_n3 = rng.normal(c, 1.0, (n, 3))
        cat_a = rng.choice(4, n, p=[0.4, 0.3, 0.2, 0.1][::1 - 2 * c])
        cat_b = rng.choice(3, n, p=[0.5, 0.3, 0.2] if c else [0.2, 0.3, 0.5])
        blocks.append(np.column_stack([num_n3[:, 0], cat_a, num_n3[:, 1], cat_b, num_n3[:, 2]]))
    return np.vstack(blocks), np.repeat(np.arange(len(n_per_class)), n_per_class)


def imblearn_sigma(x_nd, y_n, label):
    """imblearn's median_std_ of the class (SMOTENC asked for one new row)."""
    target = {label: int((y_n == label).sum()) + 1}
    sampler = SMOTENC(np.flatnonzero(CATEGORICAL_D).tolist(), sampling_strategy=target, random_state=0)
    sampler.fit_resample(x_nd, y_n)
    return sampler.median_std_[label]


def imblearn_neighbours(x_md, sigma, k):
    """imblearn's k neighbours of each class row on its own encoding: numeric columns, then the one-hot
    entries set to sigma / sqrt(2) (SMOTENC._fit_resample), the row itself dropped."""
    onehot = OneHotEncoder().fit_transform(x_md[:, CATEGORICAL_D]).toarray() * sigma / np.sqrt(2)
    encoded = np.hstack([x_md[:, ~CATEGORICAL_D], onehot])
    return NearestNeighbors(n_neighbors=k + 1).fit(encoded).kneighbors(encoded, return_distance=False)[:, 1:]


def modes(values_kq):
    """Per column, the set of most frequent values."""
    out = []
    for v_k in values_kq.T:
        levels, counts = np.unique(v_k, return_counts=True)
        out.append(set(levels[counts == counts.max()].tolist()))
    return out


def assert_on_segments(x_new_nd, x_md, base_n, partner_n):
    """Numeric columns x_i + u (x_j - x_i), u in [0, 1], up to float32 rounding (inputs, difference,
    product and sum each within 2^-24 of max |x|)."""
    num = ~CATEGORICAL_D
    xs, xb, xp = x_new_nd[:, num], x_md[base_n][:, num], x_md[partner_n][:, num]
    u_n = ((xs - xb) * (xp - xb)).sum(1) / ((xp - xb) ** 2).sum(1)
    tol = 4 * 2.0**-24 * np.abs(x_md[:, num]).max() * np.sqrt(num.sum())
    assert np.abs(xs - (xb + u_n[:, None] * (xp - xb))).max() <= tol
    assert u_n.min() >= -1e-5 and u_n.max() <= 1 + 1e-5


def test_sigma_and_neighbours_equal_imblearns_and_half_the_penalty_would_not():
    x_nd, y_n = mixed_table()
    x_md, k = x_nd[y_n == 1], 5
    sigma = smote_nc.median_std(x_md[:, ~CATEGORICAL_D])
    assert sigma == pytest.approx(imblearn_sigma(x_nd, y_n, 1), rel=1e-12)
    num_mp, cat_mq = smote_nc.split_columns(x_md, CATEGORICAL_D)

    def ours(penalty):
        return np.sort(np.asarray(smote_nc.nc_neighbours(num_mp, cat_mq, np.arange(len(x_md)), penalty, k)), axis=1)

    expected_mk = np.sort(imblearn_neighbours(x_md, sigma, k), axis=1)
    assert np.array_equal(ours(sigma**2), expected_mk)
    # negative control: a differing category adding sigma^2 / 2 (one one-hot entry) changes neighbours
    assert not np.array_equal(ours(sigma**2 / 2), expected_mk)


@pytest.mark.parametrize("jit", [True, False])
def test_new_rows_take_the_mode_of_imblearns_neighbours_and_lie_on_a_segment(jit):
    x_nd, y_n = mixed_table()
    x_md, k = x_nd[y_n == 1], 5
    with jax.disable_jit(not jit):
        out = smote_nc.generate(x_md, CATEGORICAL_D, 300, k, key=jax.random.key(1))
    neighbours_mk = imblearn_neighbours(x_md, imblearn_sigma(x_nd, y_n, 1), k)
    base_n, partner_n = np.asarray(out.parents_nk).T
    assert all(p in neighbours_mk[b] for b, p in zip(base_n, partner_n, strict=True))
    for row_d, b in zip(out.x_nd, base_n, strict=True):
        allowed = modes(x_md[neighbours_mk[b]][:, CATEGORICAL_D])
        assert all(v in ok for v, ok in zip(row_d[CATEGORICAL_D], allowed, strict=True))
    assert_on_segments(out.x_nd, x_md, base_n, partner_n)


def test_smoten_distance_and_rows_follow_imblearns_value_difference_metric():
    rng = np.random.default_rng(3)
    y_n = np.repeat([0, 1, 2], [150, 60, 40])
    cat_nq = np.column_stack([rng.integers(0, 5, 250) + (y_n == 1), rng.integers(0, 3, 250) * (y_n != 2),
                              rng.integers(0, 7, 250)])
    k, label = 5, 1
    vdm = ValueDifferenceMetric(n_categories=list(cat_nq.max(axis=0) + 1)).fit(cat_nq, y_n)
    rows = y_n == label
    profile_nqc = smote_nc.vdm_profiles(cat_nq, y_n)
    dist_mm = vdm.pairwise(cat_nq[rows])
    ours_mm = (np.abs(profile_nqc[rows][:, None] - profile_nqc[rows][None]).sum(-1) ** 2).sum(-1)
    np.testing.assert_allclose(ours_mm, dist_mm, atol=1e-6)  # float32 profiles, 3 columns of 2^2 at most
    out = smote_nc.generate_n(cat_nq[rows], profile_nqc[rows], 400, k, key=jax.random.key(0))
    sorted_mm = np.sort(dist_mm, axis=1)
    near_mk = NearestNeighbors(n_neighbors=k + 1, metric="precomputed").fit(dist_mm).kneighbors(
        dist_mm, return_distance=False)
    clear_m = sorted_mm[:, k + 1] - sorted_mm[:, k] > 1e-5  # no tie at the (k+1)-th neighbour
    assert clear_m.mean() > 0.3
    for row_q, (b,) in zip(np.asarray(out.x_nd), np.asarray(out.parents_nk), strict=True):
        if clear_m[b]:
            expected_q = stats.mode(cat_nq[rows][near_mk[b]], axis=0, keepdims=False).mode  # smallest on ties
            assert np.array_equal(row_q, expected_q)


def test_mixed_adasyn_rows_per_base_row_follow_the_smote_nc_distance():
    x_nd, y_n = mixed_table((150, 50), seed=4)
    label, n_new, k = 1, 150, 5
    out = adasyn.generate_mixed(x_nd, y_n, CATEGORICAL_D, label, n_new, k, key=jax.random.key(2))
    # reference: float64 distances, numeric squared plus sigma^2 per differing category
    x_md = x_nd[y_n == label]
    sigma = imblearn_sigma(x_nd, y_n, label)
    num, cat = x_nd[:, ~CATEGORICAL_D], x_nd[:, CATEGORICAL_D]
    dist_mn = ((num[y_n == label][:, None] - num[None]) ** 2).sum(-1) + sigma**2 * (
        cat[y_n == label][:, None] != cat[None]).sum(-1)
    dist_mn[np.arange(len(x_md)), np.flatnonzero(y_n == label)] = np.inf
    other_m = (y_n[np.argsort(dist_mn, axis=1)[:, :k]] != label).sum(1)
    ratio_m = other_m / k
    expected_m = np.rint(ratio_m / ratio_m.sum() * n_new).astype(int)
    base_n, partner_n = np.asarray(out.parents_nk).T
    assert np.array_equal(np.bincount(base_n, minlength=len(x_md)), expected_m)
    neighbours_mk = imblearn_neighbours(x_md, sigma, k)
    assert all(p in neighbours_mk[b] for b, p in zip(base_n, partner_n, strict=True))
    for row_d, b in zip(out.x_nd, base_n, strict=True):
        allowed = modes(x_md[neighbours_mk[b]][:, CATEGORICAL_D])
        assert all(v in ok for v, ok in zip(row_d[CATEGORICAL_D], allowed, strict=True))
    assert_on_segments(out.x_nd, x_md, base_n, partner_n)


def test_a_many_level_column_costs_no_one_hot():
    """10 000 levels, 2 000 rows: one-hot would hold 2 000 x 10 000 entries; the codes never do, and
    new categories are always levels of the neighbours."""
    rng = np.random.default_rng(5)
    x_md = np.column_stack([rng.normal(size=2000), rng.integers(0, 10_000, 2000), rng.normal(size=2000)])
    out = smote_nc.generate(x_md, np.array([False, True, False]), 500, key=jax.random.key(0))
    assert np.isin(out.x_nd[:, 1], x_md[:, 1]).all()
