"""Group-conditional generators: one Gaussian generator per group (or class), run side by side.

x_fit_gnd holds each group's real rows (padded, first n_real valid); mean_gd is each group's true
mean, cov_dd the shared true covariance. Used by SPU-2, SPU-3 and AUG-1..3 in CLAIMS.
"""

from functools import partial

import jax

from synthlaw.models import gaussian_generators


@partial(jax.jit, static_argnames=("kind", "n_new"))
def generate_groups(kind: str, key, x_fit_gnd, n_new: int, *, mean_gd, cov_dd, n_real=None, shift_gd=None):
    """n_new synthetic rows per group: x_gnd.

    perfect: N(mean_g, cov); plugin: N(sample mean, sample cov) of the first n_real rows of each
    group (AUG-2 and SPU-3 keep these rows out of the classifier's data); shifted: N(mean_g + shift_g, cov).
    """
    keys_g = jax.random.split(key, x_fit_gnd.shape[0])
    if kind == "plugin":
        one = lambda k, x_nd: gaussian_generators.generate_plugin(k, x_nd, n_new, n_real=n_real).x_nd
        return jax.vmap(one)(keys_g, x_fit_gnd)
    if kind == "shifted":
        mean_gd = mean_gd + shift_gd
    one = lambda k, x_nd, mu_d: gaussian_generators.generate_perfect(k, x_nd, n_new, mu_d=mu_d, cov_dd=cov_dd).x_nd
    return jax.vmap(one)(keys_g, x_fit_gnd, mean_gd)
