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
every moment is a Gauss-Hermite sum over u. NumPy float64 throughout: the arrays are tiny (p x p),
so this takes milliseconds where compiling it with XLA took seconds.
"""

from typing import NamedTuple

import numpy as np
from scipy.special import expit

from synthlaw.theory.risks.gaussian import standard_normal_nodes


class Source(NamedTuple):
    """count rows of label y from N(mu_d, cov_dd), each at loss weight `weight`."""

    mu_d: np.ndarray
    cov_dd: np.ndarray
    y: float
    count: float
    weight: float = 1.0


def conditional_moments(theta_p, mu_d, cov_dd):
    """Quadrature nodes u_k, weights p_k, and E[x~ | u_k] (k x p), Cov[x~ | u] (p x p), x~ = (x, 1)."""
    theta_p, mu_d, cov_dd = (np.asarray(a, np.float64) for a in (theta_p, mu_d, cov_dd))
    w_d, b = theta_p[:-1], theta_p[-1]
    d = w_d.shape[0]
    z_k, p_k = standard_normal_nodes()
    cov_w_d = cov_dd @ w_d
    s = np.sqrt(w_d @ cov_w_d)
    u_k = w_d @ mu_d + b + s * z_k
    mean_kp = np.ones((z_k.shape[0], d + 1))
    mean_kp[:, :d] = mu_d[None, :] + z_k[:, None] * (cov_w_d / s)[None, :]
    cond_cov_pp = np.zeros((d + 1, d + 1))
    cond_cov_pp[:d, :d] = cov_dd - np.outer(cov_w_d, cov_w_d) / s**2
    return u_k, p_k, mean_kp, cond_cov_pp


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
    quad_k = np.einsum("kp,pq,kq->k", mean_kp, m_pp, mean_kp) + np.trace(m_pp @ cond_cov_pp)
    return (gp_k * quad_k) @ mean_kp + cond_cov_pp @ (m_pp + m_pp.T) @ (gp_k @ mean_kp)


def curvature(u):
    """sigmoid'(u), the curvature of the cross-entropy in u."""
    return expit(u) * expit(-u)


def curvature_slope(u):
    """sigmoid''(u) = sigmoid'(u) (1 - 2 sigmoid(u))."""
    return curvature(u) * (1.0 - 2.0 * expit(u))


def ce_residual(y):
    """d ce(y, u) / du = sigmoid(u) - y."""
    return lambda u: expit(u) - y


def _unpenalised(theta_p):
    """theta_p with its intercept zeroed: the gradient of ||w||^2 / 2."""
    w_p = np.array(theta_p, np.float64)
    w_p[-1] = 0.0
    return w_p


def hessian_A(theta_p, sources, l2=0.0):
    """A = sum_s count_s weight_s E_s[sigmoid'(u) x~ x~^T] + l2 on the weights."""
    a_pp = sum(s.count * s.weight * expect_outer(curvature, theta_p, s.mu_d, s.cov_dd) for s in sources)
    return a_pp + l2 * np.diag(_unpenalised(np.ones(len(theta_p))))


def gradient(theta_p, sources, l2=0.0):
    """Gradient of the population objective sum_s count_s weight_s E_s ce + (l2/2)||w||^2."""
    g_p = sum(s.count * s.weight * expect_vector(ce_residual(s.y), theta_p, s.mu_d, s.cov_dd) for s in sources)
    return g_p + l2 * _unpenalised(theta_p)


def gradient_covariance_B(theta_p, sources):
    """B = sum_s count_s weight_s^2 Cov_s[grad ce]."""
    b_pp = 0.0
    for s in sources:
        r = ce_residual(s.y)
        second_pp = expect_outer(lambda u, r=r: r(u) ** 2, theta_p, s.mu_d, s.cov_dd)
        mean_p = expect_vector(r, theta_p, s.mu_d, s.cov_dd)
        b_pp = b_pp + s.count * s.weight**2 * (second_pp - np.outer(mean_p, mean_p))
    return b_pp


def population_minimiser(sources, theta_init_p, l2=0.0, n_steps: int = 60, max_step: float = 1.0,
                         tol: float = 1e-10):
    """theta* = argmin sum_s count_s weight_s E_s ce + (l2/2)||w||^2, by Newton from theta_init_p,
    each step cut to length max_step (far from theta* a full step can overshoot into a flat region).
    Stops after at most n_steps, or after a full step shorter than tol: Newton converges
    quadratically, so the next step would be O(tol^2), below float64 rounding."""
    theta_p = np.asarray(theta_init_p, np.float64)
    for _ in range(n_steps):
        step_p = np.linalg.solve(hessian_A(theta_p, sources, l2), gradient(theta_p, sources, l2))
        length = np.linalg.norm(step_p)
        theta_p = theta_p - step_p * min(1.0, max_step / length) if length > 0 else theta_p
        if length < tol:
            break
    return theta_p


def sandwich_V(theta_p, sources, l2=0.0):
    """V = A^{-1} B A^{-1}: the first-order covariance of the fitted theta."""
    a_inv_pp = np.linalg.inv(hessian_A(theta_p, sources, l2))
    return a_inv_pp @ gradient_covariance_B(theta_p, sources) @ a_inv_pp


def first_order_excess(h_pp, v_pp):
    """tr(H V) / 2 with H = hess R at theta (the gradient term vanishes at a risk minimiser)."""
    return 0.5 * np.trace(h_pp @ v_pp)


def second_order_bias(theta_p, sources, v_pp):
    """E[theta_hat] - theta* to O(1/n) for the unpenalised fit at its population minimiser:

    A^{-1} [sum_s count_s weight_s^2 (E_s[H A^{-1} psi] - E_s[H] A^{-1} E_s[psi])
            - 1/2 sum_s count_s weight_s E_s[sigmoid''(u) x~ (x~' V x~)]],

    with psi = (sigmoid(u) - y) x~ and H = sigmoid'(u) x~ x~' per row, V the sandwich covariance."""
    a_inv_pp = np.linalg.inv(hessian_A(theta_p, sources))
    total_p = 0.0
    for s in sources:
        r = ce_residual(s.y)
        h_psi_p = expect_cubic(lambda u, r=r: curvature(u) * r(u), theta_p, s.mu_d, s.cov_dd, a_inv_pp)
        mean_h_pp = expect_outer(curvature, theta_p, s.mu_d, s.cov_dd)
        mean_psi_p = expect_vector(r, theta_p, s.mu_d, s.cov_dd)
        total_p = total_p + s.count * s.weight**2 * (h_psi_p - mean_h_pp @ a_inv_pp @ mean_psi_p)
        total_p = total_p - 0.5 * s.count * s.weight * expect_cubic(curvature_slope, theta_p, s.mu_d, s.cov_dd, v_pp)
    return a_inv_pp @ total_p


class ExcessTerms(NamedTuple):
    """E[R(theta_hat)] - Bayes to O(1/n): the population bias term plus the estimation terms."""

    bias: float        # R(theta*) - Bayes
    drift: float       # grad R(theta*) . E[theta_hat - theta*]
    variance: float    # tr(H V) / 2

    @property
    def total(self) -> float:
        return self.bias + self.drift + self.variance


def expected_excess(risk_fn, bayes_risk, sources, theta_init_p) -> ExcessTerms:
    """The three O(1/n) terms of the expected excess of the fit on sources (unpenalised).
    risk_fn(theta_p) -> (R, grad R, hess R) is the exact risk (zero_one.mean_probit)."""
    theta_p = population_minimiser(sources, theta_init_p)
    v_pp = sandwich_V(theta_p, sources)
    risk, grad_p, hess_pp = risk_fn(theta_p)
    return ExcessTerms(float(risk - bayes_risk), float(grad_p @ second_order_bias(theta_p, sources, v_pp)),
                       float(first_order_excess(hess_pp, v_pp)))
