"""Augmentation in Setting G: the replicate that adds N weighted synthetic rows, and the AUG-2 law.

The real training set is balanced: n/2 rows per class. A generator per class (perfect, plug-in
fitted on n_gen disjoint real rows per class, or shifted) adds N/2 rows per class at loss weight w.
First order (AUG-2 in CLAIMS, derivation in notes/AUG-2.md):

    Excess(N) = (c_r n + c_s w^2 N) / (n + w N)^2 + (w N / (n + w N))^2 a,

c_r = c_s = c = tr(H V_1)/2 with V_1 the sandwich covariance of one balanced row, and a the
excess of the rule learned from the generator's law alone.
"""

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models.group_generators import generate_groups
from synthlaw.models.logistic import fit_logistic
from synthlaw.sims.gaussian import draw, means_for_delta
from synthlaw.sims.sweep import padding_mask
from synthlaw.theory import m_estimation as me
from synthlaw.theory.gaussian_risk import balanced_error, bayes_balanced_error, bayes_rule
from synthlaw.theory.imbalance import shift_direction


class AugShapes(NamedTuple):
    """Static sizes: dimension, padded real rows per class, generator-fit rows, synthetic rows."""

    d: int
    n_real_max: int
    n_gen_max: int
    n_syn_max: int


def augmentation_replicate(shapes: AugShapes, generator: str, l2: float = 0.0, n_steps: int = 8):
    """Replicate (key, point) -> {"excess"}: balanced 0-1 excess of the logistic fit on n real rows
    (n/2 per class) plus n_syn synthetic rows (n_syn/2 per class) at loss weight `weight`.

    point: n, n_syn, n_gen (generator-fit rows, n_gen/2 per class), weight, separation, shift (the
    class-0 generator's mean is off by shift e_1). Eight fit steps: on these fits the
    excess agrees with 30 steps to float32 precision.
    """

    def replicate(key, point):
        key_real, key_fit, key_syn = jax.random.split(key, 3)
        mu_0_d, mu_1_d = means_for_delta(shapes.d, point["separation"])
        mean_gd = jnp.stack([mu_0_d, mu_1_d])
        cov_dd = jnp.eye(shapes.d)
        x_real_gnd = jnp.stack([draw(k, shapes.n_real_max, m, cov_dd)
                                for k, m in zip(jax.random.split(key_real), (mu_0_d, mu_1_d))])
        x_fit_gnd = jnp.stack([draw(k, shapes.n_gen_max, m, cov_dd)
                               for k, m in zip(jax.random.split(key_fit), (mu_0_d, mu_1_d))])
        shift_gd = jnp.stack([point["shift"] * shift_direction(shapes.d, 0.0), jnp.zeros(shapes.d)])
        x_syn_gnd = generate_groups(generator, key_syn, x_fit_gnd, shapes.n_syn_max, mean_gd=mean_gd,
                                    cov_dd=cov_dd, n_real=point["n_gen"] // 2, shift_gd=shift_gd)
        x_nd = jnp.concatenate([x_real_gnd.reshape(-1, shapes.d), x_syn_gnd.reshape(-1, shapes.d)])
        y_n = jnp.concatenate([jnp.repeat(jnp.arange(2.0), shapes.n_real_max),
                               jnp.repeat(jnp.arange(2.0), shapes.n_syn_max)])
        real_n = padding_mask(point["n"] // 2, shapes.n_real_max, x_nd.dtype)
        syn_n = padding_mask(point["n_syn"] // 2, shapes.n_syn_max, x_nd.dtype) * point["weight"]
        weight_n = jnp.concatenate([real_n, real_n, syn_n, syn_n])
        w_d, b = fit_logistic(x_nd, y_n, weight_n, l2=l2, n_steps=n_steps)
        excess = balanced_error(w_d, b, mu_0_d, mu_1_d, cov_dd) - bayes_balanced_error(point["separation"])
        return {"excess": excess}

    return replicate


def excess_law(n_syn, n, weight, c, a):
    """AUG-2: (c n + c w^2 N)/(n + w N)^2 + (w N/(n + w N))^2 a."""
    n_syn = np.asarray(n_syn, float)
    total = n + weight * n_syn
    return (c * n + c * weight**2 * n_syn) / total**2 + (weight * n_syn / total) ** 2 * a


def _law_g(d, separation):
    mu_0_d, mu_1_d = (jnp.asarray(m, jnp.float64) for m in means_for_delta(d, separation))
    return mu_0_d, mu_1_d, jnp.eye(d, dtype=jnp.float64)


def _risk(mu_0_d, mu_1_d, cov_dd):
    return lambda t_p: balanced_error(t_p[:-1], t_p[-1], mu_0_d, mu_1_d, cov_dd)


def per_row_constant(d: int, separation: float) -> float:
    """c = tr(H V_1)/2: n * (expected excess) for n balanced rows from the true law (AUG-1)."""
    with jax.enable_x64(True):
        mu_0_d, mu_1_d, cov_dd = _law_g(d, separation)
        sources = [me.Source(mu_0_d, cov_dd, 0.0, 0.5), me.Source(mu_1_d, cov_dd, 1.0, 0.5)]
        theta_p = jnp.append(*bayes_rule(mu_0_d, mu_1_d, cov_dd))
        v_pp = me.sandwich_V(theta_p, sources)
        return float(me.first_order_excess(_risk(mu_0_d, mu_1_d, cov_dd), theta_p, v_pp))


@partial(jax.jit, static_argnames=("fitted",))
def plugin_covariance(theta_p, sources, fitted: tuple, m):
    """First-order Cov(theta) induced by plug-in generators: sources[i] for i in `fitted` have the
    law N(sample mean, sample cov) of m true rows. theta - theta* = -A^{-1} (d grad / d phi) dphi,
    Cov(mean) = cov/m and Cov(vec S) = (I + K)/(m - 1) for cov = I (AUG-2, SPU-3)."""
    d = sources[0].mu_d.shape[0]

    def grad_at(phi):
        laws = dict(zip(fitted, phi))
        return me.gradient(theta_p, [s._replace(mu_d=laws[i][0], cov_dd=laws[i][1]) if i in laws else s
                                     for i, s in enumerate(sources)])

    jac = jax.jacobian(grad_at)(tuple((sources[i].mu_d, sources[i].cov_dd) for i in fitted))
    eye_dd = jnp.eye(d)
    commute_qq = jnp.einsum("ik,jl->ijlk", eye_dd, eye_dd).reshape(d * d, d * d)
    cov_vec_qq = (jnp.eye(d * d) + commute_qq) / (m - 1)
    cov_grad_pp = sum(j_mean @ j_mean.T / m + j_cov.reshape(-1, d * d) @ cov_vec_qq @ j_cov.reshape(-1, d * d).T
                      for j_mean, j_cov in jac)
    a_inv_pp = jnp.linalg.inv(me.hessian_A(theta_p, sources))
    return a_inv_pp @ cov_grad_pp @ a_inv_pp


def plugin_floor(d: int, separation: float, n_gen: int) -> float:
    """a = E excess of the rule learned from plug-in generators fitted on n_gen rows per class (AUG-2)."""
    with jax.enable_x64(True):
        mu_0_d, mu_1_d, cov_dd = _law_g(d, separation)
        theta_p = jnp.append(*bayes_rule(mu_0_d, mu_1_d, cov_dd))
        sources = [me.Source(mu_0_d, cov_dd, 0.0, 0.5), me.Source(mu_1_d, cov_dd, 1.0, 0.5)]
        v_pp = plugin_covariance(theta_p, sources, (0, 1), n_gen)
        return float(me.first_order_excess(_risk(mu_0_d, mu_1_d, cov_dd), theta_p, v_pp))


def shifted_floor(d: int, separation: float, shift: float) -> float:
    """a(delta): excess of the population minimiser under the generator's law alone, class 0's
    mean off by delta e_1 (AUG-3)."""
    with jax.enable_x64(True):
        mu_0_d, mu_1_d, cov_dd = _law_g(d, separation)
        u_d = shift_direction(d, 0.0).astype(jnp.float64)
        sources = [me.Source(mu_0_d + shift * u_d, cov_dd, 0.0, 0.5), me.Source(mu_1_d, cov_dd, 1.0, 0.5)]
        theta_p = me.population_minimiser(sources, jnp.append(*bayes_rule(mu_0_d, mu_1_d, cov_dd)))
        return float(_risk(mu_0_d, mu_1_d, cov_dd)(theta_p) - bayes_balanced_error(separation))
