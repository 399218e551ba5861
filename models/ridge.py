"""Weighted ridge least squares on targets 2y - 1: the linear rule 1{w.x + b > 0} in closed form."""

import jax
import jax.numpy as jnp
from jax.scipy.linalg import cho_factor, cho_solve

from synthlaw.models.logistic import with_intercept


@jax.jit
def fit_ridge(x_nd, y_n, weight_n, *, l2=0.0):
    """Minimise sum_i weight_i (2 y_i - 1 - w.x_i - b)^2 + l2 ||w||^2 by a Cholesky solve.

    Shapes x_nd, y_n, weight_n; returns (w_d, b). The intercept is unpenalised.
    """
    x_np = with_intercept(x_nd)
    t_n = 2.0 * y_n.astype(x_np.dtype) - 1.0
    p = x_np.shape[1]
    penalty_p = jnp.full(p, l2, x_np.dtype).at[-1].set(0.0)
    gram_pp = (x_np * weight_n[:, None]).T @ x_np + jnp.diag(penalty_p)
    theta_p = cho_solve(cho_factor(gram_pp), x_np.T @ (weight_n * t_n))
    return theta_p[:-1], theta_p[-1]
