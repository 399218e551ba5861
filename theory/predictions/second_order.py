"""The O(n^-2) term of E[R(theta_hat)] - R(theta*) for the unpenalised weighted logistic fit on Sources.

The stochastic expansion of Rilstone, Srivastava and Ullah (1996, J. Econometrics 75, "The second-order
bias and mean squared error of nonlinear estimators"), with independent rows from fixed-count sources in
place of i.i.d. rows. With psi = (sigmoid(u) - y) x~ per row, S = sum w psi, J = sum w dpsi (A = E J,
Jt = J - A), Kb = E sum w d^2 psi, Lb = E sum w d^3 psi, Q = A^{-1}, y = Q S, V = E[y y'] (all at theta*):

    delta = theta_hat - theta* = a1 + a2 + a3 + O_p(n^-2),   a1 = -y,   a2 = Q Jt y - 1/2 Q Kb(y, y),
    a3 = -Q (Jt a2 + Kb(a1, a2) + 1/2 Kt(a1, a1) + 1/6 Lb(a1, a1, a1)),

and, when grad R(theta*) = 0 (H, R3, R4 the 2nd to 4th derivatives of R at theta*),

    E R(theta_hat) - R(theta*) = tr(H V)/2 + [1/2 tr(H D2) + 1/6 R3[E delta^3] + 1/8 R4[V, V]] + O(n^-3),

D2 = E[delta delta'] - V to O(n^-2). Every expectation is a sum of products of joint cumulants of the
sums S, Jt, Kt (Isserlis pairings for the fourth-order products; fourth cumulants are O(n^-3) and dropped),
and each such cumulant of order k is sum_s count_s weight_s^k (per-row cumulant of source s), so the term
is assembled from per-row moments that depend only on (law, label, theta*) and are computed once.
docs/second_order.md gives every pairing; an independent simulation confirmed the n^-2
coefficient (2.27 +- 0.06 measured vs 2.32 predicted, d = 5, Delta = 2, balanced).
Per-row moments are exact up to the 1-D quadrature in u = theta.x~: in a basis whose first axis is
cov^{1/2} w, every integrand is g(u) times a polynomial of degree <= 4 in the other coordinates, which
a fully symmetric degree-5 rule integrates exactly (symmetric_nodes: 2(d - 1)^2 + 1 nodes). NumPy float64
throughout, the risk's derivatives to 4th order included (closed form: JAX autodiff to 4th order took 7-15 s
a call here).

Rows that depend on each other (SMOTE's, which share parents) have no per-row cumulants, but the expansion
reads the rows only through the joint cumulants of the sums: data_set_sums and sample_cumulants estimate
them over data sets of the generator, and excess_from_cumulants takes them from there
(benchmarks/imb6_second_order.py). Where grad R(theta*) != 0 (SMOTE's theta* is off the Bayes rule) the term
also holds grad R . b2, theta_hat's O(n^-2) bias: bias_terms evaluates the expansion's a3 + a4 on each data set
(docs/second_order.md, 5c).
"""

import functools
import itertools
import math
from typing import NamedTuple

import numpy as np
from scipy.special import expit

from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.risks.gaussian import GH_ORDER, standard_normal_nodes

STATIONARY_TOL = 1e-6      # |grad R(theta*)| above this times |hess R(theta*)| is not a stationary point
THETA_DECIMALS = 12        # theta* is rounded to this many decimals to key the per-row moment cache


class Cumulants(NamedTuple):
    """Per-row moments of one source (or their count x weight^k sums over sources, or the joint cumulants
    of the sums S, J, K of dependent rows from a Monte Carlo: benchmarks/imb6_second_order.py), at theta:
    mean_p = E psi, a_pp = E dpsi, k_ppp = E d^2 psi, l_pppp = E d^3 psi (weight^1);
    b_pp = Cov(psi, psi), p_ppp = Cov(dpsi, psi), w_pppp = Cov(dpsi, dpsi), x_pppp = Cov(d^2 psi, psi)
    (weight^2); t_ppp = k3(psi, psi, psi), u_pppp = k3(dpsi, psi, psi) (weight^3)."""

    mean_p: np.ndarray
    a_pp: np.ndarray
    k_ppp: np.ndarray
    l_pppp: np.ndarray
    b_pp: np.ndarray
    p_ppp: np.ndarray
    w_pppp: np.ndarray
    x_pppp: np.ndarray
    t_ppp: np.ndarray
    u_pppp: np.ndarray

    def plus(self, other: "Cumulants") -> "Cumulants":
        """The cumulants of the sum of two independent sets of rows: field by field, their sum."""
        return Cumulants(*(a + b for a, b in zip(self, other, strict=True)))


WEIGHT_POWERS = (1, 1, 1, 1, 2, 2, 2, 2, 3, 3)   # k in count x weight^k, per Cumulants field


def _nodes(theta_p, mu_d, cov_dd):
    """Nodes x~_k (k x p) and probabilities p_k, exact for g(theta.x~) x (degree <= 5 in x), x ~ N(mu, cov):
    Gauss-Hermite along cov^{1/2} w times symmetric_nodes on the d - 1 coordinates orthogonal to it."""
    w_d = theta_p[:-1]
    d = w_d.shape[0]
    chol_dd = np.linalg.cholesky(cov_dd)
    axis_d = chol_dd.T @ w_d
    basis_dd, _ = np.linalg.qr(np.column_stack([axis_d / np.linalg.norm(axis_d), np.eye(d)]))
    z_u, p_u = standard_normal_nodes(GH_ORDER)
    z_oj, p_o = symmetric_nodes(d - 1)
    zeta_kd = np.column_stack([np.repeat(z_u, len(p_o)), np.tile(z_oj, (len(z_u), 1))])
    prob_k = np.outer(p_u, p_o).ravel()
    x_kd = mu_d[None, :] + zeta_kd @ basis_dd.T @ chol_dd.T   # the sign of basis column 0 does not matter
    return np.column_stack([x_kd, np.ones(len(x_kd))]), prob_k


@functools.cache
def symmetric_nodes(n: int):
    """Nodes z_j (j x n) and weights p_j with sum_j p_j f(z_j) = E f(Z), Z ~ N(0, I_n), exactly for every
    polynomial f of degree <= 5: Stroud's fully symmetric rule (Approximate Calculation of Multiple
    Integrals, 1971, E_n^{r^2} 5-2) with the origin (weight 2 / (n + 2)), the 2n points +-sqrt(n + 2) e_i
    (weight (4 - n) / (2 (n + 2)^2), negative for n > 4) and the 2n(n - 1) points sqrt((n + 2) / 2)
    (+-e_i +- e_j), i < j (weight 1 / (n + 2)^2): 2n^2 + 1 nodes where a 3-node Gauss-Hermite product
    takes 3^n (2187 at n = 7). Its moments E 1, E z_1^2, E z_1^4 = 3 and E z_1^2 z_2^2 = 1 hold by
    construction, the odd ones by symmetry; n = 1 is the 3-node Gauss-Hermite rule."""
    if n == 0:
        return np.zeros((1, 0)), np.ones(1)
    r, s = math.sqrt(n + 2.0), math.sqrt((n + 2.0) / 2.0)
    axes_jn = np.concatenate([r * np.eye(n), -r * np.eye(n)])
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    diagonals_jn = np.zeros((4 * len(pairs), n))
    for row, ((i, j), (a, b)) in enumerate((pair, signs) for pair in pairs
                                             for signs in ((1, 1), (1, -1), (-1, 1), (-1, -1))):
        diagonals_jn[row, i], diagonals_jn[row, j] = a * s, b * s
    nodes_jn = np.concatenate([np.zeros((1, n)), axes_jn, diagonals_jn])
    weights_j = np.concatenate([[2.0 / (n + 2)], np.full(2 * n, (4.0 - n) / (2 * (n + 2) ** 2)),
                                np.full(len(diagonals_jn), 1.0 / (n + 2) ** 2)])
    nodes_jn.flags.writeable = weights_j.flags.writeable = False
    return nodes_jn, weights_j


@functools.lru_cache(maxsize=64)
def _row_cumulants(theta_key, mu_key, cov_key, y) -> Cumulants:
    """Cumulants of one row of label y from N(mu, cov) at theta (keys: tuples of floats)."""
    theta_p, mu_d = np.array(theta_key), np.array(mu_key)
    x_kp, prob_k = _nodes(theta_p, mu_d, np.array(cov_key).reshape(len(mu_d), len(mu_d)))
    k, p = x_kp.shape
    u_k = x_kp @ theta_p
    slope_k, bend_k = me.curvature(u_k), me.curvature_slope(u_k)
    xx_kq = (x_kp[:, :, None] * x_kp[:, None, :]).reshape(k, p * p)
    xxx_kr = (xx_kq[:, :, None] * x_kp[:, None, :]).reshape(k, p**3)
    psi_kp = (expit(u_k) - y)[:, None] * x_kp
    dpsi_kq, d2psi_kr = slope_k[:, None] * xx_kq, bend_k[:, None] * xxx_kr
    mean_p, mean_q, mean_r = prob_k @ psi_kp, prob_k @ dpsi_kq, prob_k @ d2psi_kr
    psi_c_kp, dpsi_c_kq, d2psi_c_kr = psi_kp - mean_p, dpsi_kq - mean_q, d2psi_kr - mean_r
    psi2_c_kq = (psi_c_kp[:, :, None] * psi_c_kp[:, None, :]).reshape(k, p * p)
    dpsi_c_weighted_kq = prob_k[:, None] * dpsi_c_kq
    third_slope_k = slope_k * (1.0 - 6.0 * slope_k)   # sigmoid''' = sigmoid' (1 - 6 sigmoid')
    return Cumulants(
        mean_p=mean_p, a_pp=mean_q.reshape(p, p), k_ppp=mean_r.reshape(p, p, p),
        l_pppp=(((prob_k * third_slope_k)[:, None] * xxx_kr).T @ x_kp).reshape((p,) * 4),
        b_pp=(prob_k[:, None] * psi_c_kp).T @ psi_c_kp,
        p_ppp=(dpsi_c_weighted_kq.T @ psi_c_kp).reshape(p, p, p),
        w_pppp=(dpsi_c_weighted_kq.T @ dpsi_c_kq).reshape((p,) * 4),
        x_pppp=((prob_k[:, None] * d2psi_c_kr).T @ psi_c_kp).reshape((p,) * 4),
        t_ppp=((prob_k[:, None] * psi2_c_kq).T @ psi_c_kp).reshape(p, p, p),
        u_pppp=(dpsi_c_weighted_kq.T @ psi2_c_kq).reshape((p,) * 4))


def _theta_key(theta_p):
    """theta_p as a hashable tuple, rounded so that the theta* of different source sets share cache entries."""
    return tuple(np.round(np.asarray(theta_p, np.float64), THETA_DECIMALS).tolist())


def summed_cumulants(sources, theta_p) -> Cumulants:
    """The joint cumulants of the sums S, J, K, L: sum_s count_s weight_s^k x source s's per-row cumulant."""
    theta_key, total = _theta_key(theta_p), None
    for s in sources:
        row = _row_cumulants(theta_key, tuple(np.asarray(s.mu_d, np.float64).tolist()),
                             tuple(np.asarray(s.cov_dd, np.float64).ravel().tolist()), float(s.y))
        scaled = Cumulants(*(s.count * s.weight**k * m for k, m in zip(WEIGHT_POWERS, row, strict=True)))
        total = scaled if total is None else total.plus(scaled)
    assert total is not None, "no sources"
    return total


def data_set_sums(rows_rnp, weight_rn, y_rn, theta_p, *, third: bool = True):
    """Per data set r, the fit's sums at theta_p over its weighted rows x~ (label y): S_rp = sum w psi,
    J_rpp = sum w dpsi, K_rppp = sum w d^2 psi; and the sum over data sets of L = sum w d^3 psi (None if
    not third). For rows that depend on each other (SMOTE's), whose sample_cumulants over data sets stand in
    for summed_cumulants."""
    e = functools.partial(np.einsum, optimize=True)
    sigmoid_rn = expit(rows_rnp @ theta_p)
    slope_rn = weight_rn * sigmoid_rn * (1 - sigmoid_rn)
    sums = (e("rn,rnp->rp", weight_rn * (sigmoid_rn - y_rn), rows_rnp),
            e("rn,rnp,rnq->rpq", slope_rn, rows_rnp, rows_rnp),
            e("rn,rnp,rnq,rno->rpqo", slope_rn * (1 - 2 * sigmoid_rn), rows_rnp, rows_rnp, rows_rnp))
    l_pppp = (e("rn,rnp,rnq,rno,rnt->pqot", slope_rn * (1 - 6 * sigmoid_rn + 6 * sigmoid_rn**2), *(rows_rnp,) * 4)
              if third else None)
    return *sums, l_pppp


def bias_terms(rows_rnp, weight_rn, y_rn, theta_p, a_pp, kb_ppp, score_mean_p):
    """Per data set r, the expansion's a2 and a3 + a4 at theta_p = theta* (docs/second_order.md, 5c): E a2 is
    theta_hat's O(1/n) bias b1 and E[a3 + a4] its O(n^-2) bias b2, which grad R . b2 reads where grad R(theta*)
    != 0. The terms are polynomials in the data set's sums S, J, K, L, M (contracted row by row, never a fit), so
    their means over data sets of a generator hold whatever the rows' dependence (SMOTE's). a_pp = E J,
    kb_ppp = E K and score_mean_p = E S (0 at theta*; a Monte Carlo's own mean where its theta* carries an
    error) come from the caller; L and M = sum w d^4 psi enter only where their fluctuation adds O_p(n^-5/2)
    terms, whose means are O(n^-3), so each data set's own L and M stand in for their means."""
    sigmoid_rn = expit(rows_rnp @ theta_p)
    slope_rn = sigmoid_rn * (1 - sigmoid_rn)
    bend_rn, third_rn, fourth_rn = (weight_rn * slope_rn * c for c in (
        1 - 2 * sigmoid_rn, 1 - 6 * sigmoid_rn + 6 * sigmoid_rn**2,
        1 - 14 * sigmoid_rn + 36 * sigmoid_rn**2 - 24 * sigmoid_rn**3))

    def own(coefficient_rn, *vectors_rp):
        """sum_n coefficient_n x~_n prod_j (x~_n . v_j) per data set: the data set's J, K, L or M applied to the v's."""
        for v_rp in vectors_rp:
            coefficient_rn = coefficient_rn * np.einsum("rnp,rp->rn", rows_rnp, v_rp)
        return np.einsum("rn,rnp->rp", coefficient_rn, rows_rnp)

    def jt(a_rp):
        return own(weight_rn * slope_rn, a_rp) - a_rp @ a_pp.T

    def kb(a_rp, b_rp):
        return np.einsum("ijk,rj,rk->ri", kb_ppp, a_rp, b_rp)

    def kt(a_rp, b_rp):
        return own(bend_rn, a_rp, b_rp) - kb(a_rp, b_rp)

    q_pp = np.linalg.inv(a_pp)
    score_rp = np.einsum("rn,rnp->rp", weight_rn * (sigmoid_rn - y_rn), rows_rnp) - score_mean_p
    a1 = -score_rp @ q_pp.T
    a2 = -(jt(a1) + 0.5 * kb(a1, a1)) @ q_pp.T
    # a3 with the data set's own L: its 1/6 Lt(a1, a1, a1) is a4's, which then leaves it out
    a3 = -(jt(a2) + kb(a1, a2) + 0.5 * kt(a1, a1) + own(third_rn, a1, a1, a1) / 6) @ q_pp.T
    a4 = -(jt(a3) + kb(a1, a3) + 0.5 * kb(a2, a2) + kt(a1, a2) + 0.5 * own(third_rn, a1, a1, a2)
           + own(fourth_rn, a1, a1, a1, a1) / 24) @ q_pp.T
    return a2, a3 + a4


def sample_cumulants(s_rp, j_rpp, k_rppp, l_pppp) -> Cumulants:
    """Cumulants of the sums from their draws over independent data sets (data_set_sums): means, unbiased
    covariances and third cumulants (k-statistics); l_pppp, a mean only, as given."""
    e = functools.partial(np.einsum, optimize=True)
    r = len(s_rp)
    s_c, j_c, k_c = s_rp - s_rp.mean(0), j_rpp - j_rpp.mean(0), k_rppp - k_rppp.mean(0)
    second, third = 1.0 / (r - 1), r / ((r - 1) * (r - 2))
    return Cumulants(mean_p=s_rp.mean(0), a_pp=j_rpp.mean(0), k_ppp=k_rppp.mean(0), l_pppp=l_pppp,
                     b_pp=second * e("ra,rb->ab", s_c, s_c), p_ppp=second * e("rij,rc->ijc", j_c, s_c),
                     w_pppp=second * e("rij,rkl->ijkl", j_c, j_c), x_pppp=second * e("rijk,rc->ijkc", k_c, s_c),
                     t_ppp=third * e("ra,rb,rc->abc", s_c, s_c, s_c),
                     u_pppp=third * e("rij,rc,rd->ijcd", j_c, s_c, s_c))


def _symmetrised(t):
    """The mean of t over all permutations of its axes."""
    return sum(np.transpose(t, order) for order in itertools.permutations(range(t.ndim))) / math.factorial(t.ndim)


def _outer(*tensors):
    """The outer product of the tensors, in order."""
    return functools.reduce(np.multiply.outer, tensors)


def _probit_derivatives(theta_p, a_kp, q_pp):
    """grad R, hess R, R3, R4 of R = mean_k Phi(z_k), z_k = a_k.theta / sqrt(q), q = theta' Q theta, by Faa di
    Bruno: first for r = q^{-1/2} (q quadratic), then z_k = (a_k.theta) r, then Phi(z_k)."""
    q = theta_p @ q_pp @ theta_p
    f_1, f_2, f_3, f_4 = (c * q ** (-0.5 - j) for j, c in enumerate((-0.5, 0.75, -1.875, 6.5625), start=1))
    q1_p, q2_pp = 2.0 * q_pp @ theta_p, 2.0 * q_pp
    r_derivs = (q**-0.5, f_1 * q1_p, f_2 * _outer(q1_p, q1_p) + f_1 * q2_pp,
                f_3 * _outer(q1_p, q1_p, q1_p) + 3.0 * f_2 * _symmetrised(_outer(q1_p, q2_pp)),
                f_4 * _outer(q1_p, q1_p, q1_p, q1_p) + 6.0 * f_3 * _symmetrised(_outer(q1_p, q1_p, q2_pp))
                + 3.0 * f_2 * _symmetrised(_outer(q2_pp, q2_pp)))
    totals = [0.0] * 4
    for a_p in a_kp:
        z1, z2, z3, z4 = ((a_p @ theta_p) * r_derivs[j] + j * _symmetrised(_outer(a_p, r_derivs[j - 1]))
                          for j in range(1, 5))
        z = (a_p @ theta_p) * r_derivs[0]
        phi = np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi)
        g_1, g_2, g_3, g_4 = phi, -z * phi, (z**2 - 1.0) * phi, (3.0 * z - z**3) * phi
        terms = (g_1 * z1, g_2 * _outer(z1, z1) + g_1 * z2,
                 g_3 * _outer(z1, z1, z1) + 3.0 * g_2 * _symmetrised(_outer(z1, z2)) + g_1 * z3,
                 g_4 * _outer(z1, z1, z1, z1) + 6.0 * g_3 * _symmetrised(_outer(z1, z1, z2))
                 + g_2 * (4.0 * _symmetrised(_outer(z1, z3)) + 3.0 * _symmetrised(_outer(z2, z2))) + g_1 * z4)
        totals = [total + term / len(a_kp) for total, term in zip(totals, terms, strict=True)]
    return totals


class _Moments(NamedTuple):
    """The fit's moments to O(n^-2), whatever the risk (index names as in docs/second_order.md)."""

    v_pp: np.ndarray      # the sandwich covariance A^-1 B A^-1
    bias_p: np.ndarray    # E a2: the O(1/n) bias of theta_hat
    d2_pp: np.ndarray     # E[delta delta'] - V to O(n^-2) (bias_p bias_p' included)
    ty_ppp: np.ndarray    # E[y_a y_b y_c]
    g_ppp: np.ndarray     # E[y_a y_b a2_c]


def _moments(sums: Cumulants) -> _Moments:
    """The fit's moments from the summed cumulants (index names as in docs/second_order.md)."""
    e = functools.partial(np.einsum, optimize=True)
    q_pp = np.linalg.inv(sums.a_pp)
    v_pp = q_pp @ sums.b_pp @ q_pp
    kb_ppp, lb_pppp, w_pppp = sums.k_ppp, sums.l_pppp, sums.w_pppp
    py_ppp = e("ijc,lc->ijl", sums.p_ppp, q_pp)                        # E[Jt_ij y_l]
    ty_ppp = e("abc,ia,jb,kc->ijk", sums.t_ppp, q_pp, q_pp, q_pp)      # E[y_i y_j y_k]
    uy_pppp = e("ijcd,kc,ld->ijkl", sums.u_pppp, q_pp, q_pp)          # E[Jt_ij y_k y_l]
    xy_pppp = e("ijkc,lc->ijkl", sums.x_pppp, q_pp)                    # E[Kt_ijk y_l]

    # E[a1 a2' + a2 a1'] = -(N + N'), N_ab = E[a2_a y_b]
    n_pp = e("ai,ijjb->ab", q_pp, uy_pppp) - 0.5 * e("ai,ijk,jkb->ab", q_pp, kb_ppp, ty_ppp)
    # E[a2 a2'] = Q E[m m'] Q, m_i = Jt_ik y_k - 1/2 Kb_ikl y_k y_l
    mm_pp = e("ikjl,kl->ij", w_pppp, v_pp) + e("ikl,jlk->ij", py_ppp, py_ppp) + e("ikk,jll->ij", py_ppp, py_ppp)
    half_pp = (e("jlm,ikk,lm->ij", kb_ppp, py_ppp, v_pp) + e("jlm,ikl,km->ij", kb_ppp, py_ppp, v_pp)
               + e("jlm,ikm,kl->ij", kb_ppp, py_ppp, v_pp))
    mm_pp = mm_pp - 0.5 * (half_pp + half_pp.T) + 0.25 * (
        e("ikl,jmn,kl,mn->ij", kb_ppp, kb_ppp, v_pp, v_pp) + 2.0 * e("ikl,jmn,km,ln->ij", kb_ppp, kb_ppp, v_pp, v_pp))
    # E[a1 a3' + a3 a1'] = -(M + M'), M_ab = E[a3_a y_b]
    qq = (q_pp, q_pp)
    m_pp = (-e("ai,jk,ijkl,lb->ab", *qq, w_pppp, v_pp) - e("ai,jk,ijl,klb->ab", *qq, py_ppp, py_ppp)
            - e("ai,jk,ijb,kll->ab", *qq, py_ppp, py_ppp)
            + 0.5 * (e("ai,jk,klm,ijl,mb->ab", *qq, kb_ppp, py_ppp, v_pp)
                     + e("ai,jk,klm,ijm,lb->ab", *qq, kb_ppp, py_ppp, v_pp)
                     + e("ai,jk,klm,ijb,lm->ab", *qq, kb_ppp, py_ppp, v_pp))
            + e("ai,ijk,kl,lmj,mb->ab", q_pp, kb_ppp, q_pp, py_ppp, v_pp)
            + e("ai,ijk,kl,jm,lmb->ab", q_pp, kb_ppp, q_pp, v_pp, py_ppp)
            + e("ai,ijk,kl,jb,lmm->ab", q_pp, kb_ppp, q_pp, v_pp, py_ppp)
            - 0.5 * (e("ai,ijk,kl,lmn,jm,nb->ab", q_pp, kb_ppp, q_pp, kb_ppp, v_pp, v_pp)
                     + e("ai,ijk,kl,lmn,jn,mb->ab", q_pp, kb_ppp, q_pp, kb_ppp, v_pp, v_pp)
                     + e("ai,ijk,kl,lmn,jb,mn->ab", q_pp, kb_ppp, q_pp, kb_ppp, v_pp, v_pp))
            - 0.5 * (e("ai,ijkj,kb->ab", q_pp, xy_pppp, v_pp) + e("ai,ijkk,jb->ab", q_pp, xy_pppp, v_pp)
                     + e("ai,ijkb,jk->ab", q_pp, xy_pppp, v_pp))
            + 0.5 * e("ai,ijkl,jk,lb->ab", q_pp, lb_pppp, v_pp, v_pp))
    d2_pp = -(n_pp + n_pp.T) + q_pp @ mm_pp @ q_pp - (m_pp + m_pp.T)

    g_ppp = (e("ci,ab,ijj->abc", q_pp, v_pp, py_ppp) + e("ci,aj,ijb->abc", q_pp, v_pp, py_ppp)
             + e("ci,bj,ija->abc", q_pp, v_pp, py_ppp) - 0.5 * e("ci,ijk,ab,jk->abc", q_pp, kb_ppp, v_pp, v_pp)
             - e("ci,ijk,aj,bk->abc", q_pp, kb_ppp, v_pp, v_pp))
    bias_p = q_pp @ e("ijj->i", py_ppp) - 0.5 * q_pp @ e("ijk,jk->i", kb_ppp, v_pp)
    return _Moments(v_pp, bias_p, d2_pp, ty_ppp, g_ppp)


def _excess_term(m: _Moments, hess_pp, r3_ppp, r4_pppp) -> float:
    """1/2 tr(H D2) + 1/6 R3[E delta^3] + 1/8 R4[V, V], E delta^3 against the symmetric R3 being -Ty + 3 G."""
    e = functools.partial(np.einsum, optimize=True)
    return float(0.5 * np.trace(hess_pp @ m.d2_pp)
                 + (3.0 * e("abc,abc->", r3_ppp, m.g_ppp) - e("abc,abc->", r3_ppp, m.ty_ppp)) / 6.0
                 + e("abcd,ab,cd->", r4_pppp, m.v_pp, m.v_pp) / 8.0)


def _stationary_derivatives(theta_p, risk):
    """R's 2nd to 4th derivatives at theta_p; ValueError if grad R(theta_p) is not ~0."""
    grad_p, hess_pp, r3_ppp, r4_pppp = _probit_derivatives(theta_p, *risk)
    if np.linalg.norm(grad_p) > STATIONARY_TOL * np.linalg.norm(hess_pp):
        raise ValueError(f"|grad R(theta*)| = {np.linalg.norm(grad_p):.3g} is not ~0 (|hess R| = "
                         f"{np.linalg.norm(hess_pp):.3g}): the O(n^-2) term assumes grad R(theta*) = 0")
    return hess_pp, r3_ppp, r4_pppp


def second_order_excess(sources, theta_p, risk, *, gradient_left_out: bool = False) -> float:
    """The O(n^-2) term 1/2 tr(H D2) + 1/6 R3[E delta^3] + 1/8 R4[V, V] of E[R(theta_hat)] - R(theta*) for
    the unpenalised fit on sources (m_estimation.Source), theta_p = theta* (m_estimation.population_minimiser).
    risk = (a_kp, q_pp) names the risk R = mean_k Phi(a_k.theta / sqrt(theta' Q theta)) (zero_one's
    class_directions or group_directions), differentiated exactly to 4th order. Assumes grad R(theta*) = 0
    (true where theta* is the Bayes rule, as at the balanced arms) and raises ValueError otherwise
    (module docstring; docs/second_order.md). gradient_left_out=True computes the same three terms where
    grad R(theta*) != 0; the O(n^-2) term then also holds grad R . b2, b2 the O(n^-2) bias of theta_hat
    (fourth order in the expansion: bias_terms), which the caller adds or bounds."""
    theta_key = _theta_key(theta_p)
    return excess_from_cumulants(summed_cumulants(sources, theta_key), np.array(theta_key), risk,
                                 gradient_left_out=gradient_left_out)


def excess_from_cumulants(sums: Cumulants, theta_p, risk, *, gradient_left_out: bool = False) -> float:
    """second_order_excess from the joint cumulants of the fit's sums at theta_p = theta*, however they were
    found: summed over independent sources (summed_cumulants) or estimated over data sets of dependent rows."""
    derivatives = (_probit_derivatives(np.asarray(theta_p, np.float64), *risk)[1:] if gradient_left_out
                   else _stationary_derivatives(np.asarray(theta_p, np.float64), risk))
    return _excess_term(_moments(sums), *derivatives)


def second_order_spread(sources, theta_p) -> np.ndarray:
    """D2 = E[(theta_hat - theta*)(theta_hat - theta*)'] - V to O(n^-2) for the unpenalised fit on sources at
    theta_p = theta*, V the sandwich: the O(n^-2) part of the fit's second moment (its squared O(1/n) bias
    included). For a quadratic R with grad R(theta*) = 0 the O(n^-2) excess is 1/2 tr(H D2), so
    E||w_J||^2 = tr(V_JJ) + tr(D2_JJ) for coordinates J where theta*_J = 0 (SPU-2's spurious weight)."""
    return _moments(summed_cumulants(sources, theta_p)).d2_pp
