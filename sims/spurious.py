"""Spurious-correlation groups (Setting S in CLAIMS): the draw of the four groups.

sims/geometry.py holds the group layout (GROUP_Y, GROUP_A, MINORITY) and the group means.
"""

import jax
import jax.numpy as jnp

from synthlaw.sims.geometry import group_means


def draw_groups(n_per_group: int, mu_c_d, mu_s_e, *, key):
    """n_per_group rows of every group: x_gnp (4, n, p), rows of group g ~ N(mean_gp[g], I)."""
    mean_gp = jnp.asarray(group_means(mu_c_d, mu_s_e))
    z_gnp = jax.random.normal(key, (4, n_per_group, mean_gp.shape[1]), dtype=mean_gp.dtype)
    return mean_gp[:, None, :] + z_gnp
