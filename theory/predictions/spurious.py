"""Setting S predictions (SPU-1..3 in CLAIMS): population minimisers over group mixtures and the
sandwich covariances of augmented fits, in NumPy float64."""

from typing import NamedTuple

import numpy as np

from synthlaw.sims.geometry import GROUP_Y, MINORITY, group_counts, group_means, means_for
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import second_order, zero_one
from synthlaw.theory.predictions.augmentation import plugin_covariance
from synthlaw.theory.predictions.control_variate import QuadraticControl, quadratic_control


def group_sources(mean_gp, counts_g, weight=1.0):
    """One m_estimation.Source per group, label y mapped to {0, 1}."""
    eye_pp = np.eye(mean_gp.shape[1])
    return [me.Source(m_p, eye_pp, 0.5 * (y + 1.0), c, weight)
            for y, m_p, c in zip(GROUP_Y, mean_gp, counts_g, strict=True)]


def law_s(d_core: int, d_spur: int, core: float, spur: float):
    """float64 group means (y_g mu_c, a_g mu_s) (sims.geometry) and the Bayes rule (2 mu_c, 0, 0)."""
    mu_c_d, mu_s_e = means_for(d_core, d_spur, float(core), float(spur))
    return group_means(mu_c_d, mu_s_e), np.concatenate([2.0 * mu_c_d, np.zeros(d_spur + 1)])


def group_errors(theta_p, mean_gp):
    """0-1 error per group, Phi(-y_g (w.m_g + b) / ||w||) (risks.spurious.group_errors)."""
    return zero_one.probits(theta_p, *zero_one.group_directions(mean_gp))


def erm_minimiser(d_core: int, d_spur: int, core: float, spur: float, p: float):
    """SPU-1: the population logistic minimiser on the training mixture of minority mass p."""
    mean_gp, bayes_p = law_s(d_core, d_spur, core, spur)
    counts_g = [0.5 * p if minority else 0.5 * (1 - p) for minority in MINORITY]
    return me.population_minimiser(group_sources(mean_gp, counts_g), bayes_p)


def _minority_fit(d_core: int, d_spur: int, core: float, spur: float, p: float, n: int):
    """The four groups' Sources at their fixed counts for n rows of minority mass p, the mean minority-group
    error as a risk_fn (theta_p -> R, grad R, hess R) and the Bayes rule (Newton's start)."""
    mean_gp, bayes_p = law_s(d_core, d_spur, core, spur)
    a_kp, q_pp = zero_one.group_directions(mean_gp)
    minority_kp = a_kp[np.asarray(MINORITY)]
    sources = group_sources(mean_gp, [float(c) for c in group_counts(n, p)])
    return sources, lambda t: zero_one.mean_probit(t, minority_kp, q_pp), bayes_p


def minority_error(d_core: int, d_spur: int, core: float, spur: float, *, p: float, n: int) -> me.ExcessTerms:
    """SPU-1: E[minority-group error] of the fit on n rows of minority mass p, to O(1/n):
    R(theta*) + grad R . E[theta_hat - theta*] + tr(H V)/2, R the mean error of the two minority
    groups, V the sandwich over the four groups at their fixed counts (notes/SPU-1.md)."""
    sources, risk_fn, bayes_p = _minority_fit(d_core, d_spur, core, spur, p, n)
    return me.expected_excess(risk_fn, 0.0, sources, bayes_p)


def minority_fit(d_core: int, d_spur: int, core: float, spur: float, *, p: float, n: int):
    """theta*: the population minimiser of the fit on n rows of minority mass p at their fixed counts."""
    sources, _, bayes_p = _minority_fit(d_core, d_spur, core, spur, p, n)
    return me.population_minimiser(sources, bayes_p)


def minority_fisher_variance(d_core: int, d_spur: int, core: float, spur: float, *, p: float, n: int) -> float:
    """SPU-1's wrong theory: tr(H A^-1)/2, the inverse Fisher information A^-1 for the sandwich V."""
    sources, risk_fn, bayes_p = _minority_fit(d_core, d_spur, core, spur, p, n)
    theta_p = me.population_minimiser(sources, bayes_p)
    return float(me.first_order_excess(risk_fn(theta_p)[2], np.linalg.inv(me.hessian_A(theta_p, sources))))


def minority_control(d_core: int, d_spur: int, core: float, spur: float, *, p: float, n: int,
                     theta_ref_p) -> QuadraticControl:
    """SPU-1: the quadratic control variate (predictions.control_variate) of the mean minority-group error of
    the fit on n rows of minority mass p, from its score at theta_ref."""
    sources, risk_fn, _ = _minority_fit(d_core, d_spur, core, spur, p, n)
    return quadratic_control(sources, theta_ref_p, risk_fn)


def discriminant_rule(d_core: int, d_spur: int, core: float, spur: float, p: float):
    """SPU-1's rival: the population LDA rule Sigma_w^{-1} (m_+ - m_-) of the training mixture, b = 0.
    Given y, x_core ~ N(y mu_c, I) and x_spur ~ N(y (1 - 2p) mu_s, I + 4 p (1 - p) mu_s mu_s'), so
    w = (2 mu_c, 2 (1 - 2p) mu_s / (1 + 4 p (1 - p) ||mu_s||^2))."""
    mu_c_d, mu_s_e = means_for(d_core, d_spur, float(core), float(spur))
    w_s = 2.0 * (1.0 - 2.0 * p) * mu_s_e / (1.0 + 4.0 * p * (1.0 - p) * spur**2)
    return np.concatenate([2.0 * mu_c_d, w_s, [0.0]])


def _balanced_error_hessian(theta_p, mean_gp):
    return zero_one.mean_probit(theta_p, *zero_one.group_directions(mean_gp))[2]


class SamplingTerms(NamedTuple):
    """First-order group-balanced excess tr(H C)/2 and E||w_spur||^2 = tr(C_spur) for a covariance C
    of the fitted theta around the Bayes rule."""

    excess: float
    spur_sq: float


def _terms(h_pp, c_pp, d_core: int) -> SamplingTerms:
    return SamplingTerms(float(me.first_order_excess(h_pp, c_pp)), float(np.trace(c_pp[d_core:-1, d_core:-1])))


class BalancedTerms(NamedTuple):
    """SPU-2's terms at one n: of the sandwich V, of the inverse Fisher information A^-1 (a wrong theory)
    and the O(n^-2) terms both share."""

    sandwich: SamplingTerms
    fisher: SamplingTerms
    second: SamplingTerms


def _balanced_sources(d_core: int, d_spur: int, core: float, spur: float, p: float, n: int):
    """Group means, the Bayes rule (the balanced fit's theta*) and the Sources of SPU-2's fit: the four real
    groups at their counts and the minority groups' perfect rows up to the majority's size."""
    mean_gp, bayes_p = law_s(d_core, d_spur, core, spur)
    counts = group_counts(n, p)
    sources = group_sources(mean_gp, counts) + group_sources(
        mean_gp, [0.0 if not m else counts[0] - counts[1] for m in MINORITY])
    return mean_gp, bayes_p, sources


def balanced_fit(d_core: int, d_spur: int, core: float, spur: float) -> np.ndarray:
    """theta* of SPU-2's balanced fit: the Bayes rule (2 mu_c, 0, 0), at every n and p."""
    return law_s(d_core, d_spur, core, spur)[1]


def balanced_controls(d_core: int, d_spur: int, core: float, spur: float, *, p: float, n: int,
                      theta_ref_p) -> tuple[QuadraticControl, QuadraticControl]:
    """SPU-2: the quadratic control variates (predictions.control_variate) of the group-balanced excess and of
    ||w_spur||^2 = theta' P theta (P the spurious block), from the balanced fit's score at theta_ref."""
    mean_gp, _, sources = _balanced_sources(d_core, d_spur, core, spur, p, n)
    a_kp, q_pp = zero_one.group_directions(mean_gp)
    spur_pp = np.diag(np.r_[np.zeros(d_core), np.ones(d_spur), 0.0])
    return (quadratic_control(sources, theta_ref_p, lambda t: zero_one.mean_probit(t, a_kp, q_pp)),
            quadratic_control(sources, theta_ref_p, lambda t: (t @ spur_pp @ t, 2.0 * spur_pp @ t, 2.0 * spur_pp)))


def balanced_terms(d_core: int, d_spur: int, core: float, spur: float, *, p: float, n: int) -> BalancedTerms:
    """SPU-2: n real rows of minority mass p, balanced by perfect minority rows.
    - sandwich: the terms of V, the rows' group counts fixed;
    - fisher: those of A^-1, the i.i.d.-rows covariance (a wrong theory here: fixed counts remove the
      between-group score variance);
    - second: the O(n^-2) terms (docs/second_order.md) of the group-balanced excess, whose minimiser is
      the Bayes rule (second_order_excess), and of E||w_spur||^2 = tr(V_spur) + tr(D2_spur), w*_spur = 0
      (second_order_spread)."""
    mean_gp, bayes_p, sources = _balanced_sources(d_core, d_spur, core, spur, p, n)
    h_pp = _balanced_error_hessian(bayes_p, mean_gp)
    d2_pp = second_order.second_order_spread(sources, bayes_p)
    second = SamplingTerms(second_order.second_order_excess(sources, bayes_p, zero_one.group_directions(mean_gp)),
                           float(np.trace(d2_pp[d_core:-1, d_core:-1])))
    return BalancedTerms(_terms(h_pp, me.sandwich_V(bayes_p, sources), d_core),
                         _terms(h_pp, np.linalg.inv(me.hessian_A(bayes_p, sources)), d_core), second)


def plugin_group_floor(d_core: int, d_spur: int, core: float, spur: float, *, n_group: int, n_minor: int):
    """SPU-3: n_group rows per group, the minority groups' from plug-ins fitted on n_minor rows each.
    Returns the generator term (Cov_gen = plugin_covariance) and the sampling term (the sandwich V of
    the n_group rows per group); the excess is their sum, tr(H (V + Cov_gen))/2."""
    mean_gp, bayes_p = law_s(d_core, d_spur, core, spur)
    sources = group_sources(mean_gp, [float(n_group)] * 4)
    h_pp = _balanced_error_hessian(bayes_p, mean_gp)
    return (_terms(h_pp, plugin_covariance(bayes_p, sources, (1, 2), n_minor), d_core),
            _terms(h_pp, me.sandwich_V(bayes_p, sources), d_core))
