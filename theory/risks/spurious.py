"""Exact group risks of a linear rule in Setting S (SPU-1..3 in CLAIMS).

A rule predicts sign(w.x + b), x = (x_core, x_spur), theta_p = (w, b). Each group's 0-1 error is a
closed form and its cross-entropy a Gauss-Hermite integral, both over u = w.x + b (SPU-1..3).
"""

import jax
import jax.numpy as jnp
from jax.scipy.stats import norm

from synthlaw.sims.spurious import GROUP_Y
from synthlaw.theory.risks.gaussian import expect_projected


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
