"""Quadratic control variates: q(x) = l . x + 1/2 x' M x of a per-seed statistic x whose law is known, and
E q, so that value - (q - E q) keeps the value's mean and loses the spread q explains. x is a fit's score at
a reference theta (quadratic_control: AUG-5, SPU-1, SPU-2) or the plug-in generators' fitting errors
(predictions.augmentation.plugin_floor_control: AUG-2). Where a control has an exact mean but no
known coefficient, theory/stats/controls.py fits it (IMB-6).

With S the fit's loss gradient over its rows at theta_ref, Q = A^-1, g = grad R and H = hess R at theta_ref,
the excess is R(theta_ref) - g' Q S + 1/2 S' Q H Q S + O(n^-3/2) when theta_ref = theta*. So excess - q(S) + E q
keeps the excess's mean for any theta_ref and cancels its first-order fluctuation, linear (grad R != 0) and
quadratic (the tr(H V)/2 noise). E q is exact: the rows are independent with fixed counts, so E S = sum_s
count_s weight_s E_s[psi] and Cov S = sum_s count_s weight_s^2 Cov_s[psi], Gaussian integrals over the
simulated law (m_estimation)."""

from typing import NamedTuple

import numpy as np

from synthlaw.theory.predictions import m_estimation as me


class QuadraticControl(NamedTuple):
    """q(x) = linear_x . x + 1/2 x' quadratic_xx x of a per-seed statistic x, and mean = E q over the simulated
    law."""

    linear_x: np.ndarray
    quadratic_xx: np.ndarray
    mean: float

    def deviation(self, stat_sx) -> np.ndarray:
        """q(x) - E q per seed (stat_sx: seeds x len(x)): what the controlled value subtracts."""
        stat_sx = np.asarray(stat_sx, np.float64)
        return (stat_sx @ self.linear_x + 0.5 * np.einsum("sx,xy,sy->s", stat_sx, self.quadratic_xx, stat_sx)
                - self.mean)


def quadratic_control(sources, theta_ref_p, risk_fn) -> QuadraticControl:
    """The control of the fit on sources at theta_ref; risk_fn(theta_p) -> (R, grad R, hess R) is the excess's
    exact risk (zero_one)."""
    theta_p = np.asarray(theta_ref_p, np.float64)
    q_pp = np.linalg.inv(me.hessian_A(theta_p, sources))
    _, grad_p, hess_pp = risk_fn(theta_p)
    linear_p, quadratic_pp = -q_pp @ grad_p, q_pp @ hess_pp @ q_pp
    mean_p, b_pp = me.gradient(theta_p, sources), me.gradient_covariance_B(theta_p, sources)
    mean = linear_p @ mean_p + 0.5 * (np.trace(quadratic_pp @ b_pp) + mean_p @ quadratic_pp @ mean_p)
    return QuadraticControl(linear_p, quadratic_pp, float(mean))
