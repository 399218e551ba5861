"""Exact population risks of a linear rule under two Gaussian classes (Setting G in CLAIMS).

Risks are closed forms (0-1) or Gauss-Hermite quadrature over the one-dimensional projection
u = w.x + b ~ N(w.mu + b, w' cov w) (cross-entropy). Nothing here uses a test sample. The means,
the Bayes rule and the Bayes errors are in sims/geometry.py.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.stats import norm

GH_ORDER = 128


@functools.lru_cache(maxsize=8)
def standard_normal_nodes(order: int = GH_ORDER):
    """Nodes z_k and weights p_k with sum_k p_k f(z_k) ~= E f(Z), Z ~ N(0, 1) (computed once per
    order, read-only: the predictions ask for them thousands of times)."""
    z_k, p_k = np.polynomial.hermite_e.hermegauss(order)
    p_k = p_k / np.sqrt(2.0 * np.pi)
    z_k.flags.writeable = p_k.flags.writeable = False
    return z_k, p_k


def projection(w_d, b, mu_d, cov_dd):
    """Mean and standard deviation of u = w.x + b for x ~ N(mu, cov)."""
    return w_d @ mu_d + b, jnp.sqrt(w_d @ cov_dd @ w_d)


def class_errors(w_d, b, mu_0_d, mu_1_d, cov_dd):
    """0-1 errors (R^0, R^1) of the rule 1{w.x + b > 0}: Phi((w.mu_0 + b)/s), Phi(-(w.mu_1 + b)/s)."""
    m_0, s = projection(w_d, b, mu_0_d, cov_dd)
    m_1, _ = projection(w_d, b, mu_1_d, cov_dd)
    return norm.cdf(m_0 / s), norm.cdf(-m_1 / s)


def balanced_error(w_d, b, mu_0_d, mu_1_d, cov_dd):
    """R_bal = (R^0 + R^1) / 2 of the rule 1{w.x + b > 0} (Setting G)."""
    r_0, r_1 = class_errors(w_d, b, mu_0_d, mu_1_d, cov_dd)
    return 0.5 * (r_0 + r_1)


def expect_projected(fn, w_d, b, mu_d, cov_dd, order: int = GH_ORDER):
    """E fn(u) for u = w.x + b, x ~ N(mu, cov), by Gauss-Hermite quadrature."""
    z_k, p_k = standard_normal_nodes(order)
    m, s = projection(w_d, b, mu_d, cov_dd)
    return jnp.asarray(p_k) @ fn(m + s * jnp.asarray(z_k))


def balanced_cross_entropy(w_d, b, mu_0_d, mu_1_d, cov_dd):
    """Balanced logistic cross-entropy (E_0 softplus(u) + E_1 softplus(-u)) / 2."""
    ce_0 = expect_projected(jax.nn.softplus, w_d, b, mu_0_d, cov_dd)
    ce_1 = expect_projected(lambda u: jax.nn.softplus(-u), w_d, b, mu_1_d, cov_dd)
    return 0.5 * (ce_0 + ce_1)
