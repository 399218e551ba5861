"""Setting G predictions for augmentation (AUG-1..3 in CLAIMS, derivation in notes/AUG-2.md).

A balanced real sample of n rows plus N synthetic rows (N/2 per class) at loss weight w. To first
order

    Excess(N) = (c_r n + c_s w^2 N) / (n + w N)^2 + (w N / (n + w N))^2 a,

c_r = c_s = c = tr(H V_1)/2 with V_1 the sandwich covariance of one balanced row, and a the
excess of the rule learned from the generator's law alone.
"""

from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize_scalar

from synthlaw.sims.geometry import bayes_balanced_error, bayes_rule_p, shift_direction
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import second_order, zero_one
from synthlaw.theory.predictions.control_variate import QuadraticControl, quadratic_control
from synthlaw.theory.predictions.oversampling import gaussian_law, rule_risk


def excess_law(n_syn, n, weight, c, a):
    """AUG-2: (c n + c w^2 N)/(n + w N)^2 + (w N/(n + w N))^2 a."""
    n_syn = np.asarray(n_syn, float)
    total = n + weight * n_syn
    return (c * n + c * weight**2 * n_syn) / total**2 + (weight * n_syn / total) ** 2 * a


def per_row_constant(d: int, separation: float) -> float:
    """c = tr(H V_1)/2: n * (expected excess) for n balanced rows from the true law (AUG-1)."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    sources = [me.Source(mu_0_d, cov_dd, 0.0, 0.5), me.Source(mu_1_d, cov_dd, 1.0, 0.5)]
    theta_p = bayes_rule_p(mu_0_d, mu_1_d, cov_dd)
    hess_pp = rule_risk(mu_0_d, mu_1_d, cov_dd)(theta_p)[2]
    return float(me.first_order_excess(hess_pp, me.sandwich_V(theta_p, sources)))


def plugin_jacobians(theta_p, sources, fitted: tuple):
    """Per fitted source (sources[i] for i in `fitted`): the derivatives of the population gradient in that
    source's generator mean and covariance, (J_mean (p x d), J_cov (p x d x d)), so that a generator error
    (dmu, dS) moves the gradient by J_mean dmu + J_cov : dS to first order.

    The derivatives of a source's gradient term c E[r(u) x~] (c = count weight, r = sigmoid - y) are
    exact: d/dmu = c E[grad_x (r x~)] = c (E[r' x~] w' + E[r] I_pd) and, for a symmetric dS (Price),
    d/dS = c E[hess_x (r x~_k)] / 2 with hess_x (r x~_k) = r'' x~_k w w' + r' (w e_k' + e_k w')."""
    theta_p = np.asarray(theta_p, np.float64)
    w_d = theta_p[:-1]
    eye_pd = np.eye(w_d.shape[0] + 1, w_d.shape[0])
    jacobians = []
    for i in fitted:
        s = sources[i]
        r0_p = me.expect_vector(me.ce_residual(s.y), theta_p, s.mu_d, s.cov_dd)
        r1_p = me.expect_vector(me.curvature, theta_p, s.mu_d, s.cov_dd)
        r2_p = me.expect_vector(me.curvature_slope, theta_p, s.mu_d, s.cov_dd)
        j_mean_pd = np.outer(r1_p, w_d) + r0_p[-1] * eye_pd
        hess_pdd = (r2_p[:, None, None] * np.outer(w_d, w_d)[None]
                    + r1_p[-1] * (w_d[None, :, None] * eye_pd[:, None, :] + eye_pd[:, :, None] * w_d[None, None, :]))
        jacobians.append((s.count * s.weight * j_mean_pd, s.count * s.weight * hess_pdd / 2.0))
    return jacobians


def plugin_covariance(theta_p, sources, fitted: tuple, m):
    """First-order Cov(theta) induced by plug-in generators: sources[i] for i in `fitted` have the
    law N(sample mean, sample cov) of m true rows. theta - theta* = -A^{-1} (J_mean dmu + J_cov : dS)
    (plugin_jacobians), Cov(mean) = cov/m and Cov(vec S) = (I + K)/(m - 1) for cov = I (AUG-2, SPU-3),
    so that J_cov (I + K) J_cov' = 2 J_cov J_cov' (J_cov symmetric in its last two indices)."""
    cov_grad_pp = 0.0
    for j_mean_pd, j_cov_pdd in plugin_jacobians(theta_p, sources, fitted):
        cov_grad_pp = cov_grad_pp + (j_mean_pd @ j_mean_pd.T / m
                                     + 2.0 * np.einsum("kij,lij->kl", j_cov_pdd, j_cov_pdd) / (m - 1))
    a_inv_pp = np.linalg.inv(me.hessian_A(np.asarray(theta_p, np.float64), sources))
    return a_inv_pp @ cov_grad_pp @ a_inv_pp


def _plugin_floor_terms(d: int, separation: float):
    """Bayes rule, the generator-only fit's Sources (the true law, half per class) and H = hess R there."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    theta_p = bayes_rule_p(mu_0_d, mu_1_d, cov_dd)
    sources = [me.Source(mu_0_d, cov_dd, 0.0, 0.5), me.Source(mu_1_d, cov_dd, 1.0, 0.5)]
    return theta_p, sources, rule_risk(mu_0_d, mu_1_d, cov_dd)(theta_p)[2]


def plugin_floor(d: int, separation: float, n_gen: int) -> float:
    """a = E excess of the rule learned from plug-in generators fitted on n_gen rows per class (AUG-2)."""
    theta_p, sources, hess_pp = _plugin_floor_terms(d, separation)
    return float(me.first_order_excess(hess_pp, plugin_covariance(theta_p, sources, (0, 1), n_gen)))


def plugin_moment_errors(d: int, separation: float, mean_skd, cov_skdd) -> np.ndarray:
    """Per seed, the plug-ins' fitting errors x = (dmu_0, dmu_1, vec dS_0, vec dS_1) from each class's
    generator-fit sample mean (seeds x 2 x d) and covariance (seeds x 2 x d x d): plugin_floor_control's x."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    seeds = len(mean_skd)
    return np.concatenate([(np.asarray(mean_skd, np.float64) - np.stack([mu_0_d, mu_1_d])).reshape(seeds, -1),
                           (np.asarray(cov_skdd, np.float64) - cov_dd).reshape(seeds, -1)], axis=1)


def plugin_floor_control(d: int, separation: float, n_gen: int) -> QuadraticControl:
    """The control variate of a fit's excess to the plug-in generators' error (AUG-2, notes/AUG-2.md): the
    generator-only fit moves to theta_gen = theta* + dtheta, dtheta = -A^-1 J x linear in the errors x
    (plugin_moment_errors; J = plugin_jacobians), whose excess is q = 1/2 dtheta' H dtheta + O(n_gen^-3/2).
    E q = a (plugin_floor: the same integrals) exactly, because Cov(dmu_k) = I/m and Cov(vec dS_k) =
    (I + K)/(m - 1) are, so excess - (q - a) keeps the excess's mean (fits with real rows scale q by their
    share)."""
    theta_p, sources, hess_pp = _plugin_floor_terms(d, separation)
    jacobians = plugin_jacobians(theta_p, sources, (0, 1))
    j_px = np.concatenate([j_mean_pd for j_mean_pd, _ in jacobians]
                          + [j_cov_pdd.reshape(len(j_cov_pdd), -1) for _, j_cov_pdd in jacobians], axis=1)
    move_px = -np.linalg.inv(me.hessian_A(theta_p, sources)) @ j_px
    return QuadraticControl(np.zeros(j_px.shape[1]), move_px.T @ hess_pp @ move_px, plugin_floor(d, separation, n_gen))


class AugmentedTerms(NamedTuple):
    """E[excess] to O(1/M) of an augmented fit: bias R(theta*) - Bayes, the drift, and tr(H V)/2 split
    into the real rows' share (B_real) and the synthetic rows' (w^2 B_syn), so that every term a
    wrong theory could drop or misweight is its own number (AUG-3)."""

    bias: float
    drift: float
    real_noise: float
    synthetic_noise: float

    @property
    def total(self) -> float:
        return self.bias + self.drift + self.real_noise + self.synthetic_noise


def augmented_sources(d: int, separation: float, n: int, n_syn: float, weight: float, shift: float):
    """mu_0, mu_1, cov and the Sources of the fit on n real rows (n/2 per class) and n_syn generated rows
    (n_syn/2 per class) at loss weight w, class 0's generator mean off by delta e_1."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    u_d = shift_direction(d, 0.0)
    synthetic = [me.Source(mu_0_d + shift * u_d, cov_dd, 0.0, n_syn / 2, weight),
                 me.Source(mu_1_d, cov_dd, 1.0, n_syn / 2, weight)]
    real = [me.Source(mu_0_d, cov_dd, 0.0, n / 2), me.Source(mu_1_d, cov_dd, 1.0, n / 2)] if n > 0 else []
    return mu_0_d, mu_1_d, cov_dd, synthetic + real


def augmented_fit(d: int, separation: float, n: int, n_syn: float, weight: float, shift: float) -> np.ndarray:
    """theta*: the population minimiser of the augmented fit (augmented_sources), found from the Bayes rule."""
    mu_0_d, mu_1_d, cov_dd, sources = augmented_sources(d, separation, n, n_syn, weight, shift)
    return me.population_minimiser(sources, bayes_rule_p(mu_0_d, mu_1_d, cov_dd))


def augmented_excess(d: int, separation: float, n: int, n_syn: float, weight: float, shift: float) -> AugmentedTerms:
    """The terms of E[excess] for the fit on n real rows (n/2 per class) and n_syn generated rows
    (n_syn/2 per class) at loss weight w, class 0's generator mean off by delta e_1, all at the
    mixture's population minimiser theta*(N) (AUG-3; n = 0: the floor a(delta) plus the
    generator-only sampling terms, where w cancels)."""
    mu_0_d, mu_1_d, cov_dd, sources = augmented_sources(d, separation, n, n_syn, weight, shift)
    synthetic, real = sources[:2], sources[2:]
    theta_p = me.population_minimiser(sources, bayes_rule_p(mu_0_d, mu_1_d, cov_dd))
    a_inv_pp = np.linalg.inv(me.hessian_A(theta_p, sources))
    risk, grad_p, hess_pp = rule_risk(mu_0_d, mu_1_d, cov_dd)(theta_p)

    def noise(part):
        return float(me.first_order_excess(hess_pp, a_inv_pp @ me.gradient_covariance_B(theta_p, part) @ a_inv_pp))

    drift = grad_p @ me.second_order_bias(theta_p, sources, me.sandwich_V(theta_p, sources))
    return AugmentedTerms(float(risk - bayes_balanced_error(separation)), float(drift),
                          noise(real) if real else 0.0, noise(synthetic))


def augmented_second_order(d: int, separation: float, n: int, n_syn: float, weight: float, shift: float) -> float:
    """The O(n^-2) term of E[excess] of the augmented fit (second_order.second_order_excess at theta*, AUG-5,
    notes/AUG-5.md). A shifted generator's theta* is not the Bayes rule (grad R != 0): the term then leaves out
    grad R . b2, b2 the O(n^-2) bias of theta_hat, which the note bounds."""
    mu_0_d, mu_1_d, cov_dd, sources = augmented_sources(d, separation, n, n_syn, weight, shift)
    theta_p = me.population_minimiser(sources, bayes_rule_p(mu_0_d, mu_1_d, cov_dd))
    return second_order.second_order_excess(sources, theta_p, zero_one.class_directions(mu_0_d, mu_1_d, cov_dd),
                                            gradient_left_out=shift != 0)


def quadratic_score_control(d: int, separation: float, n: int, n_syn: float, weight: float, shift: float,
                            theta_ref_p) -> QuadraticControl:
    """The control variate of an augmented fit's excess (notes/AUG-5.md, predictions.control_variate): linear in
    the score for the shifted generator (grad R != 0, as AUG-4's control) and quadratic for every generator
    (its tr(H V)/2 noise)."""
    mu_0_d, mu_1_d, cov_dd, sources = augmented_sources(d, separation, n, n_syn, weight, shift)
    return quadratic_control(sources, theta_ref_p, rule_risk(mu_0_d, mu_1_d, cov_dd))


def best_weight(d: int, separation: float, n: int, n_syn: float, shift: float, upper: float) -> float:
    """AUG-5: the loss weight w* in (0, upper] that minimises E[excess] = augmented_excess(...).total,
    by bounded scalar search to 1e-4 (1 for a perfect generator: equal rows, equal weights)."""
    def total(weight):
        return augmented_excess(d, separation, n, n_syn, weight, shift).total

    found = minimize_scalar(total, bounds=(1e-3, upper), method="bounded", options={"xatol": 1e-4})
    return float(found.x)  # pyright: ignore[reportAttributeAccessIssue]  (scipy's stub returns object)
