"""IMB-6: SMOTE's row law and the sandwich over data sets (theory/predictions/smote_law.py).

The Monte Carlo machinery is checked where an exact answer exists (independent synthetic rows: the
Gaussian sandwich of m_estimation; copies: IMB-5's exact excess of random oversampling), the NumPy
SMOTE draw against models/smote.generate, and the quick run's checks against the note's account."""

import functools

import jax
import numpy as np
import pytest

from synthlaw.models import smote
from synthlaw.settings import ConfigError
from synthlaw.sims import geometry
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.theory.claims import imb6, registry
from synthlaw.theory.claims.imb6 import Imb6Config, crossing_dimension, point_checks
from synthlaw.theory.experiments.oversampling import ROS_SMOTE_BASES
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import smote_law
from synthlaw.theory.predictions.oversampling import (
    copy_weight_moments,
    gaussian_law,
    random_oversampling_excess,
    rule_risk,
)
from synthlaw.theory.stats.controls import regression_control
from synthlaw.theory.stats.intervals import curve_ratio


def shrunk_gaussian(x_rnd, m, rng, *, scale):
    """Independent synthetic rows N(0, scale^2 I), unrelated to the real rows (their bases are drawn
    anyway: the Monte Carlo's copy control reads them)."""
    count, n, d = x_rnd.shape
    return scale * rng.standard_normal((count, m, d)), rng.integers(0, n, (count, m))


@pytest.mark.slow
def test_the_monte_carlo_sandwich_matches_the_exact_one_for_independent_rows():
    """Rows from N(mu_0, 0.36 I), independent of the data: every term has the exact Gaussian value of
    m_estimation.expected_excess; the Monte Carlo must land within 4 of its own standard errors
    (plus its stated bias) of it, on each term and on the total."""
    d, n_min, n_maj, scale = 8, 100, 400, 0.6
    got = smote_law.synthetic_excess(d, 2.0, n_min, n_maj, functools.partial(shrunk_gaussian, scale=scale))
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, 2.0)
    sources = [me.Source(mu_1_d, cov_dd, 1.0, n_maj), me.Source(mu_0_d, cov_dd, 0.0, n_min),
               me.Source(mu_0_d, scale**2 * cov_dd, 0.0, n_maj - n_min)]
    exact = me.expected_excess(rule_risk(mu_0_d, mu_1_d, cov_dd), geometry.bayes_balanced_error(2.0), sources,
                               geometry.bayes_rule_p(mu_0_d, mu_1_d, cov_dd))
    assert abs(got.terms.total - exact.total) <= 4 * got.mc_se + got.mc_bias
    assert abs(got.shrinkage - scale**2) < 0.01  # 10^6 pairs: the standard error of E z^2 is ~0.001
    # independent rows: the covariances between data sets' rows vanish, so both variances agree
    assert got.independent_variance == pytest.approx(got.terms.variance, rel=0.05)


def test_the_numpy_smote_draw_has_the_generators_neighbours_and_segments():
    """Same real rows: every NumPy SMOTE row lies on a segment from its base row to one of the k
    nearest other rows that models/smote.nearest_neighbours finds."""
    rng = np.random.default_rng(0)
    x_rnd = rng.standard_normal((3, 40, 5))
    k = 3
    z_rmd, base_rm = smote_law.smote_rows(x_rnd, 200, rng, k=k)
    for x_nd, z_md, base_m in zip(x_rnd, z_rmd, base_rm, strict=True):
        neighbours_nk = np.asarray(smote.nearest_neighbours(jax.numpy.asarray(x_nd), k, len(x_nd)))
        for z_d, i in zip(z_md, base_m, strict=True):
            # z = x_i + u (x_j - x_i), i the returned base: some j in N(i) puts z on the segment
            offsets_kd = x_nd[neighbours_nk[i]] - x_nd[i]
            u_k = offsets_kd @ (z_d - x_nd[i]) / np.sum(offsets_kd**2, axis=1)
            residual_k = np.linalg.norm(x_nd[i] + u_k[:, None] * offsets_kd - z_d, axis=1)
            assert np.any((residual_k < 1e-9) & (u_k >= 0) & (u_k <= 1))


def test_the_smote_row_spread_matches_the_jax_generator():
    """E[z^2] of one coordinate (the shrinkage) from both draws, 400 data sets each at d = 4, n = 50:
    standard error ~0.005 each, so they must agree within 0.03."""
    d, n, m, k = 4, 50, 100, 5
    rng = np.random.default_rng(1)
    x_rnd = rng.standard_normal((400, n, d))
    numpy_rows, _ = smote_law.smote_rows(x_rnd, m, rng, k=k)
    keys = jax.random.split(jax.random.key(0), len(x_rnd))
    jax_rows = np.asarray(jax.vmap(lambda x, key: smote.generate(x, m, k, key=key).x_nd)(jax.numpy.asarray(x_rnd),
                                                                                            keys))
    assert np.mean(numpy_rows**2) == pytest.approx(np.mean(jax_rows**2), abs=0.03)
    assert np.mean(numpy_rows**2) < 0.97  # interpolants shrink the spread: Blagus and Lusa


def copies(x_rnd, m, rng):
    """Random oversampling: m rows copied from uniformly drawn real rows (their bases) of each data set."""
    pick_rm = rng.integers(0, x_rnd.shape[1], (len(x_rnd), m))
    return np.take_along_axis(x_rnd, pick_rm[:, :, None], axis=1), pick_rm


@pytest.mark.slow
def test_the_monte_carlo_over_data_sets_recovers_the_exact_excess_of_copies():
    """Copies depend on their parents as SMOTE's rows do (shared parents, rows tied to real rows), and
    their excess is exact (IMB-5's multinomial weights): the data-set Monte Carlo must land within 4
    of its standard errors (plus its stated bias) of it; the same rows taken as independent draws
    (the wrong theory of IMB-6) must not."""
    d, n_min, n_maj = 8, 100, 400
    got = smote_law.synthetic_excess(d, 2.0, n_min, n_maj, copies)
    exact = random_oversampling_excess(d, 2.0, n_min, n_maj)
    assert abs(got.terms.total - exact.total) <= 4 * got.mc_se + got.mc_bias
    assert abs(got.terms.bias) < 4 * got.mc_se  # copies keep the law: theta* is the Bayes rule
    assert got.independent_variance < 0.5 * exact.variance


def test_a_bad_imb6_config_names_the_field_and_what_is_allowed():
    claim = registry()["IMB-6"]
    with pytest.raises(ConfigError, match=r"^IMB-6\.d = .*must be increasing"):
        claim.config(True, {"d": [8, 2]})
    with pytest.raises(ConfigError, match=r"^IMB-6\.n_min = 5: must exceed the largest k = 5"):
        claim.config(True, {"n_min": 5})
    with pytest.raises(ConfigError, match=r"^IMB-6\.judged_up_to = 1: "):
        claim.config(True, {"judged_up_to": 1})


def test_the_crossing_dimension_needs_smote_to_help_beyond_the_monte_carlo_error_first():
    d_g, mc_g = np.array([2.0, 8.0, 64.0]), np.full(3, 1e-4)
    # a gap of -2e-6 at d = 2 is a tie within the Monte Carlo error, not SMOTE helping
    assert np.isnan(crossing_dimension(d_g, np.array([-2e-6, 7e-4, 1e-2]), mc_g))
    # better by 5e-4 at d = 2, worse by 5e-4 at d = 8: the crossing is halfway in log d, at 4
    assert crossing_dimension(d_g, np.array([-5e-4, 5e-4, 1e-2]), mc_g) == pytest.approx(4.0)
    assert crossing_dimension(d_g, np.full(3, -5e-4), mc_g) == np.inf


def test_each_d_catches_a_curve_whose_errors_cancel_in_the_whole_curve_ratio():
    """Skewed seeds (chi^2_5 / 5 times the truth, the law of an excess) against a prediction tilted over d
    with the truth's sum: the ratio of sums holds 1, the check at each d does not, while the truth
    itself passes every point."""
    truth_g = np.array([1e-3, 2e-3, 4e-3])
    values_sg = truth_g * np.random.default_rng(0).chisquare(5, (3072, 3)) / 5
    tilted_g = truth_g * np.array([1.3, 1.1, (7 - 1.3 - 2.2) / 4])  # sum(tilted_g) == sum(truth_g)
    assert tilted_g.sum() == pytest.approx(truth_g.sum())
    whole = curve_ratio(values_sg, tilted_g)
    assert whole.lo <= 1.0 <= whole.hi

    def passes(prediction_g):
        return [c.passed for c in point_checks("x", [2, 4, 8], values_sg, prediction_g, np.zeros(3), "excess", "")]

    assert passes(truth_g) == [True, True, True]
    # the tilted ratios 0.77, 0.91 and 1.14 against a 99.9% half-width of 3.29 sqrt(2/5 / 3072) = 0.038
    assert passes(tilted_g) == [False, False, False]


def test_the_copy_control_has_its_exact_mean_and_cuts_the_variance_terms_error():
    """SMOTE k = 5 at d = 4, scores of SCORE_DATASETS data sets at the Bayes rule: the copy form's mean
    is its exact value tr(M n_min E[w^2] Cov psi) within 4 standard errors (so the control keeps the
    variance term's mean), the controlled mean agrees with the plain one, and the control cuts the
    variance of q at least fourfold (measured: tenfold here, sixfold at d = 8)."""
    d, n_min, n_maj = 4, 100, 400
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, 2.0)
    theta_p = geometry.bayes_rule_p(mu_0_d, mu_1_d, cov_dd)
    sources = [me.Source(mu_1_d, cov_dd, 1.0, n_maj), me.Source(mu_0_d, cov_dd, 0.0, n_maj)]
    a_inv_pp = np.linalg.inv(me.hessian_A(theta_p, sources))
    m_pp = a_inv_pp @ rule_risk(mu_0_d, mu_1_d, cov_dd)(theta_p)[2] @ a_inv_pp / 2
    scores = smote_law.DatasetScores.sample(d, n_min, n_maj - n_min, functools.partial(smote_law.smote_rows, k=5),
                                            np.random.default_rng(3), mu_0_d, theta_p[None], np.zeros((1, d + 1)))
    copy_r = smote_law.quadratic_form(scores.copy_trp[0], m_pp)
    copies = me.Source(mu_0_d, cov_dd, 0.0, n_min * copy_weight_moments(n_min, n_maj)[1])
    copy_mean = float(np.trace(m_pp @ me.gradient_covariance_B(theta_p, [copies])))
    assert abs(copy_r.mean() - copy_mean) <= 4 * copy_r.std(ddof=1) / np.sqrt(len(copy_r))
    plain_r = smote_law.quadratic_form(scores.s_trp[0], m_pp)
    controlled_r = regression_control(plain_r, copy_r, copy_mean)
    assert abs(controlled_r.mean() - plain_r.mean()) <= 4 * plain_r.std(ddof=1) / np.sqrt(len(plain_r))
    assert controlled_r.var() * 4 <= plain_r.var()


def test_ros_copies_the_rows_smote_interpolates_from_so_the_gap_is_paired_in_its_bases():
    """ROS_SMOTE_BASES draws smote.generate's bases for the same key (the law of random oversampling: uniform,
    independent bases), and in IMB-6's sweep every fit of a seed shares them: ROS's copy score equals each SMOTE
    fit's, which an independent base draw would make equal with probability 0."""
    x = jax.numpy.asarray(np.random.default_rng(0).normal(size=(30, 3)), jax.numpy.float32)
    key = jax.random.key(3)
    base = np.asarray(smote.generate(x, 200, 5, key=key, n_real=25).parents_nk[:, 0])
    copies = ROS_SMOTE_BASES.fn(x, 200, key=key, n_real=25, law=None)
    np.testing.assert_array_equal(np.asarray(copies.parents_nk[:, 0]), base)
    np.testing.assert_array_equal(np.asarray(copies.x_nd), np.asarray(x)[base])
    assert base.max() < 25 and len(np.unique(base)) > 20  # 200 uniform draws miss a given row of 25 w.p. 3e-4

    config = Imb6Config(separation=2.0, rho=4.0, n_min=20, d=(2,), k=(1, 5), judged_up_to=2, seeds=4)
    cols = imb6.measure(config, key=jax.random.key(0), options=SweepOptions())
    for column in ("control_copy_q", "control_copy_first", "control_copy_intercept"):
        by_generator = [cols[column][cols["generator"] == g] for g in imb6.generator_names(config)]
        np.testing.assert_allclose(by_generator[1], by_generator[0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(by_generator[2], by_generator[0], rtol=1e-5, atol=1e-6)
    ros, smote_1 = (cols["excess"][cols["generator"] == g] for g in imb6.generator_names(config)[:2])
    assert not np.allclose(ros, smote_1)  # the fits themselves differ: SMOTE's rows are not the copies
