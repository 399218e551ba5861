"""Weighted L2 logistic regression by damped Newton with a fixed step count (jit- and vmap-safe).

Minimises  sum_i weight_i * ce(y_i, w.x_i + b) + (l2 / 2) ||w||^2,  the intercept unpenalised.
scikit-learn's LogisticRegression(C) is l2 = 1 / C. Each Newton system is solved by
Jacobi-preconditioned conjugate gradients: no LAPACK call sits in the loop, so the sharded sweep
cannot hit the jax 0.10 multi-device LAPACK hang (ENVIRONMENT.md).
"""

from functools import partial

import jax
import jax.numpy as jnp

STEP_FRACTIONS = (1.0, 0.5, 0.25, 0.125, 0.0625)


def with_intercept(x_nd):
    """Append a column of ones: x_np with p = d + 1."""
    return jnp.concatenate([x_nd, jnp.ones_like(x_nd[:, :1])], axis=1)


def conjugate_gradient(h_pp, g_p, n_iter: int):
    """Solve h_pp u = g_p by Jacobi-preconditioned CG with a fixed iteration count."""
    inv_diag_p = 1.0 / jnp.diagonal(h_pp)

    def step(state, _):
        u_p, r_p, z_p, q_p, rz = state
        hq_p = h_pp @ q_p
        alpha = rz / jnp.maximum(q_p @ hq_p, jnp.finfo(g_p.dtype).tiny)
        u_p, r_p = u_p + alpha * q_p, r_p - alpha * hq_p
        z_p = inv_diag_p * r_p
        rz_new = r_p @ z_p
        q_p = z_p + rz_new / jnp.maximum(rz, jnp.finfo(g_p.dtype).tiny) * q_p
        return (u_p, r_p, z_p, q_p, rz_new), None

    z_p = inv_diag_p * g_p
    state = (jnp.zeros_like(g_p), g_p, z_p, z_p, g_p @ z_p)
    return jax.lax.scan(step, state, None, length=n_iter)[0][0]


def lda_start(x_nd, y_n, weight_n):
    """Starting point: the weighted LDA rule w = S^{-1}(m_1 - m_0), b = -w.(m_0 + m_1)/2 + ln(n_1/n_0).

    For Gaussian classes it is the logistic optimum up to O(1/sqrt(n)), so a few Newton steps
    finish the fit. S is the pooled within-class covariance plus a 1e-6 relative jitter.
    """
    weight_0_n, weight_1_n = weight_n * (1.0 - y_n), weight_n * y_n
    n_0, n_1 = jnp.maximum(weight_0_n.sum(), 1e-12), jnp.maximum(weight_1_n.sum(), 1e-12)
    m_0_d, m_1_d = weight_0_n @ x_nd / n_0, weight_1_n @ x_nd / n_1
    centred_nd = x_nd - jnp.where(y_n[:, None] > 0.5, m_1_d[None, :], m_0_d[None, :])
    s_dd = (centred_nd * weight_n[:, None]).T @ centred_nd / (n_0 + n_1)
    d = x_nd.shape[1]
    s_dd = s_dd + 1e-6 * (jnp.trace(s_dd) / d + 1e-12) * jnp.eye(d, dtype=x_nd.dtype)
    w_d = conjugate_gradient(s_dd, m_1_d - m_0_d, n_iter=2 * d)
    return jnp.append(w_d, -0.5 * w_d @ (m_0_d + m_1_d) + jnp.log(n_1 / n_0))


def ce_change(logits_n, prob_n, y_n, move_kn):
    """ce(y, logit + move) - ce(y, logit) per candidate step k, accurate when the change is small.

    softplus(l + m) - softplus(l) = log1p(sigmoid(l) expm1(m)) for |m| < 1, where the plain
    difference of two float32 losses would be rounding noise near the optimum.
    """
    small_kn = jnp.abs(move_kn) < 1.0
    safe_kn = jnp.where(small_kn, move_kn, 0.0)
    accurate_kn = jnp.log1p(prob_n[None, :] * jnp.expm1(safe_kn))
    plain_kn = jax.nn.softplus(logits_n[None, :] + move_kn) - jax.nn.softplus(logits_n)[None, :]
    return jnp.where(small_kn, accurate_kn, plain_kn) - y_n[None, :] * move_kn


@partial(jax.jit, static_argnames=("n_steps",))
def fit_logistic(x_nd, y_n, weight_n, *, l2=0.0, n_steps: int = 6, theta_init_p=None):
    """Fit one replicate. Shapes x_nd, y_n, weight_n; returns (w_d, b).

    Starts from theta_init_p, or from the LDA rule (lda_start) when it is None. Six steps from
    the LDA start reach float32 precision on Gaussian classes; pass more for data far from that.

    Damped Newton: each step tries the fractions STEP_FRACTIONS of the Newton direction and keeps
    the one that lowers the objective most (or stays put), so the objective never rises and
    separable data (l2 = 0) gives finite, growing weights instead of overflow.
    """
    x_np = with_intercept(x_nd)
    y_n = y_n.astype(x_np.dtype)
    p = x_np.shape[1]
    penalty_p = jnp.full(p, l2, x_np.dtype).at[-1].set(0.0)
    jitter = 1e-6 * jnp.maximum(weight_n.sum(), 1.0)
    fractions_k = jnp.asarray(STEP_FRACTIONS, x_np.dtype)

    def newton_step(theta_p, _):
        logits_n = x_np @ theta_p
        prob_n = jax.nn.sigmoid(logits_n)
        grad_p = x_np.T @ (weight_n * (prob_n - y_n)) + penalty_p * theta_p
        curvature_n = weight_n * prob_n * (1.0 - prob_n)
        hess_pp = (x_np * curvature_n[:, None]).T @ x_np + jnp.diag(penalty_p + jitter)
        direction_p = conjugate_gradient(hess_pp, grad_p, n_iter=2 * p)
        move_kn = -fractions_k[:, None] * (x_np @ direction_p)[None, :]
        theta_kp = theta_p[None, :] - fractions_k[:, None] * direction_p[None, :]
        change_kn = ce_change(logits_n, prob_n, y_n, move_kn)
        w_p, dw_p = theta_p.at[-1].set(0.0), direction_p.at[-1].set(0.0)
        penalty_k = 0.5 * l2 * (fractions_k**2 * (dw_p @ dw_p) - 2.0 * fractions_k * (w_p @ dw_p))
        change_k = change_kn @ weight_n + penalty_k
        best = jnp.argmin(change_k)
        theta_p = jnp.where(change_k[best] < 0.0, theta_kp[best], theta_p)
        return theta_p, None

    theta0_p = lda_start(x_nd, y_n, weight_n) if theta_init_p is None else theta_init_p
    theta_p = jax.lax.scan(newton_step, theta0_p, None, length=n_steps)[0]
    return theta_p[:-1], theta_p[-1]
