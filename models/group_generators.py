"""Group-conditional generators: one registered generator per group (or class), run side by side.

x_fit_gnd holds each group's real rows (padded, first n_real valid); mean_gd is each group's true
mean, cov_dd the shared true covariance and offset_gd the shifted generator's mean offsets. Used
by SPU-2, SPU-3 and AUG-1..3 in CLAIMS.
"""

from functools import partial

import jax
import jax.numpy as jnp

from synthlaw.models.registry import Generator, TrueLaw


@partial(jax.jit, static_argnames=("gen", "n_new"))
def generate_groups(gen: Generator, x_fit_gnd, n_new: int, *, key, mean_gd, cov_dd, n_real, offset_gd=None):
    """n_new synthetic rows per group from gen: x_gnd."""
    keys_g = jax.random.split(key, x_fit_gnd.shape[0])
    offset_gd = jnp.zeros_like(mean_gd) if offset_gd is None else offset_gd

    def one(k, x_nd, mu_d, offset_d):
        return gen.fn(x_nd, n_new, key=k, n_real=n_real, law=TrueLaw(mu_d, cov_dd, offset_d)).x_nd

    return jax.vmap(one)(keys_g, x_fit_gnd, mean_gd, offset_gd)
