"""The augmentation scaling law a + b N^-gamma: nonlinear least squares and bootstrap over seeds.

AUG-1 and AUG-2 in CLAIMS. Fits run in float64 numpy (scipy.optimize.least_squares), on the
relative residual (model - mean) / mean so that every grid point counts alike on a log scale.
"""

import functools
from typing import NamedTuple

import numpy as np
from scipy.optimize import least_squares

from synthlaw.theory.stats.intervals import LEVEL, normal_interval

N_BOOT_LAW = 400


class Law(NamedTuple):
    """Fitted a + b N^-gamma."""

    a: float
    b: float
    gamma: float


def law_value(n_g, law: Law):
    """a + b N^-gamma at each N."""
    return law.a + law.b * np.asarray(n_g, float) ** -law.gamma


def fit_law(n_g, mean_g, gamma=None) -> Law:
    """Least-squares a + b N^-gamma to mean_g; gamma fixed when given (then the fit is linear)."""
    n_g, mean_g = np.asarray(n_g, np.float64), np.asarray(mean_g, np.float64)
    scale_g = np.abs(mean_g)
    if gamma is not None:
        basis_g2 = np.stack([np.ones_like(n_g), n_g**-gamma], axis=1) / scale_g[:, None]
        a, b = np.linalg.lstsq(basis_g2, mean_g / scale_g, rcond=None)[0]
        return Law(float(a), float(b), float(gamma))
    start = fit_law(n_g, mean_g, gamma=1.0)

    def residual(q):
        return (q[0] + q[1] * n_g ** -q[2] - mean_g) / scale_g

    q = least_squares(residual, x0=[start.a, start.b, 1.0], bounds=([-np.inf, -np.inf, 0.0], np.inf)).x
    return Law(*(float(v) for v in q))


def bootstrap_law(n_g, values_sg, gamma=None, level: float = LEVEL, n_boot: int = N_BOOT_LAW,
                  seed: int = 0) -> dict:
    """Estimates of a, b, gamma (normal bootstrap intervals over seeds) for the seed-mean curve.
    Memoised on the exact inputs: `synthlaw calibrate` judges a run's seeds once per wrong theory, the fit
    does not read the prediction, and its n_boot least-squares fits were most of AUG-2's judging time."""
    values_sg = np.ascontiguousarray(values_sg, np.float64)
    return dict(_bootstrap_law(tuple(np.asarray(n_g, np.float64).tolist()), values_sg.tobytes(), values_sg.shape,
                               gamma, level, n_boot, seed))


@functools.lru_cache(maxsize=16)
def _bootstrap_law(n_key: tuple, values_bytes: bytes, shape: tuple[int, int], gamma, level: float, n_boot: int,
                   seed: int) -> dict:
    n_g, values_sg = np.array(n_key), np.frombuffer(values_bytes).reshape(shape)
    rng = np.random.default_rng(seed)
    n_seeds = values_sg.shape[0]
    point = fit_law(n_g, values_sg.mean(axis=0), gamma)
    boots = np.array([fit_law(n_g, values_sg[rng.integers(0, n_seeds, n_seeds)].mean(axis=0), gamma)
                      for _ in range(n_boot)])
    return {name: normal_interval(getattr(point, name), boots[:, k], level) for k, name in enumerate(Law._fields)}


def fit_inverse_quadratic(m_g, mean_g) -> np.ndarray:
    """Least-squares a + b/M + e/M^2 to mean_g (relative residuals): the AUG-2 law is exactly of this
    form in M = n + wN, with b = c w - 2 n a and e = c n (1 - w) + n^2 a (notes/AUG-2.md)."""
    m_g, mean_g = np.asarray(m_g, np.float64), np.asarray(mean_g, np.float64)
    basis_g3 = np.stack([np.ones_like(m_g), 1 / m_g, 1 / m_g**2], axis=1) / np.abs(mean_g)[:, None]
    return np.linalg.lstsq(basis_g3, mean_g / np.abs(mean_g), rcond=None)[0]


def bootstrap_inverse_quadratic(m_g, values_sg, level: float = LEVEL, n_boot: int = N_BOOT_LAW,
                                seed: int = 0) -> dict:
    """Estimates of a, b, e in a + b/M + e/M^2 with normal bootstrap intervals over seeds."""
    values_sg = np.asarray(values_sg, np.float64)
    rng = np.random.default_rng(seed)
    n_seeds = values_sg.shape[0]
    point = fit_inverse_quadratic(m_g, values_sg.mean(axis=0))
    boots = np.array([fit_inverse_quadratic(m_g, values_sg[rng.integers(0, n_seeds, n_seeds)].mean(axis=0))
                      for _ in range(n_boot)])
    return {name: normal_interval(point[k], boots[:, k], level) for k, name in enumerate("abe")}
