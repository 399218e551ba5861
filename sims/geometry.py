"""The geometry of Settings G and S in CLAIMS, written once: class and group means, shift directions,
the group layout, the Bayes rule and the Bayes errors.

Each function computes in the array namespace of its inputs: NumPy float64 for Python or NumPy
numbers (theory/predictions, figures), jax.numpy when any input is a JAX array or tracer (the
simulators' callers, theory/risks). Unit vectors are NumPy constants, so a traced scalar times one
gives the same floats as the NumPy product.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.stats import norm
from scipy.special import ndtr


def _namespace(*values):
    """(array namespace, standard normal cdf) for the values: jax.numpy if any is a JAX array or tracer."""
    if any(isinstance(v, jax.Array) for v in values):
        return jnp, norm.cdf
    return np, ndtr


# Setting G: x | y ~ N(mu_y, I_d), y in {0, 1}, class 0 the minority.

DIRECTIONS = {"parallel": 0.0, "orthogonal": math.pi / 2}  # a shift's angle from mu_1 - mu_0


def means_for_delta(d: int, delta):
    """mu_0 = -delta/2 e_1 and mu_1 = +delta/2 e_1: Mahalanobis distance delta under cov = I_d."""
    e_1_d = np.eye(d)[0]
    return -0.5 * delta * e_1_d, 0.5 * delta * e_1_d


def shift_direction(d: int, angle):
    """Unit vector cos(angle) e_1 + sin(angle) e_2: angle 0 is parallel to mu_1 - mu_0 (e_1), angle
    pi/2 orthogonal to it (e_2; needs d >= 2, which the configs of IMB-3 and AUG-4 check)."""
    xp, _ = _namespace(angle)
    e_1_d, e_2_d = np.eye(2, d)
    return xp.cos(angle) * e_1_d + xp.sin(angle) * e_2_d


def bayes_rule_p(mu_0_d, mu_1_d, cov_dd):
    """theta_p = (w, b) of the balanced Bayes rule w = cov^{-1}(mu_1 - mu_0), b = -w.(mu_0 + mu_1)/2."""
    xp, _ = _namespace(mu_0_d, mu_1_d, cov_dd)
    w_d = xp.linalg.solve(cov_dd, mu_1_d - mu_0_d)
    return xp.append(w_d, -0.5 * w_d @ (mu_0_d + mu_1_d))


def bayes_balanced_error(delta):
    """The Bayes balanced 0-1 error Phi(-delta/2)."""
    _, cdf = _namespace(delta)
    return cdf(-0.5 * delta)


def imbalance_excess(rho, delta):
    """IMB-1: E(rho, delta), the balanced 0-1 excess of the Bayes rule with its intercept shifted by
    ln(rho), the limit of the logistic fit on rho majority rows per minority row."""
    xp, cdf = _namespace(rho, delta)
    shift = xp.log(rho) / delta
    return 0.5 * (cdf(-0.5 * delta - shift) + cdf(-0.5 * delta + shift)) - bayes_balanced_error(delta)


# Setting S: y, a in {-1, +1}; x = (x_core, x_spur), x_core | y ~ N(y mu_c, I), x_spur | a ~ N(a mu_s, I).
# Groups g = (y, a) in the order GROUP_Y, GROUP_A: 0 = (-1,-1), 1 = (-1,+1), 2 = (+1,-1), 3 = (+1,+1).
# Groups 0 and 3 (a = y) are the majority, with mass 1 - p in total; groups 1 and 2 carry mass p.

GROUP_Y = (-1.0, -1.0, 1.0, 1.0)
GROUP_A = (-1.0, 1.0, -1.0, 1.0)
MINORITY = tuple(y != a for y, a in zip(GROUP_Y, GROUP_A, strict=True))


def means_for(d_core: int, d_spur: int, core, spur):
    """mu_c = core e_1 in R^d_core and mu_s = spur e_1 in R^d_spur (norms core and spur)."""
    return core * np.eye(d_core)[0], spur * np.eye(d_spur)[0]


def group_means(mu_c_d, mu_s_e):
    """mean_gp = (y_g mu_c, a_g mu_s) for the four groups; p = d_core + d_spur."""
    xp, _ = _namespace(mu_c_d, mu_s_e)
    y_g, a_g = xp.asarray(GROUP_Y), xp.asarray(GROUP_A)
    return xp.concatenate([y_g[:, None] * mu_c_d[None, :], a_g[:, None] * mu_s_e[None, :]], axis=1)


def group_counts(n: int, p: float) -> tuple:
    """Rows per group for n rows of minority mass p: (1-p)n/2 per majority, pn/2 per minority group."""
    minority = int(round(0.5 * p * n))
    majority = int(round(0.5 * n)) - minority
    return tuple(minority if m else majority for m in MINORITY)


def bayes_group_error(core):
    """Every group's 0-1 error under the group-balanced Bayes rule sign(mu_c.x_core): Phi(-||mu_c||)."""
    _, cdf = _namespace(core)
    return cdf(-core)
