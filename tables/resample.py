"""`synthlaw oversample` on a CSV as it comes: text categories, blank cells, any number of classes.

read_classes reads the file (tables/read.py), drops the rows whose label is blank (a count in the
summary), types every other column (tables/schema.py; nothing is dropped: the output keeps every
column) and encodes them as codes. The label's values are the classes: integers when every value
is one (sorted as numbers, as imbalanced-learn sorts them), else text. resample_table asks a
sampler (synthlaw.samplers) for the new rows of every class, as imbalanced-learn balances them, and
writes the kept rows exactly as read, then the new rows decoded: levels as the column had them,
numbers as the shortest text that reads back to the same float32 where the generator computed in
float32 (11.4, not 11.399999618530273), else to the same float64.
"""

from pathlib import Path
from typing import NamedTuple

import numpy as np

from synthlaw.tables.read import TableError, read_text, write_csv
from synthlaw.tables.schema import Schema, is_blank, number_or_nan, number_text, type_columns


class ClassTable(NamedTuple):
    """A CSV read for resampling: its header, the label's column, the kept rows' text cells, the
    features' schema and codes, the classes y_n and the rows dropped for a blank label."""

    header: list
    label_j: int
    cells_nd: np.ndarray
    schema: Schema
    x_nd: np.ndarray
    y_n: np.ndarray
    dropped: int


def read_classes(path: Path, label: str, *, categorical=(), numeric=(), missing: str = "level") -> ClassTable:
    """Read and type a CSV for resampling (see the module docstring); a TableError on bad input."""
    header, _, rows = read_text(path)
    if label not in header:
        raise TableError(f"label = {label!r}: no such column in {path}; columns: {', '.join(header)}")
    for option, names in (("categorical", categorical), ("numeric", numeric)):
        if label in names:
            raise TableError(f"{option} = {label!r}: that is the label column, not a feature")
    cells_nd = np.array(rows, dtype=object).reshape(-1, len(header))
    j = header.index(label)
    blank_n = np.array([is_blank(str(c)) for c in cells_nd[:, j]], bool)
    if blank_n.any() and missing == "error":
        raise TableError(f"{path}: data row {int(np.argmax(blank_n)) + 1}, label {label!r}: blank "
                         "(missing = 'error' refuses blanks)")
    cells_nd = cells_nd[~blank_n]
    features = [c for c in header if c != label]
    feature_nd = np.delete(cells_nd, j, axis=1)
    typing = type_columns(f"{path}: ", features, feature_nd, categorical=categorical, numeric=numeric,
                          keep=tuple(features), missing=missing, row_numbers=np.flatnonzero(~blank_n) + 1)
    texts = np.array([str(c).strip() for c in cells_nd[:, j]], dtype=object)
    numbers = [number_or_nan(t) for t in texts]
    values = [v for v in numbers if v is not None]
    if len(values) == len(numbers):
        if not all(v.is_integer() for v in values):
            bad = next(t for t, v in zip(texts, values, strict=True) if not v.is_integer())
            raise TableError(f"label = {label!r}: holds {bad!r}, a number that is not an integer; class labels are "
                             "text or integers (a continuous column is not a class)")
        y_n = np.array(values, np.float64).astype(np.int64)
    else:
        y_n = texts.astype(str)
    return ClassTable(header, j, cells_nd, typing.schema, typing.schema.encode(feature_nd, f"{path}: "), y_n,
                      int(blank_n.sum()))


def float32_text(value: float) -> str:
    """number_text, shortened to float32's shortest text when the value is a float32 number."""
    if np.isfinite(value) and float(np.float32(value)) == value and not float(value).is_integer():
        return repr(float(np.format_float_positional(np.float32(value), unique=True, trim="-")))
    return number_text(value)


def resample_table(table: ClassTable, sampler, out: Path) -> str:
    """Write the rows, then the sampler's new rows (sampler.resample_codes) to out; a summary line."""
    x_new_nd, y_new_n = sampler.resample_codes(table.x_nd, table.y_n, table.schema.categorical_d,
                                               table.schema.levels_d)
    new_nd = table.schema.decode(x_new_nd)
    for j in np.flatnonzero(~table.schema.categorical_d):
        new_nd[:, j] = [float32_text(v) for v in x_new_nd[:, j]]
    new_nd = np.insert(new_nd, table.label_j, np.array([str(v) for v in y_new_n], dtype=object), axis=1)
    write_csv(out, table.header, np.vstack([table.cells_nd, new_nd]))
    before = dict(zip(*np.unique(table.y_n, return_counts=True), strict=True))
    after = dict(zip(*np.unique(np.concatenate([table.y_n, y_new_n]), return_counts=True), strict=True))
    counts = ", ".join(f"{c}: {before[c]} -> {after[c]}" for c in after)
    blanks = f"; {table.dropped} rows with a blank label dropped" if table.dropped else ""
    label = table.header[table.label_j]
    return f"rows per {label} {counts}{blanks} ({len(table.cells_nd) + len(new_nd)} rows)"
