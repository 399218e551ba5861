"""Setting S predictions (SPU-1..3 in CLAIMS): population minimisers over group mixtures and the
sandwich covariances of augmented fits. Call inside jax.enable_x64(True) where noted."""

import jax
import jax.numpy as jnp

from synthlaw.sims.spurious import GROUP_Y, MINORITY, group_counts, group_means, means_for
from synthlaw.theory.predictions import m_estimation as me
from synthlaw.theory.predictions.augmentation import plugin_covariance
from synthlaw.theory.risks.spurious import balanced_group_error


def group_sources(mean_gp, counts_g, weight=1.0):
    """One m_estimation.Source per group, label y mapped to {0, 1}."""
    eye_pp = jnp.eye(mean_gp.shape[1], dtype=mean_gp.dtype)
    return [me.Source(m_p, eye_pp, 0.5 * (y + 1.0), c, weight) for y, m_p, c in zip(GROUP_Y, mean_gp, counts_g)]


def law_s(d_core, d_spur, core, spur):
    """float64 group means (call inside jax.enable_x64) and the Bayes rule (2 mu_c, 0, 0)."""
    mu_c_d, mu_s_e = (jnp.asarray(m, jnp.float64) for m in means_for(d_core, d_spur, core, spur))
    mean_gp = group_means(mu_c_d, mu_s_e)
    return mean_gp, jnp.concatenate([2.0 * mu_c_d, jnp.zeros(d_spur + 1, jnp.float64)])


def erm_minimiser(d_core, d_spur, core, spur, p):
    """SPU-1: the population logistic minimiser on the training mixture of minority mass p."""
    with jax.enable_x64(True):
        mean_gp, bayes_p = law_s(d_core, d_spur, core, spur)
        counts_g = [0.5 * p if minority else 0.5 * (1 - p) for minority in (False, True, True, False)]
        return me.population_minimiser(group_sources(mean_gp, counts_g), bayes_p)


def balanced_sandwich(config, n):
    """tr(H V)/2 and E||w_spur||^2 = tr(V_spur) for n real rows balanced by perfect minority rows."""
    with jax.enable_x64(True):
        mean_gp, bayes_p = law_s(config.d_core, config.d_spur, config.core, config.spur)
        counts = group_counts(n, config.p)
        sources = group_sources(mean_gp, counts) + group_sources(
            mean_gp, [0.0 if not m else counts[0] - counts[1] for m in MINORITY])
        v_pp = me.sandwich_V(bayes_p, sources)
        excess = me.first_order_excess(lambda t: balanced_group_error(t, mean_gp), bayes_p, v_pp)
        spur = jnp.trace(v_pp[config.d_core:-1, config.d_core:-1])
        return float(excess), float(spur)


def plugin_group_floor(config, n_minor):
    """First-order excess and E||w_spur||^2 when the minority groups come from plug-ins fitted on
    n_minor rows each: generator term tr(H Cov_gen)/2 plus sampling term tr(H V)/2 (SPU-3)."""
    with jax.enable_x64(True):
        mean_gp, bayes_p = law_s(config.d_core, config.d_spur, config.core, config.spur)
        sources = group_sources(mean_gp, [float(config.n_group)] * 4)
        v_pp = me.sandwich_V(bayes_p, sources) + plugin_covariance(bayes_p, sources, (1, 2), n_minor)
        excess = me.first_order_excess(lambda t: balanced_group_error(t, mean_gp), bayes_p, v_pp)
        return float(excess), float(jnp.trace(v_pp[config.d_core:-1, config.d_core:-1]))
