"""Setting S risks and population minimisers against independent references."""

import jax
import jax.numpy as jnp
import numpy as np
from scipy import integrate, stats
from sklearn.linear_model import LogisticRegression

from synthlaw.sims.spurious import group_counts, group_means, means_for, sample
from synthlaw.theory.predictions.spurious import erm_minimiser, law_s
from synthlaw.theory.risks.spurious import group_cross_entropy, group_errors


def test_group_errors_match_closed_form_per_group():
    mean_gp = np.asarray(group_means(*means_for(2, 1, 1.0, 0.5)))
    theta_p = np.array([1.2, -0.3, 0.8, 0.1])
    expected = []
    for y, m_p in zip((-1, -1, 1, 1), mean_gp):
        u_mean, u_sd = m_p @ theta_p[:-1] + theta_p[-1], np.linalg.norm(theta_p[:-1])
        expected.append(stats.norm.cdf(u_mean / u_sd) if y < 0 else stats.norm.sf(u_mean / u_sd))
    np.testing.assert_allclose(group_errors(jnp.asarray(theta_p), jnp.asarray(mean_gp)), expected, rtol=1e-5)


def test_group_cross_entropy_matches_scipy_quad():
    with jax.enable_x64(True):
        mean_gp, _ = law_s(1, 2, 1.0, 0.8)
        theta_p = np.array([1.5, 0.4, -0.2, 0.3])
        ce_g = np.asarray(group_cross_entropy(jnp.asarray(theta_p), mean_gp))
    mean_gp = np.asarray(mean_gp)
    for g, y in enumerate((-1, -1, 1, 1)):
        m = mean_gp[g] @ theta_p[:-1] + theta_p[-1]
        s = np.linalg.norm(theta_p[:-1])
        ref = integrate.quad(lambda u: np.logaddexp(0, -y * u) * stats.norm.pdf(u, m, s), m - 12 * s, m + 12 * s,
                             epsabs=1e-13, epsrel=1e-12, limit=200)[0]
        assert abs(ce_g[g] - ref) < 1e-9


def test_population_minimiser_matches_sklearn_on_a_large_sample():
    counts = group_counts(200_000, 0.1)
    x_np, y_n, _, _ = sample(jax.random.key(3), counts, *means_for(2, 2, 1.0, 1.0))
    fit = LogisticRegression(C=1e6, max_iter=1000).fit(np.asarray(x_np, np.float64), np.asarray(y_n))
    theta_p = np.asarray(erm_minimiser(2, 2, 1.0, 1.0, 0.1))
    sklearn_p = np.append(fit.coef_[0], fit.intercept_[0])
    # sd of a coefficient at n = 2e5 is about 1/sqrt(n) times O(1); 5e-2 is > 10 sd
    np.testing.assert_allclose(sklearn_p, theta_p, atol=5e-2)
    assert theta_p[2] > 0.5  # weight on x_spur
