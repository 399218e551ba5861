"""Generators that sample a Gaussian law: the plug-in fit, the true law, and a shifted true law.

The shifted generator is the generator of IMB-3 / AUG-3 in CLAIMS: its mean is off by delta.
"""

from functools import partial

import jax
import jax.numpy as jnp

from synthlaw.models.synthetic import Synthetic
from synthlaw.sims.gaussian import draw

NO_PARENTS = 0


def _law(n_new: int, mu_d, cov_dd, *, key) -> Synthetic:
    x_nd = draw(n_new, mu_d, jnp.linalg.cholesky(cov_dd), key=key)
    return Synthetic(x_nd, jnp.zeros((n_new, NO_PARENTS), jnp.int32))


@partial(jax.jit, static_argnames=("n_new",))
def generate_perfect(x_min_nd, n_new: int, *, key, mu_d, cov_dd) -> Synthetic:
    """n_new draws from the true minority law N(mu, cov); x_min_nd is not used."""
    del x_min_nd
    return _law(n_new, mu_d, cov_dd, key=key)


@partial(jax.jit, static_argnames=("n_new",))
def generate_shifted(x_min_nd, n_new: int, *, key, mu_d, cov_dd, offset_d) -> Synthetic:
    """n_new draws from N(mu + offset, cov); offset = delta u with u a unit vector."""
    del x_min_nd
    return _law(n_new, mu_d + offset_d, cov_dd, key=key)


@partial(jax.jit, static_argnames=("n_new",))
def generate_plugin(x_min_nd, n_new: int, *, key, n_real=None) -> Synthetic:
    """n_new draws from N(sample mean, sample covariance) of the first n_real rows of x_min_nd
    (all by default; later rows are padding). Needs more real rows than d.

    A jitter of 1e-6 times the mean variance keeps the Cholesky factor defined.
    """
    n_real = x_min_nd.shape[0] if n_real is None else n_real
    mean_d, cov_dd = sample_moments(x_min_nd, n_real)
    d = x_min_nd.shape[1]
    cov_dd = cov_dd + 1e-6 * jnp.trace(cov_dd) / d * jnp.eye(d, dtype=cov_dd.dtype)
    return _law(n_new, mean_d, cov_dd, key=key)


def sample_moments(x_nd, n_real):
    """The sample mean and covariance (divisor n_real - 1) of the first n_real rows of x_nd (later rows are
    padding): the plug-in's fitted law before its jitter, and AUG-2's record of each generator's error."""
    real_n1 = (jnp.arange(x_nd.shape[0]) < n_real)[:, None].astype(x_nd.dtype)
    mean_d = (real_n1 * x_nd).sum(axis=0) / n_real
    centred_nd = real_n1 * (x_nd - mean_d[None, :])
    return mean_d, centred_nd.T @ centred_nd / (n_real - 1)
