"""One CSV as it comes, typed: text categories, numbers, blank cells and a text label (issue 20).

read_typed reads the file (tables/read.py's checked reader), drops the rows whose label is blank
(with a count), picks the positive class (tables/schema.py label_classes), types the feature
columns on the kept rows (type_columns) and encodes them as codes. The label column may not be
named in --categorical, --numeric or --keep: it is the label, not a feature. A spurious column is
a feature that is never dropped, and may not be blank.
"""

from pathlib import Path
from typing import NamedTuple

import numpy as np

from synthlaw.tables.read import TableError, read_text
from synthlaw.tables.schema import MISSING, Typing, label_classes, type_columns


class TypingOptions(NamedTuple):
    """How to type a table: the positive label value (None: the rarest class), columns forced
    categorical or numeric, columns kept although constant or identifier-like, and blanks
    ("level": kept; "error": refused)."""

    positive: str | None = None
    categorical: tuple = ()
    numeric: tuple = ()
    keep: tuple = ()
    missing: str = "level"


AS_READ = TypingOptions()  # every column typed from its cells, blanks kept


class TypedTable(NamedTuple):
    """A typed CSV: its label and spurious (or None) columns, its typing (schema of the kept
    features), codes x_nd, labels y_n (1 = positive), spurious codes s_n or None, and the line
    saying how the label was read. The text cells are not kept: a table of 100 000 x 50 cells is
    about 0.5 GB of Python strings, returned to the system only when nothing else was allocated
    among them (decode the codes to write the table back)."""

    label: str
    spurious: str | None
    typing: Typing
    x_nd: np.ndarray
    y_n: np.ndarray
    s_n: np.ndarray | None
    label_line: str

    @property
    def header(self) -> list:
        return list(self.typing.schema.names) + [self.label]


def read_typed(path: Path, label: str, spurious: str | None = None, options: TypingOptions = AS_READ) -> TypedTable:
    """Read, type and encode one CSV (see the module docstring); a TableError on bad input."""
    header, _, rows = read_text(path)
    if label not in header:
        raise TableError(f"{path}: label column {label!r} missing; columns: {', '.join(header)}")
    for option in ("categorical", "numeric", "keep"):
        if label in getattr(options, option):
            raise TableError(f"{option} = {label!r}: that is the label column, not a feature")
    if spurious is not None and spurious not in header:
        raise TableError(f"{path}: spurious column {spurious!r} missing; columns: {', '.join(header)}")
    if options.missing not in MISSING:
        raise TableError(f"missing = {options.missing!r}: allowed: {', '.join(MISSING)}")
    cells_nd = np.array(rows, dtype=object).reshape(-1, len(header))
    where = f"{path}: "
    kept_n, y_n, label_line = label_classes(where, label, cells_nd[:, header.index(label)], options.positive,
                                            options.missing)
    features = [c for c in header if c != label]
    feature_nd = cells_nd[kept_n][:, [header.index(c) for c in features]]
    keep = tuple(options.keep) + ((spurious,) if spurious else ())
    typing = type_columns(where, features, feature_nd, categorical=options.categorical, numeric=options.numeric,
                          keep=keep, missing=options.missing, row_numbers=np.flatnonzero(kept_n) + 1)
    schema = typing.schema
    if not schema.columns:
        dropped = ", ".join(name for name, _ in typing.dropped)
        raise TableError(f"{path}: no feature column left ({dropped or 'none besides the label'} dropped: "
                         "constant or identifier-like); the keep option keeps one")
    feature_nd = feature_nd[:, [features.index(c) for c in schema.names]]
    x_nd = schema.encode(feature_nd, where)
    s_n = None
    if spurious is not None:
        j = schema.names.index(spurious)
        if typing.blanks[spurious]:
            raise TableError(f"{path}: spurious column {spurious!r} has {typing.blanks[spurious]} blank cells; "
                             "it needs a value on every row")
        s_n = x_nd[:, j]
    return TypedTable(label, spurious, typing, x_nd, y_n, s_n, label_line)
