"""GEN-1 in CLAIMS: the Bayes limit of in-context generation, KL_Bayes(t), and reference predictors.

The derivation of KL_Bayes(t) is in theory/notes/GEN-1.md.
"""

import jax.numpy as jnp
import numpy as np


def posterior_var(t, *, tau, sigma):
    """s_t^2 = 1 / (1/tau^2 + t/sigma^2), the posterior variance of each coordinate of mu."""
    return 1.0 / (1.0 / tau**2 + t / sigma**2)


def kl_bayes(t, d: int, *, tau, sigma):
    """KL_Bayes(t) = (d/2) ln(1 + s_t^2 / sigma^2), the expected KL of the posterior predictive."""
    return 0.5 * d * np.log1p(posterior_var(np.asarray(t, float), tau=tau, sigma=sigma) / sigma**2)


def kl_prior(d: int, *, tau, sigma):
    """Expected KL of the context-ignoring prior predictive N(0, (tau^2 + sigma^2) I): KL_Bayes(0)."""
    return float(kl_bayes(0, d, tau=tau, sigma=sigma))


def bayes_predictor(x_btd, *, tau, sigma):
    """The posterior predictive N(m_t, (sigma^2 + s_t^2) I), m_t = s_t^2 sum_{i<t} x_i / sigma^2."""
    t_t = jnp.arange(x_btd.shape[1], dtype=x_btd.dtype)
    sums_btd = jnp.cumsum(x_btd, axis=1) - x_btd
    s2_t = posterior_var(t_t, tau=tau, sigma=sigma)
    mean_btd = s2_t[None, :, None] * sums_btd / sigma**2
    log_var_btd = jnp.broadcast_to(jnp.log(sigma**2 + s2_t)[None, :, None], x_btd.shape)
    return mean_btd, log_var_btd


def prior_predictor(x_btd, *, tau, sigma):
    """A generator that ignores its context: N(0, (tau^2 + sigma^2) I) at every position."""
    return jnp.zeros_like(x_btd), jnp.full_like(x_btd, jnp.log(tau**2 + sigma**2))
