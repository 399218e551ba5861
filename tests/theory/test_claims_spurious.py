"""Setting S theory against independent references, and SPU-1/SPU-2 checks with negative controls."""

import jax
import jax.numpy as jnp
import numpy as np
from scipy import integrate, stats
from sklearn.linear_model import LogisticRegression

from synthlaw.sims.spurious import group_counts, group_means, means_for, sample
from synthlaw.theory.claim import verdict
from synthlaw.theory.claims_spurious import SPU_1, SPU_2, SPU_3
from synthlaw.theory.spurious_risk import erm_minimiser, group_cross_entropy, group_errors, law_s


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


SMALL_1 = {**SPU_1.quick, "p": [0.1, 0.5], "n": 2000, "seeds": 16}
SMALL_2 = {**SPU_2.quick, "n": [400, 800, 1600, 3200], "seeds": 24}
SMALL_3 = {**SPU_3.quick, "n_group": 2048, "seeds": 24}


def test_spu1_passes_and_its_negative_control_fails():
    claim = SPU_1
    columns = claim.measure(SMALL_1, jax.random.key(0))
    prediction = claim.predict(SMALL_1)
    assert verdict(claim, claim.judge(columns, SMALL_1, prediction)) == "PASS"
    no_reliance = {**prediction, "worst": np.full(2, prediction["bayes"])}
    assert verdict(claim, claim.judge(columns, SMALL_1, no_reliance)) == "FAIL"


def test_spu2_passes_and_its_negative_control_fails():
    claim = SPU_2
    columns = claim.measure(SMALL_2, jax.random.key(0))
    prediction = claim.predict(SMALL_2)
    assert verdict(claim, claim.judge(columns, SMALL_2, prediction)) == "PASS"
    slow_rate = {**prediction, "n_exponent": -0.5}
    assert verdict(claim, claim.judge(columns, SMALL_2, slow_rate)) == "FAIL"


def test_spu3_passes_and_a_flat_floor_fails():
    columns = SPU_3.measure(SMALL_3, jax.random.key(0))
    prediction = SPU_3.predict(SMALL_3)
    assert verdict(SPU_3, SPU_3.judge(columns, SMALL_3, prediction)) == "PASS"
    assert verdict(SPU_3, SPU_3.judge(columns, SMALL_3, {**prediction, "n_exponent": 0.0})) == "FAIL"
