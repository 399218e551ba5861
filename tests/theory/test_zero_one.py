"""The closed-form derivatives of the NumPy predictions against independent references: JAX autodiff
of the JAX risk scorers, and central finite differences of the population gradient."""

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import zero_one
from synthlaw.theory.predictions.augmentation import plugin_covariance
from synthlaw.theory.predictions.spurious import law_s
from synthlaw.theory.risks import gaussian as gr
from synthlaw.theory.risks.spurious import balanced_group_error

# Both sides evaluate the same float64 closed form in a different order: they differ by a few
# dozen roundings of O(1) terms, ~1e-14; 1e-10 leaves four orders of margin and catches any slip.
RTOL = 1e-10


def _assert_matches_autodiff(risk_jax, theta_p, a_kp, q_pp):
    with jax.enable_x64(True):
        theta = jnp.asarray(theta_p)
        expected = jax.jit(lambda t: (risk_jax(t), jax.grad(risk_jax)(t), jax.hessian(risk_jax)(t)))(theta)
    for got, want in zip(zero_one.mean_probit(theta_p, a_kp, q_pp), expected, strict=True):
        np.testing.assert_allclose(got, np.asarray(want), rtol=RTOL, atol=RTOL * np.abs(want).max())


def test_setting_g_risk_gradient_and_hessian_match_jax_autodiff():
    rng = np.random.default_rng(0)
    mu_0, mu_1 = rng.normal(size=3), rng.normal(size=3)
    root = rng.normal(size=(3, 3))
    cov = root @ root.T + np.eye(3)
    theta_p = rng.normal(size=4)

    def risk(t):
        return gr.balanced_error(t[:-1], t[-1], jnp.asarray(mu_0), jnp.asarray(mu_1), jnp.asarray(cov))

    _assert_matches_autodiff(risk, theta_p, *zero_one.class_directions(mu_0, mu_1, cov))


def test_setting_s_risk_gradient_and_hessian_match_jax_autodiff():
    mean_gp, _ = law_s(2, 3, 1.0, 0.7)
    theta_p = np.array([1.1, -0.4, 0.6, 0.2, -0.3, 0.15])

    def risk(t):
        return balanced_group_error(t, jnp.asarray(mean_gp))

    _assert_matches_autodiff(risk, theta_p, *zero_one.group_directions(mean_gp))


def test_plugin_covariance_matches_finite_differences_of_the_gradient():
    """A^-1 (J_mu J_mu'/m + J_S (I + K) J_S'/(m - 1)) A^-1 with J by central differences of
    me.gradient in every entry of each fitted source's mean and covariance (the definition)."""
    d, m, h = 2, 50, 1e-4
    mu_0, mu_1 = np.array([-0.8, 0.1]), np.array([0.7, -0.2])
    sources = [me.Source(mu_0, np.eye(d), 0.0, 0.3), me.Source(mu_1, np.eye(d), 1.0, 0.7, 1.5)]
    theta_p = np.array([1.3, -0.5, 0.2])

    def jacobian(i, field, shape):
        base = getattr(sources[i], field)
        cols = []
        for e in np.eye(base.size):
            plus, minus = ([s._replace(**{field: base + sign * h * e.reshape(shape)}) if j == i else s
                            for j, s in enumerate(sources)] for sign in (1, -1))
            cols.append((me.gradient(theta_p, plus) - me.gradient(theta_p, minus)) / (2 * h))
        return np.stack(cols, axis=1)

    commute = np.einsum("ik,jl->ijlk", np.eye(d), np.eye(d)).reshape(d * d, d * d)
    cov_grad = 0.0
    for i in (0, 1):
        j_mean, j_cov = jacobian(i, "mu_d", (d,)), jacobian(i, "cov_dd", (d, d))
        cov_grad = cov_grad + j_mean @ j_mean.T / m + j_cov @ (np.eye(d * d) + commute) @ j_cov.T / (m - 1)
    a_inv = np.linalg.inv(me.hessian_A(theta_p, sources))
    # central differences: truncation O(h^2) ~ 1e-8, rounding O(eps / h) ~ 1e-12, relative
    np.testing.assert_allclose(plugin_covariance(theta_p, sources, (0, 1), m), a_inv @ cov_grad @ a_inv, rtol=1e-6)
