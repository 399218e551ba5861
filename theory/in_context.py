"""GEN-1 in CLAIMS: the expected KL of a next-point Gaussian from the true law, in closed form.

A predictor maps x_btd to (mean_btd, log_var_btd), position t predicting x_btd[:, t] from
x_btd[:, :t]. The truth for every position of a task is N(mu, sigma^2 I_d). The derivation of
KL_Bayes(t) is in theory/notes/GEN-1.md.
"""

import jax.numpy as jnp
import numpy as np

from synthlaw.sims.gaussian_tasks import draw_tasks


def kl_true_to_model(mu_bd, sigma, mean_btd, log_var_btd):
    """KL(N(mu, sigma^2 I) || N(mean, diag exp(log_var))) per task and position: kl_bt.

    KL = 1/2 sum_j [sigma^2 / v_j - 1 + ln(v_j / sigma^2) + (mu_j - mean_j)^2 / v_j].
    """
    var_btd = jnp.exp(log_var_btd)
    ratio_btd = sigma**2 / var_btd
    per_dim_btd = ratio_btd - 1.0 - jnp.log(ratio_btd) + jnp.square(mu_bd[:, None, :] - mean_btd) / var_btd
    return 0.5 * per_dim_btd.sum(axis=-1)


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


def expected_kl(predictor, key, *, n_tasks: int, context: int, d: int, tau, sigma):
    """kl_t: the closed-form KL at each context length t = 0..context-1, averaged over n_tasks fresh tasks.

    predictor: x_btd -> (mean_btd, log_var_btd). Pure; jit or lax.map it outside.
    """
    mu_bd, x_btd = draw_tasks(key, n_tasks, context, d, tau=tau, sigma=sigma)
    mean_btd, log_var_btd = predictor(x_btd)
    return kl_true_to_model(mu_bd, sigma, mean_btd, log_var_btd).mean(axis=0)
