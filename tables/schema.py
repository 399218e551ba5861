"""Typing a table as it comes: numeric and categorical columns, blank cells, a text label (issue 20).

A typed table is a Schema (one Column per feature: its name, kind and, for a categorical column, its
level texts) and a "codes" matrix x_nd in float64, the one representation every generator,
classifier encoding and metric reads:
- a categorical column holds the code k of its level levels[k] (0 .. L - 1); a blank cell is one
  more level, written "" (BLANK_LEVEL), so a categorical column never holds NaN;
- a numeric column holds its numbers, NaN where the cell was blank.
Decoding writes numbers as the shortest text that reads back to them and a categorical code as its
level text, so a decoded row holds only texts the column had.

Typing (type_columns): a column is numeric when every non-blank cell reads as a finite number,
categorical otherwise; `categorical` and `numeric` name columns to force either way (a numeric
column of a few distinct integers stays numeric unless named). A cell is blank when, stripped and
lower-cased, it is one of BLANKS. A column whose non-blank values are all one value is constant,
and a categorical column with a distinct value on at least ID_SHARE of its rows (or an integer
column with a distinct value on every row) looks like an identifier: both are dropped with a
warning naming them unless kept with `keep`. A column with only blanks is an error.
"""

import dataclasses
import math

import numpy as np

BLANKS = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
BLANK_LEVEL = ""
ID_SHARE = 0.95  # a categorical column with this share of distinct values looks like an identifier
ID_MIN_ROWS = 20  # fewer rows than this: no column is called an identifier
KINDS = ("numeric", "categorical")
MISSING = ("level", "error")


class TableError(ValueError):
    """Bad input in a table or data folder: one line naming file, field, value and what is allowed."""


@dataclasses.dataclass(frozen=True)
class Column:
    """One feature: name, kind ("numeric" or "categorical") and a categorical column's level texts
    (code k <-> levels[k]; BLANK_LEVEL for its blank cells)."""

    name: str
    kind: str
    levels: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Schema:
    """The typed feature columns of a table, in file order."""

    columns: tuple[Column, ...]

    @classmethod
    def numeric(cls, names) -> "Schema":
        """Every column numeric (a data folder of numbers)."""
        return cls(tuple(Column(n, "numeric") for n in names))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def categorical_d(self) -> np.ndarray:
        return np.array([c.kind == "categorical" for c in self.columns], bool)

    @property
    def levels_d(self) -> np.ndarray:
        """Levels per column (0 for a numeric column)."""
        return np.array([len(c.levels) for c in self.columns], np.int64)

    def without(self, j: int) -> "Schema":
        """The schema with column j removed."""
        return Schema(self.columns[:j] + self.columns[j + 1:])

    def encode(self, cells_nd: np.ndarray, where: str = "") -> np.ndarray:
        """Text cells (n x d, this schema's column order) -> codes x_nd. A level the column does not
        have, or a numeric cell that is not a number, is a TableError naming `where`, the row and column."""
        cells_nd = np.asarray(cells_nd, dtype=object).reshape(-1, len(self.columns))
        x_nd = np.empty(cells_nd.shape, np.float64)
        for j, column in enumerate(self.columns):
            x_nd[:, j] = encode_column(column, cells_nd[:, j], where)
        return x_nd

    def decode(self, x_nd: np.ndarray) -> np.ndarray:
        """Codes x_nd -> text cells (object array): levels, numbers as the shortest text, NaN as ""."""
        x_nd = np.asarray(x_nd, np.float64).reshape(-1, len(self.columns))
        cells_nd = np.empty(x_nd.shape, dtype=object)
        for j, column in enumerate(self.columns):
            if column.kind == "categorical":
                cells_nd[:, j] = np.asarray(column.levels, dtype=object)[x_nd[:, j].astype(np.int64)]
            else:
                cells_nd[:, j] = [number_text(v) for v in x_nd[:, j]]
        return cells_nd

    def typing_lines(self) -> list[str]:
        """One line per kind: 'numeric (7): a, b, ...' and 'categorical (10): joblost (4 levels), ...'."""
        lines = []
        for kind in KINDS:
            cols = [c for c in self.columns if c.kind == kind]
            if cols:
                names = [c.name if kind == "numeric" else f"{c.name} ({len(c.levels)} levels)" for c in cols]
                lines.append(f"{kind} ({len(cols)}): {', '.join(names)}")
        return lines


def is_blank(cell: str) -> bool:
    return cell.strip().lower() in BLANKS


def number_or_nan(cell: str) -> float | None:
    """The cell as a float (NaN for a blank), or None when it is not a finite number."""
    if is_blank(cell):
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def number_text(value: float) -> str:
    """A number as the shortest text that reads back to it; whole numbers without '.0'; NaN as ''."""
    value = float(value)
    if math.isnan(value):
        return BLANK_LEVEL
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def encode_column(column: Column, cells_n: np.ndarray, where: str) -> np.ndarray:
    """One column's text cells -> codes (see Schema.encode)."""
    if column.kind == "numeric":
        values = [number_or_nan(str(c)) for c in cells_n]
        bad = [r for r, v in enumerate(values) if v is None]
        if bad:
            raise TableError(f"{where}data row {bad[0] + 1}, column {column.name!r}: {cells_n[bad[0]]!r} is not "
                             "a number (the column is numeric)")
        return np.array(values, np.float64)
    code = {level: k for k, level in enumerate(column.levels)}
    texts = [BLANK_LEVEL if is_blank(str(c)) else str(c).strip() for c in cells_n]
    unknown = [t for t in texts if t not in code]
    if unknown:
        shown = ", ".join(repr(v) for v in column.levels[:8])
        raise TableError(f"{where}column {column.name!r}: level {unknown[0]!r} is not one the column had; "
                          f"levels: {shown}{', ...' if len(column.levels) > 8 else ''}")
    return np.array([code[t] for t in texts], np.float64)


@dataclasses.dataclass(frozen=True)
class Typing:
    """A table's typing: the schema of the kept feature columns, the dropped columns with why, and
    blank cells per kept column."""

    schema: Schema
    dropped: tuple[tuple[str, str], ...]
    blanks: dict

    def lines(self) -> list[str]:
        """What the run prints and the report repeats: one line per kind, the drops, the blanks."""
        lines = self.schema.typing_lines()
        lines += [f"dropped {name!r}: {why} (the keep option keeps it)" for name, why in self.dropped]
        blanks = {name: n for name, n in self.blanks.items() if n}
        if blanks:
            lines.append("blank cells: " + ", ".join(f"{name} {n}" for name, n in blanks.items()))
        return lines


def check_names(option: str, names, header) -> None:
    """Every name an option lists must be a column."""
    for name in names:
        if name not in header:
            raise TableError(f"{option} = {name!r}: no such column; columns: {', '.join(header)}")


def type_columns(where: str, header: list, cells_nd: np.ndarray, *, categorical=(), numeric=(), keep=(),
                 missing: str = "level", row_numbers=None) -> Typing:
    """The Typing of the columns `header` over their text cells (n x d): see the module docstring.
    missing "error" refuses any blank cell; "level" keeps blanks (NaN in a numeric column, a level of
    a categorical one). row_numbers: each row's data-row number in the file, for messages (default
    1..n; rows may have been dropped for a blank label)."""
    row_numbers = np.arange(1, len(cells_nd) + 1) if row_numbers is None else row_numbers
    if missing not in MISSING:
        raise TableError(f"missing = {missing!r}: allowed: {', '.join(MISSING)}")
    for option, names in (("categorical", categorical), ("numeric", numeric), ("keep", keep)):
        check_names(option, names, header)
    both = sorted(set(categorical) & set(numeric))
    if both:
        raise TableError(f"numeric = {both[0]!r}: also named as categorical; a column has one kind")
    columns, dropped, blanks = [], [], {}
    n = len(cells_nd)
    for j, name in enumerate(header):
        cells_n = [str(c) for c in cells_nd[:, j]]
        blank_n = np.array([is_blank(c) for c in cells_n], bool)
        if blank_n.all():
            raise TableError(f"{where}column {name!r}: every cell is blank; drop the column or fill it")
        if blank_n.any() and missing == "error":
            r = int(np.argmax(blank_n))
            raise TableError(f"{where}data row {row_numbers[r]}, column {name!r}: blank cell {cells_n[r]!r} "
                             "(missing = 'error' refuses blanks; 'level' keeps them)")
        values = [number_or_nan(c) for c in cells_n]
        is_number = all(v is not None for v in values)
        if name in numeric and not is_number:
            r = next(r for r, v in enumerate(values) if v is None)
            raise TableError(f"numeric = {name!r}: data row {row_numbers[r]} holds {cells_n[r]!r}, not a number")
        kind = "categorical" if name in categorical or not is_number else "numeric"
        present = [c.strip() for c, b in zip(cells_n, blank_n, strict=True) if not b]
        distinct = len(set(present)) if kind == "categorical" else \
            len(np.unique([v for v in values if v is not None and not math.isnan(v)]))
        why = drop_reason(kind, distinct, len(present), values, n)
        if why and name not in keep:
            dropped.append((name, why))
            continue
        levels = ()
        if kind == "categorical":
            # fresh strings: the cells' own objects would keep every block of the read text in memory
            levels = tuple(np.array(sorted(set(present)), dtype=str).tolist())
            levels += (BLANK_LEVEL,) if blank_n.any() else ()
        columns.append(Column(name, kind, levels))
        blanks[name] = int(blank_n.sum())
    return Typing(Schema(tuple(columns)), tuple(dropped), blanks)


def drop_reason(kind: str, distinct: int, present: int, values: list, n: int) -> str:
    """Why a column is dropped ("" to keep it): constant, or an identifier."""
    if distinct == 1:
        return "constant (one value on every non-blank row)"
    if n < ID_MIN_ROWS:
        return ""
    if kind == "categorical" and distinct >= ID_SHARE * present:
        return f"looks like an identifier ({distinct} distinct values in {present} rows)"
    whole = [v for v in values if v is not None and not math.isnan(v)]
    if kind == "numeric" and distinct == present and all(float(v).is_integer() for v in whole):
        return f"looks like an identifier (a distinct integer on each of its {present} rows)"
    return ""


def is_zero_one(classes) -> bool:
    """Two label values that read as the numbers 0 and 1."""
    values = [number_or_nan(str(c)) for c in classes]
    return None not in values and sorted(values) == [0.0, 1.0]  # type: ignore[type-var] (None excluded)


def label_classes(where: str, label: str, cells_n: np.ndarray, positive: str | None, missing: str) -> tuple:
    """The label's rows kept (non-blank), y_n (1 for the positive class) and one line saying what was
    chosen: `positive` names the class to oversample; without it 1 for a 0/1 label (the paper's
    convention), else the rarest class (the larger text in sort order on a tie). More than two
    classes: the positive class against the rest."""
    texts = np.array([str(c).strip() for c in cells_n], dtype=object)
    blank_n = np.array([is_blank(t) for t in texts], bool)
    if blank_n.any() and missing == "error":
        r = int(np.argmax(blank_n))
        raise TableError(f"{where}data row {r + 1}, label {label!r}: blank (missing = 'error' refuses blanks)")
    kept_n = ~blank_n
    classes, counts = np.unique(texts[kept_n].astype(str), return_counts=True)
    if len(classes) < 2:
        shown = repr(str(classes[0])) if len(classes) else "nothing"
        raise TableError(f"{where}label {label!r} holds {shown} on every non-blank row; it needs two classes")
    if positive is None and is_zero_one(classes):
        positive = str(classes[[number_or_nan(c) for c in classes].index(1.0)])
        why = "a 0/1 label: 1, the paper's convention"
    elif positive is None:
        rarest = np.flatnonzero(counts == counts.min())[-1]
        positive = str(classes[rarest])
        why = "the rarest class" if len(classes) > 2 else "the rarer class"
    elif positive not in classes:
        raise TableError(f"positive = {positive!r}: not a value of label {label!r}; values: "
                          f"{', '.join(repr(str(c)) for c in classes)}")
    else:
        why = "as asked"
    y_n = (texts[kept_n] == positive).astype(np.int32)
    share = ", ".join(f"{str(c)!r} {k}" for c, k in zip(classes, counts, strict=True))
    rest = "the other class" if len(classes) == 2 else f"the other {len(classes) - 1} classes together"
    line = (f"label {label!r}: {share}; positive (1, oversampled) = {positive!r} ({why}), 0 = {rest}"
            + (f"; {int(blank_n.sum())} rows with a blank label dropped" if blank_n.any() else ""))
    return kept_n, y_n, line
