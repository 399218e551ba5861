"""sims/spurious.py: the four groups of Setting S follow their laws, traced or not."""

import jax
import numpy as np
import pytest

from synthlaw.sims.geometry import group_means, means_for
from synthlaw.sims.spurious import draw_groups


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "eager"])
def test_draw_groups_rows_follow_their_group_law(jit):
    n = 4000
    mu_c_d, mu_s_e = means_for(2, 3, 1.5, 0.7)
    run = jax.jit(draw_groups, static_argnames="n_per_group") if jit else draw_groups
    x_gnp = np.asarray(run(n, mu_c_d, mu_s_e, key=jax.random.key(0)))
    assert x_gnp.shape == (4, n, 5)
    for rows_np, mean_p in zip(x_gnp, group_means(mu_c_d, mu_s_e), strict=True):
        # the sample mean of n unit-variance rows is within 4.5 standard errors per coordinate
        assert np.all(np.abs(rows_np.mean(axis=0) - mean_p) < 4.5 / np.sqrt(n))
        np.testing.assert_allclose(np.cov(rows_np.T), np.eye(5), atol=6 / np.sqrt(n))


def test_groups_are_independent_draws():
    """Rows of different groups are uncorrelated: the centred rows of groups 0 and 3 (same mean up to
    sign) have correlation within 5 / sqrt(n) of zero in every coordinate."""
    n = 4000
    mu_c_d, mu_s_e = means_for(1, 1, 1.0, 1.0)
    x_gnp = np.asarray(draw_groups(n, mu_c_d, mu_s_e, key=jax.random.key(2)))
    z_gnp = x_gnp - group_means(mu_c_d, mu_s_e)[:, None, :]
    for j in range(2):
        assert abs(np.corrcoef(z_gnp[0, :, j], z_gnp[3, :, j])[0, 1]) < 5 / np.sqrt(n)
