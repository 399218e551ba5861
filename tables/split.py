"""One CSV into a data folder like the paper's: a balanced seed, train (by label and group), test.

The authors split each table once into use (3 500 rows of gender) and test (1 501), then drew a
seed of 200 use rows balanced over the four (spurious, label) groups. `synthlaw paper` given one CSV does
the same, reproducibly from a JAX key: one permutation of the rows; per group g (the label, or
2 s + y with s the spurious bit, 0 for the smaller value), round(test_fraction n_g) rows of that
order go to test and the next seed_size / G to the seed; the rest is train. Each part keeps the
file's row order. train0/train1 split train by label, train_pos (groups 00, 11) / train_neg
(01, 10) by group, as in the data README.
"""

from pathlib import Path
from typing import NamedTuple

import numpy as np

from synthlaw.tables.read import Table, TableError, Tables, check_seed, write_csv
from synthlaw.tables.typed import AS_READ, TypedTable, TypingOptions, read_typed

SEED_SIZE = 200
TEST_FRACTION = 0.3


class Split(NamedTuple):
    """The typed table, row positions of each part (stem -> rows_k), one line saying what was done."""

    table: TypedTable
    parts: dict
    summary: str


def groups_of(y_n: np.ndarray, s_n: np.ndarray | None) -> tuple[np.ndarray, int]:
    """Group per row and the group count: the label, or 2 s + y with s = 1 on the larger spurious value."""
    if s_n is None:
        return y_n, 2
    return 2 * (s_n != s_n.min()).astype(np.int32) + y_n, 4


def group_name(g: int, n_groups: int) -> str:
    return f"label {g}" if n_groups == 2 else f"group {g // 2}{g % 2} (spurious bit, label)"


def read_for_split(path: Path, label: str, spurious: str | None, *, seed_size: int = SEED_SIZE,
                   test_fraction: float = TEST_FRACTION, typing: TypingOptions = AS_READ) -> TypedTable:
    """Read, type (tables/typed.py) and check one CSV for split_typed: a TableError on bad input.
    Every check reads counts only, so it runs before JAX is loaded (the command line answers a bad
    table at once)."""
    table = read_typed(path, label, spurious, typing)
    if table.s_n is not None and len(np.unique(table.s_n)) != 2:
        shown = ", ".join(f"{v:g}" for v in np.unique(table.s_n)[:5])
        raise TableError(f"{path}: spurious column {spurious!r} takes values {shown}; allowed: exactly two "
                         "distinct values")
    g_n, n_groups = groups_of(table.y_n, table.s_n)
    if seed_size % n_groups:
        raise TableError(f"seed_size = {seed_size}: must be a multiple of {n_groups} (a seed balanced over "
                         f"{n_groups} {'groups' if n_groups == 4 else 'classes'})")
    for g, rows in enumerate(np.bincount(g_n.astype(np.int64), minlength=n_groups)):
        n_test = int(round(test_fraction * rows))
        if n_test < 1 or rows - n_test < seed_size // n_groups:
            raise TableError(f"{path}: {group_name(g, n_groups)} has {rows} rows; a test fraction of "
                             f"{test_fraction:g} and a seed of {seed_size} need at least one test row and "
                             f"{seed_size // n_groups} seed rows of it (lower seed_size or test_fraction)")
    return table


def split_table(path: Path, label: str, spurious: str | None, *, key, seed_size: int = SEED_SIZE,
                test_fraction: float = TEST_FRACTION, typing: TypingOptions = AS_READ) -> Split:
    """read_for_split, then split_typed."""
    table = read_for_split(path, label, spurious, seed_size=seed_size, test_fraction=test_fraction, typing=typing)
    return split_typed(path, table, key=key, seed_size=seed_size, test_fraction=test_fraction)


def split_typed(path: Path, table: TypedTable, *, key, seed_size: int, test_fraction: float) -> Split:
    """Split a table that read_for_split checked (see the module docstring): one JAX permutation of
    the rows, then per group its test rows and seed rows in that order; the rest is train."""
    import jax  # here, so that read_for_split's checks answer without loading JAX

    g_n, n_groups = groups_of(table.y_n, table.s_n)
    order_n = np.asarray(jax.random.permutation(key, len(g_n)))
    per_group = seed_size // n_groups
    test, seed = [], []
    for g in range(n_groups):
        rows_g = order_n[g_n[order_n] == g]
        n_test = int(round(test_fraction * len(rows_g)))
        test.append(rows_g[:n_test])
        seed.append(rows_g[n_test:n_test + per_group])
    test_k, seed_k = np.sort(np.concatenate(test)), np.sort(np.concatenate(seed))
    train_k = np.setdiff1d(np.arange(len(g_n)), np.concatenate([test_k, seed_k]))
    parts = {"seed": seed_k, "train": train_k, "test": test_k,
             "train0": train_k[table.y_n[train_k] == 0], "train1": train_k[table.y_n[train_k] == 1]}
    if table.spurious is not None:
        pos_k = np.isin(g_n[train_k], (0, 3))
        parts |= {"train_pos": train_k[pos_k], "train_neg": train_k[~pos_k]}
    counts = ", ".join(f"{np.sum(table.y_n == c)} with {table.label} = {c}" for c in (0, 1))
    unit = "group" if table.spurious else "class"
    summary = (f"{path}: {len(g_n)} rows ({counts}); split by one JAX permutation of the rows: test "
               f"{len(test_k)} rows ({test_fraction:g} of each {unit}), seed {len(seed_k)} rows ({per_group} per "
               f"{unit}), train {len(train_k)} rows (train0 {len(parts['train0'])}, train1 {len(parts['train1'])})")
    return Split(table, parts, summary)


def write_split(split: Split, folder: Path) -> None:
    """The parts as {stem}.csv in folder: the kept feature columns (text as read, numbers as the
    shortest text that reads back to them, blanks empty), then the label as 1 (positive) or 0."""
    t = split.table
    for stem, rows_k in split.parts.items():
        cells_nd = np.column_stack([t.typing.schema.decode(t.x_nd[rows_k]), t.y_n[rows_k].astype(str).astype(object)])
        write_csv(Path(folder) / f"{stem}.csv", t.header, cells_nd)


def split_tables(split: Split, folder: Path) -> Tables:
    """The parts as loaded Tables with the table's schema (no method yet)."""
    t = split.table
    tables = {stem: Table(t.x_nd[rows_k], t.y_n[rows_k], None if t.s_n is None else t.s_n[rows_k])
              for stem, rows_k in split.parts.items()}
    loaded = Tables(Path(folder), t.label, t.spurious, t.typing.schema.names, (), tables, schema=t.typing.schema)
    check_seed(loaded)
    return loaded
