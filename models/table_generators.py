"""Generators fitted on a real table: class-conditional synthetic rows (the paper's practical approach).

fit_table_generator(method, x_nd, y_n, *, key) fits `method` on the rows (x_nd, y_n), with y_n
the conditioning label (the class, or the group for the spurious task), and returns a
TableGenerator whose sample(label, n_new, key=...) gives n_new float64 rows of that label. The
per-class generators (ros, smote, plugin) draw through the one registry (models/registry.py) on
the fitted rows of the asked label; an unknown method raises UnknownGenerator.
"""

from typing import Callable, NamedTuple

import jax
import numpy as np

from synthlaw.models.registry import UnknownGenerator, generator

PER_CLASS = ("ros", "smote", "plugin")


class TableGenerator(NamedTuple):
    """A fitted generator: method name, sample(label, n_new, *, key) -> x_nd, and training losses
    (empty for generators that are not trained)."""

    method: str
    sample: Callable[..., np.ndarray]
    loss_s: np.ndarray


def per_class_generator(method: str, x_nd: np.ndarray, y_n: np.ndarray) -> TableGenerator:
    """A registry generator applied to the fitted rows of the asked label."""
    fn = generator(method).fn

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        x_class_nd = np.asarray(x_nd[y_n == label], np.float32)
        return np.asarray(fn(key, x_class_nd, n_new, n_real=len(x_class_nd), law=None).x_nd, np.float64)

    return TableGenerator(method, sample, np.zeros(0))


def fit_table_generator(method: str, x_nd: np.ndarray, y_n: np.ndarray, *, key: jax.Array) -> TableGenerator:
    """Fit `method` on the rows x_nd with conditioning labels y_n."""
    del key  # the per-class generators have nothing to train
    if method in PER_CLASS:
        return per_class_generator(method, x_nd, y_n)
    raise UnknownGenerator(f"method = {method!r}: unknown; allowed: {', '.join(PER_CLASS)}")
