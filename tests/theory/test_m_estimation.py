import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models.logistic import fit_logistic
from synthlaw.sims.geometry import bayes_rule_p, means_for_delta
from synthlaw.theory.predictions import m_estimation as me


def test_sandwich_covariance_matches_the_spread_of_fitted_coefficients():
    """V = A^-1 B A^-1 against the covariance of 400 independent weighted fits (float64)."""
    n_0, n_1, weight_1 = 300, 900, 0.5
    with jax.enable_x64(True):
        mu_0, mu_1 = (jnp.asarray(m, jnp.float64) for m in means_for_delta(2, 1.5))
        cov = jnp.eye(2, dtype=jnp.float64)
        sources = [me.Source(mu_0, cov, 0.0, n_0, 1.0), me.Source(mu_1, cov, 1.0, n_1, weight_1)]
        theta = me.population_minimiser(sources, bayes_rule_p(mu_0, mu_1, cov))
        v = np.asarray(me.sandwich_V(theta, sources))

        def fit(key):
            k0, k1 = jax.random.split(key)
            x = jnp.concatenate([mu_0[None, :] + jax.random.normal(k0, (n_0, 2), jnp.float64),
                                 mu_1[None, :] + jax.random.normal(k1, (n_1, 2), jnp.float64)])
            y = jnp.concatenate([jnp.zeros(n_0), jnp.ones(n_1)])
            weight = jnp.concatenate([jnp.ones(n_0), jnp.full(n_1, weight_1)])
            w, b, _ = fit_logistic(x, y, weight)
            return jnp.append(w, b)

        thetas = np.asarray(jax.vmap(fit)(jax.random.split(jax.random.key(0), 400)))
    empirical = np.cov(thetas.T)
    # a variance estimated from 400 draws has relative standard error sqrt(2/400) ~ 7%
    np.testing.assert_allclose(np.diag(empirical), np.diag(v), rtol=0.25)
    # the mean sits within 4 standard errors plus the O(1/n) bias of the MLE
    assert np.all(np.abs(thetas.mean(0) - np.asarray(theta)) < 4 * np.sqrt(np.diag(v) / 400) + 0.01)
