"""Generators fitted on a real table: class-conditional synthetic rows (the paper's practical approach).

The methods are typed records (Method: a name and a kind, PER_CLASS, WHOLE_TABLE or TRAINED),
looked up once by name with `method_named` where a user's word enters (the command line, the
samplers). fit_table_generator(method, x_nd, y_n, *, key) fits a Method on the rows (x_nd, y_n),
with y_n the conditioning label (the class, or the group for the spurious task), and returns a
TableGenerator whose sample(label, n_new, key=...) gives float64 rows of that label. The
per-class generators (ros, smote, plugin) draw through the one registry (models/registry.py) on
the fitted rows of the asked label and give n_new rows (ros: exact copies of the rows; the
others compute in float32); smote with n_neighbors other than the
registry's 5 calls models/smote.py with that k. adasyn (models/adasyn.py) reads every row and
label and gives imbalanced-learn's count sum_i rint(w_i n_new), which may differ from n_new by
rounding. "transformer" trains the tabular transformer on every row with the label as its class
token (models/table_transformer.py; options as keywords, checkpoint_dir to save and reuse the
training). An unknown name raises UnknownGenerator.
"""

import dataclasses
import enum
from collections.abc import Callable
from typing import NamedTuple

import jax
import numpy as np

from synthlaw.models import adasyn, smote
from synthlaw.models.registry import UnknownGenerator, generator
from synthlaw.models.table_transformer import TransformerOptions, fit_transformer, sample_rows

REGISTRY_K = 5  # the k of the registry's smote


class Kind(enum.Enum):
    """How a method fits: per class on that class's rows, on the whole table, or trained."""

    PER_CLASS = "per class"
    WHOLE_TABLE = "whole table"
    TRAINED = "trained"


@dataclasses.dataclass(frozen=True)
class Method:
    """A table generator: its name and kind; neighbours says it reads each row's k nearest
    neighbours, so every conditioning label needs more than k rows."""

    name: str
    kind: Kind
    neighbours: bool = False


METHODS = {m.name: m for m in (Method("ros", Kind.PER_CLASS), Method("smote", Kind.PER_CLASS, neighbours=True),
                               Method("plugin", Kind.PER_CLASS), Method("adasyn", Kind.WHOLE_TABLE, neighbours=True),
                               Method("transformer", Kind.TRAINED))}


def method_named(name: str) -> Method:
    """The method called name; UnknownGenerator naming the field otherwise."""
    if name not in METHODS:
        raise UnknownGenerator(f"method = {name!r}: unknown; allowed: {', '.join(METHODS)}")
    return METHODS[name]


class TableGenerator(NamedTuple):
    """A fitted generator: method name, sample(label, n_new, *, key) -> x_nd, training losses per
    step and held-out losses per block of steps (empty for generators that are not trained)."""

    method: Method
    sample: Callable[..., np.ndarray]
    loss_s: np.ndarray
    holdout_loss_b: np.ndarray = np.zeros(0)


def per_class_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, n_neighbors: int) -> TableGenerator:
    """A registry generator applied to the fitted rows of the asked label."""
    def smote_k(x_real_nd, n_new, *, key, n_real, law):
        return smote.generate(x_real_nd, n_new, n_neighbors, key=key, n_real=n_real)

    fn = smote_k if method.neighbours and n_neighbors != REGISTRY_K else generator(method.name).fn

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        x_class_nd = np.asarray(x_nd[y_n == label], np.float64)
        out = fn(np.asarray(x_class_nd, np.float32), n_new, key=key, n_real=len(x_class_nd), law=None)
        if method.name == "ros":  # copies of the float64 rows themselves, not of their float32 roundings
            return x_class_nd[np.asarray(out.parents_nk[:, 0])]
        return np.asarray(out.x_nd, np.float64)

    return TableGenerator(method, sample, np.zeros(0))


def adasyn_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, n_neighbors: int) -> TableGenerator:
    """ADASYN on the whole table: the asked label against every other row (one-vs-rest)."""
    x_32_nd = np.asarray(x_nd, np.float32)

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        return np.asarray(adasyn.generate(x_32_nd, y_n, label, n_new, n_neighbors, key=key).x_nd, np.float64)

    return TableGenerator(method, sample, np.zeros(0))


def transformer_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, *, key, checkpoint_dir=None,
                          **options) -> TableGenerator:
    """The tabular transformer trained on every row (class token = label), sampled per label."""
    fit = fit_transformer(np.asarray(x_nd, np.float64), y_n, TransformerOptions.from_kwargs(**options), key=key,
                          checkpoint_dir=checkpoint_dir)
    fitted = np.unique(y_n)

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        if label not in fitted:
            raise ValueError(f"label = {label!r}: not among the fitted labels {', '.join(map(str, fitted))}")
        return sample_rows(fit, TransformerOptions.from_kwargs(**options), int(label), n_new, key=key)

    return TableGenerator(method, sample, fit.loss_s, fit.holdout_loss_b)


def fit_table_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, *, key: jax.Array, checkpoint_dir=None,
                        n_neighbors: int = REGISTRY_K, **options) -> TableGenerator:
    """Fit `method` on the rows x_nd with conditioning labels y_n (integers >= 0). n_neighbors is
    SMOTE's and ADASYN's k (the class needs more than k rows). Options go to a trained method
    (TransformerOptions); checkpoint_dir is where a trained method saves and reuses its training
    (methods with nothing to train ignore it)."""
    y_n = np.asarray(y_n)
    if len(y_n) != len(x_nd) or not np.all((y_n >= 0) & (y_n == np.round(y_n))):
        raise ValueError(f"y_n: {len(y_n)} labels for {len(x_nd)} rows; labels must be integers >= 0, one per row")
    y_n = y_n.astype(np.int64)
    if method.kind is Kind.TRAINED:
        return transformer_generator(method, x_nd, y_n, key=key, checkpoint_dir=checkpoint_dir, **options)
    if options:
        raise ValueError(f"method = {method.name!r}: takes no options; got {', '.join(options)}")
    if method.kind is Kind.PER_CLASS:
        return per_class_generator(method, x_nd, y_n, n_neighbors)
    return adasyn_generator(method, x_nd, y_n, n_neighbors)
