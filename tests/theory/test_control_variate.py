"""The control variates of a fit's excess (predictions.oversampling.score_control, AUG-4; predictions.control_variate
through augmentation.quadratic_score_control, AUG-5, spurious.minority_control, SPU-1, spurious.balanced_controls,
SPU-2, and augmentation.plugin_floor_control, AUG-2): the
sweep's score or generator-moment columns against the quadrature of their mean, and the controlled excess's mean
and spread."""

import functools
from types import SimpleNamespace

import jax
import numpy as np
import pytest

from synthlaw.models.registry import generator
from synthlaw.sims import geometry
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.theory.claims import aug2
from synthlaw.theory.experiments.augmentation import measure_augmentation
from synthlaw.theory.experiments.oversampling import measure_oversampling, smote_generator
from synthlaw.theory.experiments.reference import score_columns
from synthlaw.theory.experiments.spurious import measure_spu, mixture_rows
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import spurious
from synthlaw.theory.predictions.augmentation import (
    augmented_fit,
    augmented_sources,
    plugin_floor,
    plugin_floor_control,
    plugin_moment_errors,
    quadratic_score_control,
)
from synthlaw.theory.predictions.control_variate import quadratic_control
from synthlaw.theory.predictions.oversampling import copy_score_control, gaussian_law, population_fit, rule_risk
from synthlaw.theory.predictions.oversampling import score_control as oversampling_control
from synthlaw.theory.stats.controls import regression_controlled

D, SEPARATION, N_MIN, N_MAJ, SHIFT = 2, 2.0, 60, 240, 0.3
SEEDS = 4000
OFF_STAR_P = np.array([1.5, 0.4, 0.3])  # a reference that is not theta*, where E S != 0
M_STAR = 40  # the synthetic rows of the point whose reference is theta*


@functools.cache
def _columns():
    """One sweep: two synthetic row counts (padded to one size) at OFF_STAR_P, and M_STAR at theta*."""
    theta_star_p = population_fit(D, SEPARATION, N_MIN, N_MAJ, M_STAR, SHIFT)
    points = [_point(m, OFF_STAR_P) for m in (40, 120)] + [_point(M_STAR, theta_star_p)]
    columns = measure_oversampling(generator("shifted"), points, d=D, seeds=SEEDS, key=jax.random.key(7),
                                   options=SweepOptions(), name="test")
    return columns, np.stack([columns[f"score_{k}"] for k in range(D + 1)], axis=1).astype(np.float64)


def _point(m, theta_ref):
    return {"separation": SEPARATION, "n_min": N_MIN, "n_maj": N_MAJ, "m": m, "shift": SHIFT, "theta_ref": theta_ref}


def test_the_mean_score_is_the_gaussian_integral_at_any_reference():
    """E S at a theta_ref that is not theta* (so E S != 0) over 4000 seeds of the float32 sweep, with two
    synthetic row counts padded to one size, against score_control's quadrature: within 4 standard errors
    per coordinate. A wrong E S would bias the controlled excess, so this is the check that it has none."""
    columns, score_rp = _columns()
    for m in (40, 120):
        rows = (columns["m"] == m) & (columns["theta_ref_0"] == OFF_STAR_P[0])
        score_sp = score_rp[rows]
        _, mean_p = oversampling_control(D, SEPARATION, N_MIN, N_MAJ, m, SHIFT, "parallel", OFF_STAR_P)
        se_p = score_sp.std(axis=0, ddof=1) / np.sqrt(SEEDS)
        assert np.all(np.abs(mean_p) > 10 * se_p)  # the reference is off theta*: E S is resolved, not ~0
        np.testing.assert_array_less(np.abs(score_sp.mean(axis=0) - mean_p), 4 * se_p)


def test_at_theta_star_the_control_keeps_the_mean_and_cancels_the_first_order_spread():
    """excess + c.(S - E S) against the raw excess on the same 4000 seeds: the means agree within 4
    standard errors of their paired difference, and the variance falls at least fourfold. A control
    k c leaves (1 - k)^2 of the first-order variance grad R' V grad R, so the bound fails a sign error
    (k = -1: about 4x more variance) and a coefficient off by more than about 45%; the right c leaves
    the O(1/n) spread (20x less variance here at 300 rows, about 370x at AUG-4's N = 500)."""
    columns, score_rp = _columns()
    rows = columns["theta_ref_0"] != OFF_STAR_P[0]
    theta_p = np.array([columns[f"theta_ref_{k}"][rows][0] for k in range(D + 1)])
    c_p, mean_p = oversampling_control(D, SEPARATION, N_MIN, N_MAJ, M_STAR, SHIFT, "parallel", theta_p)
    score_sp, excess_s = score_rp[rows], columns["excess"][rows].astype(np.float64)
    difference_s = (score_sp - mean_p) @ c_p
    assert abs(difference_s.mean()) < 4 * difference_s.std(ddof=1) / np.sqrt(SEEDS)
    assert (excess_s + difference_s).var() < excess_s.var() / 4


AUG_N, AUG_N_SYN = 200, 200  # AUG-5's control at d = 2: 200 real rows, 200 synthetic


@functools.cache
def _augmented_columns(shift):
    """One augmentation sweep at d = 2: weights 0.5 and 1.5 at theta*, and weight 1.5 at OFF_STAR_P."""
    points = [{"n": AUG_N, "n_syn": AUG_N_SYN, "shift": shift, "weight": w,
               "theta_ref": augmented_fit(D, SEPARATION, AUG_N, AUG_N_SYN, w, shift).astype(np.float32)}
              for w in (0.5, 1.5)]
    points.append({"n": AUG_N, "n_syn": AUG_N_SYN, "shift": shift, "weight": 1.5, "theta_ref": OFF_STAR_P})
    columns = measure_augmentation(generator("shifted"), points, d=D, separation=SEPARATION, seeds=SEEDS,
                                   key=jax.random.key(8), options=SweepOptions(), name="test")
    return columns, np.stack([columns[f"score_{k}"] for k in range(D + 1)], axis=1).astype(np.float64)


@pytest.mark.parametrize("shift", [0.0, 0.3])
def test_the_augmented_control_has_the_mean_its_quadrature_gives_at_any_reference(shift):
    """q(S) = l.S + 1/2 S'MS of AUG-5's control over 4000 seeds of the float32 sweep, at theta* (weights 0.5
    and 1.5) and off it (weight 1.5; E S != 0 there, so every part of E q = l.E S + 1/2 (tr(M Cov S) +
    E S' M E S) counts): its mean within 4 standard errors of augmentation.quadratic_score_control's quadrature. A wrong
    E q would bias the controlled excess. Weighting the synthetic rows' covariance by w instead of w^2 (AUG-5's
    wrong theory) moves E q at theta* by 9.9 to 14.1 of those standard errors (measured), so the check tells
    that error apart: asserted beyond 8."""
    columns, score_rp = _augmented_columns(shift)
    for weight, off in ((0.5, False), (1.5, False), (1.5, True)):
        rows = (columns["weight"] == weight) & ((columns["theta_ref_0"] == OFF_STAR_P[0]) == off)
        theta_p = np.array([columns[f"theta_ref_{k}"][rows][0] for k in range(D + 1)])
        control = quadratic_score_control(D, SEPARATION, AUG_N, AUG_N_SYN, weight, shift, theta_p)
        q_s = control.deviation(score_rp[rows]) + control.mean
        standard_error = q_s.std(ddof=1) / np.sqrt(rows.sum())
        assert abs(q_s.mean() - control.mean) < 4 * standard_error, (weight, off, q_s.mean(), control.mean)
        if not off:
            _, _, _, sources = augmented_sources(D, SEPARATION, AUG_N, AUG_N_SYN, weight, shift)
            misweighted = [s._replace(weight=s.weight**0.5) for s in sources[:2]] + sources[2:]
            wrong_b_pp = (me.gradient_covariance_B(theta_p, misweighted)
                          - me.gradient_covariance_B(theta_p, sources))
            assert abs(0.5 * np.trace(control.quadratic_xx @ wrong_b_pp)) > 8 * standard_error


@pytest.mark.parametrize("shift", [0.0, 0.3])
def test_the_augmented_control_keeps_the_mean_and_cuts_the_spread(shift):
    """excess - (q(S) - E q) against the raw excess on the same 4000 seeds, at theta* with weights 0.5 and 1.5:
    the means agree within 4 standard errors of their paired difference, and the variance falls at least
    eightfold (measured 13-24x). Both parts are needed: for the shifted generator the linear part alone cuts
    it 1.4-2.1x and the quadratic part alone 1.9-3.2x (for the perfect one grad R = 0: the linear part is 0)."""
    columns, score_rp = _augmented_columns(shift)
    for weight in (0.5, 1.5):
        rows = (columns["weight"] == weight) & (columns["theta_ref_0"] != OFF_STAR_P[0])
        theta_p = np.array([columns[f"theta_ref_{k}"][rows][0] for k in range(D + 1)])
        control = quadratic_score_control(D, SEPARATION, AUG_N, AUG_N_SYN, weight, shift, theta_p)
        excess_s = columns["excess"][rows].astype(np.float64)
        difference_s = control.deviation(score_rp[rows])
        assert abs(difference_s.mean()) < 4 * difference_s.std(ddof=1) / np.sqrt(rows.sum())
        assert (excess_s - difference_s).var() < excess_s.var() / 8


PLUGIN_M = 50  # AUG-2's generator control at d = 2: each class's plug-in fitted on 50 rows


def test_the_generator_control_has_mean_a_over_drawn_plug_in_fits():
    """q of augmentation.plugin_floor_control over 40 000 NumPy draws of both classes' sample mean and covariance
    (50 rows of N(mu_k, I) each): its mean is a = plugin_floor within 4 standard errors. The sample covariance's
    share of a (the J_cov terms, which a theory of the means alone would drop) is asserted beyond 8 of them
    (measured 73)."""
    control = plugin_floor_control(D, SEPARATION, PLUGIN_M)
    mu_kd = np.stack(gaussian_law(D, SEPARATION)[:2])
    rng = np.random.default_rng(3)
    rows_skmd = rng.standard_normal((40_000, 2, PLUGIN_M, D)) + mu_kd[None, :, None, :]
    mean_skd = rows_skmd.mean(axis=2)
    centred_skmd = rows_skmd - mean_skd[:, :, None, :]
    cov_skdd = np.einsum("skmi,skmj->skij", centred_skmd, centred_skmd) / (PLUGIN_M - 1)
    q_s = control.deviation(plugin_moment_errors(D, SEPARATION, mean_skd, cov_skdd)) + control.mean
    standard_error = q_s.std(ddof=1) / np.sqrt(len(q_s))
    assert control.mean == plugin_floor(D, SEPARATION, PLUGIN_M)
    assert abs(q_s.mean() - control.mean) < 4 * standard_error, (q_s.mean(), control.mean, standard_error)
    means_alone = 0.5 * np.trace(control.quadratic_xx[:2 * D, :2 * D]) / PLUGIN_M  # Cov(dmu_k) = I/m
    assert control.mean - means_alone > 8 * standard_error


def test_the_generator_control_keeps_the_mean_and_cuts_the_spread():
    """AUG-2's controlled excess, excess - s^2 (q - a) (claims.aug2.controlled), against the raw excess on the
    same 2000 seeds of the float32 sweep at d = 2: a generator-only fit (s = 1) and one with as many real rows as
    synthetic ones at w = 1 (s = 1/2). The means agree within 4 standard errors of the paired difference,
    and the variance falls at least twofold on both (measured 4.3 and 4.3). A control read from rows the plug-in did
    not fit would be independent of the excess and raise its variance."""
    points = [{"n": n, "n_syn": 2048, "n_gen": 2 * PLUGIN_M, "weight": 1.0} for n in (0, 2048)]
    columns = measure_augmentation(generator("plugin"), points, d=D, separation=SEPARATION, seeds=2000,
                                   key=jax.random.key(9), options=SweepOptions(), name="test", moments=True)
    config = SimpleNamespace(d=D, separation=SEPARATION)
    controlled_r = aug2.controlled(columns, config)
    for n in (0, 2048):
        rows = columns["n"] == n
        excess_s, difference_s = columns["excess"][rows].astype(np.float64), (columns["excess"] - controlled_r)[rows]
        assert abs(difference_s.mean()) < 4 * difference_s.std(ddof=1) / np.sqrt(rows.sum())
        assert (excess_s - difference_s).var() < excess_s.var() / 2, (n, excess_s.var() / controlled_r[rows].var())


SPU_ARGS, SPU_N = (2, 2, 1.0, 1.0), 400  # SPU-1's control: d_core = d_spur = 2, ||mu_c|| = ||mu_s|| = 1, 400 rows


@functools.cache
def _spurious_columns():
    """One Setting S sweep over 4000 seeds: p = 0.1 and 0.5 at theta*, p = 0.1 at a reference off it."""
    star = {p: spurious.minority_fit(*SPU_ARGS, p=p, n=SPU_N) for p in (0.1, 0.5)}
    rows = [{**mixture_rows(SPU_N, p, False), "theta_ref": star[p]} for p in (0.1, 0.5)]
    rows.append({**mixture_rows(SPU_N, 0.1, False), "theta_ref": star[0.1] + 0.1})
    columns = measure_spu(rows, generator("perfect"), d_core=2, d_spur=2, core=1.0, spur=1.0, seeds=SEEDS,
                          key=jax.random.key(10), options=SweepOptions(), name="test")
    score_rp = np.stack([columns[f"score_{k}"] for k in range(5)], axis=1).astype(np.float64)
    reference_rp = np.stack([columns[f"theta_ref_{k}"] for k in range(5)], axis=1).astype(np.float64)
    at_star_r = ~np.isclose(reference_rp[:, 0], star[0.1][0] + 0.1)
    return columns, score_rp, reference_rp, at_star_r


def test_the_spurious_control_has_its_quadrature_mean_and_cuts_the_minority_errors_spread():
    """SPU-1's control (spurious.minority_control) over 4000 seeds of the float32 Setting S sweep: the mean of
    q(S) is E q within 4 standard errors at theta* (p = 0.1, 0.5) and off it (p = 0.1, theta* + 0.1: E S != 0).
    The controlled error keeps the raw one's mean (within 4 standard errors of their paired difference) and its
    variance falls at least tenfold (measured 27 and 33 at n = 400; 58 to 79 on the quick config, n = 1000)."""
    columns, score_rp, reference_rp, at_star = _spurious_columns()
    for p, star in ((0.1, True), (0.5, True), (0.1, False)):
        rows = np.isclose(columns["p"], p) & (at_star == star)
        control = spurious.minority_control(*SPU_ARGS, p=p, n=SPU_N, theta_ref_p=reference_rp[rows][0])
        q_s = control.deviation(score_rp[rows]) + control.mean
        assert abs(q_s.mean() - control.mean) < 4 * q_s.std(ddof=1) / np.sqrt(rows.sum()), (p, star)
        if star:
            raw_s = columns["minority"][rows].astype(np.float64)
            difference_s = control.deviation(score_rp[rows])
            assert abs(difference_s.mean()) < 4 * difference_s.std(ddof=1) / np.sqrt(rows.sum())
            assert (raw_s - difference_s).var() < raw_s.var() / 10, (p, raw_s.var() / (raw_s - difference_s).var())


def test_the_spurious_score_covariance_is_the_sandwichs_b_not_the_fisher_information():
    """E q at theta* is tr(H V)/2 with V's B, the prediction's variance term, so a wrong B would bias the
    controlled measurement and the prediction alike. B (m_estimation.gradient_covariance_B: fixed group counts)
    is checked against the sweep's own score covariance, entry by entry, over the same 4000 seeds: every entry
    within 4 standard errors (measured at most 1.8), while the inverse Fisher information's A (SPU-1's wrong
    theory: i.i.d. rows) misses some entry by more than 8 (measured 28 and 35)."""
    columns, score_rp, reference_rp, at_star = _spurious_columns()
    for p in (0.1, 0.5):
        rows = np.isclose(columns["p"], p) & at_star
        theta_p = reference_rp[rows][0]
        sources = spurious.group_sources(spurious.law_s(*SPU_ARGS)[0],
                                         [float(c) for c in spurious.group_counts(SPU_N, p)])
        centred_sp = score_rp[rows] - score_rp[rows].mean(axis=0)
        products_spp = centred_sp[:, :, None] * centred_sp[:, None, :]
        covariance_pp = products_spp.sum(axis=0) / (rows.sum() - 1)
        standard_error_pp = products_spp.std(axis=0, ddof=1) / np.sqrt(rows.sum())
        b_z = (covariance_pp - me.gradient_covariance_B(theta_p, sources)) / standard_error_pp
        a_z = (covariance_pp - me.hessian_A(theta_p, sources)) / standard_error_pp
        assert np.abs(b_z).max() < 4 and np.abs(a_z).max() > 8, (p, np.abs(b_z).max(), np.abs(a_z).max())


def test_the_balanced_controls_have_their_quadrature_means_and_cut_the_spread():
    """SPU-2's controls (spurious.balanced_controls) over 4000 seeds of the balanced Setting S sweep at n = 400:
    the means of q(S) for the excess and for ||w_spur||^2 are their E q (tr(H V)/2 and tr(V_spur), theta* the
    Bayes rule) within 4 standard errors; the controlled values keep the raw means (4 standard errors of the
    paired differences) and their variances fall at least fivefold (measured 18 and 13)."""
    theta_p = spurious.balanced_fit(*SPU_ARGS)
    columns = measure_spu([{**mixture_rows(SPU_N, 0.1, True), "theta_ref": theta_p}], generator("perfect"),
                          d_core=2, d_spur=2, core=1.0, spur=1.0, seeds=SEEDS, key=jax.random.key(11),
                          options=SweepOptions(), name="test")
    score_sp = np.stack([columns[f"score_{k}"] for k in range(5)], axis=1).astype(np.float64)
    controls = spurious.balanced_controls(*SPU_ARGS, p=0.1, n=SPU_N, theta_ref_p=theta_p)
    terms = spurious.balanced_terms(*SPU_ARGS, p=0.1, n=SPU_N).sandwich
    raws = (columns["excess"].astype(np.float64), columns["spur_norm"].astype(np.float64) ** 2)
    for control, first_order, raw_s in zip(controls, (terms.excess, terms.spur_sq), raws, strict=True):
        assert np.isclose(control.mean, first_order, rtol=1e-9)
        difference_s = control.deviation(score_sp)
        standard_error = difference_s.std(ddof=1) / np.sqrt(SEEDS)
        assert abs(difference_s.mean()) < 4 * standard_error
        assert (raw_s - difference_s).var() < raw_s.var() / 5, raw_s.var() / (raw_s - difference_s).var()


@functools.cache
def _copy_columns():
    """IMB-6's copy scores: ROS and SMOTE (k = 1) on the same real rows, at the Bayes rule, 4000 seeds; and the
    same sweep's ROS with its training score (same key, so the same rows and copies)."""
    theta_p = geometry.bayes_rule_p(*gaussian_law(D, SEPARATION))
    points = [{"separation": SEPARATION, "n_min": N_MIN, "n_maj": N_MAJ, "m": N_MAJ - N_MIN, "generator": g,
               "theta_ref": theta_p} for g in (0, 1)]
    gens = (generator("ros"), smote_generator(1))
    run = functools.partial(measure_oversampling, gens, d=D, seeds=SEEDS, key=jax.random.key(11),
                            options=SweepOptions(), name="test")
    return run(points, copy_scores=True), run(points)


def test_the_copy_score_control_has_its_mean_for_random_oversampling_and_smote():
    """q(S) - E q and S itself (E S = 0 at the Bayes rule) over 4000 seeds, for ROS and SMOTE, whose bases are
    both uniform: within 4 standard errors. The control that takes the copy weights as fixed (E[w^2] = E[w]^2,
    the multinomial spread of the copy counts left out) lands more than 4 off. For ROS the copy score is the
    fit's own training score (same rows, same copies)."""
    copies, training = _copy_columns()
    _, copy_sp = score_columns(copies, D + 1)
    _, training_sp = score_columns(training, D + 1)
    control = copy_score_control(D, SEPARATION, N_MIN, N_MAJ)
    mu_0_d, mu_1_d, cov_dd = gaussian_law(D, SEPARATION)
    majority = me.Source(mu_1_d, cov_dd, 1.0, float(N_MAJ))
    fixed_weights = quadratic_control([majority, me.Source(mu_0_d, cov_dd, 0.0, float(N_MIN), N_MAJ / N_MIN)],
                                      geometry.bayes_rule_p(mu_0_d, mu_1_d, cov_dd), rule_risk(mu_0_d, mu_1_d, cov_dd))
    for g in (0, 1):
        rows = copies["generator"] == g
        deviation_s, score_sp = control.deviation(copy_sp[rows]), copy_sp[rows]
        se = deviation_s.std(ddof=1) / np.sqrt(SEEDS)
        assert abs(deviation_s.mean()) < 4 * se, g
        assert abs(fixed_weights.deviation(score_sp).mean()) > 4 * se, g
        np.testing.assert_array_less(np.abs(score_sp.mean(axis=0)), 4 * score_sp.std(axis=0, ddof=1) / np.sqrt(SEEDS))
    ros = copies["generator"] == 0
    np.testing.assert_allclose(copy_sp[ros], training_sp[ros], rtol=1e-4, atol=1e-3)


def test_the_copy_controlled_excess_keeps_its_mean_and_loses_spread():
    """IMB-6's controlled excess (stats.controls.regression_controlled on the copy score) against the raw excess
    on the same seeds: the paired difference's mean within 4 standard errors of 0, for both generators, and the
    variance falls (at least twice for ROS, whose reference is its theta*; at least 1.5 times for SMOTE, whose
    theta* differs; measured 6.4 and 5.5 times)."""
    copies, _ = _copy_columns()
    _, copy_sp = score_columns(copies, D + 1)
    columns = {"d": np.full(len(copies["seed"]), D), "generator": np.asarray(copies["generator"]),
               "excess": copies["excess"], "control_q": copy_score_control(D, SEPARATION, N_MIN, N_MAJ)
               .deviation(copy_sp), "control_first": copy_sp[:, 0], "control_intercept": copy_sp[:, D]}
    controlled_r = regression_controlled(columns, "excess", ("d", "generator"))
    for g, fall in ((0, 2.0), (1, 1.5)):
        rows = columns["generator"] == g
        raw_s = np.asarray(columns["excess"], np.float64)[rows]
        difference_s = controlled_r[rows] - raw_s
        assert abs(difference_s.mean()) < 4 * difference_s.std(ddof=1) / np.sqrt(SEEDS), g
        assert controlled_r[rows].var() < raw_s.var() / fall, (g, raw_s.var() / controlled_r[rows].var())
