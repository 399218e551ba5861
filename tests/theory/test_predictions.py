"""The O(1/n) predictions against independent references: simulated fits and the IMB-1 closed form."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from synthlaw.models.logistic import fit_logistic
from synthlaw.sims.gaussian import draw
from synthlaw.sims.geometry import bayes_rule_p, means_for_delta
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions.oversampling import (
    fisher_variance,
    limit_imbalance_excess,
    oversampling_excess,
    rule_risk,
    training_sources,
)


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


def test_class_weighted_erm_pays_rho_plus_one_over_two_times_perfect_oversampling():
    """IMB-2's rival. Both fits have A = rho n_min (E_0[hess] + E_1[hess]); weighting the minority by rho
    makes B = rho^2 n_min C_0 + rho n_min C_1 where balancing gives rho n_min (C_0 + C_1). The classes are
    mirror images about the Bayes boundary, so C_0 and C_1 add the same to tr(H V): ratio (rho + 1) / 2."""
    for rho in (2.0, 4.0):
        weighted = oversampling_excess(3, 2.0, 500, rho * 500, 0, minority_weight=rho)
        balanced = oversampling_excess(3, 2.0, 500, rho * 500, (rho - 1) * 500)
        assert abs(weighted.bias) < 1e-12 and abs(weighted.drift) < 1e-12
        assert abs(weighted.variance / balanced.variance - (rho + 1) / 2) < 1e-9


def test_fisher_variance_exceeds_the_sandwich_by_the_mean_gradient_term():
    """IMB-2's wrong theory: with class counts fixed, A - B = sum_s count_s g_s g_s' (g_s a source's
    mean gradient), so tr(H A^{-1})/2 - tr(H V)/2 = tr(H A^{-1} G A^{-1})/2 > 0."""
    mu_0, mu_1, cov, sources = training_sources(5, 2.0, 500, 2000, 1500)
    theta = me.population_minimiser(sources, bayes_rule_p(mu_0, mu_1, cov))
    a_inv = np.linalg.inv(me.hessian_A(theta, sources))
    g_ps = [me.expect_vector(me.ce_residual(s.y), theta, s.mu_d, s.cov_dd) for s in sources]
    g_pp = sum(s.count * np.outer(g, g) for s, g in zip(sources, g_ps, strict=True))
    hess = rule_risk(mu_0, mu_1, cov)(theta)[2]
    gap = fisher_variance(5, 2.0, 500, 2000, 1500) - oversampling_excess(5, 2.0, 500, 2000, 1500).variance
    assert gap > 0
    assert np.isclose(gap, 0.5 * np.trace(hess @ a_inv @ g_pp @ a_inv), rtol=1e-8, atol=0)
