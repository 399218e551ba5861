"""Two Gaussian classes with a shared covariance (Setting G in CLAIMS).

y in {0, 1}, class 0 is the minority, x | y ~ N(mu_y, cov).
"""

import math
from functools import partial

import jax
import jax.numpy as jnp


def means_for_delta(d: int, delta: float):
    """Means -delta/2 e_1 and +delta/2 e_1, at Mahalanobis distance delta under cov = I_d."""
    e_1_d = jnp.zeros(d).at[0].set(1.0)
    return -0.5 * delta * e_1_d, 0.5 * delta * e_1_d


DIRECTIONS = {"parallel": 0.0, "orthogonal": math.pi / 2}  # a shift's angle from mu_1 - mu_0


def shift_direction(d: int, angle):
    """Unit vector cos(angle) e_1 + sin(angle) e_2: angle 0 is parallel to mu_1 - mu_0 (e_1),
    angle pi/2 orthogonal to it (e_2; needs d >= 2)."""
    return jnp.zeros(d).at[0].set(jnp.cos(angle)).at[1].set(jnp.sin(angle))


def draw(key, n: int, mu_d, chol_dd):
    """n points of N(mu, L L^T), as x_nd = mu + z L^T."""
    z_nd = jax.random.normal(key, (n, mu_d.shape[0]), dtype=mu_d.dtype)
    return mu_d[None, :] + z_nd @ chol_dd.T


@partial(jax.jit, static_argnames=("n_0", "n_1"))
def sample(key, n_0: int, n_1: int, mu_0_d, mu_1_d, cov_dd):
    """n_0 rows of class 0 then n_1 rows of class 1. Returns x_nd, y_n (int32)."""
    key_0, key_1 = jax.random.split(key)
    chol_dd = jnp.linalg.cholesky(cov_dd)
    x_nd = jnp.concatenate([draw(key_0, n_0, mu_0_d, chol_dd), draw(key_1, n_1, mu_1_d, chol_dd)])
    y_n = jnp.concatenate([jnp.zeros(n_0, jnp.int32), jnp.ones(n_1, jnp.int32)])
    return x_nd, y_n
