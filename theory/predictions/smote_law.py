"""IMB-6: the expected excess of the logistic fit balanced by SMOTE (against random oversampling, ROS).

Setting G (oversampling.py): n_min real minority rows from N(mu_0, I), n_maj majority rows from
N(mu_1, I), m = n_maj - n_min new minority rows. The fit is an M-estimator whose first-order
variance is A^{-1} Cov(S) A^{-1}, S the total score at the population minimiser theta*, and whose
expected excess is m_estimation.ExcessTerms (bias + drift + tr(H V)/2) (notes/IMB-6.md).

- ROS, exact: ERM with random multinomial weights (IMB-5: oversampling.random_oversampling_excess).
- SMOTE, Monte Carlo of the generator alone (models/smote.py; never a fit): a SMOTE row's law is
  spherically symmetric about mu_0 (the Gaussian and Euclidean k-NN are rotation invariant), so its
  mean is mu_0 exactly and theta* = (a e_1, b); every expectation over it is one over the pairs
  (z, q) = (one coordinate of x - mu_0, the squared norm of the others), pooled over coordinates.
  Cov(S) and the drift's E[(H - A) A^{-1} S] hold the covariances between synthetic rows sharing
  parents and between them and their real parents: they are sample moments over whole data sets
  (real rows plus their SMOTE rows), the majority's part exact.
"""

import functools
import math
from typing import NamedTuple

import numpy as np
from scipy.special import expit

from synthlaw.sims import geometry
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions.oversampling import copies_source, gaussian_law, rule_risk
from synthlaw.theory.stats.controls import regression_control

LAW_DATASETS = 1200     # data sets whose SMOTE rows estimate the row law (theta*, A, the bias)
SCORE_DATASETS = 8000   # data sets whose total scores estimate Cov(S) and E[(H - A) A^{-1} S]
LAW_SAMPLES = 2_400_000  # (z, q) pairs kept for the row law, at most (6 coordinates of a row at d = 8)
NEWTON_STEPS, NEWTON_TOL = 30, 1e-9  # a step below 1e-9 is under the Monte Carlo's own error
CHUNK = 100             # data sets generated at once
THETA_STEP = 1e-3       # central differences in theta*: below theta*'s Monte Carlo error (2e-3..1e-2)


class SmoteExcess(NamedTuple):
    """SMOTE's ExcessTerms, the Monte Carlo standard error of their sum and the bias that the Monte
    Carlo error of theta* adds to the population term (tr(H Cov(theta*_MC)) / 2 > 0), and two wrong
    theories' variance terms: the synthetic rows taken as independent draws of their law, and the
    curvature A of copies (the synthetic rows' Hessian as if their spread were not shrunk) with the
    right score covariance."""

    terms: me.ExcessTerms
    mc_se: float
    mc_bias: float
    independent_variance: float
    copy_curvature_variance: float
    shrinkage: float  # Var of one coordinate of a SMOTE row (1 for a copy)
    theta_star: np.ndarray  # theta* = (a e_1, b), the expansion's centre (benchmarks/imb6_float64.py reads it)


@functools.lru_cache(maxsize=64)
def smote_excess(d, separation, n_min, n_maj, k, seed: int = 0) -> SmoteExcess:
    """E[excess] to O(1/n) of the fit balanced by SMOTE with k neighbours: the row law and the score
    moments by Monte Carlo of the generator (LAW_DATASETS and SCORE_DATASETS data sets)."""
    return synthetic_excess(d, separation, n_min, n_maj, functools.partial(smote_rows, k=k), seed)


def smote_rows(x_rnd, m, rng, *, k):
    """m SMOTE rows (k neighbours) of each data set x_rnd and their bases i (count x m): the law of
    models/smote.generate (base i uniform, partner uniform among i's k nearest other rows, u ~ U(0, 1))
    drawn in NumPy float64, so that the prediction compiles nothing per (d, k);
    tests/theory/test_imb6.py compares the two."""
    count, n, _ = x_rnd.shape
    sq_rn = np.sum(x_rnd**2, axis=2)
    # einsum, not @: NumPy's batched matmul ran 10x slower here on the shared 2-core VM
    dist_rnn = sq_rn[:, :, None] + sq_rn[:, None, :] - 2 * np.einsum("rnd,rmd->rnm", x_rnd, x_rnd)
    dist_rnn[:, np.arange(n), np.arange(n)] = np.inf
    # argmin for k = 1: NumPy's argpartition at kth = 0 took 21 ms a chunk here, argmin 0.6 ms
    neighbours_rnk = (np.argmin(dist_rnn, axis=2)[:, :, None] if k == 1
                      else np.argpartition(dist_rnn, k - 1, axis=2)[:, :, :k])
    base_rm = rng.integers(0, n, (count, m))
    partner_rm = np.take_along_axis(neighbours_rnk[np.arange(count)[:, None], base_rm],
                                    rng.integers(0, k, (count, m, 1)), axis=2)[:, :, 0]
    u_rm1 = rng.uniform(size=(count, m, 1))
    x_base = np.take_along_axis(x_rnd, base_rm[:, :, None], axis=1)
    x_partner = np.take_along_axis(x_rnd, partner_rm[:, :, None], axis=1)
    return x_base + u_rm1 * (x_partner - x_base), base_rm


def synthetic_excess(d, separation, n_min, n_maj, synthesise, seed: int = 0) -> SmoteExcess:
    """E[excess] to O(1/n) of the fit balanced by m = n_maj - n_min rows made from the real minority
    rows (centred at 0) by synthesise(x_rnd, m, rng) -> (rows, bases): any generator whose rows' law is
    spherically symmetric about mu_0 given rotation-invariant real rows (SMOTE; tests: independent
    draws, copies), each row with a base, a real row drawn uniformly and independently of the rows.

    The variance term's Monte Carlo carries a control variate: the quadratic form q of the total score
    with every synthetic row replaced by a copy of its base. Those copies are random oversampling, so
    q's mean is exact (IMB-5's multinomial weights), and where SMOTE's rows are near copies (low d) the
    difference of the two forms varies far less than either (notes/IMB-6.md)."""
    if d < 2:
        raise ValueError(f"d = {d}: the row law's reduction to (z, q) needs d >= 2")
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    m = n_maj - n_min
    rng_law, rng_score = (np.random.default_rng([seed, part]) for part in (0, 1))
    law = RowLaw.sample(d, n_min, m, synthesise, rng_law, mu_0_d[0])
    exact = [me.Source(mu_1_d, cov_dd, 1.0, float(n_maj)), me.Source(mu_0_d, cov_dd, 0.0, float(n_min))]

    def curvature(theta):
        """A at theta: the exact rows' Hessian plus m synthetic rows' from the pooled law."""
        return me.hessian_A(theta, exact) + m * law.hessian(theta)

    theta_p = geometry.bayes_rule_p(mu_0_d, mu_1_d, cov_dd)
    for _ in range(NEWTON_STEPS):  # from the Bayes rule, near theta*: Newton converges quadratically
        step_p = np.linalg.solve(curvature(theta_p), me.gradient(theta_p, exact) + m * law.gradient(theta_p))
        theta_p = theta_p - step_p
        if np.linalg.norm(step_p) < NEWTON_TOL:
            break
    majority = exact[:1]
    copies = copies_source(mu_0_d, cov_dd, n_min, n_maj)  # B = n_min E[w^2] Cov psi
    theta_tp = theta_p + theta_shifts(d)
    a_inv_tpp = np.stack([np.linalg.inv(curvature(theta)) for theta in theta_tp])
    risk_at = [rule_risk(mu_0_d, mu_1_d, cov_dd)(theta) for theta in theta_tp]  # (R, grad R, hess R) per theta
    v_tp = np.einsum("tpq,tq->tp", a_inv_tpp, np.stack([grad for _, grad, _ in risk_at]))
    scores = DatasetScores.sample(d, n_min, m, synthesise, rng_score, mu_0_d, theta_tp, v_tp)
    bayes = geometry.bayes_balanced_error(separation)

    def terms_at(t):
        """The excess's terms at theta_tp[t] (t = 0: theta*), with the minority's per-data-set Monte Carlo
        draws: q_r (the variance term, controlled by copies) and e_r (the drift's E[(H - A) A^{-1} S]); and
        the total score covariance B. The majority's parts are exact."""
        theta, a_inv_pp, (risk, _, hess_pp) = theta_tp[t], a_inv_tpp[t], risk_at[t]
        m_pp = a_inv_pp @ hess_pp @ a_inv_pp / 2
        q_r = regression_control(quadratic_form(scores.s_trp[t], m_pp), quadratic_form(scores.copy_trp[t], m_pp),
                                 float(np.trace(m_pp @ me.gradient_covariance_B(theta, [copies]))))
        centred_rp = scores.s_trp[t] - scores.s_trp[t].mean(axis=0)
        r = len(centred_rp)
        b_pp = me.gradient_covariance_B(theta, majority) + symmetrised(centred_rp.T @ centred_rp / (r - 1))
        v_pp = a_inv_pp @ b_pp @ a_inv_pp
        e_r = (np.einsum("rp,rp->r", scores.h_trp[t] - scores.h_trp[t].mean(axis=0), centred_rp @ a_inv_pp)
               * r / (r - 1))
        cubic_p = (sum(s.count * me.expect_cubic(me.curvature_slope, theta, s.mu_d, s.cov_dd, v_pp) for s in exact)
                   + m * law.cubic(theta, v_pp))
        drift = v_tp[t] @ (majority_bias_term(theta, majority[0], a_inv_pp) - cubic_p / 2) + e_r.mean()
        variance = np.trace(m_pp @ me.gradient_covariance_B(theta, majority)) + q_r.mean()
        return me.ExcessTerms(float(risk - bayes), float(drift), float(variance)), q_r, e_r, b_pp

    terms, q_r, e_r, b_pp = terms_at(0)
    # theta*'s Monte Carlo error moves every term: the total's slope along (first, intercept) by central
    # differences on the same data sets (common draws)
    totals_t = [terms_at(t)[0].total for t in range(1, 5)]
    slope_2 = np.array([totals_t[0] - totals_t[1], totals_t[2] - totals_t[3]]) / (2 * THETA_STEP)
    a_inv_pp, (_, _, hess_pp) = a_inv_tpp[0], risk_at[0]
    m_pp = a_inv_pp @ hess_pp @ a_inv_pp / 2
    v_pp = a_inv_pp @ b_pp @ a_inv_pp
    independent = float(np.trace(m_pp @ (me.gradient_covariance_B(theta_p, exact) + m * law.score_covariance(theta_p))))
    copy_a_inv_pp = np.linalg.inv(me.hessian_A(theta_p, [*exact, me.Source(mu_0_d, cov_dd, 0.0, float(m))]))
    copy_curvature = float(me.first_order_excess(hess_pp, copy_a_inv_pp @ b_pp @ copy_a_inv_pp))
    # the row law's error moves theta* (through its mean score: dtheta = -m A^-1 dgradient) and A (through
    # its mean Hessian: the variance term 1/2 tr(H A^-1 B A^-1) by -m tr(dHessian sym(A^-1 H V))); both
    # come from the same pooled rows, so their covariance counts (the drift's own A^-1, a few % of it, is left)
    ends = [0, d]  # the (first, intercept) coordinates
    law_cov_66 = law.mean_covariance(theta_p)
    along_a_pp = a_inv_pp @ hess_pp @ v_pp
    along_a_pp = (along_a_pp + along_a_pp.T) / 2
    law_slope_6 = -m * np.concatenate([a_inv_pp[np.ix_(ends, ends)] @ slope_2,
                                       [along_a_pp[0, 0], 2 * along_a_pp[0, d], along_a_pp[d, d],
                                        np.trace(along_a_pp[1:d, 1:d])]])
    r = len(q_r)
    mc_se = math.sqrt(law_slope_6 @ law_cov_66 @ law_slope_6 + q_r.var(ddof=1) / r + e_r.var(ddof=1) / r)
    cov_theta_pp = m**2 * a_inv_pp[:, ends] @ law_cov_66[:2, :2] @ a_inv_pp[ends, :]
    return SmoteExcess(terms, mc_se, float(np.trace(hess_pp @ cov_theta_pp) / 2), independent, copy_curvature,
                       law.shrinkage, theta_p)


def theta_shifts(d):
    """theta* and four shifts of it by +-THETA_STEP along the first coordinate and the intercept (the
    coordinates theta* has by symmetry): rows 0, then (+first, -first, +intercept, -intercept)."""
    shifts_tp = np.zeros((5, d + 1))
    shifts_tp[1:3, 0] = THETA_STEP, -THETA_STEP
    shifts_tp[3:5, -1] = THETA_STEP, -THETA_STEP
    return shifts_tp


def quadratic_form(s_rp, m_pp):
    """Per data set (s_r - mean s)' M (s_r - mean s) r / (r - 1): unbiased for tr(M Cov s)."""
    centred_rp = s_rp - s_rp.mean(axis=0)
    r = len(s_rp)
    return np.einsum("rp,pq,rq->r", centred_rp, m_pp, centred_rp) * r / (r - 1)


def majority_bias_term(theta_p, source, a_inv_pp):
    """count (E[H A^{-1} psi] - E[H] A^{-1} E[psi]) of one source of independent rows (the first sum
    of m_estimation.second_order_bias, with the whole fit's A^{-1})."""
    r = me.ce_residual(source.y)
    h_psi_p = me.expect_cubic(lambda u: me.curvature(u) * r(u), theta_p, source.mu_d, source.cov_dd, a_inv_pp)
    mean_h_pp = me.expect_outer(me.curvature, theta_p, source.mu_d, source.cov_dd)
    mean_psi_p = me.expect_vector(r, theta_p, source.mu_d, source.cov_dd)
    return source.count * (h_psi_p - mean_h_pp @ a_inv_pp @ mean_psi_p)


def symmetrised(b_pp):
    """The projection of a p x p moment onto the form the rotations about e_1 leave invariant: the
    (e_1, intercept) block kept, the d - 1 other coordinates one shared variance, no cross terms."""
    p = len(b_pp)
    out_pp = np.zeros_like(b_pp)
    keep = np.ix_([0, p - 1], [0, p - 1])
    out_pp[keep] = b_pp[keep]
    perp = np.arange(1, p - 1)
    out_pp[perp, perp] = np.mean(b_pp[perp, perp])
    return out_pp


def draw_datasets(d, n_min, m, synthesise, rng, count):
    """count data sets: n_min real rows from N(0, I_d) (x - mu_0), their m synthetic rows and the
    rows' bases, synthesise(x_rnd, m, rng)."""
    x_rnd = rng.standard_normal((count, n_min, d))
    return x_rnd, *synthesise(x_rnd, m, rng)


class RowLaw(NamedTuple):
    """One SMOTE row's law about mu_0 as pooled pairs (z, q): z one coordinate, q the squared norm of
    the other d - 1, and each pair's data set (rows of a data set are dependent)."""

    z_n: np.ndarray
    q_n: np.ndarray
    dataset_n: np.ndarray
    mu_0: float
    d: int

    @classmethod
    def sample(cls, d, n_min, m, synthesise, rng, mu_0):
        per_set = max(1, min(d, LAW_SAMPLES // (LAW_DATASETS * m)))  # coordinates kept per row
        zs, qs, ids = [], [], []
        for start in range(0, LAW_DATASETS, CHUNK):
            count = min(CHUNK, LAW_DATASETS - start)
            _, z_rmd, _ = draw_datasets(d, n_min, m, synthesise, rng, count)
            norm_rm = np.sum(z_rmd**2, axis=2)
            zs.append(z_rmd[:, :, :per_set].ravel())
            qs.append((norm_rm[:, :, None] - z_rmd[:, :, :per_set] ** 2).ravel())
            ids.append(np.repeat(np.arange(start, start + count), m * per_set))
        return cls(np.concatenate(zs), np.concatenate(qs), np.concatenate(ids), float(mu_0), d)

    @property
    def shrinkage(self) -> float:
        return float(np.mean(self.z_n**2))

    def _parts(self, theta_p):
        """u = theta.x~ and the coordinate x_1 of each pair (theta_p = (a e_1, b) by symmetry)."""
        x1_n = self.mu_0 + self.z_n
        return theta_p[0] * x1_n + theta_p[-1], x1_n

    def _embed(self, first, intercept):
        """The p-vector (first, 0, ..., 0, intercept)."""
        vec_p = np.zeros(self.d + 1)
        vec_p[0], vec_p[-1] = first, intercept
        return vec_p

    def _outer(self, g_n, theta_p):
        """E[g(u) x~ x~'] in block form: (x_1, 1) block, and E[g q] / (d - 1) on the other d - 1."""
        _, x1_n = self._parts(theta_p)
        p = self.d + 1
        out_pp = np.zeros((p, p))
        out_pp[0, 0], out_pp[0, -1], out_pp[-1, -1] = np.mean(g_n * x1_n**2), np.mean(g_n * x1_n), np.mean(g_n)
        out_pp[-1, 0] = out_pp[0, -1]
        perp = np.arange(1, p - 1)
        out_pp[perp, perp] = np.mean(g_n * self.q_n) / (self.d - 1)
        return out_pp

    def gradient(self, theta_p):
        """E[(sigmoid(u) - 0) x~]: one synthetic minority row's mean score."""
        u_n, x1_n = self._parts(theta_p)
        return self._embed(np.mean(expit(u_n) * x1_n), np.mean(expit(u_n)))

    def hessian(self, theta_p):
        return self._outer(me.curvature(self._parts(theta_p)[0]), theta_p)

    def score_covariance(self, theta_p):
        """Cov[psi] of one synthetic row."""
        u_n, _ = self._parts(theta_p)
        mean_p = self.gradient(theta_p)
        return self._outer(expit(u_n) ** 2, theta_p) - np.outer(mean_p, mean_p)

    def cubic(self, theta_p, v_pp):
        """E[sigmoid''(u) x~ (x~' V x~)] for V in block form."""
        u_n, x1_n = self._parts(theta_p)
        quad_n = v_pp[0, 0] * x1_n**2 + 2 * v_pp[0, -1] * x1_n + v_pp[-1, -1] + v_pp[1, 1] * self.q_n
        g_n = me.curvature_slope(u_n) * quad_n
        return self._embed(np.mean(g_n * x1_n), np.mean(g_n))

    def mean_covariance(self, theta_p):
        """Cov of the pooled means that gradient() and hessian() read, (first, intercept) of the mean score
        then (x_1 x_1, x_1 1, 1 1, other diagonal) of the mean Hessian: their Monte Carlo error, from the
        per-data-set means (independent across data sets, rows within one dependent)."""
        u_n, x1_n = self._parts(theta_p)
        sigmoid_n, curvature_n = expit(u_n), me.curvature(u_n)
        columns = (sigmoid_n * x1_n, sigmoid_n, curvature_n * x1_n**2, curvature_n * x1_n, curvature_n,
                   curvature_n * self.q_n / (self.d - 1))
        sets = int(self.dataset_n.max()) + 1
        counts = np.bincount(self.dataset_n, minlength=sets)
        means_cr = np.stack([np.bincount(self.dataset_n, c_n, sets) / counts for c_n in columns])
        return np.cov(means_cr) / sets


class DatasetScores(NamedTuple):
    """Per theta t and data set r: the minority's total score s_trp = sum psi over real and synthetic
    rows, the same with each synthetic row replaced by a copy of its base (copy_trp = sum_i (1 + c_i)
    psi_i, c_i the rows based on real row i); and h_trp = H_tr v_t, H_tr their total Hessian (for the
    drift's E[(H - A) A^{-1} S] along v_t = A^{-1} grad R at theta t)."""

    s_trp: np.ndarray
    copy_trp: np.ndarray
    h_trp: np.ndarray

    @classmethod
    def sample(cls, d, n_min, m, synthesise, rng, mu_0_d, theta_tp, v_tp):
        s_parts, copy_parts, h_parts = [], [], []
        for start in range(0, SCORE_DATASETS, CHUNK):
            count = min(CHUNK, SCORE_DATASETS - start)
            x_rnd, z_rmd, base_rm = draw_datasets(d, n_min, m, synthesise, rng, count)
            rows_rnp = np.concatenate([x_rnd, z_rmd], axis=1) + mu_0_d
            rows_rnp = np.concatenate([rows_rnp, np.ones(rows_rnp.shape[:2] + (1,))], axis=2)
            weight_rn = 1.0 + np.stack([np.bincount(b_m, minlength=n_min) for b_m in base_rm])
            sigmoid_trn = expit(np.einsum("rnp,tp->trn", rows_rnp, theta_tp))
            s_parts.append(np.einsum("trn,rnp->trp", sigmoid_trn, rows_rnp))
            copy_parts.append(np.einsum("trn,rn,rnp->trp", sigmoid_trn[:, :, :n_min], weight_rn, rows_rnp[:, :n_min]))
            curvature_trn = sigmoid_trn * (1 - sigmoid_trn)
            h_parts.append(np.einsum("trn,trn,rnp->trp", curvature_trn, np.einsum("rnp,tp->trn", rows_rnp, v_tp),
                                     rows_rnp))
        return cls(*(np.concatenate(parts, axis=1) for parts in (s_parts, copy_parts, h_parts)))
