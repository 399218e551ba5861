"""The 0-1 risks of Settings G and S as functions of theta_p = (w, b), with their gradient and
Hessian in closed form, in NumPy float64 (the O(1/n) terms need grad R and hess R at theta*).

Every such risk is a mean of probits Phi(z_k), z_k = a_k.theta / s, s^2 = theta' Q theta: class 0
of Setting G has a = (mu_0, 1), class 1 a = -(mu_1, 1), Q = cov (b unweighted); group g of Setting S
has a = -y_g (m_g, 1), Q = I (risks/gaussian.py and risks/spurious.py hold the JAX scorers, and
sims/geometry.py the Bayes errors).
"""

import numpy as np
from scipy.special import ndtr

from synthlaw.sims.geometry import GROUP_Y


def probits(theta_p, a_kp, q_pp):
    """Phi(z_k) for every row a_k of a_kp."""
    return ndtr(a_kp @ theta_p / np.sqrt(theta_p @ q_pp @ theta_p))


def mean_probit(theta_p, a_kp, q_pp):
    """R = mean_k Phi(z_k), its gradient and its Hessian in theta:
    grad z = (a - z q)/s and hess z = (3 z q q' - a q' - q a' - z Q)/s^2 with q = Q theta / s;
    grad Phi(z) = phi(z) grad z, hess Phi(z) = phi(z) (hess z - z grad z grad z')."""
    s = np.sqrt(theta_p @ q_pp @ theta_p)
    q_p = q_pp @ theta_p / s
    z_k = a_kp @ theta_p / s
    dz_kp = (a_kp - z_k[:, None] * q_p[None, :]) / s
    hz_kpp = (3.0 * z_k[:, None, None] * np.outer(q_p, q_p)[None] - a_kp[:, :, None] * q_p[None, None, :]
              - q_p[None, :, None] * a_kp[:, None, :] - z_k[:, None, None] * q_pp[None]) / s**2
    phi_k = np.exp(-0.5 * z_k**2) / np.sqrt(2.0 * np.pi)
    hess_kpp = phi_k[:, None, None] * (hz_kpp - z_k[:, None, None] * dz_kp[:, :, None] * dz_kp[:, None, :])
    return ndtr(z_k).mean(), (phi_k[:, None] * dz_kp).mean(axis=0), hess_kpp.mean(axis=0)


def class_directions(mu_0_d, mu_1_d, cov_dd):
    """a_kp and Q_pp of Setting G's balanced error (Phi((w.mu_0 + b)/s) + Phi(-(w.mu_1 + b)/s)) / 2."""
    a_kp = np.stack([np.append(mu_0_d, 1.0), -np.append(mu_1_d, 1.0)])
    return a_kp, np.pad(np.asarray(cov_dd, float), ((0, 1), (0, 1)))


def group_directions(mean_gp):
    """a_kp and Q_pp of Setting S's group errors Phi(-y_g (w.m_g + b) / ||w||)."""
    a_kp = -np.asarray(GROUP_Y)[:, None] * np.pad(np.asarray(mean_gp, float), ((0, 0), (0, 1)), constant_values=1.0)
    return a_kp, np.diag(np.append(np.ones(a_kp.shape[1] - 1), 0.0))
