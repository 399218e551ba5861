"""IMB-5: random oversampling as ERM with Multinomial copy weights, against independent references (a
direct sandwich, the classes' mirror symmetry, numpy's Multinomial draws, the loss-weighted fit), and
its realistic wrong theories each failing the check it is about on the verify key."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from synthlaw.models.logistic import STEPS_GAUSSIAN, fit_logistic
from synthlaw.settings import ConfigError
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.gaussian import draw
from synthlaw.sims.geometry import bayes_rule_p, means_for_delta
from synthlaw.theory.claims import imb5, registry
from synthlaw.theory.claims.check import verdict
from synthlaw.theory.experiments.oversampling import CLASS_WEIGHTS
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions.oversampling import (
    copy_weight_moments,
    gaussian_law,
    oversampling_excess,
    random_oversampling_excess,
    random_oversampling_second_order,
    rule_risk,
    training_sources,
)
from synthlaw.theory.predictions.second_order import second_order_excess
from synthlaw.theory.predictions.zero_one import class_directions
from synthlaw.theory.runner.verify import claim_key


def test_copy_weight_moments_match_multinomial_draws():
    """E[1 + K] and E[(1 + K)^2] of 200 000 rows' copy counts, K ~ Multinomial(m, 1/n_min) per draw:
    within 5 Monte-Carlo standard errors (the sample's own spread over sqrt(draws))."""
    n_min, n_maj = 50, 200
    k_sn = np.random.default_rng(0).multinomial(n_maj - n_min, np.full(n_min, 1 / n_min), size=4000)
    w = (1 + k_sn).ravel().astype(float)
    mean, square = copy_weight_moments(n_min, n_maj)
    assert np.isclose(w.mean(), mean, rtol=1e-12, atol=0)  # sum_i K_i = m in every draw: the mean is exact
    assert abs((w**2).mean() - square) < 5 * (w**2).std() / np.sqrt(w.size)


def test_random_oversampling_is_class_weights_plus_the_copies_meat():
    """The effective-source shortcut against the sandwich written out: theta* and A as with class
    weights rho, B = B_weights + (m/n_min)(1 - 1/n_min) n_min Cov_0[grad ce]; the drift vanishes for
    both (theta* is the Bayes rule, where grad R = 0)."""
    d, sep, n_min, n_maj = 3, 2.0, 150, 600
    mu_0, mu_1, cov, sources = training_sources(d, sep, n_min, n_maj, 0, minority_weight=n_maj / n_min)
    theta = me.population_minimiser(sources, bayes_rule_p(mu_0, mu_1, cov))
    a_inv = np.linalg.inv(me.hessian_A(theta, sources))
    m = n_maj - n_min
    meat = me.gradient_covariance_B(theta, sources) + (m / n_min) * (1 - 1 / n_min) * me.gradient_covariance_B(
        theta, [me.Source(mu_0, cov, 0.0, float(n_min))])
    hess = rule_risk(mu_0, mu_1, cov)(theta)[2]
    ros = random_oversampling_excess(d, sep, n_min, n_maj)
    assert np.isclose(ros.variance, 0.5 * np.trace(hess @ a_inv @ meat @ a_inv), rtol=1e-8, atol=0)
    assert abs(ros.bias) < 1e-12 and abs(ros.drift) < 1e-12


@pytest.mark.parametrize("rho", [2, 4, 8])
def test_the_three_arms_in_closed_form(rho):
    """The classes are mirror images about the Bayes boundary, so a source's rows add to tr(H V) in
    proportion to count x weight^2 alone (same per-row unit c for either class): class weights
    n_min rho^2 + n_maj = n_maj (rho + 1), random oversampling that plus m (1 - 1/n_min), a perfect
    generator 2 n_maj. Hence ROS / weights = 1 + (rho - 1)(1 - 1/n_min) / (rho (rho + 1)) and
    perfect / weights = 2 / (rho + 1) (notes/IMB-5.md)."""
    n_min = 120
    weights = oversampling_excess(4, 1.5, n_min, rho * n_min, 0, minority_weight=rho).total
    ros = random_oversampling_excess(4, 1.5, n_min, rho * n_min).total
    perfect = oversampling_excess(4, 1.5, n_min, rho * n_min, (rho - 1) * n_min).total
    assert np.isclose(ros / weights, 1 + (rho - 1) * (1 - 1 / n_min) / (rho * (rho + 1)), rtol=1e-9)
    assert np.isclose(perfect / weights, 2 / (rho + 1), rtol=1e-9)


def test_equal_copies_fit_the_same_rule_as_loss_weights():
    """The class-weights arm writes weight rho as rho - 1 exact copies of each minority row: the same
    objective, so the same fit up to float32 rounding of the sums (1e-4 of |theta| ~ 1)."""
    rho, n_min, d = 3, 40, 2
    mu_0, mu_1 = means_for_delta(d, 2.0)
    x_min = draw(n_min, mu_0, jnp.eye(d), key=jax.random.key(1))
    x_maj = draw(rho * n_min, mu_1, jnp.eye(d), key=jax.random.key(2))
    copies = CLASS_WEIGHTS.fn(x_min, (rho - 1) * n_min, key=None, n_real=n_min, law=None).x_nd
    x_copied = jnp.concatenate([x_min, copies, x_maj])
    y_copied = jnp.concatenate([jnp.zeros(rho * n_min), jnp.ones(rho * n_min)])
    copied = fit_logistic(x_copied, y_copied, jnp.ones(2 * rho * n_min), n_steps=STEPS_GAUSSIAN)
    weighted = fit_logistic(jnp.concatenate([x_min, x_maj]), y_copied[n_min * (rho - 1):],
                            jnp.concatenate([jnp.full(n_min, float(rho)), jnp.ones(rho * n_min)]),
                            n_steps=STEPS_GAUSSIAN)
    np.testing.assert_allclose(np.append(copied.w_d, copied.b), np.append(weighted.w_d, weighted.b), atol=1e-4)


def test_the_three_arms_run_as_branches_of_one_sweep():
    """Class weights (parents by position), ROS (random parents) and the perfect generator (no parents) are
    branches of one lax.switch, whose outputs must have one type: 8 seeds of IMB-5's sweep run and give a
    finite excess for every arm (50e7bae broke this, its branches returning bases of three kinds; only
    `make verify` saw it)."""
    config = registry()["IMB-5"].config(True, {"seeds": 8, "rho": [2.0], "n_min": [100]})
    columns = imb5.measure(config, key=jax.random.key(0), options=SweepOptions())
    assert len(np.unique(columns["generator"])) == 3 and np.all(np.isfinite(columns["excess"]))


def test_a_non_integer_rho_is_refused_in_one_line():
    with pytest.raises(ConfigError, match=r"^IMB-5\.rho = 2\.5: must be .*an integer > 1"):
        registry()["IMB-5"].config(True, {"rho": [2.5, 4.0]})


@pytest.mark.slow  # measures the quick config: about 70 s on the loaded 2-core machine
def test_each_wrong_theory_fails_the_check_it_is_about():
    """On the verify key the correct prediction PASSes; 'copies as new rows' and 'a bootstrap of n_maj
    rows' FAIL random oversampling's curve and the gap; 'Fisher variance' FAILs class weights' curve."""
    claim = registry()["IMB-5"]
    columns = claim.measure(claim.quick, key=claim_key(claim.id, 0), options=SweepOptions())
    prediction = claim.predict(claim.quick)
    right = claim.judge(columns, claim.quick, prediction)
    assert verdict(claim, right) == "PASS", [c for c in right if not c.passed]

    def failing(wrong):
        return {(c.label.split(",")[0], c.quantity.split(":")[0]) for c in claim.judge(columns, claim.quick, wrong)
                if not c.passed}

    ros_curve = ("random oversampling", "whole curve")
    gap = ("random oversampling - class weights", "whole curve")
    assert {ros_curve, gap} <= failing(imb5.ros_as_new_rows(prediction))
    assert {ros_curve, gap} <= failing(imb5.ros_bootstrap(prediction))
    assert ("class weights", "whole curve") in failing(imb5.weights_fisher(prediction))


def test_every_arm_carries_the_n_minus_2_term_an_independent_simulation_measured():
    """Class weights at rho = 2 (d = 5, Delta = 2): the prediction's excess over the O(1/n) one, times n_min,
    relative to it, is the n^-2 coefficient; an independent NumPy simulation fitted 1.792 +- 0.063
    (docs/second_order.md, section 6): within 3 of its standard errors. Random oversampling's and the gap's
    predictions carry random_oversampling_second_order on top of their O(1/n) terms."""
    config = registry()["IMB-5"].quick
    prediction = imb5.predict(config)
    for i, p in enumerate(imb5.points(config)):
        first = oversampling_excess(config.d, config.separation, p["n_min"], p["n_maj"], 0, minority_weight=p["rho"])
        if p["rho"] == 2:
            coefficient = p["n_min"] * (prediction["excess"]["weights"][i] / first.total - 1)
            assert abs(coefficient - 1.792) < 3 * 0.063, coefficient
        ros = random_oversampling_excess(config.d, config.separation, p["n_min"], p["n_maj"]).total
        second = random_oversampling_second_order(config.d, config.separation, p["n_min"], p["n_maj"])
        assert np.isclose(prediction["excess"]["ros"][i], ros + second, rtol=1e-12)
        assert np.isclose(prediction["gap"][i], prediction["excess"]["ros"][i] - prediction["excess"]["weights"][i])


def test_the_copies_n_minus_2_term_at_the_mean_split_is_its_mean_over_multinomial_counts():
    """random_oversampling_second_order evaluates the fixed-weight O(n^-2) term at the mean split of the copy
    counts; its mean over 400 Multinomial draws of the counts (each draw's rows grouped by weight, the same
    fixed-weight term) agrees within 4 Monte-Carlo standard errors plus the O(n^-3) gap the docstring bounds:
    Var(sum (1 + K)^2) / (E sum (1 + K)^2)^2 of the term (0.17% here; one draw's term spreads by 29%)."""
    d, sep, n_min, n_maj = 3, 2.0, 40, 120
    mu_0, mu_1, cov = gaussian_law(d, sep)
    risk = class_directions(mu_0, mu_1, cov)
    theta = bayes_rule_p(mu_0, mu_1, cov)
    rng = np.random.default_rng(5)
    terms, squares = [], []
    for k_n in rng.multinomial(n_maj - n_min, np.full(n_min, 1 / n_min), size=400):
        weights, counts = np.unique(1 + k_n, return_counts=True)
        sources = [me.Source(mu_1, cov, 1.0, float(n_maj))] + [
            me.Source(mu_0, cov, 0.0, float(c), float(w)) for w, c in zip(weights, counts, strict=True)]
        terms.append(second_order_excess(sources, me.population_minimiser(sources, theta), risk))
        squares.append(float(np.sum((1 + k_n) ** 2)))
    at_mean_split = random_oversampling_second_order(d, sep, n_min, n_maj)
    o_n3 = np.var(squares) / np.mean(squares) ** 2 * abs(at_mean_split)
    assert o_n3 < 0.02 * abs(at_mean_split)
    assert abs(np.mean(terms) - at_mean_split) < 4 * np.std(terms) / np.sqrt(len(terms)) + o_n3
