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

Mixed rows (categorical_d marks columns of integer codes, the codes representation): ros copies
rows (blanks kept); smote is SMOTE-NC when some column is numeric and SMOTE-N when none
(models/smote_nc.py; the TableGenerator's variant says which); adasyn takes its weights and rows
with the SMOTE-NC distance (models/adasyn.py generate_mixed) and needs a numeric column; plugin
is models/mixed_plugin.py (Gaussian numbers, category frequencies); the transformer gets
categorical_d. Numeric blanks (NaN): ros copies them, the transformer gives them a level, and
smote, adasyn and plugin generate a blank flag per such column like a category and fill the
numbers from the median (blank_flagged), so their rows keep the blank pattern; a table without
NaN is unchanged.

ros, smote (SMOTE-NC and SMOTE-N too), adasyn and the numeric plugin see their rows padded to a
bucket size and draw a bucket's count of new rows, keeping the first n_new (models/buckets.py), so
tables whose sizes fall in one bucket (cross-validation folds) share one compiled program; so does
the mixed plug-in (models/mixed_plugin.py), which buckets its own draws; the transformer compiles per
shape.
"""

from collections.abc import Callable
from typing import NamedTuple

import jax
import numpy as np

from synthlaw.models import adasyn, mixed_plugin, smote, smote_nc
from synthlaw.models.buckets import bucket, padded, to_bucket
from synthlaw.models.registry import UnknownGenerator, generator
from synthlaw.tables.methods import METHODS, REGISTRY_K, Kind, Method


def method_named(name: str) -> Method:
    """The method called name; UnknownGenerator naming the field otherwise."""
    if name not in METHODS:
        raise UnknownGenerator(f"method = {name!r}: unknown; allowed: {', '.join(METHODS)}")
    return METHODS[name]


class TableGenerator(NamedTuple):
    """A fitted generator: method name, sample(label, n_new, *, key) -> x_nd, training losses per
    step, held-out losses per block of steps (empty for generators that are not trained) and the
    variant that ran (the method's name, or "smote-nc" / "smote-n" for smote on mixed rows)."""

    method: Method
    sample: Callable[..., np.ndarray]
    loss_s: np.ndarray
    holdout_loss_b: np.ndarray = np.zeros(0)
    variant: str = ""


def per_class_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, n_neighbors: int) -> TableGenerator:
    """A registry generator applied to the fitted rows of the asked label, its rows and n_new
    bucketed (models/buckets.py: bucket(n_new) rows drawn, the first n_new kept)."""
    def smote_k(x_real_nd, n_new, *, key, n_real, law):
        return smote.generate(x_real_nd, n_new, n_neighbors, key=key, n_real=n_real)

    fn = smote_k if method.neighbours and n_neighbors != REGISTRY_K else generator(method.name).fn

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        x_class_nd = np.asarray(x_nd[y_n == label], np.float64)
        out = fn(to_bucket(np.asarray(x_class_nd, np.float32)), bucket(n_new), key=key, n_real=len(x_class_nd),
                 law=None)
        if method.name == "ros":  # copies of the float64 rows themselves, not of their float32 roundings
            return x_class_nd[np.asarray(out.parents_nk)[:n_new, 0]]
        return np.asarray(out.x_nd, np.float64)[:n_new]

    return TableGenerator(method, sample, np.zeros(0), variant=method.name)


def adasyn_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, n_neighbors: int) -> TableGenerator:
    """ADASYN on the whole table: the asked label against every other row (one-vs-rest)."""
    x_32_nd = np.asarray(x_nd, np.float32)

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        return np.asarray(adasyn.generate(x_32_nd, y_n, label, n_new, n_neighbors, key=key).x_nd, np.float64)

    return TableGenerator(method, sample, np.zeros(0), variant=method.name)


def mixed_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, categorical_d: np.ndarray,
                    n_neighbors: int) -> TableGenerator:
    """smote (SMOTE-NC, or SMOTE-N with no numeric column) or adasyn on mixed rows without NaN."""
    if categorical_d.all():
        if method.name == "adasyn":
            raise ValueError("method = 'adasyn': needs a numeric column for its distance, and every column is "
                             "categorical; use 'smote' (SMOTE-N) or 'ros'")
        profile_nqc, cat_nq = smote_nc.vdm_profiles(x_nd, y_n), np.asarray(x_nd, np.int32)

        def sample(label: int, n_new: int, *, key) -> np.ndarray:
            rows, m = y_n == label, int(np.sum(y_n == label))
            out = smote_nc.generate_n(padded(cat_nq[rows], bucket(m)), padded(profile_nqc[rows], bucket(m)),
                                      bucket(n_new), n_neighbors, key=key, n_real=m)
            return np.asarray(out.x_nd, np.float64)[:n_new]

        return TableGenerator(method, sample, np.zeros(0), variant="smote-n")

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        if method.name == "adasyn":
            return np.asarray(adasyn.generate_mixed(x_nd, y_n, categorical_d, label, n_new, n_neighbors, key=key).x_nd)
        return np.asarray(smote_nc.generate(x_nd[y_n == label], categorical_d, n_new, n_neighbors, key=key).x_nd)

    return TableGenerator(method, sample, np.zeros(0), variant="adasyn" if method.name == "adasyn" else "smote-nc")


def plugin_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, categorical_d: np.ndarray,
                     levels_d: np.ndarray) -> TableGenerator:
    """The plug-in on mixed rows: models/mixed_plugin.py on the fitted rows of the asked label."""
    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        return mixed_plugin.generate(x_nd[y_n == label], categorical_d, levels_d, n_new, key=key)

    return TableGenerator(method, sample, np.zeros(0), variant="plugin")


def transformer_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, *, key, checkpoint_dir=None,
                          categorical_d=None, **options) -> TableGenerator:
    """The tabular transformer trained on every row (class token = label), sampled per label.
    Its module (and Flax) loads here, not with this module: about 1.5 s that the other methods skip."""
    from synthlaw.models.table_transformer import TransformerOptions, fit_transformer, sample_rows

    mixed = {} if categorical_d is None else {"categorical_d": categorical_d}
    fit = fit_transformer(np.asarray(x_nd, np.float64), y_n, TransformerOptions.from_kwargs(**options), key=key,
                          checkpoint_dir=checkpoint_dir, **mixed)
    fitted = np.unique(y_n)

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        if label not in fitted:
            raise ValueError(f"label = {label!r}: not among the fitted labels {', '.join(map(str, fitted))}")
        return sample_rows(fit, TransformerOptions.from_kwargs(**options), int(label), n_new, key=key)

    return TableGenerator(method, sample, fit.loss_s, fit.holdout_loss_b, variant=method.name)


def median_imputed(x_nd: np.ndarray, categorical_d: np.ndarray) -> np.ndarray:
    """x_nd with each NaN of a numeric column replaced by the column's median over the rows."""
    blank_nd = np.isnan(x_nd) & ~categorical_d[None, :]
    if not blank_nd.any():
        return x_nd
    empty = np.flatnonzero(blank_nd.all(axis=0))
    if len(empty):
        raise ValueError(f"x_nd column {empty[0]}: every value is NaN; a numeric column needs a value to impute")
    return np.where(blank_nd, np.nanmedian(np.where(categorical_d[None, :], 0.0, x_nd), axis=0)[None, :], x_nd)


def checked_columns(x_nd: np.ndarray, categorical_d, levels_d) -> tuple[np.ndarray, np.ndarray]:
    """categorical_d (d,) bool and levels_d (d,) int (max code + 1 where not given), checked:
    categorical columns hold integer codes 0 .. levels - 1."""
    d = x_nd.shape[1]
    categorical_d = np.zeros(d, bool) if categorical_d is None else np.asarray(categorical_d, bool)
    if categorical_d.shape != (d,):
        raise ValueError(f"categorical_d: shape {categorical_d.shape}; expected ({d},), one flag per column")
    codes_nq = x_nd[:, categorical_d]
    bad = ~((codes_nq >= 0) & (codes_nq == np.round(codes_nq)))  # NaN is bad too
    if bad.any():
        column = np.flatnonzero(categorical_d)[np.flatnonzero(bad.any(axis=0))[0]]
        raise ValueError(f"x_nd column {column}: categorical, so it holds integer codes >= 0; "
                         f"got {x_nd[bad.any(axis=1), column][0]!r}")
    top_d = np.zeros(d, int)
    top_d[categorical_d] = codes_nq.max(axis=0, initial=-1) + 1
    levels_d = top_d if levels_d is None else np.asarray(levels_d, int)
    if levels_d.shape != (d,) or np.any(top_d > levels_d):
        raise ValueError(f"levels_d = {levels_d.tolist()}: needs one count per column, above every code "
                         f"(codes need {top_d.tolist()})")
    return categorical_d, levels_d


def fit_table_generator(method: Method, x_nd: np.ndarray, y_n: np.ndarray, *, key: jax.Array, checkpoint_dir=None,
                        categorical_d=None, levels_d=None, n_neighbors: int = REGISTRY_K,
                        **options) -> TableGenerator:
    """Fit `method` on the rows x_nd with conditioning labels y_n (integers >= 0). n_neighbors is
    SMOTE's and ADASYN's k (the class needs more than k rows). Options go to a trained method
    (TransformerOptions); checkpoint_dir is where a trained method saves and reuses its training
    (methods with nothing to train ignore it). categorical_d (d,) bool marks columns of codes and
    levels_d (d,) their level counts (module docstring); None or all False: numeric rows."""
    y_n = np.asarray(y_n)
    if len(y_n) != len(x_nd) or not np.all((y_n >= 0) & (y_n == np.round(y_n))):
        raise ValueError(f"y_n: {len(y_n)} labels for {len(x_nd)} rows; labels must be integers >= 0, one per row")
    y_n = y_n.astype(np.int64)
    categorical_d, levels_d = checked_columns(np.asarray(x_nd, np.float64), categorical_d, levels_d)
    mixed = categorical_d.any()
    if method.kind is Kind.TRAINED:
        return transformer_generator(method, x_nd, y_n, key=key, checkpoint_dir=checkpoint_dir,
                                     categorical_d=categorical_d if mixed else None, **options)
    if options:
        raise ValueError(f"method = {method.name!r}: takes no options; got {', '.join(options)}")
    if method.name == "ros":  # copies: codes and blanks as they are
        return per_class_generator(method, x_nd, y_n, n_neighbors)
    d = x_nd.shape[1]
    x_nd, categorical_d, levels_d, blank_j = blank_flagged(np.asarray(x_nd, np.float64), categorical_d, levels_d)
    if not categorical_d.any():
        fitted = per_class_generator(method, x_nd, y_n, n_neighbors) if method.kind is Kind.PER_CLASS else \
            adasyn_generator(method, x_nd, y_n, n_neighbors)
    elif method.name == "plugin":
        fitted = plugin_generator(method, x_nd, y_n, categorical_d, levels_d)
    else:
        fitted = mixed_generator(method, x_nd, y_n, categorical_d, n_neighbors)
    return with_blanks(fitted, d, blank_j)


def blank_flagged(x_nd: np.ndarray, categorical_d: np.ndarray, levels_d: np.ndarray) -> tuple:
    """What smote, adasyn and plugin fit when numeric columns have blanks: each NaN replaced by its
    column's median over the fitted rows, plus one 0/1 categorical column per numeric column with a
    blank (1: blank), generated like any category (SMOTE-NC's neighbour mode, the plug-in's
    frequencies); with_blanks writes NaN back where a new row's flag is 1, so new rows keep the
    blank pattern instead of a median no real row of that class may carry. Also the numeric
    columns with a blank (blank_j)."""
    blank_j = np.flatnonzero(~categorical_d & np.isnan(x_nd).any(axis=0))
    if not len(blank_j):
        return x_nd, categorical_d, levels_d, blank_j
    flags_nj = np.isnan(x_nd[:, blank_j]).astype(np.float64)
    return (np.column_stack([median_imputed(x_nd, categorical_d), flags_nj]),
            np.r_[categorical_d, np.ones(len(blank_j), bool)], np.r_[levels_d, np.full(len(blank_j), 2)], blank_j)


def with_blanks(fitted: TableGenerator, d: int, blank_j: np.ndarray) -> TableGenerator:
    """The generator's rows cut to the d table columns, NaN where a blank flag (blank_flagged) is 1."""
    if not len(blank_j):
        return fitted

    def sample(label: int, n_new: int, *, key) -> np.ndarray:
        x_nk = fitted.sample(label, n_new, key=key)
        x_nd = x_nk[:, :d].copy()
        x_nd[:, blank_j] = np.where(x_nk[:, d:] == 1, np.nan, x_nd[:, blank_j])
        return x_nd

    return fitted._replace(sample=sample)
