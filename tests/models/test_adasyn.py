import jax
import numpy as np
import pytest
from imblearn.over_sampling import ADASYN
from sklearn.neighbors import NearestNeighbors

from synthlaw.models import adasyn


class ZeroSteps(np.random.RandomState):
    """imblearn's RandomState with every interpolation step u = 0: each new row is its base row,
    so imblearn's rows per base row can be read off its output."""

    def uniform(self, low=0.0, high=1.0, size=None):
        return np.zeros(size)


def table(n_per_class=(200, 30), d=3, seed=0):
    rng = np.random.default_rng(seed)
    x_nd = np.vstack([rng.normal(c, 1.0, (n, d)) for c, n in enumerate(n_per_class)])
    return x_nd, np.repeat(np.arange(len(n_per_class)), n_per_class)


def imblearn_rows_per_parent(x_nd, y_n, label, target, k):
    """imblearn's rows per class row (table order) for `label` brought to `target` rows."""
    x_res, y_res = ADASYN(sampling_strategy={label: target}, n_neighbors=k,
                          random_state=ZeroSteps(0)).fit_resample(x_nd, y_n)
    x_class = x_nd[y_n == label]
    base = [np.flatnonzero((x_class == row).all(axis=1))[0] for row in x_res[len(x_nd):]]
    return np.bincount(base, minlength=len(x_class))


@pytest.mark.parametrize("n_per_class,label,target,k", [
    ((200, 30), 1, 200, 5),
    ((200, 30), 1, 77, 3),       # 47 asked: rounding makes the total differ from 47
    ((120, 40, 25), 2, 120, 5),  # multiclass: one class against the rest
])
def test_rows_per_parent_equal_imblearns(n_per_class, label, target, k):
    x_nd, y_n = table(n_per_class)
    expected_m = imblearn_rows_per_parent(x_nd, y_n, label, target, k)
    n_new = target - int((y_n == label).sum())
    out = adasyn.generate(x_nd.astype(np.float32), y_n, label, n_new, k, key=jax.random.key(0))
    np.testing.assert_array_equal(np.bincount(np.asarray(out.parents_nk[:, 0]), minlength=len(expected_m)),
                                  expected_m)
    assert out.x_nd.shape == (expected_m.sum(), x_nd.shape[1])


def test_the_total_follows_imblearns_rounding_not_n_new():
    x_nd, y_n = table((200, 30))
    count_m = adasyn.rows_per_parent(np.asarray(adasyn.other_class_counts(
        x_nd.astype(np.float32), y_n == 1, np.flatnonzero(y_n == 1), 3)), 47, 3)
    assert count_m.sum() != 47 and count_m.sum() == imblearn_rows_per_parent(x_nd, y_n, 1, 77, 3).sum()


@pytest.mark.parametrize("jit,n_per_class", [(True, (150, 40)), (False, (40, 12))])
def test_new_rows_interpolate_towards_one_of_the_k_nearest_class_rows(jit, n_per_class):
    x_nd, y_n = table(n_per_class)
    k = 4
    with jax.disable_jit(not jit):
        out = adasyn.generate(x_nd.astype(np.float32), y_n, 1, 80, k, key=jax.random.key(3))
    x_class = x_nd[y_n == 1]
    neighbours = NearestNeighbors(n_neighbors=k + 1).fit(x_class).kneighbors(x_class, return_distance=False)[:, 1:]
    base, partner = np.asarray(out.parents_nk).T
    assert all(p in neighbours[b] for b, p in zip(base, partner, strict=True))
    xs, xb, xp = np.asarray(out.x_nd, np.float64), x_class[base], x_class[partner]
    u = ((xs - xb) * (xp - xb)).sum(1) / ((xp - xb) ** 2).sum(1)
    # float32 rounding: inputs, difference, product and sum each within 2^-24 of max |x|
    tol = 4 * 2.0**-24 * np.abs(x_class).max() * np.sqrt(x_nd.shape[1])
    assert np.abs(xs - (xb + u[:, None] * (xp - xb))).max() <= tol
    assert u.min() >= -1e-5 and u.max() <= 1 + 1e-5


def test_a_class_with_no_other_class_among_its_neighbours_is_an_error_as_in_imblearn():
    x_nd, y_n = table((100, 30))
    x_nd[y_n == 1] += 100.0  # the classes are far apart: r_i = 0 for every row
    with pytest.raises(RuntimeError, match="majority"):
        ADASYN().fit_resample(x_nd, y_n)
    with pytest.raises(ValueError, match="0/0; use SMOTE"):
        adasyn.generate(x_nd.astype(np.float32), y_n, 1, 70, key=jax.random.key(0))
