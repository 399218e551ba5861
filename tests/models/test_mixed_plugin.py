"""The Gaussian plug-in on mixed rows: numeric moments and category shares of the class, against
numpy's mean and covariance and the class's own shares, within binomial and Gaussian tolerances."""

import jax
import numpy as np
import pytest

from synthlaw.models import mixed_plugin

N_NEW = 20_000
Z = 4.5  # standard errors allowed per checked quantity (one false alarm in ~1.5e5 per check)
CATEGORICAL_D = np.array([False, True, False, True])
LEVELS_D = np.array([0, 4, 0, 6])


def class_rows(n=500, seed=0):
    """Numeric columns 0 and 2 correlated Gaussian; column 1 codes 0 .. 2 of 4 (code 3 never held),
    its share depending on column 0; column 3 codes 1 and 4 only."""
    rng = np.random.default_rng(seed)
    z_n2 = rng.multivariate_normal([1.0, -2.0], [[2.0, 0.8], [0.8, 1.0]], n)
    code_n = np.where(z_n2[:, 0] > 1.0, rng.integers(0, 2, n), rng.integers(1, 3, n))
    return np.column_stack([z_n2[:, 0], code_n, z_n2[:, 1], rng.choice([1, 4], n, p=[0.3, 0.7])]).astype(float)


@pytest.fixture(scope="module")
def drawn():
    x_nd = class_rows()
    return x_nd, mixed_plugin.generate(x_nd, CATEGORICAL_D, LEVELS_D, N_NEW, key=jax.random.key(1))


def test_category_shares_are_the_class_shares_and_only_held_codes(drawn):
    """Each code's share of N_NEW independent draws is binomial around the class's share p:
    within Z sqrt(p (1 - p) / N_NEW). Codes the class lacks (column 1's 3; column 3's 0, 2, 3, 5)
    are never drawn."""
    x_nd, new_nd = drawn
    for j in np.flatnonzero(CATEGORICAL_D):
        p_l = np.bincount(x_nd[:, j].astype(int), minlength=LEVELS_D[j]) / len(x_nd)
        share_l = np.bincount(new_nd[:, j].astype(int), minlength=LEVELS_D[j]) / N_NEW
        assert len(share_l) == LEVELS_D[j]
        np.testing.assert_array_equal(new_nd[:, j], np.round(new_nd[:, j]))
        np.testing.assert_array_equal(share_l[p_l == 0], 0.0)
        assert np.all(np.abs(share_l - p_l) <= Z * np.sqrt(p_l * (1 - p_l) / N_NEW)), j


def test_numeric_mean_and_covariance_are_the_class_sample_moments(drawn):
    """Against numpy's mean and covariance (ddof 1) of the class: the mean of N_NEW Gaussian draws
    has standard error sqrt(S_jj / N_NEW), a sample covariance entry sqrt((S_ij^2 + S_ii S_jj) / N_NEW).
    The plug-in's jitter (1e-6 of the mean variance) and float32 are far inside these."""
    x_nd, new_nd = drawn
    numeric_d = ~CATEGORICAL_D
    s_dd = np.cov(x_nd[:, numeric_d], rowvar=False)
    new_mean_d, new_cov_dd = new_nd[:, numeric_d].mean(axis=0), np.cov(new_nd[:, numeric_d], rowvar=False)
    var_d = np.diag(s_dd)
    assert np.all(np.abs(new_mean_d - x_nd[:, numeric_d].mean(axis=0)) <= Z * np.sqrt(var_d / N_NEW))
    assert np.all(np.abs(new_cov_dd - s_dd) <= Z * np.sqrt((s_dd**2 + np.outer(var_d, var_d)) / N_NEW))


def test_categories_are_drawn_independently_of_the_numbers(drawn):
    """What the plug-in ignores: in the class, column 1's code 0 occurs only where column 0 > 1; in
    the draws its share is the same on both sides of 1, within Z binomial standard errors of the
    difference of two shares."""
    x_nd, new_nd = drawn
    assert not np.any((x_nd[:, 1] == 0) & (x_nd[:, 0] <= 1.0))
    high_n, zero_n = new_nd[:, 0] > 1.0, new_nd[:, 1] == 0
    p = zero_n.mean()
    se = np.sqrt(p * (1 - p) * (1 / high_n.sum() + 1 / (~high_n).sum()))
    assert abs(zero_n[high_n].mean() - zero_n[~high_n].mean()) <= Z * se


def test_all_numeric_all_categorical_and_the_key():
    x_nd = class_rows(200, seed=2)
    key = jax.random.key(3)
    numeric_nd = mixed_plugin.generate(x_nd[:, [0, 2]], np.zeros(2, bool), np.zeros(2, int), 50, key=key)
    codes_nd = mixed_plugin.generate(x_nd[:, [1, 3]], np.ones(2, bool), np.array([4, 6]), 50, key=key)
    assert numeric_nd.shape == codes_nd.shape == (50, 2) and numeric_nd.dtype == codes_nd.dtype == np.float64
    assert set(np.unique(codes_nd[:, 1])) <= {1.0, 4.0}
    again_nd = mixed_plugin.generate(x_nd, CATEGORICAL_D, LEVELS_D, 50, key=key)
    np.testing.assert_array_equal(again_nd, mixed_plugin.generate(x_nd, CATEGORICAL_D, LEVELS_D, 50, key=key))
    assert np.any(again_nd != mixed_plugin.generate(x_nd, CATEGORICAL_D, LEVELS_D, 50, key=jax.random.key(4)))
