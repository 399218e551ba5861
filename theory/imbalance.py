"""One replicate of Setting G: draw real data, oversample the minority, fit, score exactly.

The grid point carries the sizes (n_min, n_maj, m synthetic rows), the separation Delta, the
generator's shift delta and the shift's angle from mu_1 - mu_0 in the (e_1, e_2) plane. Rows are
padded to the largest sizes of the sweep and masked by loss weights (sims/sweep.py).
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models import gaussian_generators, random_oversampling, smote
from synthlaw.models.logistic import fit_logistic
from synthlaw.sims.gaussian import draw, means_for_delta
from synthlaw.sims.sweep import padding_mask
from synthlaw.theory.gaussian_risk import balanced_error, bayes_balanced_error

GENERATORS = ("none", "ros", "smote", "plugin", "perfect", "shifted")


class Shapes(NamedTuple):
    """Static sizes of a sweep: dimension and padded row counts."""

    d: int
    n_min_max: int
    n_maj_max: int
    m_max: int

    def replicate_bytes(self, itemsize: int = 4) -> int:
        """Working memory of one replicate, roughly: the padded design and the fit's
        row vectors (about 3 (d + 1) + 24 numbers a row), plus SMOTE's minority distances."""
        rows = self.n_min_max + self.m_max + self.n_maj_max
        return itemsize * (rows * (3 * (self.d + 1) + 24) + self.n_min_max**2)


def shapes_for(d: int, grid: dict) -> Shapes:
    """Padded sizes covering every point of a grid with keys n_min, n_maj, m."""
    return Shapes(d, int(np.max(grid["n_min"])), int(np.max(grid["n_maj"])), int(np.max(grid["m"])))


def shift_direction(d: int, angle):
    """Unit vector cos(angle) e_1 + sin(angle) e_2: angle 0 is parallel to mu_1 - mu_0."""
    return jnp.zeros(d).at[0].set(jnp.cos(angle)).at[1].set(jnp.sin(angle))


def synthesize(generator: str, key, x_min_nd, n_new: int, point, mu_0_d, cov_dd):
    """Synthetic minority rows from the named generator (GENERATORS), using n_min real rows."""
    n_real = point["n_min"]
    if generator == "ros":
        return random_oversampling.generate(key, x_min_nd, n_new, n_real=n_real).x_nd
    if generator == "smote":
        return smote.generate(key, x_min_nd, n_new, n_real=n_real).x_nd
    if generator == "plugin":
        return gaussian_generators.generate_plugin(key, x_min_nd, n_new, n_real=n_real).x_nd
    if generator == "perfect":
        return gaussian_generators.generate_perfect(key, x_min_nd, n_new, mu_d=mu_0_d, cov_dd=cov_dd).x_nd
    if generator == "shifted":
        direction_d = shift_direction(x_min_nd.shape[1], point["angle"])
        return gaussian_generators.generate_shifted(
            key, x_min_nd, n_new, mu_d=mu_0_d, cov_dd=cov_dd, delta=point["shift"], direction_d=direction_d
        ).x_nd
    return x_min_nd[:0]


def oversampling_replicate(shapes: Shapes, generator: str, l2: float = 0.0):
    """Replicate function (key, point) -> {"excess"}: the balanced 0-1 excess of the logistic fit
    on n_min minority, n_maj majority and m synthetic minority rows (cov = I_d)."""

    def replicate(key, point):
        key_0, key_1, key_syn = jax.random.split(key, 3)
        mu_0_d, mu_1_d = means_for_delta(shapes.d, point["separation"])
        cov_dd = jnp.eye(shapes.d)
        x_min_nd = draw(key_0, shapes.n_min_max, mu_0_d, cov_dd)
        x_maj_nd = draw(key_1, shapes.n_maj_max, mu_1_d, cov_dd)
        x_syn_nd = synthesize(generator, key_syn, x_min_nd, shapes.m_max, point, mu_0_d, cov_dd)
        x_nd = jnp.concatenate([x_min_nd, x_syn_nd, x_maj_nd])
        y_n = jnp.concatenate([jnp.zeros(shapes.n_min_max + shapes.m_max), jnp.ones(shapes.n_maj_max)])
        weight_n = jnp.concatenate([
            padding_mask(point["n_min"], shapes.n_min_max, x_nd.dtype),
            padding_mask(point["m"], shapes.m_max, x_nd.dtype),
            padding_mask(point["n_maj"], shapes.n_maj_max, x_nd.dtype),
        ])
        w_d, b = fit_logistic(x_nd, y_n, weight_n, l2=l2)
        excess = balanced_error(w_d, b, mu_0_d, mu_1_d, cov_dd) - bayes_balanced_error(point["separation"])
        return {"excess": excess}

    return replicate

