"""Setting S risks and population minimisers against independent references."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression

from synthlaw.sims.geometry import GROUP_Y, bayes_group_error, group_counts, group_means, means_for
from synthlaw.sims.spurious import draw_groups
from synthlaw.theory.predictions.spurious import discriminant_rule, erm_minimiser, group_errors, law_s, minority_error
from synthlaw.theory.risks import spurious as rs


def test_group_errors_match_closed_form_per_group():
    mean_gp = np.asarray(group_means(*means_for(2, 1, 1.0, 0.5)))
    theta_p = np.array([1.2, -0.3, 0.8, 0.1])
    expected = []
    for y, m_p in zip((-1, -1, 1, 1), mean_gp, strict=True):
        u_mean, u_sd = m_p @ theta_p[:-1] + theta_p[-1], np.linalg.norm(theta_p[:-1])
        expected.append(stats.norm.cdf(u_mean / u_sd) if y < 0 else stats.norm.sf(u_mean / u_sd))
    np.testing.assert_allclose(rs.group_errors(jnp.asarray(theta_p), jnp.asarray(mean_gp)), expected, rtol=1e-5)


def test_balanced_minimiser_is_the_bayes_rule_with_the_bayes_group_error():
    """At p = 1/2, a and y are independent: the logistic fit is well specified on x_core alone, so its
    limit is the Bayes rule (2 mu_c, 0, 0), and every group's error is Phi(-||mu_c||)."""
    mean_gp, bayes_p = law_s(2, 3, 1.3, 0.8)
    theta_p = erm_minimiser(2, 3, 1.3, 0.8, 0.5)
    np.testing.assert_allclose(theta_p, bayes_p, atol=1e-9)
    np.testing.assert_allclose(group_errors(theta_p, mean_gp), bayes_group_error(1.3), rtol=1e-12)
    with jax.enable_x64(True):
        traced = jax.jit(lambda t, m: rs.group_errors(t, m) - bayes_group_error(m[3, 0]))(theta_p, mean_gp)
    np.testing.assert_allclose(traced, 0.0, atol=1e-14)


def test_population_minimiser_matches_sklearn_on_a_large_sample():
    counts = group_counts(200_000, 0.1)
    x_gnp = np.asarray(draw_groups(max(counts), *means_for(2, 2, 1.0, 1.0), key=jax.random.key(3)), np.float64)
    x_np = np.concatenate([x_g[:c] for x_g, c in zip(x_gnp, counts, strict=True)])
    y_n = np.repeat(GROUP_Y, counts)
    fit = LogisticRegression(C=1e6, max_iter=1000).fit(x_np, y_n)
    theta_p = np.asarray(erm_minimiser(2, 2, 1.0, 1.0, 0.1))
    sklearn_p = np.append(fit.coef_[0], fit.intercept_[0])
    # sd of a coefficient at n = 2e5 is about 1/sqrt(n) times O(1); 5e-2 is > 10 sd
    np.testing.assert_allclose(sklearn_p, theta_p, atol=5e-2)
    assert theta_p[2] > 0.5  # weight on x_spur


def test_minority_error_terms_are_order_one_over_n_and_the_drift_vanishes_at_balance():
    """SPU-1's O(1/n) terms: drift and tr(HV)/2 scale exactly as 1/n (fixed group shares), the
    drift is 0 at p = 1/2 (symmetry a -> -a), and the population term is the worst-group error."""
    small, large = (minority_error(2, 2, 1.0, 1.0, p=0.2, n=n) for n in (1000, 4000))
    np.testing.assert_allclose([large.drift * 4, large.variance * 4], [small.drift, small.variance], rtol=1e-6)
    assert small.drift < 0 < small.variance
    mean_gp, _ = law_s(2, 2, 1.0, 1.0)
    np.testing.assert_allclose(small.bias, group_errors(erm_minimiser(2, 2, 1.0, 1.0, 0.2), mean_gp).max(),
                               rtol=1e-12)
    assert minority_error(2, 2, 1.0, 1.0, p=0.5, n=1000).drift == pytest.approx(0.0, abs=1e-12)


def test_discriminant_rule_matches_lda_on_a_large_sample():
    counts = group_counts(400_000, 0.1)
    x_gnp = np.asarray(draw_groups(max(counts), *means_for(2, 2, 1.0, 1.0), key=jax.random.key(5)), np.float64)
    x_np = np.concatenate([x_g[:c] for x_g, c in zip(x_gnp, counts, strict=True)])
    y_n = np.repeat(GROUP_Y, counts)
    fit = LinearDiscriminantAnalysis().fit(x_np, y_n)
    # coefficients at n = 4e5 have sd about 1/sqrt(n) times O(1): 2e-2 is > 10 sd
    np.testing.assert_allclose(np.append(fit.coef_[0], fit.intercept_[0]), discriminant_rule(2, 2, 1.0, 1.0, 0.1),
                               atol=2e-2)
