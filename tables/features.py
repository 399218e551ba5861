"""Classifier features of a typed table: one-hot categories and numbers with blanks imputed (issue 20).

fit_features learns, on the real training rows only (seed + train, never test):
- each numeric column's median, which fills its blanks, and a missing-indicator column (1 on a
  blank) for every numeric column with a blank among the training rows;
- each categorical column's one-hot layout: one column per level, except that a column with more
  than MAX_LEVELS levels keeps its MAX_LEVELS - 1 most frequent training levels and folds the rest
  (and levels never seen in training) into one "other" column, so a 10 000-level column costs
  MAX_LEVELS columns, not 10 000.
Column order: the table's columns in order (a number, or a level block), then the indicators. A
table of numbers without blanks encodes to itself, so numeric tables give the results they gave
before mixed tables were read.
"""

from typing import NamedTuple

import numpy as np

from synthlaw.tables.schema import Schema

MAX_LEVELS = 32


class Features(NamedTuple):
    """A fitted encoding: per column, its median (numeric; nan for categorical) and its code ->
    one-hot offset map (categorical; None for numeric), the width of each column's block, the
    numeric columns given an indicator, and one line per folded column."""

    schema: Schema
    median_d: np.ndarray
    onehot_d: tuple
    width_d: np.ndarray
    indicator_j: np.ndarray
    notes: tuple

    @property
    def n_features(self) -> int:
        return int(self.width_d.sum() + len(self.indicator_j))

    @property
    def identity(self) -> bool:
        """Numbers only and no indicator: the features are the codes themselves."""
        return not self.schema.categorical_d.any() and not len(self.indicator_j)


def level_map(name: str, codes_n: np.ndarray, levels: tuple) -> tuple[np.ndarray, str]:
    """code -> one-hot offset for one categorical column, and a note when levels fold into "other"."""
    counts_l = np.bincount(codes_n.astype(np.int64), minlength=len(levels))
    if len(levels) <= MAX_LEVELS:
        return np.arange(len(levels)), ""
    top = np.argsort(-counts_l, kind="stable")[:MAX_LEVELS - 1]
    map_l = np.full(len(levels), MAX_LEVELS - 1)
    map_l[top] = np.arange(MAX_LEVELS - 1)
    covered = counts_l[top].sum() / max(counts_l.sum(), 1)
    return map_l, (f"{name!r}: {len(levels)} levels; the {MAX_LEVELS - 1} most frequent in training are one-hot, "
                   f"the other {len(levels) - MAX_LEVELS + 1} fold into one 'other' column "
                   f"({covered:.1%} of training rows keep their own level)")


def fit_features(schema: Schema, train_nd: np.ndarray) -> Features:
    """The encoding learnt on the training rows' codes (see the module docstring)."""
    train_nd = np.asarray(train_nd, np.float64)
    median_d = np.full(len(schema.columns), np.nan)
    onehot, width, notes = [], [], []
    for j, column in enumerate(schema.columns):
        if column.kind == "numeric":
            present = train_nd[~np.isnan(train_nd[:, j]), j]
            median_d[j] = np.median(present) if len(present) else 0.0
            onehot.append(None)
            width.append(1)
        else:
            map_l, note = level_map(column.name, train_nd[:, j], column.levels)
            onehot.append(map_l)
            width.append(int(map_l.max()) + 1)
            notes += [note] if note else []
    indicator_j = np.flatnonzero(~schema.categorical_d & np.isnan(train_nd).any(axis=0))
    return Features(schema, median_d, tuple(onehot), np.array(width), indicator_j, tuple(notes))


def encode_features(features: Features, x_nd: np.ndarray) -> np.ndarray:
    """Codes x_nd -> classifier features f_nf (float64): numbers (blanks -> the training median),
    one-hot level blocks, then the missing indicators."""
    x_nd = np.asarray(x_nd, np.float64)
    if features.identity:
        return x_nd
    f_nf = np.zeros((len(x_nd), features.n_features))
    at = 0
    for j, map_l in enumerate(features.onehot_d):
        if map_l is None:
            f_nf[:, at] = np.where(np.isnan(x_nd[:, j]), features.median_d[j], x_nd[:, j])
        else:
            f_nf[np.arange(len(x_nd)), at + map_l[x_nd[:, j].astype(np.int64)]] = 1.0
        at += features.width_d[j]
    f_nf[:, at:] = np.isnan(x_nd[:, features.indicator_j])
    return f_nf
