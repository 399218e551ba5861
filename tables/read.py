"""Real tables laid out like the paper's data folders (seed, train0/1, pos/neg, test, {method}*).

Reading is the standard library's csv module plus numpy, on purpose: the tables are small (tens of
thousands of rows) and numeric. csv handles what real files bring (quoted fields, a delimiter other
than the comma, found by csv.Sniffer among , ; tab |), a UTF-8 byte-order mark is dropped by the
utf-8-sig codec, and numpy converts the cells in one call. The one pandas behaviour the paper's
protocol needs, `DataFrame.sample(n, random_state=s)`, is NumPy's legacy
`RandomState(s).choice(len, n, replace=False)` on row positions (see tables/rows.py), so pandas
would add a large dependency for a CSV parser, and its type guessing (dates, thousands separators)
would hide the cells that this module names as errors.

Every check runs here, at the boundary, and fails with one line naming the file, the field, the
value and what is allowed. A folder holds:
  seed.csv, test.csv                                       always
  train0.csv / train_neg.csv, train.csv                    when a sweep reads them (tables/rows)
  {method}0.csv, {method}1.csv (+ {method}_pos/_neg.csv)   per synthetic method, discovered; a file
                                                           without its partner is a warning
"""

import csv
import io
from pathlib import Path
from typing import NamedTuple

import numpy as np

from synthlaw.sims.engine.store import write_atomic
from synthlaw.tables.schema import Schema, TableError, number_text

REAL_FILES = ("seed", "train", "train0", "train1", "test")
GROUP_FILES = ("train_pos", "train_neg")
DELIMITERS = ",;\t|"
SNIFF_LINES = 20
PAIRS = (("0", "1"), ("_pos", "_neg"))
METHOD_ORDER = ("synthetic_allseed", "synthetic", "smote", "adasyn", "ros")


class Table(NamedTuple):
    """One CSV: features x_nd (label column removed), labels y_n in {0, 1}, spurious s_n or None."""

    x_nd: np.ndarray
    y_n: np.ndarray
    s_n: np.ndarray | None


class Tables(NamedTuple):
    """A loaded folder: tables[name] for every file stem read (features as codes, tables/schema.py),
    the feature names, the methods, warnings on the input, and the features' schema (None: every
    feature numeric, as a data folder's)."""

    folder: Path
    label: str
    spurious: str | None
    features: tuple
    methods: tuple
    tables: dict
    warnings: tuple = ()
    schema: Schema | None = None

    @property
    def typed(self) -> Schema:
        """The features' schema (all numeric when none was read)."""
        return self.schema or Schema.numeric(self.features)


def discover_methods(folder: Path) -> tuple:
    """Methods with both {method}0.csv and {method}1.csv, the paper's order first."""
    stems = {p.stem for p in Path(folder).glob("*.csv")}
    found = sorted(s[:-1] for s in stems if s.endswith("0") and s[:-1] + "1" in stems and s != "train0")
    found = [m for m in found if m and m != "train"]
    return tuple([m for m in METHOD_ORDER if m in found] + [m for m in found if m not in METHOD_ORDER])


def unpaired_method_files(folder: Path) -> list[str]:
    """A warning per {method}0/1 (or _pos/_neg) file whose partner is missing: it is not used."""
    stems = {p.stem for p in Path(folder).glob("*.csv")}
    notes = []
    for stem in sorted(stems):
        for this, other in PAIRS + tuple((b, a) for a, b in PAIRS):
            method = stem[: -len(this)]
            if stem.endswith(this) and method and method != "train" and method + other not in stems:
                notes.append(f"{Path(folder) / (stem + '.csv')}: no {method + other}.csv beside it; "
                             f"method {method!r} is skipped")
    return notes


def read_text(path: Path) -> tuple[list, list, list]:
    """Header, line numbers and text rows of one CSV (byte-order mark, quoting and the delimiter
    handled); an unreadable file, a bad header or a ragged row is a TableError."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as err:
        raise TableError(f"{path}: cannot read ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise TableError(f"{path}: byte {err.start} is not UTF-8; save the file as UTF-8 text") from None
    if not text.strip():
        raise TableError(f"{path}: empty file; expected a header row and data rows")
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(path, text))
    header = [h.strip() for h in next(reader)]
    check_header(path, header)
    lines, rows = [], []
    for row in reader:
        if row:  # blank lines are skipped, as np.loadtxt does
            lines.append(reader.line_num)
            rows.append(row)
    for line, row in zip(lines, rows, strict=True):
        if len(row) != len(header):
            raise TableError(f"{path}: line {line} has {len(row)} cells, header has {len(header)}")
    return header, lines, rows


def read_csv(path: Path) -> tuple[list, np.ndarray]:
    """Header and float64 cells of one numeric CSV (read_text); a non-numeric or missing cell is a
    TableError."""
    header, lines, rows = read_text(path)
    try:
        cells = np.array(rows, dtype=np.float64).reshape(-1, len(header))
    except ValueError:
        find_bad_cell(path, header, lines, rows)
        raise
    return header, cells


def sniff_delimiter(path: Path, text: str) -> str:
    """The delimiter among , ; tab | (csv.Sniffer on the header and the first lines, or on the header
    alone when those disagree, so that a short row is reported as such)."""
    lines = text.splitlines()
    for sample in ("\n".join(lines[:SNIFF_LINES]), lines[0]):  # the header alone when rows are ragged
        try:
            return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
        except csv.Error:
            pass
    raise TableError(f"{path}: cannot tell the delimiter from the first {SNIFF_LINES} lines; "
                     "allowed: comma, semicolon, tab, | (the same number per line)")


def check_header(path: Path, header: list) -> None:
    """Column names must be non-empty and unique."""
    if len(header) < 2:
        raise TableError(f"{path}: header {header[0]!r} is one column; expected a label and feature columns "
                         "separated by comma, semicolon, tab or |")
    for j, name in enumerate(header):
        if not name:
            raise TableError(f"{path}: column {j + 1} has an empty name (a saved index? write the CSV without it)")
        if header.count(name) > 1:
            raise TableError(f"{path}: column name {name!r} appears {header.count(name)} times; names must be unique")


def find_bad_cell(path: Path, header: list, lines: list, rows: list) -> None:
    """Raise a TableError at the first cell that is not a number (the slow path, errors only)."""
    for line, row in zip(lines, rows, strict=True):
        for name, cell in zip(header, row, strict=False):
            try:
                float(cell)
            except ValueError:
                raise TableError(f"{path}: line {line}, column {name!r}: {cell!r} is not a number") from None


def write_csv(path: Path, header: list, cells_nd: np.ndarray) -> None:
    """Atomically write cells under header, readable by read_text: numbers at full precision as
    the shortest text that reads back (tables/schema.py number_text), text cells as they are
    (quoted where they hold the delimiter or a quote)."""
    cells_nd = np.asarray(cells_nd)
    if cells_nd.dtype != object:
        cells_nd = np.vectorize(lambda v: number_text(float(v)), otypes=[object])(cells_nd)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(cells_nd.tolist())
    write_atomic(path, buffer.getvalue())


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


def load_tables(folder, label: str, spurious: str | None = None, methods=None, real=None) -> Tables:
    """Read and check a data folder; methods=None reads every method found in it, real names the
    real files to read (default: all of REAL_FILES, and GROUP_FILES with a spurious column)."""
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
    if real is None:
        real = REAL_FILES + (GROUP_FILES if spurious else ())
    stems = ["seed"] + [s for s in real if s != "seed"]
    for m in methods:
        stems += [f"{m}0", f"{m}1"] + ([f"{m}_pos", f"{m}_neg"] if spurious else [])
    missing = [s for s in stems if not (folder / f"{s}.csv").is_file()]
    if missing:
        raise TableError(f"{folder / (missing[0] + '.csv')}: missing file; this run reads "
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
    loaded = Tables(folder, label, spurious, features, tuple(methods), tables, tuple(unpaired_method_files(folder)))
    check_seed(loaded)
    return loaded


def check_spurious(folder: Path, tables: dict, spurious: str) -> None:
    """The spurious column must take exactly two values, its smaller one being group 0."""
    values = np.unique(tables["test"].s_n)
    if len(values) != 2:
        shown = ", ".join(f"{v:g}" for v in values[:5])
        raise TableError(f"{folder / 'test.csv'}: spurious column {spurious!r} takes values {shown}; "
                         "allowed: exactly two distinct values")


def check_seed(tables: Tables) -> None:
    """The seed starts every training set and fits the generators: it needs both classes (and, with a
    spurious column, both pos = {00, 11} and neg = {01, 10} groups)."""
    path, seed = tables.folder / "seed.csv", tables.tables["seed"]
    if len(np.unique(seed.y_n)) < 2:
        raise TableError(f"{path}: label {tables.label!r} is {seed.y_n[0] if len(seed.y_n) else 'absent'} on every "
                         "row; the seed needs both classes 0 and 1")
    if tables.spurious is not None:
        pos_n = spurious_bit(tables, seed.s_n) == seed.y_n
        if pos_n.all() or not pos_n.any():
            raise TableError(f"{path}: every row is in the {'pos' if pos_n.all() else 'neg'} groups of "
                             f"{tables.spurious!r} and {tables.label!r}; the seed needs pos (00, 11) and neg "
                             "(01, 10) rows")


def spurious_bit(tables: Tables, s_n: np.ndarray) -> np.ndarray:
    """0 where the spurious value is the smaller of the two test values, else 1."""
    return (s_n != np.min(tables.tables["test"].s_n)).astype(np.int32)


def check_rows(tables: Tables, needs: dict, why: str) -> None:
    """Every file stem in needs must hold at least that many rows."""
    for stem, n in needs.items():
        have = len(tables.tables[stem].y_n)
        if have < n:
            raise TableError(f"{tables.folder / (stem + '.csv')}: {have} rows, {why} needs at least {n}")
