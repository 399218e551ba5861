"""Real tables laid out like the paper's data folders (seed, train0/1, pos/neg, test, {method}*).

Loading is numpy-only, on purpose: the tables are small (tens of thousands of rows) and numeric,
and the one pandas behaviour the paper's protocol needs, `DataFrame.sample(n, random_state=s)`,
is NumPy's legacy `RandomState(s).choice(len, n, replace=False)` on row positions (pandas'
`sample` calls `random_state.choice(axis_length, size=n, replace=False, p=weights)`; see
sims/paper_rows.py). So pandas would add a large dependency for a CSV parser.

Every check runs here, at the boundary, and fails with one line naming the file, the field, the
value and what is allowed. A folder holds:
  seed.csv, train.csv, train0.csv, train1.csv, test.csv    always
  train_pos.csv, train_neg.csv                             with a spurious column
  {method}0.csv, {method}1.csv (+ {method}_pos/_neg.csv)   per synthetic method, discovered
"""

import csv
from pathlib import Path
from typing import NamedTuple

import numpy as np

REAL_FILES = ("seed", "train", "train0", "train1", "test")
GROUP_FILES = ("train_pos", "train_neg")
METHOD_ORDER = ("synthetic_allseed", "synthetic", "smote", "adasyn", "ros")


class TableError(ValueError):
    """Bad input in a data folder: one line naming file, field, value and what is allowed."""


class Table(NamedTuple):
    """One CSV: features x_nd (label column removed), labels y_n in {0, 1}, spurious s_n or None."""

    x_nd: np.ndarray
    y_n: np.ndarray
    s_n: np.ndarray | None


class Tables(NamedTuple):
    """A loaded folder: tables[name] for every file stem read, the feature names, the methods."""

    folder: Path
    label: str
    spurious: str | None
    features: tuple
    methods: tuple
    tables: dict


def discover_methods(folder: Path) -> tuple:
    """Methods with both {method}0.csv and {method}1.csv, the paper's order first."""
    stems = {p.stem for p in Path(folder).glob("*.csv")}
    found = sorted(s[:-1] for s in stems if s.endswith("0") and s[:-1] + "1" in stems and s != "train0")
    found = [m for m in found if m and m != "train"]
    return tuple([m for m in METHOD_ORDER if m in found] + [m for m in found if m not in METHOD_ORDER])


def read_csv(path: Path) -> tuple[list, np.ndarray]:
    """Header and float64 cells of one CSV; a non-numeric or missing cell is a TableError."""
    try:
        with open(path, newline="") as handle:
            header = next(csv.reader(handle), None)
    except OSError as err:
        raise TableError(f"{path}: cannot read ({err.strerror})") from None
    if not header:
        raise TableError(f"{path}: empty file; expected a header row and numeric rows")
    header = [h.strip() for h in header]
    try:
        cells = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, dtype=np.float64)
    except ValueError:
        find_bad_cell(path, header)
        raise
    if cells.shape[0] and cells.shape[1] != len(header):
        raise TableError(f"{path}: rows have {cells.shape[1]} cells, header has {len(header)}")
    return header, cells.reshape(-1, len(header))


def find_bad_cell(path: Path, header: list) -> None:
    """Raise a TableError at the first cell that is not a number (the slow path, errors only)."""
    with open(path, newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for line, row in enumerate(rows, start=2):
            if len(row) != len(header):
                raise TableError(f"{path}: line {line} has {len(row)} cells, header has {len(header)}")
            for name, cell in zip(header, row):
                try:
                    float(cell)
                except ValueError:
                    raise TableError(f"{path}: line {line}, column {name!r}: {cell!r} is not a number") from None


def to_table(path: Path, header: list, cells: np.ndarray, columns: list, label: str, spurious) -> Table:
    """Check one file's columns and values and split features, labels and spurious values."""
    if label not in header:
        raise TableError(f"{path}: label column {label!r} missing; columns: {', '.join(header)}")
    if spurious is not None and spurious not in header:
        raise TableError(f"{path}: spurious column {spurious!r} missing; columns: {', '.join(header)}")
    if sorted(header) != sorted(columns):
        extra = sorted(set(header) ^ set(columns))
        raise TableError(f"{path}: columns differ from seed.csv ({', '.join(extra)}); expected: {', '.join(columns)}")
    cells = cells[:, [header.index(c) for c in columns]]
    bad_r, bad_c = np.nonzero(~np.isfinite(cells))
    if len(bad_r):
        raise TableError(f"{path}: line {bad_r[0] + 2}, column {columns[bad_c[0]]!r}: "
                         f"{cells[bad_r[0], bad_c[0]]} is not a finite number")
    y_n = cells[:, columns.index(label)]
    bad = ~np.isin(y_n, (0.0, 1.0))
    if bad.any():
        raise TableError(f"{path}: label {label!r} = {y_n[bad][0]:g} on line {np.argmax(bad) + 2}; allowed: 0, 1")
    x_nd = np.delete(cells, columns.index(label), axis=1)
    s_n = None if spurious is None else cells[:, columns.index(spurious)]
    return Table(x_nd, y_n.astype(np.int32), s_n)


def load_tables(folder, label: str, spurious: str | None = None, methods=None) -> Tables:
    """Read and check a data folder; methods=None reads every method found in it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise TableError(f"{folder}: not a directory; expected a folder with seed.csv, train0.csv, ...")
    found = discover_methods(folder)
    if methods is None:
        methods = found
    unknown = [m for m in methods if m not in found]
    if unknown:
        raise TableError(f"{folder / (unknown[0] + '0.csv')}: method {unknown[0]!r} not found; "
                         f"methods in {folder}: {', '.join(found) or 'none'}")
    stems = list(REAL_FILES) + (list(GROUP_FILES) if spurious else [])
    for m in methods:
        stems += [f"{m}0", f"{m}1"] + ([f"{m}_pos", f"{m}_neg"] if spurious else [])
    missing = [s for s in stems if not (folder / f"{s}.csv").is_file()]
    if missing:
        raise TableError(f"{folder / (missing[0] + '.csv')}: missing file; a data folder needs "
                         f"{', '.join(s + '.csv' for s in stems)}")
    header, cells = read_csv(folder / "seed.csv")
    columns = header
    tables = {"seed": to_table(folder / "seed.csv", header, cells, columns, label, spurious)}
    for stem in stems[1:]:
        header, cells = read_csv(folder / f"{stem}.csv")
        tables[stem] = to_table(folder / f"{stem}.csv", header, cells, columns, label, spurious)
    if spurious is not None:
        check_spurious(folder, tables, spurious)
    features = tuple(c for c in columns if c != label)
    return Tables(folder, label, spurious, features, tuple(methods), tables)


def check_spurious(folder: Path, tables: dict, spurious: str) -> None:
    """The spurious column must take exactly two values, its smaller one being group 0."""
    values = np.unique(tables["test"].s_n)
    if len(values) != 2:
        shown = ", ".join(f"{v:g}" for v in values[:5])
        raise TableError(f"{folder / 'test.csv'}: spurious column {spurious!r} takes values {shown}; "
                         "allowed: exactly two distinct values")


def spurious_bit(tables: Tables, s_n: np.ndarray) -> np.ndarray:
    """0 where the spurious value is the smaller of the two test values, else 1."""
    return (s_n != np.min(tables.tables["test"].s_n)).astype(np.int32)


def check_rows(tables: Tables, needs: dict, why: str) -> None:
    """Every file stem in needs must hold at least that many rows."""
    for stem, n in needs.items():
        have = len(tables.tables[stem].y_n)
        if have < n:
            raise TableError(f"{tables.folder / (stem + '.csv')}: {have} rows, {why} needs at least {n}")
