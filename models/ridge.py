"""Weighted ridge least squares on targets 2y - 1: the linear rule 1{w.x + b > 0} in closed form."""

import jax
import jax.numpy as jnp
from jax.scipy.linalg import cho_factor, cho_solve

from synthlaw.models.logistic import gram


@jax.jit
def fit_ridge(x_nd, y_n, weight_n, *, l2=0.0):
    """Minimise sum_i weight_i (2 y_i - 1 - w.x_i - b)^2 + l2 ||w||^2 by a Cholesky solve.

    Shapes x_nd, y_n, weight_n; returns (w_d, b). The intercept is unpenalised.
    """
    weighted_target_n = weight_n * (2.0 * y_n.astype(x_nd.dtype) - 1.0)
    penalty_p = jnp.full(x_nd.shape[1] + 1, l2, x_nd.dtype).at[-1].set(0.0)
    gram_pp = gram(x_nd, weight_n) + jnp.diag(penalty_p)
    theta_p = cho_solve(cho_factor(gram_pp), jnp.append(x_nd.T @ weighted_target_n, weighted_target_n.sum()))
    return theta_p[:-1], theta_p[-1]
