"""IMB-6: the O(n^-2) term of SMOTE's expected excess, in all four parts (docs/second_order.md; notes/IMB-6.md).

Rilstone et al.'s expansion reads the rows only through the fit's sums S, J, K, L, so SMOTE's dependent rows
need no per-row law. Monte Carlo of the generator alone (never a fit):
- 1/2 tr(H D2) + 1/6 R3[E delta^3] + 1/8 R4[V, V] from the joint cumulants of the minority block's sums
  (n_min real rows and their SMOTE rows) over data sets, the majority's exact (second_order.excess_from_cumulants).
  A control variate: the same data sets with every SMOTE row a copy of its base, whose term at the same theta
  is exact (random oversampling's copy split); the estimate is SMOTE's Monte Carlo term less the copies' plus
  their exact one, its standard error a jackknife over GROUPS groups of data sets.
- grad R . b2, theta_hat's O(n^-2) bias along the drift's gradient (second_order.bias_terms), the mean of
  grad R . (a3 + a4) over further, independent data sets of the whole fit's rows (the majority drawn too).
"""

import functools
from typing import NamedTuple

import numpy as np

from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import second_order as so
from synthlaw.theory.predictions import smote_law, zero_one
from synthlaw.theory.predictions.oversampling import copy_split_sources, gaussian_law, rule_risk

GROUPS = 20          # jackknife groups of data sets
L_DATA_SETS = 400    # data sets for the mean of the third derivative (a mean: no cumulant)


class SmoteSecondOrder(NamedTuple):
    """SMOTE's O(n^-2) term (total) and its Monte Carlo standard error, with its parts: the three cumulant
    terms (controlled by copies) and grad R . b2; and the routes' own checks: the copies' Monte Carlo term
    against its exact value, and grad R . a2's mean (the first-order drift) with its standard error."""

    total: float
    se: float
    three: float
    three_se: float
    drift_second: float
    drift_second_se: float
    copies_mc: float
    copies_mc_se: float
    copies_exact: float
    drift_first: float
    drift_first_se: float


def smote_second_order(d, separation, n_min, n_maj, k, theta_p, data_sets, seed) -> SmoteSecondOrder:
    """SMOTE's O(n^-2) excess term at theta_p = its theta* (smote_law.smote_excess), from data_sets data sets
    for the cumulants and as many further ones for b2 (module docstring)."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    risk = zero_one.class_directions(mu_0_d, mu_1_d, cov_dd)
    majority = so.summed_cumulants([me.Source(mu_1_d, cov_dd, 1.0, float(n_maj))], theta_p)
    copies_exact = so.second_order_excess(copy_split_sources(d, separation, n_min, n_maj), theta_p, risk,
                                          gradient_left_out=True)
    drawn = _block_sums(d, separation, k, n_min, n_maj - n_min, theta_p, data_sets, seed)
    group_r = np.arange(data_sets) % GROUPS

    def terms(keep_r):
        return np.array([so.excess_from_cumulants(majority.plus(so.sample_cumulants(s_rp[keep_r], j_rpp[keep_r],
                                                                                    k_rppp[keep_r], third)),
                                                  theta_p, risk, gradient_left_out=True)
                         for (s_rp, j_rpp, k_rppp), third in (drawn["smote"], drawn["copies"])])

    smote_mc, copies_mc = terms(np.ones(data_sets, bool))
    left_out_g2 = np.array([terms(group_r != g) for g in range(GROUPS)])
    three, three_se = smote_mc - copies_mc + copies_exact, _jackknife_se(left_out_g2[:, 0] - left_out_g2[:, 1])
    drift_r, second_r = _drift_terms(d, separation, k, n_min, n_maj, theta_p, drawn["smote"][0], majority,
                                     data_sets, seed)
    drift_second, drift_second_se = float(second_r.mean()), float(second_r.std(ddof=1) / np.sqrt(data_sets))
    return SmoteSecondOrder(float(three + drift_second), float(np.hypot(three_se, drift_second_se)), float(three),
                            three_se, drift_second, drift_second_se, float(copies_mc),
                            _jackknife_se(left_out_g2[:, 1]), copies_exact, float(drift_r.mean()),
                            float(drift_r.std(ddof=1) / np.sqrt(data_sets)))


def _jackknife_se(values_g):
    return float(np.sqrt((GROUPS - 1) / GROUPS * np.sum((values_g - values_g.mean()) ** 2)))


def _block_sums(d, separation, k, n_min, m, theta_p, data_sets, seed):
    """The SMOTE block's and the copies' block's (S_rp, J_rpp, K_rppp) per data set, and their mean L."""
    mu_0_d = gaussian_law(d, separation)[0]
    rng = np.random.default_rng(seed)
    parts = {"smote": ([], 0.0), "copies": ([], 0.0)}
    third_sets = 0
    for _ in range(0, data_sets, smote_law.CHUNK):
        x_rnd, z_rmd, base_rm = smote_law.draw_datasets(d, n_min, m, functools.partial(smote_law.smote_rows, k=k),
                                                        rng, smote_law.CHUNK)
        real_rnp, smote_rnp = (np.concatenate([a + mu_0_d, np.ones(a.shape[:2] + (1,))], axis=2)
                               for a in (x_rnd, np.concatenate([x_rnd, z_rmd], axis=1)))
        copy_weight_rn = 1.0 + np.stack([np.bincount(b_m, minlength=n_min) for b_m in base_rm])
        with_third = third_sets < L_DATA_SETS
        third_sets += smote_law.CHUNK if with_third else 0
        for name, rows, weight in (("smote", smote_rnp, np.ones(smote_rnp.shape[:2])),
                                   ("copies", real_rnp, copy_weight_rn)):
            *sums, third = so.data_set_sums(rows, weight, 0.0, theta_p, third=with_third)
            kept, third_total = parts[name]
            kept.append(sums)
            parts[name] = (kept, third_total + third if third is not None else third_total)
    return {name: ([np.concatenate(a) for a in zip(*kept, strict=True)], third_total / third_sets)
            for name, (kept, third_total) in parts.items()}


def _drift_terms(d, separation, k, n_min, n_maj, theta_p, minority, majority, data_sets, seed):
    """Per data set of the whole fit (n_min real rows, their SMOTE rows, n_maj majority rows), grad R . a2 and
    grad R . (a3 + a4) (second_order.bias_terms), with A, E K and E S the majority's exact ones plus the
    minority block's means over its own data sets (minority: its per-data-set S, J, K)."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
    m = n_maj - n_min
    grad_p = rule_risk(mu_0_d, mu_1_d, cov_dd)(theta_p)[1]
    s_rp, j_rpp, k_rppp = minority
    means = (majority.a_pp + j_rpp.mean(0), majority.k_ppp + k_rppp.mean(0), majority.mean_p + s_rp.mean(0))
    y_n = np.r_[np.zeros(n_min + m), np.ones(n_maj)]
    rng = np.random.default_rng([seed, 2])
    drift_r, second_r = [], []
    for _ in range(0, data_sets, smote_law.CHUNK):
        x_rnd, z_rmd, _ = smote_law.draw_datasets(d, n_min, m, functools.partial(smote_law.smote_rows, k=k), rng,
                                                  smote_law.CHUNK)
        x_rnd = np.concatenate([x_rnd + mu_0_d, z_rmd + mu_0_d, rng.standard_normal(x_rnd.shape[:1] + (n_maj, d))
                                + mu_1_d], axis=1)
        rows_rnp = np.concatenate([x_rnd, np.ones(x_rnd.shape[:2] + (1,))], axis=2)
        a2_rp, a34_rp = so.bias_terms(rows_rnp, np.ones(rows_rnp.shape[:2]), y_n, theta_p, *means)
        drift_r.append(a2_rp @ grad_p)
        second_r.append(a34_rp @ grad_p)
    return np.concatenate(drift_r), np.concatenate(second_r)
