"""Setting S predictions (SPU-1..3 in CLAIMS): population minimisers over group mixtures and the
sandwich covariances of augmented fits, in NumPy float64."""

import numpy as np

from synthlaw.sims.geometry import GROUP_Y, MINORITY, group_counts, group_means, means_for
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions import zero_one
from synthlaw.theory.predictions.augmentation import plugin_covariance


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


def _balanced_error_hessian(theta_p, mean_gp):
    return zero_one.mean_probit(theta_p, *zero_one.group_directions(mean_gp))[2]


def balanced_sandwich(d_core: int, d_spur: int, core: float, spur: float, *, p: float, n: int):
    """tr(H V)/2 and E||w_spur||^2 = tr(V_spur) for n real rows of minority mass p, balanced by
    perfect minority rows (SPU-2)."""
    mean_gp, bayes_p = law_s(d_core, d_spur, core, spur)
    counts = group_counts(n, p)
    sources = group_sources(mean_gp, counts) + group_sources(
        mean_gp, [0.0 if not m else counts[0] - counts[1] for m in MINORITY])
    v_pp = me.sandwich_V(bayes_p, sources)
    excess = me.first_order_excess(_balanced_error_hessian(bayes_p, mean_gp), v_pp)
    return float(excess), float(np.trace(v_pp[d_core:-1, d_core:-1]))


def plugin_group_floor(d_core: int, d_spur: int, core: float, spur: float, *, n_group: int, n_minor: int):
    """First-order excess and E||w_spur||^2 with n_group rows per group, the minority groups' from
    plug-ins fitted on n_minor rows each: generator term tr(H Cov_gen)/2 plus sampling term tr(H V)/2
    (SPU-3)."""
    mean_gp, bayes_p = law_s(d_core, d_spur, core, spur)
    sources = group_sources(mean_gp, [float(n_group)] * 4)
    v_pp = me.sandwich_V(bayes_p, sources) + plugin_covariance(bayes_p, sources, (1, 2), n_minor)
    excess = me.first_order_excess(_balanced_error_hessian(bayes_p, mean_gp), v_pp)
    return float(excess), float(np.trace(v_pp[d_core:-1, d_core:-1]))
