"""Generators fitted on a real table: class-conditional synthetic rows (the paper's practical approach).

fit_table_generator(method, x_nd, y_n, *, key) fits `method` on the rows (x_nd, y_n), with y_n
the conditioning label (the class, or the group for the spurious task), and returns a
TableGenerator whose sample(label, n_new, key=...) gives float64 rows of that label. The
per-class generators (ros, smote, plugin) draw through the one registry (models/registry.py) on
the fitted rows of the asked label and give n_new rows (ros: exact copies of the rows; the
others compute in float32); smote with n_neighbors other than the
registry's 5 calls models/smote.py with that k. adasyn (models/adasyn.py) reads every row and
label and gives imbalanced-learn's count sum_i rint(w_i n_new), which may differ from n_new by
rounding. "transformer" trains the tabular transformer on every row with the label as its class
token (models/table_transformer.py; options as keywords, checkpoint_dir to save and reuse the
training). An unknown method raises UnknownGenerator.
"""

from typing import Callable, NamedTuple

import jax
import numpy as np

from synthlaw.models import adasyn, smote
from synthlaw.models.registry import UnknownGenerator, generator
from synthlaw.models.table_transformer import TransformerOptions, fit_transformer, sample_rows

PER_CLASS = ("ros", "smote", "plugin")
WHOLE_TABLE = ("adasyn",)
TRAINED = ("transformer",)
REGISTRY_K = 5  # the k of the registry's smote


class TableGenerator(NamedTuple):
    """A fitted generator: method name, sample(label, n_new, *, key) -> x_nd, training losses per
    step and held-out losses per block of steps (empty for generators that are not trained)."""

    method: str
    sample: Callable[..., np.ndarray]
    loss_s: np.ndarray
    holdout_loss_b: np.ndarray = np.zeros(0)


def per_class_generator(method: str, x_nd: np.ndarray, y_n: np.ndarray, n_neighbors: int) -> TableGenerator:
    """A registry generator applied to the fitted rows of the asked label."""
    def smote_k(key, x_real_nd, n_new, *, n_real, law):
        return smote.generate(key, x_real_nd, n_new, n_neighbors, n_real=n_real)

    fn = smote_k if method == "smote" and n_neighbors != REGISTRY_K else generator(method).fn

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        x_class_nd = np.asarray(x_nd[y_n == label], np.float64)
        out = fn(key, np.asarray(x_class_nd, np.float32), n_new, n_real=len(x_class_nd), law=None)
        if method == "ros":  # copies of the float64 rows themselves, not of their float32 roundings
            return x_class_nd[np.asarray(out.parents_nk[:, 0])]
        return np.asarray(out.x_nd, np.float64)

    return TableGenerator(method, sample, np.zeros(0))


def adasyn_generator(x_nd: np.ndarray, y_n: np.ndarray, n_neighbors: int) -> TableGenerator:
    """ADASYN on the whole table: the asked label against every other row (one-vs-rest)."""
    x_32_nd = np.asarray(x_nd, np.float32)

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        return np.asarray(adasyn.generate(key, x_32_nd, y_n, label, n_new, n_neighbors).x_nd, np.float64)

    return TableGenerator("adasyn", sample, np.zeros(0))


def transformer_generator(x_nd: np.ndarray, y_n: np.ndarray, *, key, checkpoint_dir=None, **options) -> TableGenerator:
    """The tabular transformer trained on every row (class token = label), sampled per label."""
    fit = fit_transformer(np.asarray(x_nd, np.float64), y_n, TransformerOptions.from_kwargs(**options), key=key,
                          checkpoint_dir=checkpoint_dir)
    fitted = np.unique(y_n)

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        if label not in fitted:
            raise ValueError(f"label = {label!r}: not among the fitted labels {', '.join(map(str, fitted))}")
        return sample_rows(fit, TransformerOptions.from_kwargs(**options), int(label), n_new, key=key)

    return TableGenerator("transformer", sample, fit.loss_s, fit.holdout_loss_b)


def fit_table_generator(method: str, x_nd: np.ndarray, y_n: np.ndarray, *, key: jax.Array, checkpoint_dir=None,
                        n_neighbors: int = REGISTRY_K, **options) -> TableGenerator:
    """Fit `method` on the rows x_nd with conditioning labels y_n (integers >= 0). n_neighbors is
    SMOTE's and ADASYN's k (the class needs more than k rows). Options go to a trained method
    (TransformerOptions); checkpoint_dir is where a trained method saves and reuses its training
    (methods with nothing to train ignore it)."""
    y_n = np.asarray(y_n)
    if len(y_n) != len(x_nd) or not np.all((y_n >= 0) & (y_n == np.round(y_n))):
        raise ValueError(f"y_n: {len(y_n)} labels for {len(x_nd)} rows; labels must be integers >= 0, one per row")
    y_n = y_n.astype(np.int64)
    if method in TRAINED:
        return transformer_generator(x_nd, y_n, key=key, checkpoint_dir=checkpoint_dir, **options)
    if options:
        raise ValueError(f"method = {method!r}: takes no options; got {', '.join(options)}")
    if method in PER_CLASS:
        return per_class_generator(method, x_nd, y_n, n_neighbors)
    if method in WHOLE_TABLE:
        return adasyn_generator(x_nd, y_n, n_neighbors)
    raise UnknownGenerator(f"method = {method!r}: unknown; allowed: {', '.join(PER_CLASS + WHOLE_TABLE + TRAINED)}")
