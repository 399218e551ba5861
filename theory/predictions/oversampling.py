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
from scipy.stats import binom

from synthlaw.sims import geometry
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import second_order, zero_one
from synthlaw.theory.predictions.control_variate import QuadraticControl, quadratic_control

COPY_TAIL = 1e-16   # random_oversampling_second_order drops copy counts k with P(K > k) below this


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


def balanced_second_order(d, separation, n_min, n_maj, m, minority_weight=1.0) -> float:
    """The O(n^-2) term of E[excess] (second_order.second_order_excess, docs/second_order.md) of a fit whose
    limit is the Bayes rule: n_min minority rows at minority_weight and m perfect synthetic ones against n_maj
    majority rows, balanced (n_min minority_weight + m = n_maj). ValueError for a fit that is not."""
    mu_0_d, mu_1_d, cov_dd, sources, theta_p = fitted_sources(d, separation, n_min, n_maj, m,
                                                              minority_weight=minority_weight)
    return second_order.second_order_excess(sources, theta_p, zero_one.class_directions(mu_0_d, mu_1_d, cov_dd))


def population_fit(d, separation, n_min, n_maj, m, shift=0.0, direction="parallel") -> np.ndarray:
    """theta*: the population minimiser of the fit on n_min real and m synthetic (shift delta) minority rows
    and n_maj majority rows."""
    return fitted_sources(d, separation, n_min, n_maj, m, shift, direction)[-1]


def score_control(d, separation, n_min, n_maj, m, shift, direction, theta_ref_p) -> tuple[np.ndarray, np.ndarray]:
    """The control variate of a fit's excess (notes/AUG-4.md): (c, E S) for S the loss gradient of the
    training rows at theta_ref (experiments.oversampling's score columns). E S = sum_s count_s E_s[(sigmoid(u)
    - y) x~] is a Gaussian integral over the simulated law, so excess + c.(S - E S) has the excess's
    expectation for any theta_ref and c. With theta_ref = theta* and c = A^-1 grad R(theta*) it cancels the
    excess's first-order fluctuation grad R . a1 = -grad R . A^-1 S, leaving O(1/n) noise: the drift, 0.1% of
    AUG-4's excess, is then resolved by hundreds of seeds instead of about 70 000."""
    mu_0_d, mu_1_d, cov_dd, sources = training_sources(d, separation, n_min, n_maj, m, shift, direction)
    grad_p = rule_risk(mu_0_d, mu_1_d, cov_dd)(theta_ref_p)[1]
    return np.linalg.solve(me.hessian_A(theta_ref_p, sources), grad_p), me.gradient(theta_ref_p, sources)


def fisher_variance(d, separation, n_min, n_maj, m, minority_weight=1.0) -> float:
    """tr(H A^{-1}) / 2: the variance term with the inverse Fisher information A^{-1} of i.i.d. rows
    in place of the sandwich A^{-1} B A^{-1}. Wrong here, where class counts are fixed by design (a
    well-specified fit has B = A - sum_s count_s g_s g_s', g_s a source's mean gradient): IMB-2's
    realistic wrong theory (notes/IMB-2.md). With minority_weight != 1 it is IMB-5's: a weighted loss
    taken as a likelihood, where B counts the weight squared and A only once (notes/IMB-5.md)."""
    mu_0_d, mu_1_d, cov_dd, sources, theta_p = fitted_sources(d, separation, n_min, n_maj, m,
                                                              minority_weight=minority_weight)
    hess_pp = rule_risk(mu_0_d, mu_1_d, cov_dd)(theta_p)[2]
    return float(me.first_order_excess(hess_pp, np.linalg.inv(me.hessian_A(theta_p, sources))))


def fitted_sources(d, separation, n_min, n_maj, m, shift=0.0, direction="parallel", minority_weight=1.0):
    """training_sources and their population minimiser theta*, found from the Bayes rule:
    (mu_0, mu_1, cov, sources, theta*)."""
    mu_0_d, mu_1_d, cov_dd, sources = training_sources(d, separation, n_min, n_maj, m, shift, direction,
                                                       minority_weight)
    theta_p = me.population_minimiser(sources, geometry.bayes_rule_p(mu_0_d, mu_1_d, cov_dd))
    return mu_0_d, mu_1_d, cov_dd, sources, theta_p


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


def copy_weight_moments(n_min, n_maj) -> tuple[float, float]:
    """E[w] and E[w^2] of a real minority row's weight w = 1 + K under random oversampling to balance:
    m = n_maj - n_min copies, (K_i) ~ Multinomial(m, 1/n_min), so E[w] = 1 + m/n_min = n_maj/n_min
    (the class weight) and E[w^2] = E[w]^2 + (m/n_min)(1 - 1/n_min) (IMB-5, notes/IMB-5.md)."""
    m, n = float(n_maj - n_min), float(n_min)
    mean = 1.0 + m / n
    return mean, mean**2 + (m / n) * (1.0 - 1.0 / n)


def copies_source(mu_0_d, cov_dd, n_min, n_maj) -> me.Source:
    """The n_min real minority rows at random oversampling's weights w = 1 + K (copy_weight_moments) as one
    Source, by Kish's effective size as in random_weights_excess: n_min E[w]^2 / E[w^2] rows at weight
    E[w^2] / E[w], so count x weight = n_min E[w] (A, E S) and count x weight^2 = n_min E[w^2] (B: the
    weights' covariances cancel, their sum being fixed)."""
    mean, square = copy_weight_moments(n_min, n_maj)
    return me.Source(mu_0_d, cov_dd, 0.0, n_min * mean**2 / square, square / mean)


def copy_score_control(d, separation, n_min, n_maj) -> QuadraticControl:
    """The quadratic control of a balanced fit's excess in the score of copies S = sum_maj psi + sum_i (1 + K_i)
    psi(x_i) at theta_ref = the Bayes rule (random oversampling's theta*, so q = 1/2 S' Q H Q S with no linear
    part): K_i the synthetic rows based on real row i, K ~ Multinomial(m, 1/n_min) for any generator that picks
    its bases uniformly (random oversampling, SMOTE). E S = 0 and Cov S = B_maj + n_min E[w^2] Cov psi exactly
    (copies_source; claims/imb6.py reads the sweep's copy scores against it)."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    sources = [me.Source(mu_1_d, cov_dd, 1.0, float(n_maj)), copies_source(mu_0_d, cov_dd, n_min, n_maj)]
    return quadratic_control(sources, geometry.bayes_rule_p(mu_0_d, mu_1_d, cov_dd), rule_risk(mu_0_d, mu_1_d, cov_dd))


def random_weights_excess(d, separation, n_min, n_maj, mean, square) -> me.ExcessTerms:
    """E[excess] to O(1/n) of the fit whose n_min real minority rows carry random weights w_i,
    exchangeable, independent of the rows, with sum_i w_i fixed, E[w] = mean, E[w^2] = square (IMB-5).
    The sandwich and the O(1/n) bias read a source only through count x weight (A, theta*, the cubic
    term) and count x weight^2 (B, the Hessian-score covariance: the weights' covariances cancel
    because their sum is fixed), so the minority is one source of n_min mean^2 / square rows (Kish's
    effective size) at weight square / mean (notes/IMB-5.md)."""
    return oversampling_excess(d, separation, n_min * mean**2 / square, n_maj, 0, minority_weight=square / mean)


def random_oversampling_excess(d, separation, n_min, n_maj) -> me.ExcessTerms:
    """E[excess] to O(1/n) after random oversampling to balance: the random weights of
    copy_weight_moments (IMB-5)."""
    return random_weights_excess(d, separation, n_min, n_maj, *copy_weight_moments(n_min, n_maj))


def random_oversampling_second_order(d, separation, n_min, n_maj) -> float:
    """The O(n^-2) term of E[excess] after random oversampling to balance (IMB-5, notes/IMB-5.md). Given the
    copy counts K the fit has fixed weights 1 + K_i, independent of the rows, with theta* the Bayes rule for
    every K (sum_i K_i = m), so its O(n^-2) term is second_order_excess on the minority split by copy count.
    That term reads the counts only through sum_i (1 + K_i)^j, j = 1, 2, 3, and products of two such sums, so
    its mean over K ~ Multinomial(m, 1/n_min) is its value at the mean split (n_min P(K = k) rows at weight
    1 + k, K ~ Binomial(m, 1/n_min)) up to Var(sum_i (1 + K_i)^2) = O(n): an O(n^-3) error."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    sources = copy_split_sources(d, separation, n_min, n_maj)
    theta_p = me.population_minimiser(sources, geometry.bayes_rule_p(mu_0_d, mu_1_d, cov_dd))
    return second_order.second_order_excess(sources, theta_p, zero_one.class_directions(mu_0_d, mu_1_d, cov_dd))


def copy_split_sources(d, separation, n_min, n_maj) -> list[me.Source]:
    """The majority and the minority split by copy count at its mean: n_min P(K = k) rows at weight 1 + k,
    K ~ Binomial(m, 1/n_min), counts with P(K > k) below COPY_TAIL dropped (random_oversampling_second_order)."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    copies = (n_maj - n_min, 1.0 / n_min)
    k = np.arange(int(binom.isf(COPY_TAIL, *copies)) + 2)
    return [me.Source(mu_1_d, cov_dd, 1.0, float(n_maj))] + [
        me.Source(mu_0_d, cov_dd, 0.0, float(n_min * share), float(1 + count))
        for count, share in zip(k, binom.pmf(k, *copies), strict=True)]
