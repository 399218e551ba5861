"""The O(1/n) predictions against independent references: simulated fits and the IMB-1 closed form."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from synthlaw.models.logistic import fit_logistic
from synthlaw.sims.gaussian import draw
from synthlaw.sims.geometry import means_for_delta
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions.oversampling import limit_imbalance_excess, oversampling_excess


@pytest.mark.slow  # 47 s on the loaded 2-core machine
def test_second_order_bias_matches_the_mean_of_simulated_fits():
    """E[theta_hat] - theta* of 20 000 fits at n = 1000 against the formula: within 4 Monte-Carlo
    SE plus the O(n^-2) remainder, estimated as (p/n) |bias| (p = 3 parameters)."""
    n_0, n_1 = 200, 800
    with jax.enable_x64(True):
        mu_0, mu_1 = means_for_delta(2, 2.0)
        cov = jnp.eye(2)
        sources = [me.Source(mu_0, cov, 0.0, n_0), me.Source(mu_1, cov, 1.0, n_1)]
        theta = me.population_minimiser(sources, jnp.array([2.0, 0.0, 0.0]))
        bias = np.asarray(me.second_order_bias(theta, sources, me.sandwich_V(theta, sources)))

        def one(key):
            k_0, k_1 = jax.random.split(key)
            x = jnp.concatenate([draw(n_0, mu_0, cov, key=k_0), draw(n_1, mu_1, cov, key=k_1)])
            y = jnp.concatenate([jnp.zeros(n_0), jnp.ones(n_1)])
            return jnp.append(*fit_logistic(x, y, jnp.ones(n_0 + n_1), n_steps=30)[:2])

        dev = np.asarray(jax.jit(jax.vmap(one))(jax.random.split(jax.random.key(1), 20000))) - np.asarray(theta)
    se = dev.std(axis=0) / np.sqrt(len(dev))
    assert np.all(np.abs(dev.mean(axis=0) - bias) < 4 * se + 3 / (n_0 + n_1) * np.abs(bias))
    assert bias[0] > 8 * se[0]  # the bias is resolved, so the check has power


def test_perfect_oversampling_bias_term_is_the_imbalance_closed_form_at_rho_eff():
    """AUG-4, delta = 0: B(N) = E(rho_eff, Delta), rho_eff = n_maj / (n_min + N)."""
    for n_syn in (500, 2000, 3000, 5000):
        bias = oversampling_excess(2, 2.0, 1e9, 4e9, n_syn * 1e6).bias
        assert abs(bias - limit_imbalance_excess(4e9 / (1e9 + n_syn * 1e6), 2.0)) < 1e-9
