"""Two Gaussian classes with a shared covariance (Setting G in CLAIMS): the draw.

y in {0, 1}, class 0 is the minority, x | y ~ N(mu_y, cov); sims/geometry.py holds the means.
"""

import jax
import jax.numpy as jnp


def draw(n: int, mu_d, chol_dd, *, key):
    """n points of N(mu, L L^T), as x_nd = mu + z L^T, in mu's float dtype (as jax.numpy holds it)."""
    mu_d = jnp.asarray(mu_d)
    z_nd = jax.random.normal(key, (n, mu_d.shape[0]), dtype=mu_d.dtype)
    return mu_d[None, :] + z_nd @ chol_dd.T
