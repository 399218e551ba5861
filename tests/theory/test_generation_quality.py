"""GEN-2's quality numbers against independent references, and its config rules."""

import numpy as np
import pytest
from scipy import linalg, stats

from synthlaw.figures.generation import figure_gen2
from synthlaw.settings import ConfigError
from synthlaw.theory.claims import registry
from synthlaw.theory.risks import generation_quality as gq

SEEDS = 20


def test_gaussian_fit_kl_matches_monte_carlo():
    """The closed form against the average log-density difference under the fitted law (scipy)."""
    rng = np.random.default_rng(0)
    d = 3
    x_nd = rng.normal(size=(50, d)) @ np.diag([1.5, 0.7, 1.0]) + 0.4
    mu_d, cov_dd = rng.normal(size=d), np.eye(d) + 0.3 * np.ones((d, d))
    m_d, s_dd = x_nd.mean(0), np.cov(x_nd, rowvar=False)
    z_nd = rng.multivariate_normal(m_d, s_dd, size=200_000)
    log_ratio_n = (stats.multivariate_normal(m_d, s_dd).logpdf(z_nd)
                   - stats.multivariate_normal(mu_d, cov_dd).logpdf(z_nd))
    se = log_ratio_n.std() / np.sqrt(len(log_ratio_n))
    assert abs(gq.gaussian_fit_kl(x_nd, mu_d, cov_dd) - log_ratio_n.mean()) < 4 * se


def test_frechet_distance_matches_scipy_sqrtm():
    rng = np.random.default_rng(1)
    x_nd = rng.normal(size=(80, 3)) * np.array([2.0, 1.0, 0.5])[None, :]
    mu_d, cov_dd = np.array([0.5, 0.0, -1.0]), np.eye(3) + 0.5 * np.ones((3, 3))
    m_d, s_dd = x_nd.mean(0), np.cov(x_nd, rowvar=False)
    reference = np.sum((m_d - mu_d) ** 2) + np.trace(s_dd + cov_dd - 2 * np.real(linalg.sqrtm(s_dd @ cov_dd)))
    assert gq.frechet_distance(x_nd, mu_d, cov_dd) == pytest.approx(reference, rel=1e-6)
    assert gq.frechet_distance(x_nd, m_d, s_dd) == pytest.approx(0.0, abs=1e-9)


def population_mmd2(shift_d, bandwidth):
    """MMD^2 of N(0, I) and N(shift, I) under the Gaussian kernel, in closed form."""
    h2, d = bandwidth**2, len(shift_d)
    scale = (h2 / (h2 + 2.0)) ** (d / 2)
    return 2.0 * scale * (1.0 - np.exp(-shift_d @ shift_d / (2.0 * (h2 + 2.0))))


@pytest.mark.parametrize("shift", [0.0, 0.5])
def test_mmd2_is_unbiased_for_the_closed_form(shift):
    """Over SEEDS pairs of samples, the mean estimate is within 4 SE of the population MMD^2
    (0 for the same law, > 0 for shifted means)."""
    rng = np.random.default_rng(2)
    d, h = 2, np.sqrt(2.0)
    shift_d = np.array([shift, 0.0])
    values_s = np.array([gq.mmd2(rng.normal(size=(200, d)), rng.normal(size=(200, d)) + shift_d[None, :], h)
                         for _ in range(SEEDS)])
    se = values_s.std(ddof=1) / np.sqrt(SEEDS)
    assert abs(values_s.mean() - population_mmd2(shift_d, h)) < 4 * se
    if shift:
        assert values_s.mean() - 4 * se > 0


def test_memorisation_rate_of_copies_and_of_fresh_draws():
    """Copies of training rows score 1; fresh draws of the same law score about one half, since a
    fresh row's nearest training row is about as close as a training row's nearest other row."""
    rng = np.random.default_rng(3)
    train_md = rng.normal(size=(200, 2))
    assert gq.memorisation_rate(train_md[rng.integers(0, 200, 300)], train_md) == 1.0
    rates_s = np.array([gq.memorisation_rate(rng.normal(size=(300, 2)), rng.normal(size=(200, 2)))
                        for _ in range(SEEDS)])
    se = rates_s.std(ddof=1) / np.sqrt(SEEDS)
    assert abs(rates_s.mean() - 0.5) < 4 * se


def test_gen2_is_registered_reported_and_checked_at_the_boundary():
    gen_2 = registry()["GEN-2"]
    assert gen_2.reported_only and gen_2.figure is figure_gen2
    with pytest.raises(ConfigError, match="n_bins"):
        gen_2.config(True, {"n_bins": 1})
    with pytest.raises(ConfigError, match="n_min"):
        gen_2.config(True, {"n_min": 4})
