"""The Gaussian plug-in on mixed rows (codes representation: categorical_d marks the columns of codes).

The numeric columns are drawn from N(sample mean, sample covariance) of the class's numeric columns
(models/gaussian_generators.py's generate_plugin, in float32), and each categorical column
independently from the class's frequencies of its codes. It ignores the dependence between the
categories and the numbers, and among the categories: each new row's categories are independent of
each other and of its numeric part, whatever the real rows' association.

The rows and the new-row count are bucketed (models/buckets.py): a bucket's count of i.i.d. rows is
drawn and the first n_new kept, so tables of nearby sizes share compiled programs.
"""

import jax
import numpy as np

from synthlaw.models.buckets import bucket, to_bucket
from synthlaw.models.gaussian_generators import generate_plugin


def generate(x_class_nd: np.ndarray, categorical_d: np.ndarray, levels_d: np.ndarray, n_new: int, *,
             key) -> np.ndarray:
    """n_new float64 rows like x_class_nd (the class's rows, numeric blanks already imputed):
    numeric columns ~ N(mean, covariance) of the class's (needs more rows than numeric columns for a
    full-rank covariance), categorical column j ~ the class's shares of codes 0 .. levels_d[j] - 1
    (a code the class lacks is never drawn)."""
    x_class_nd = np.asarray(x_class_nd, np.float64)
    categorical_d = np.asarray(categorical_d, bool)
    key_numeric, *key_c = jax.random.split(key, 1 + int(categorical_d.sum()))
    x_new_nd = np.zeros((n_new, x_class_nd.shape[1]))
    if not categorical_d.all():
        x_num_nd = np.asarray(x_class_nd[:, ~categorical_d], np.float32)
        x_new_nd[:, ~categorical_d] = np.asarray(generate_plugin(to_bucket(x_num_nd), bucket(n_new), key=key_numeric,
                                                                 n_real=len(x_num_nd)).x_nd)[:n_new]
    for key_j, j in zip(key_c, np.flatnonzero(categorical_d), strict=True):
        count_l = np.bincount(x_class_nd[:, j].astype(np.int64), minlength=int(levels_d[j]))
        drawn = jax.random.choice(key_j, len(count_l), (bucket(n_new),), p=count_l / count_l.sum())
        x_new_nd[:, j] = np.asarray(drawn)[:n_new]
    return x_new_nd
