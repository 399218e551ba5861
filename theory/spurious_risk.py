"""Exact group risks of a linear rule in Setting S, and population minimisers over group mixtures.

A rule predicts sign(w.x + b), x = (x_core, x_spur), theta_p = (w, b). Each group's 0-1 error is a
closed form and its cross-entropy a Gauss-Hermite integral, both over u = w.x + b (SPU-1..3).
"""

import jax
import jax.numpy as jnp
from jax.scipy.stats import norm

from synthlaw.sims.spurious import GROUP_Y, group_means, means_for
from synthlaw.theory import m_estimation as me
from synthlaw.theory.gaussian_risk import expect_projected


def group_errors(theta_p, mean_gp):
    """0-1 error per group: Phi(-y_g (w.m_g + b) / ||w||) (identity covariance)."""
    w_p, b = theta_p[:-1], theta_p[-1]
    margin_g = jnp.asarray(GROUP_Y) * (mean_gp @ w_p + b)
    return norm.cdf(-margin_g / jnp.sqrt(w_p @ w_p))


def group_cross_entropy(theta_p, mean_gp):
    """Cross-entropy per group, E softplus(-y_g u), by quadrature."""
    w_p, b = theta_p[:-1], theta_p[-1]
    eye_pp = jnp.eye(w_p.shape[0], dtype=mean_gp.dtype)
    return jnp.stack([expect_projected(lambda u, y=y: jax.nn.softplus(-y * u), w_p, b, m_p, eye_pp)
                      for y, m_p in zip(GROUP_Y, mean_gp)])


def balanced_group_error(theta_p, mean_gp):
    """Group-balanced 0-1 risk: the mean of the four group errors."""
    return group_errors(theta_p, mean_gp).mean()


def worst_group_error(theta_p, mean_gp):
    return group_errors(theta_p, mean_gp).max()


def bayes_group_error(core):
    """Every group's error under the balanced-group Bayes rule: Phi(-||mu_c||)."""
    return norm.cdf(-core)


def group_sources(mean_gp, counts_g, weight=1.0):
    """One m_estimation.Source per group, label y mapped to {0, 1}."""
    eye_pp = jnp.eye(mean_gp.shape[1], dtype=mean_gp.dtype)
    return [me.Source(m_p, eye_pp, 0.5 * (y + 1.0), c, weight) for y, m_p, c in zip(GROUP_Y, mean_gp, counts_g)]


def law_s(d_core, d_spur, core, spur):
    """float64 group means (call inside jax.enable_x64) and the Bayes rule (2 mu_c, 0, 0)."""
    mu_c_d, mu_s_e = (jnp.asarray(m, jnp.float64) for m in means_for(d_core, d_spur, core, spur))
    mean_gp = group_means(mu_c_d, mu_s_e)
    return mean_gp, jnp.concatenate([2.0 * mu_c_d, jnp.zeros(d_spur + 1, jnp.float64)])


def erm_minimiser(d_core, d_spur, core, spur, p):
    """SPU-1: the population logistic minimiser on the training mixture of minority mass p."""
    with jax.enable_x64(True):
        mean_gp, bayes_p = law_s(d_core, d_spur, core, spur)
        counts_g = [0.5 * p if minority else 0.5 * (1 - p) for minority in (False, True, True, False)]
        return me.population_minimiser(group_sources(mean_gp, counts_g), bayes_p)
