"""IMB-6 beyond first order: SMOTE's O(n^-2) excess term, from Monte Carlo cumulants of the fit's sums.

    python benchmarks/imb6_second_order.py d k [data_sets [seed [n_min]]]

SMOTE's rows depend on each other, so the per-row cumulants of second_order.py do not apply, but its
expansion (Rilstone et al.) reads the rows only through the joint cumulants of the sums S, J, K over the
fit's rows. Here those of the minority block (n_min real rows and their m SMOTE rows, at SMOTE's theta*)
are sample cumulants over data sets of the generator alone (never a fit), the majority's are exact, and
second_order.excess_from_cumulants turns them into the three terms 1/2 tr(H D2) + 1/6 R3[E delta^3] +
1/8 R4[V, V]. The fourth, grad R . b2 (theta_hat's O(n^-2) bias along the drift's gradient, which only SMOTE
has: ROS's theta* is the Bayes rule), is the mean of grad R . (a3 + a4) over further, independent data sets
of the whole fit's rows (the majority drawn too), the expansion's terms contracted row by row
(second_order.bias_terms; A, E K and E S from the first data sets); beside it grad R . a2's mean against the
first-order drift (the same route's check). A control variate: the same data sets with every SMOTE
row replaced by a copy of its base, whose term at the same theta is exact (random oversampling's copy
split, oversampling.copy_split_sources); the printed value is SMOTE's Monte Carlo term less the copies'
Monte Carlo term plus their exact one, with its jackknife standard error over 20 groups of data sets;
the copies' two terms are printed too (the Monte Carlo route against an exact answer). Beside it: ROS's
own exact O(n^-2) term (at the Bayes rule), SMOTE's first-order terms and the gap's whole O(n^-2) part.
Seconds at d <= 4; about half a minute at d = 8 (idle 2-core VM, 2026-12-05).
"""

import functools
import sys

import numpy as np

from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import second_order as so
from synthlaw.theory.predictions import smote_law, zero_one
from synthlaw.theory.predictions.oversampling import (
    copy_split_sources,
    gaussian_law,
    random_oversampling_excess,
    random_oversampling_second_order,
    rule_risk,
)

RHO, SEPARATION, GROUPS = 4, 2.0, 20
L_DATA_SETS = 400  # data sets for the mean of the third derivative (a mean: no cumulant)


def draw(d, k, n_min, m, theta_p, data_sets, seed):
    """The SMOTE block's and the copies' block's (S_rp, J_rpp, K_rppp) per data set, and their mean L."""
    mu_0_d = gaussian_law(d, SEPARATION)[0]
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
            parts[name] = (kept, third_total + third if with_third else third_total)
    return {name: ([np.concatenate(a) for a in zip(*kept, strict=True)], third_total / third_sets)
            for name, (kept, third_total) in parts.items()}


def drift_second_order(d, k, n_min, theta_p, minority, majority, data_sets, seed):
    """Per data set of the whole fit (n_min real rows, their SMOTE rows, rho n_min majority rows), grad R . a2 and
    grad R . (a3 + a4) (second_order.bias_terms), with A, E K and E S the majority's exact ones plus the
    minority block's means over its own data sets (minority: its per-data-set S, J, K)."""
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, SEPARATION)
    n_maj, m = RHO * n_min, (RHO - 1) * n_min
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


def main(d: int, k: int, data_sets: int = 16000, seed: int = 1, n_min: int = 100):
    n_maj, m = RHO * n_min, (RHO - 1) * n_min
    mu_0_d, mu_1_d, cov_dd = gaussian_law(d, SEPARATION)
    risk = zero_one.class_directions(mu_0_d, mu_1_d, cov_dd)
    first = smote_law.smote_excess(d, SEPARATION, n_min, n_maj, k)
    theta_p = first.theta_star
    majority = so.summed_cumulants([me.Source(mu_1_d, cov_dd, 1.0, float(n_maj))], theta_p)

    def term(block):
        return so.excess_from_cumulants(majority.plus(block), theta_p, risk, gradient_left_out=True)

    copies_exact = so.second_order_excess(copy_split_sources(d, SEPARATION, n_min, n_maj), theta_p, risk,
                                          gradient_left_out=True)
    drawn = draw(d, k, n_min, m, theta_p, data_sets, seed)
    group_r = np.arange(data_sets) % GROUPS

    def terms(keep_r):
        return np.array([term(so.sample_cumulants(*(a[keep_r] for a in sums), third))
                         for sums, third in (drawn["smote"], drawn["copies"])])

    smote_mc, copies_mc = terms(np.ones(data_sets, bool))
    left_out_g2 = np.array([terms(group_r != g) for g in range(GROUPS)])

    def jackknife_se(values_g):
        return float(np.sqrt((GROUPS - 1) / GROUPS * np.sum((values_g - values_g.mean()) ** 2)))

    se = jackknife_se(left_out_g2[:, 0] - left_out_g2[:, 1])
    three = smote_mc - copies_mc + copies_exact
    ros = random_oversampling_second_order(d, SEPARATION, n_min, n_maj)
    drift_r, drift_second_r = drift_second_order(d, k, n_min, theta_p, drawn["smote"][0], majority, data_sets, seed)
    drift_second, drift_second_se = drift_second_r.mean(), drift_second_r.std(ddof=1) / np.sqrt(data_sets)
    print(f"d = {d}, k = {k}, n_min = {n_min}, {data_sets} data sets, seed {seed}")
    print(f"SMOTE O(n^-2) (three terms): {three:.3e} (jackknife se {se:.1e}); uncontrolled {smote_mc:.3e}")
    print(f"  = {three / first.terms.total:+.4f} of SMOTE's first order {first.terms.total:.4e}")
    print(f"SMOTE grad R . b2: {drift_second:.3e} (se {drift_second_se:.1e}) = {drift_second / first.terms.drift:+.4f} "
          f"of its first-order drift {first.terms.drift:.3e}; grad R . a2's mean there {drift_r.mean():.3e} "
          f"(se {drift_r.std(ddof=1) / np.sqrt(data_sets):.1e})")
    value, value_se = three + drift_second, float(np.hypot(se, drift_second_se))
    print(f"SMOTE O(n^-2), all four terms: {value:.3e} (se {value_se:.1e}) "
          f"= {value / first.terms.total:+.4f} of its first order")
    print(f"the copies at SMOTE's theta*, the Monte Carlo route's own check: {copies_mc:.3e} (jackknife se "
          f"{jackknife_se(left_out_g2[:, 1]):.1e}) from data sets, {copies_exact:.3e} exact")
    gap = first.terms.total - random_oversampling_excess(d, SEPARATION, n_min, n_maj).total
    print(f"ROS O(n^-2) (exact): {ros:.3e}; the gap's O(n^-2) part (SMOTE - ROS): {value - ros:+.3e} (se "
          f"{value_se:.1e}) = {(value - ros) / gap:+.4f} of its first order {gap:.3e}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:6]))
