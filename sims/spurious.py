"""Spurious-correlation groups (Setting S in CLAIMS).

y, a in {-1, +1}; x = (x_core, x_spur) with x_core | y ~ N(y mu_c, I) and x_spur | a ~ N(a mu_s, I).
Groups g = (y, a) in the order GROUP_Y, GROUP_A: 0 = (-1,-1), 1 = (-1,+1), 2 = (+1,-1), 3 = (+1,+1).
Groups 0 and 3 (a = y) are the majority, with mass 1 - p in total; groups 1 and 2 carry mass p.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

GROUP_Y = (-1.0, -1.0, 1.0, 1.0)
GROUP_A = (-1.0, 1.0, -1.0, 1.0)
MINORITY = (False, True, True, False)


def means_for(d_core: int, d_spur: int, core: float, spur: float):
    """mu_c = core e_1 in R^d_core and mu_s = spur e_1 in R^d_spur (norms core and spur)."""
    return jnp.zeros(d_core).at[0].set(core), jnp.zeros(d_spur).at[0].set(spur)


def group_means(mu_c_d, mu_s_e):
    """mean_gp of x = (x_core, x_spur) for the four groups; p = d_core + d_spur."""
    y_g, a_g = jnp.asarray(GROUP_Y), jnp.asarray(GROUP_A)
    return jnp.concatenate([y_g[:, None] * mu_c_d[None, :], a_g[:, None] * mu_s_e[None, :]], axis=1)


def group_counts(n: int, p: float) -> tuple:
    """Rows per group for n rows of minority mass p: (1-p)n/2 per majority, pn/2 per minority group."""
    minority = int(round(0.5 * p * n))
    majority = int(round(0.5 * n)) - minority
    return tuple(minority if m else majority for m in MINORITY)


def draw_groups(key, n_per_group: int, mu_c_d, mu_s_e):
    """n_per_group rows of every group: x_gnp (4, n, p)."""
    mean_gp = group_means(mu_c_d, mu_s_e)
    z_gnp = jax.random.normal(key, (4, n_per_group, mean_gp.shape[1]), dtype=mean_gp.dtype)
    return mean_gp[:, None, :] + z_gnp


@partial(jax.jit, static_argnames=("counts",))
def sample(key, counts: tuple, mu_c_d, mu_s_e):
    """counts[g] rows of group g, groups in order. Returns x_np, y_n in {-1,+1}, a_n, g_n (int32)."""
    x_gnp = draw_groups(key, max(counts), mu_c_d, mu_s_e)
    g_n = np.repeat(np.arange(4), counts)
    row_n = np.concatenate([np.arange(c) for c in counts])
    x_np = x_gnp[g_n, row_n]
    return x_np, jnp.asarray(GROUP_Y)[g_n], jnp.asarray(GROUP_A)[g_n], jnp.asarray(g_n, jnp.int32)
