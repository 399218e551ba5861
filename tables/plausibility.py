"""Are a generator's rows plausible members of their class? (issue 21: a transformer that says when
its rows are poor.)

A class-weighted logistic regression (one class against the rest; tables/quality.py's
classifier_features: blanks, one-hot categories, standardised) is fitted on real rows. Then
  real share       = the share of held-out real rows of the class that it assigns to the class,
  synthetic share  = the same share for the generator's rows of that class.
A generator whose rows are as good as real ones has equal shares; rows that do not look like
their class (the make_classification case of issue 21: 22% against 83%) have a far lower
synthetic share. The rows are called poor when the synthetic share is below POOR_RATIO times the
real share AND below it by more than Z_POOR standard errors of the difference of two binomial
shares: a gap the run can resolve and a user would care about, both. The classifier is the
project's exact logistic fit (C = 1) so no library is needed.
"""

import warnings
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

from synthlaw.models.logistic import STEPS_REAL_TABLE, fit_logistic
from synthlaw.tables.quality import classifier_features

POOR_RATIO = 0.75
Z_POOR = 3.0


class Plausibility(NamedTuple):
    """Shares assigned to their class: synthetic rows and held-out real rows, and their counts."""

    label: object
    synthetic: float
    real: float
    n_synthetic: int
    n_real: int

    @property
    def se(self) -> float:
        """Standard error of synthetic - real (two independent binomial shares)."""
        return float(np.sqrt(self.synthetic * (1 - self.synthetic) / max(self.n_synthetic, 1)
                             + self.real * (1 - self.real) / max(self.n_real, 1)))

    @property
    def poor(self) -> bool:
        gap = self.real - self.synthetic
        return self.synthetic < POOR_RATIO * self.real and gap > Z_POOR * self.se

    def line(self, name: str) -> str:
        return (f"{name}: {self.synthetic:.0%} of its class-{self.label} rows are classed as {self.label} by a "
                f"classifier fitted on the real rows, against {self.real:.0%} of held-out real rows")


def class_share(train_nd, train_is_n, holdout_nd, synthetic_nd, categorical_d, levels_d, label) -> Plausibility:
    """Plausibility of synthetic rows of one class: fit on train_nd (train_is_n marks the class), the
    share of holdout_nd (real rows of the class) and synthetic_nd assigned to the class."""
    n_train = len(train_nd)
    x_nd = classifier_features(np.concatenate([train_nd, holdout_nd, synthetic_nd]), n_train, categorical_d,
                               levels_d)
    y_n = np.asarray(train_is_n, np.float64)
    weight_n = np.where(y_n == 1, 0.5 / max(y_n.mean(), 1e-12), 0.5 / max(1 - y_n.mean(), 1e-12))  # balanced
    fit = fit_logistic(jnp.asarray(x_nd[:n_train]), jnp.asarray(y_n), jnp.asarray(weight_n), l2=1.0,
                       n_steps=STEPS_REAL_TABLE)  # at JAX's default precision
    assigned_n = np.asarray(jnp.asarray(x_nd[n_train:]) @ fit.w_d + fit.b) > 0
    real, synthetic = assigned_n[:len(holdout_nd)], assigned_n[len(holdout_nd):]
    return Plausibility(label, float(synthetic.mean()), float(real.mean()), len(synthetic), len(real))


def resampled_shares(x_nd, y_n, x_new_nd, y_new_n, categorical_d=None, levels_d=None) -> dict:
    """{class: Plausibility} of every resampled class: the classifier is fitted on the real rows at
    even positions and the real share read on the class's rows at odd positions (held out)."""
    d = x_nd.shape[1]
    categorical_d = np.zeros(d, bool) if categorical_d is None else np.asarray(categorical_d, bool)
    levels_d = np.zeros(d, int) if levels_d is None else np.asarray(levels_d)
    fit_n = np.arange(len(y_n)) % 2 == 0
    return {c: class_share(x_nd[fit_n], y_n[fit_n] == c, x_nd[~fit_n & (y_n == c)], x_new_nd[y_new_n == c],
                           categorical_d, levels_d, c) for c in np.unique(y_new_n).tolist()}


def warn_if_poor(shares: list, name: str) -> None:
    """A UserWarning naming the shares of every class whose rows are poor."""
    for share in shares:
        if share.poor:
            warnings.warn(f"{share.line(name)}: the rows look unlike their class; check them (another generator, "
                          "more training, or fitting on more rows) before using them", stacklevel=3)
