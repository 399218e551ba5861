"""sims/spurious.py: group sizes, group laws, jit against no jit (Setting S)."""

import jax
import numpy as np
import pytest

from synthlaw.sims.spurious import GROUP_A, GROUP_Y, draw_groups, group_counts, group_means, means_for, sample


def test_group_counts_balance_labels_and_carry_minority_mass():
    counts = group_counts(1000, 0.1)
    assert counts == (450, 50, 50, 450)
    assert counts[0] + counts[1] == counts[2] + counts[3]


@pytest.mark.parametrize("jit", [True, False])
def test_sample_rows_follow_their_group_law(jit):
    mu_c_d, mu_s_e = means_for(2, 3, 1.5, 0.7)
    counts = (4000, 1000, 1000, 4000)
    fn = sample if jit else sample.__wrapped__
    x_np, y_n, a_n, g_n = fn(jax.random.key(0), counts, mu_c_d, mu_s_e)
    assert x_np.shape == (10000, 5)
    assert np.bincount(np.asarray(g_n)).tolist() == list(counts)
    np.testing.assert_array_equal(np.asarray(y_n), np.asarray(GROUP_Y)[np.asarray(g_n)])
    np.testing.assert_array_equal(np.asarray(a_n), np.asarray(GROUP_A)[np.asarray(g_n)])
    mean_gp = np.asarray(group_means(mu_c_d, mu_s_e))
    for g, c in enumerate(counts):
        rows = np.asarray(x_np)[np.asarray(g_n) == g]
        # the sample mean of c unit-variance rows is within 4.5 standard errors per coordinate
        assert np.all(np.abs(rows.mean(axis=0) - mean_gp[g]) < 4.5 / np.sqrt(c))
        np.testing.assert_allclose(np.cov(rows.T), np.eye(5), atol=6 / np.sqrt(c))


def test_group_means_put_y_on_core_and_a_on_spur():
    mean_gp = np.asarray(group_means(*means_for(1, 1, 2.0, 3.0)))
    np.testing.assert_allclose(mean_gp, [[-2, -3], [-2, 3], [2, -3], [2, 3]])


def test_draw_groups_shape():
    assert draw_groups(jax.random.key(1), 7, *means_for(2, 2, 1.0, 1.0)).shape == (4, 7, 4)
