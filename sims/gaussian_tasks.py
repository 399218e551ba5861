"""In-context Gaussian tasks (GEN-1 in CLAIMS): mu ~ N(0, tau^2 I_d), then x_1..x_T ~ N(mu, sigma^2 I_d)."""

from functools import partial

import jax


@partial(jax.jit, static_argnames=("n_tasks", "length", "d"))
def draw_tasks(n_tasks: int, length: int, d: int, *, key, tau, sigma):
    """Fresh tasks: returns mu_bd and x_btd, b = n_tasks, t = length."""
    key_mu, key_x = jax.random.split(key)
    mu_bd = tau * jax.random.normal(key_mu, (n_tasks, d))
    x_btd = mu_bd[:, None, :] + sigma * jax.random.normal(key_x, (n_tasks, length, d))
    return mu_bd, x_btd
