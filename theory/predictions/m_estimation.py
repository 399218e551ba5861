"""Population logistic minimisers and sandwich covariances over a mixture of Gaussian sources.

A training set is a list of Sources: each a Gaussian law, a label, a row count and a loss weight.
The weighted M-estimator minimises sum_s weight_s sum_{i in s} ce(y_s, theta.x_i). Then:
- its population limit theta* minimises sum_s count_s weight_s E_s ce (IMB-1, IMB-3 floors);
- its covariance is V = A^{-1} B A^{-1} with A = sum_s count_s weight_s E_s[hess ce] and
  B = sum_s count_s weight_s^2 Cov_s[grad ce] (IMB-2, AUG-1, AUG-2);
- its O(1/n) bias E[theta_hat] - theta* is second_order_bias (notes/AUG-4.md derives it);
- the expected excess of a risk R is, to O(1/n), R(theta*) + g.bias + tr(H V) / 2 with g = grad R
  and H = hess R at theta* (expected_excess).
Expectations are exact: u = theta.x~ is one-dimensional given the law, and x | u is Gaussian, so
every moment is a Gauss-Hermite sum over u. Call inside jax.enable_x64(True).
"""

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp

from synthlaw.theory.risks.gaussian import standard_normal_nodes


class Source(NamedTuple):
    """count rows of label y from N(mu_d, cov_dd), each at loss weight `weight`."""

    mu_d: jax.Array
    cov_dd: jax.Array
    y: float
    count: float
    weight: float = 1.0


def conditional_moments(theta_p, mu_d, cov_dd):
    """Quadrature nodes u_k, weights p_k, and E[x~ | u_k] (k x p), Cov[x~ | u] (p x p), x~ = (x, 1)."""
    w_d, b = theta_p[:-1], theta_p[-1]
    z_k, p_k = standard_normal_nodes()
    cov_w_d = cov_dd @ w_d
    s = jnp.sqrt(w_d @ cov_w_d)
    u_k = w_d @ mu_d + b + s * jnp.asarray(z_k)
    mean_kd = mu_d[None, :] + jnp.asarray(z_k)[:, None] * (cov_w_d / s)[None, :]
    mean_kp = jnp.concatenate([mean_kd, jnp.ones_like(mean_kd[:, :1])], axis=1)
    cond_cov_dd = cov_dd - jnp.outer(cov_w_d, cov_w_d) / s**2
    cond_cov_pp = jnp.pad(cond_cov_dd, ((0, 1), (0, 1)))
    return u_k, jnp.asarray(p_k), mean_kp, cond_cov_pp


def expect_outer(g, theta_p, mu_d, cov_dd):
    """E[g(u) x~ x~^T] under N(mu, cov), u = theta.x~."""
    u_k, p_k, mean_kp, cond_cov_pp = conditional_moments(theta_p, mu_d, cov_dd)
    gp_k = p_k * g(u_k)
    return (mean_kp * gp_k[:, None]).T @ mean_kp + gp_k.sum() * cond_cov_pp


def expect_vector(g, theta_p, mu_d, cov_dd):
    """E[g(u) x~] under N(mu, cov)."""
    u_k, p_k, mean_kp, _ = conditional_moments(theta_p, mu_d, cov_dd)
    return (p_k * g(u_k)) @ mean_kp


def expect_cubic(g, theta_p, mu_d, cov_dd, m_pp):
    """E[g(u) x~ (x~' M x~)] under N(mu, cov): given u, x~ ~ N(m, C) and
    E[x~ (x~' M x~)] = m (m' M m + tr(M C)) + C (M + M') m."""
    u_k, p_k, mean_kp, cond_cov_pp = conditional_moments(theta_p, mu_d, cov_dd)
    gp_k = p_k * g(u_k)
    quad_k = jnp.einsum("kp,pq,kq->k", mean_kp, m_pp, mean_kp) + jnp.trace(m_pp @ cond_cov_pp)
    return (gp_k * quad_k) @ mean_kp + cond_cov_pp @ (m_pp + m_pp.T) @ (gp_k @ mean_kp)


def curvature(u):
    """sigmoid'(u), the curvature of the cross-entropy in u."""
    return jax.nn.sigmoid(u) * jax.nn.sigmoid(-u)


def ce_residual(y):
    """d ce(y, u) / du = sigmoid(u) - y."""
    return lambda u: jax.nn.sigmoid(u) - y


def hessian_A(theta_p, sources, l2=0.0):
    """A = sum_s count_s weight_s E_s[sigmoid'(u) x~ x~^T] + l2 on the weights."""
    a_pp = sum(s.count * s.weight * expect_outer(curvature, theta_p, s.mu_d, s.cov_dd) for s in sources)
    return a_pp + l2 * jnp.diag(jnp.ones_like(theta_p).at[-1].set(0.0))


def gradient(theta_p, sources, l2=0.0):
    """Gradient of the population objective sum_s count_s weight_s E_s ce + (l2/2)||w||^2."""
    g_p = sum(s.count * s.weight * expect_vector(ce_residual(s.y), theta_p, s.mu_d, s.cov_dd) for s in sources)
    return g_p + l2 * theta_p.at[-1].set(0.0)


def gradient_covariance_B(theta_p, sources):
    """B = sum_s count_s weight_s^2 Cov_s[grad ce]."""
    b_pp = 0.0
    for s in sources:
        r = ce_residual(s.y)
        second_pp = expect_outer(lambda u: r(u) ** 2, theta_p, s.mu_d, s.cov_dd)
        mean_p = expect_vector(r, theta_p, s.mu_d, s.cov_dd)
        b_pp = b_pp + s.count * s.weight**2 * (second_pp - jnp.outer(mean_p, mean_p))
    return b_pp


def population_minimiser(sources, theta_init_p, l2=0.0, n_steps: int = 60, max_step: float = 1.0):
    """theta* = argmin sum_s count_s weight_s E_s ce + (l2/2)||w||^2, by Newton from theta_init_p,
    each step cut to length max_step (far from theta* a full step can overshoot into a flat region)."""

    def step(theta_p, _):
        step_p = jnp.linalg.solve(hessian_A(theta_p, sources, l2), gradient(theta_p, sources, l2))
        return theta_p - step_p * jnp.minimum(1.0, max_step / jnp.linalg.norm(step_p)), None

    return jax.lax.scan(step, theta_init_p, None, length=n_steps)[0]


def sandwich_V(theta_p, sources, l2=0.0):
    """V = A^{-1} B A^{-1}: the first-order covariance of the fitted theta."""
    a_inv_pp = jnp.linalg.inv(hessian_A(theta_p, sources, l2))
    return a_inv_pp @ gradient_covariance_B(theta_p, sources) @ a_inv_pp


def first_order_excess(risk_fn, theta_p, v_pp):
    """tr(H V) / 2 with H = hess risk_fn at theta (the gradient term vanishes at a risk minimiser)."""
    return 0.5 * jnp.trace(jax.hessian(risk_fn)(theta_p) @ v_pp)


def second_order_bias(theta_p, sources, v_pp):
    """E[theta_hat] - theta* to O(1/n) for the unpenalised fit at its population minimiser:

    A^{-1} [sum_s count_s weight_s^2 (E_s[H A^{-1} psi] - E_s[H] A^{-1} E_s[psi])
            - 1/2 sum_s count_s weight_s E_s[sigmoid''(u) x~ (x~' V x~)]],

    with psi = (sigmoid(u) - y) x~ and H = sigmoid'(u) x~ x~' per row, V the sandwich covariance."""
    a_inv_pp = jnp.linalg.inv(hessian_A(theta_p, sources))
    third = lambda u: curvature(u) * (1.0 - 2.0 * jax.nn.sigmoid(u))
    total_p = 0.0
    for s in sources:
        r = ce_residual(s.y)
        h_psi_p = expect_cubic(lambda u: curvature(u) * r(u), theta_p, s.mu_d, s.cov_dd, a_inv_pp)
        mean_h_pp = expect_outer(curvature, theta_p, s.mu_d, s.cov_dd)
        mean_psi_p = expect_vector(r, theta_p, s.mu_d, s.cov_dd)
        total_p = total_p + s.count * s.weight**2 * (h_psi_p - mean_h_pp @ a_inv_pp @ mean_psi_p)
        total_p = total_p - 0.5 * s.count * s.weight * expect_cubic(third, theta_p, s.mu_d, s.cov_dd, v_pp)
    return a_inv_pp @ total_p


class ExcessTerms(NamedTuple):
    """E[R(theta_hat)] - Bayes to O(1/n): the population bias term plus the estimation terms."""

    bias: float        # R(theta*) - Bayes
    drift: float       # grad R(theta*) . E[theta_hat - theta*]
    variance: float    # tr(H V) / 2

    @property
    def total(self) -> float:
        return self.bias + self.drift + self.variance


def expected_excess(risk_fn, risk_args: tuple, bayes_risk, sources, theta_init_p) -> ExcessTerms:
    """The three O(1/n) terms of the expected excess of the fit on sources (float64, unpenalised).
    risk_fn(theta_p, *risk_args) is the exact risk; pass a module-level function, so that the
    compiled program is reused across calls."""
    terms = _excess_terms(risk_fn, risk_args, sources, theta_init_p)
    return ExcessTerms(float(terms[0] - bayes_risk), float(terms[1]), float(terms[2]))


@partial(jax.jit, static_argnames=("risk_fn",))
def _excess_terms(risk_fn, risk_args, sources, theta_init_p):
    risk = lambda t_p: risk_fn(t_p, *risk_args)
    theta_p = population_minimiser(sources, theta_init_p)
    v_pp = sandwich_V(theta_p, sources)
    drift = jax.grad(risk)(theta_p) @ second_order_bias(theta_p, sources, v_pp)
    return jnp.stack([risk(theta_p), drift, first_order_excess(risk, theta_p, v_pp)])
