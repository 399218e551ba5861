"""Results on disk: tidy CSV tables and JSON metadata, written atomically.

Every write goes to a temporary file in the target folder and is renamed into place, so an
interrupted run never leaves a half-written file that a later run would trust. Files get the
mode a plain open() would give them (0o666 less the umask), not mkstemp's private 0o600, so others
can read the results. In a multi-host run only process 0 writes (sims/engine/hosts.py).
"""

import csv
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write text or bytes to path through a temporary file and a rename (process 0 only). JAX is
    imported here, not with the module, so that readers of tables (the command line checking its
    input) do not pay for it."""
    from synthlaw.sims.engine.hosts import is_writer

    if not is_writer():
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, mode) as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def table_to_csv(columns: dict) -> str:
    """A dict of equal-length columns as CSV text (floats with full precision)."""
    names = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in zip(*(np.asarray(columns[n]).tolist() for n in names), strict=True):
        writer.writerow([repr(v) if isinstance(v, float) else v for v in row])
    return out.getvalue()


def write_table(path: Path, columns: dict) -> None:
    """Atomically write a tidy table."""
    write_atomic(path, table_to_csv(columns))


def read_table(path: Path) -> dict:
    """Read a table written by write_table; numeric columns come back as numpy arrays."""
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    names, body = rows[0], rows[1:]
    columns = {}
    for j, name in enumerate(names):
        values = [r[j] for r in body]
        try:
            columns[name] = np.array([int(v) for v in values])
        except ValueError:
            try:
                columns[name] = np.array([float(v) for v in values])
            except ValueError:
                columns[name] = np.array(values)
    return columns


def config_hash(config: dict) -> str:
    """A short, stable hash of a JSON-able config."""
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def write_json(path: Path, obj) -> None:
    """Atomically write JSON."""
    write_atomic(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def read_json(path: Path):
    with open(path) as handle:
        return json.load(handle)
