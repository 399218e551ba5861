"""Setting G predictions for a logistic fit on real plus synthetic minority rows (IMB-1..3, AUG-4).

The training set is n_min real minority rows, n_maj majority rows and m synthetic minority rows
from N(mu_0 + delta u, I) (delta = 0: the perfect generator). Its expected balanced 0-1 excess,
to O(1/n), is m_estimation.expected_excess: the population bias R(theta*) - Bayes, the drift
grad R . E[theta_hat - theta*] and the variance tr(H V)/2, all exact (notes/IMB-1.md, AUG-4.md).
"""

import functools
import math

import numpy as np
from scipy.optimize import brentq

from synthlaw.sims import geometry
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import zero_one


def gaussian_law(d, separation):
    """float64 mu_0, mu_1 (sims.geometry.means_for_delta) and cov = I_d."""
    return *geometry.means_for_delta(d, float(separation)), np.eye(d)


def limit_imbalance_excess(rho, separation) -> float:
    """E(rho, Delta) of IMB-1 (sims.geometry.imbalance_excess): the n -> infinity excess without oversampling."""
    return float(geometry.imbalance_excess(rho, separation))


def oversampling_excess(d, separation, n_min, n_maj, m, shift=0.0, direction="parallel",
                        minority_weight=1.0) -> me.ExcessTerms:
    """E[excess] to O(1/n) of the fit on n_min + m synthetic (shift delta) minority and n_maj rows,
    the real minority rows at loss weight minority_weight (n_maj / n_min: class-weighted ERM)."""
    mu_0_d, mu_1_d, cov_dd, sources = training_sources(d, separation, n_min, n_maj, m, shift, direction,
                                                       minority_weight)
    return me.expected_excess(rule_risk(mu_0_d, mu_1_d, cov_dd), geometry.bayes_balanced_error(separation),
                              sources, geometry.bayes_rule_p(mu_0_d, mu_1_d, cov_dd))


def fisher_variance(d, separation, n_min, n_maj, m) -> float:
    """tr(H A^{-1}) / 2: the variance term with the inverse Fisher information A^{-1} of i.i.d. rows
    in place of the sandwich A^{-1} B A^{-1}. Wrong here, where class counts are fixed by design (a
    well-specified fit has B = A - sum_s count_s g_s g_s', g_s a source's mean gradient): IMB-2's
    realistic wrong theory (notes/IMB-2.md)."""
    mu_0_d, mu_1_d, cov_dd, sources = training_sources(d, separation, n_min, n_maj, m)
    theta_p = me.population_minimiser(sources, geometry.bayes_rule_p(mu_0_d, mu_1_d, cov_dd))
    hess_pp = rule_risk(mu_0_d, mu_1_d, cov_dd)(theta_p)[2]
    return float(me.first_order_excess(hess_pp, np.linalg.inv(me.hessian_A(theta_p, sources))))


def training_sources(d, separation, n_min, n_maj, m, shift=0.0, direction="parallel", minority_weight=1.0):
    """mu_0, mu_1, cov and the Sources of the fit: n_maj majority rows, n_min real minority rows (at
    minority_weight) and m synthetic minority rows from N(mu_0 + delta u, I)."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    u_d = geometry.shift_direction(d, geometry.DIRECTIONS[direction])
    sources = [me.Source(mu_1_d, cov_dd, 1.0, float(n_maj)),
               me.Source(mu_0_d, cov_dd, 0.0, float(n_min), float(minority_weight))]
    if m > 0:
        sources.append(me.Source(mu_0_d + shift * u_d, cov_dd, 0.0, float(m)))
    return mu_0_d, mu_1_d, cov_dd, sources


def rule_risk(mu_0_d, mu_1_d, cov_dd):
    """theta_p -> the balanced 0-1 risk of theta_p = (w, b), its gradient and Hessian."""
    a_kp, q_pp = zero_one.class_directions(mu_0_d, mu_1_d, cov_dd)
    return lambda theta_p: zero_one.mean_probit(theta_p, a_kp, q_pp)


@functools.lru_cache(maxsize=64)
def finite_break_even_shift(d, separation, n_min, n_maj, direction="parallel", upper=5.0) -> float:
    """delta*_n: where the expected excess (to O(1/n)) of balancing with the shifted generator meets
    that of not oversampling, at n_min minority and n_maj majority rows (IMB-3)."""
    target = oversampling_excess(d, separation, n_min, n_maj, 0).total
    m = n_maj - n_min
    return _crossing(lambda s: oversampling_excess(d, separation, n_min, n_maj, m, s, direction).total - target,
                     upper)


def _crossing(gap, upper) -> float:
    """The root of gap in (1e-3, upper); inf if gap(upper) <= 0; an error if gap is not finite."""
    at_upper = gap(upper)
    if not math.isfinite(at_upper):
        raise FloatingPointError(f"the excess at shift {upper} is not finite; no break-even computed")
    return brentq(gap, 1e-3, upper, xtol=1e-6) if at_upper > 0 else float("inf")  # pyright: ignore[reportReturnType]
