import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, stats

from synthlaw.sims.geometry import bayes_balanced_error, bayes_rule_p, imbalance_excess, means_for_delta
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.risks import gaussian as gr


def test_balanced_error_matches_scipy_for_a_general_covariance():
    w, b = np.array([0.7, -0.3]), 0.2
    mu_0, mu_1 = np.array([-0.5, 0.1]), np.array([0.6, -0.4])
    cov = np.array([[1.5, 0.4], [0.4, 0.8]])
    s = np.sqrt(w @ cov @ w)
    expected = 0.5 * (stats.norm.sf(0, loc=w @ mu_0 + b, scale=s) + stats.norm.cdf(0, loc=w @ mu_1 + b, scale=s))
    with jax.enable_x64(True):
        got = gr.balanced_error(jnp.asarray(w), b, jnp.asarray(mu_0), jnp.asarray(mu_1), jnp.asarray(cov))
    assert float(got) == pytest.approx(expected, abs=1e-14)


def test_cross_entropy_quadrature_matches_scipy_quad_to_1e_10():
    w, b = np.array([1.3, 0.4]), -0.3
    mu_0, mu_1, cov = np.array([-1.0, 0.0]), np.array([1.0, 0.5]), np.eye(2)

    def ce(mu, sign):
        m, s = w @ mu + b, np.sqrt(w @ cov @ w)

        def f(u):
            return np.logaddexp(0, sign * u) * stats.norm.pdf(u, m, s)

        return integrate.quad(f, m - 40 * s, m + 40 * s, epsabs=1e-13, limit=200)[0]

    expected = 0.5 * (ce(mu_0, 1) + ce(mu_1, -1))
    with jax.enable_x64(True):
        got = gr.balanced_cross_entropy(jnp.asarray(w), b, jnp.asarray(mu_0), jnp.asarray(mu_1), jnp.asarray(cov))
    assert abs(float(got) - expected) < 1e-10


@pytest.mark.parametrize("delta,rho,expected", [(1.0, 4.0, 0.1124), (2.0, 16.0, 0.1708), (1.5, 1.0, 0.0)])
def test_imbalance_excess_examples_from_claims(delta, rho, expected):
    assert imbalance_excess(rho, delta) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("delta,rho", [(1.0, 4.0), (2.0, 16.0), (0.7, 3.0)])
def test_imbalance_excess_equals_the_excess_of_the_population_logistic_minimiser(delta, rho):
    """Independent route: minimise the exact quadrature risk with prior odds rho (IMB-1) and score
    the minimiser with the JAX closed form (float64)."""
    mu_0, mu_1 = means_for_delta(3, delta)
    cov = np.eye(3)
    sources = [me.Source(mu_1, cov, 1.0, rho), me.Source(mu_0, cov, 0.0, 1.0)]
    theta = me.population_minimiser(sources, bayes_rule_p(mu_0, mu_1, cov))
    with jax.enable_x64(True):
        error = gr.balanced_error(jnp.asarray(theta[:-1]), theta[-1], jnp.asarray(mu_0), jnp.asarray(mu_1),
                                  jnp.asarray(cov))
    assert theta[-1] == pytest.approx(np.log(rho), abs=1e-9)
    assert float(error) - bayes_balanced_error(delta) == pytest.approx(imbalance_excess(rho, delta), abs=1e-10)
