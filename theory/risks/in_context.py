"""GEN-1 in CLAIMS: the expected KL of a next-point Gaussian predictor from the true law, in closed form.

A predictor maps x_btd to (mean_btd, log_var_btd), position t predicting x_btd[:, t] from
x_btd[:, :t]. The truth for every position of a task is N(mu, sigma^2 I_d).
"""

import jax.numpy as jnp

from synthlaw.sims.gaussian_tasks import draw_tasks


def kl_true_to_model(mu_bd, sigma, mean_btd, log_var_btd):
    """KL(N(mu, sigma^2 I) || N(mean, diag exp(log_var))) per task and position: kl_bt.

    KL = 1/2 sum_j [sigma^2 / v_j - 1 + ln(v_j / sigma^2) + (mu_j - mean_j)^2 / v_j].
    """
    var_btd = jnp.exp(log_var_btd)
    ratio_btd = sigma**2 / var_btd
    per_dim_btd = ratio_btd - 1.0 - jnp.log(ratio_btd) + jnp.square(mu_bd[:, None, :] - mean_btd) / var_btd
    return 0.5 * per_dim_btd.sum(axis=-1)


def expected_kl(predictor, *, key, n_tasks: int, context: int, d: int, tau, sigma):
    """kl_t: the closed-form KL at each context length t = 0..context-1, averaged over n_tasks fresh tasks.

    predictor: x_btd -> (mean_btd, log_var_btd). Pure; jit or lax.map it outside.
    """
    mu_bd, x_btd = draw_tasks(n_tasks, context, d, key=key, tau=tau, sigma=sigma)
    mean_btd, log_var_btd = predictor(x_btd)
    return kl_true_to_model(mu_bd, sigma, mean_btd, log_var_btd).mean(axis=0)
