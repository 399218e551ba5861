"""Exact group risks of a linear rule in Setting S (SPU-1..3 in CLAIMS).

A rule predicts sign(w.x + b), x = (x_core, x_spur), theta_p = (w, b). Each group's 0-1 error is a
closed form over u = w.x + b (sims/geometry.py holds the groups and the Bayes group error).
"""

import jax.numpy as jnp
from jax.scipy.stats import norm

from synthlaw.sims.geometry import GROUP_Y


def group_errors(theta_p, mean_gp):
    """0-1 error per group: Phi(-y_g (w.m_g + b) / ||w||) (identity covariance)."""
    w_p, b = theta_p[:-1], theta_p[-1]
    margin_g = jnp.asarray(GROUP_Y) * (mean_gp @ w_p + b)
    return norm.cdf(-margin_g / jnp.sqrt(w_p @ w_p))


def balanced_group_error(theta_p, mean_gp):
    """Group-balanced 0-1 risk: the mean of the four group errors."""
    return group_errors(theta_p, mean_gp).mean()


def worst_group_error(theta_p, mean_gp):
    """The largest of the four group errors."""
    return group_errors(theta_p, mean_gp).max()
