"""Setting G predictions for augmentation (AUG-1..3 in CLAIMS, derivation in notes/AUG-2.md).

A balanced real sample of n rows plus N synthetic rows (N/2 per class) at loss weight w. To first
order

    Excess(N) = (c_r n + c_s w^2 N) / (n + w N)^2 + (w N / (n + w N))^2 a,

c_r = c_s = c = tr(H V_1)/2 with V_1 the sandwich covariance of one balanced row, and a the
excess of the rule learned from the generator's law alone.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.sims.gaussian import shift_direction
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions.oversampling import gaussian_law, rule_risk
from synthlaw.theory.risks.gaussian import bayes_balanced_error, bayes_rule


def excess_law(n_syn, n, weight, c, a):
    """AUG-2: (c n + c w^2 N)/(n + w N)^2 + (w N/(n + w N))^2 a."""
    n_syn = np.asarray(n_syn, float)
    total = n + weight * n_syn
    return (c * n + c * weight**2 * n_syn) / total**2 + (weight * n_syn / total) ** 2 * a


def per_row_constant(d: int, separation: float) -> float:
    """c = tr(H V_1)/2: n * (expected excess) for n balanced rows from the true law (AUG-1)."""
    with jax.enable_x64(True):
        mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
        sources = [me.Source(mu_0_d, cov_dd, 0.0, 0.5), me.Source(mu_1_d, cov_dd, 1.0, 0.5)]
        theta_p = jnp.append(*bayes_rule(mu_0_d, mu_1_d, cov_dd))
        v_pp = me.sandwich_V(theta_p, sources)
        return float(me.first_order_excess(partial(rule_risk, mu_0_d=mu_0_d, mu_1_d=mu_1_d, cov_dd=cov_dd), theta_p, v_pp))


@partial(jax.jit, static_argnames=("fitted",))
def plugin_covariance(theta_p, sources, fitted: tuple, m):
    """First-order Cov(theta) induced by plug-in generators: sources[i] for i in `fitted` have the
    law N(sample mean, sample cov) of m true rows. theta - theta* = -A^{-1} (d grad / d phi) dphi,
    Cov(mean) = cov/m and Cov(vec S) = (I + K)/(m - 1) for cov = I (AUG-2, SPU-3)."""
    d = sources[0].mu_d.shape[0]

    def grad_at(phi):
        laws = dict(zip(fitted, phi))
        return me.gradient(theta_p, [s._replace(mu_d=laws[i][0], cov_dd=laws[i][1]) if i in laws else s
                                     for i, s in enumerate(sources)])

    jac = jax.jacobian(grad_at)(tuple((sources[i].mu_d, sources[i].cov_dd) for i in fitted))
    eye_dd = jnp.eye(d)
    commute_qq = jnp.einsum("ik,jl->ijlk", eye_dd, eye_dd).reshape(d * d, d * d)
    cov_vec_qq = (jnp.eye(d * d) + commute_qq) / (m - 1)
    cov_grad_pp = sum(j_mean @ j_mean.T / m + j_cov.reshape(-1, d * d) @ cov_vec_qq @ j_cov.reshape(-1, d * d).T
                      for j_mean, j_cov in jac)
    a_inv_pp = jnp.linalg.inv(me.hessian_A(theta_p, sources))
    return a_inv_pp @ cov_grad_pp @ a_inv_pp


def plugin_floor(d: int, separation: float, n_gen: int) -> float:
    """a = E excess of the rule learned from plug-in generators fitted on n_gen rows per class (AUG-2)."""
    with jax.enable_x64(True):
        mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
        theta_p = jnp.append(*bayes_rule(mu_0_d, mu_1_d, cov_dd))
        sources = [me.Source(mu_0_d, cov_dd, 0.0, 0.5), me.Source(mu_1_d, cov_dd, 1.0, 0.5)]
        v_pp = plugin_covariance(theta_p, sources, (0, 1), n_gen)
        return float(me.first_order_excess(partial(rule_risk, mu_0_d=mu_0_d, mu_1_d=mu_1_d, cov_dd=cov_dd), theta_p, v_pp))


def shifted_generator_excess(d: int, separation: float, shift: float, n_syn: float) -> me.ExcessTerms:
    """E[excess] to O(1/N) of the fit on n_syn generated rows alone (n_syn/2 per class), class 0's
    generator mean off by delta e_1: the floor a(delta), the drift and tr(H V)/2 at theta_gen (AUG-3)."""
    with jax.enable_x64(True):
        mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
        u_d = shift_direction(d, 0.0).astype(jnp.float64)
        sources = [me.Source(mu_0_d + shift * u_d, cov_dd, 0.0, n_syn / 2), me.Source(mu_1_d, cov_dd, 1.0, n_syn / 2)]
        start_p = jnp.append(*bayes_rule(mu_0_d, mu_1_d, cov_dd))
        return me.expected_excess(rule_risk, (mu_0_d, mu_1_d, cov_dd), bayes_balanced_error(separation), sources,
                                  start_p)
