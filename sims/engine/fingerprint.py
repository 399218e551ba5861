"""A fingerprint of synthlaw's source: saved tables and generated rows are reused only while it is
unchanged."""

import functools
import hashlib
from pathlib import Path

PACKAGE_ROOT = Path(__file__).parents[2]  # synthlaw/, above sims/engine/
# What measures or generates: settings.py, the simulators and engine, the models, the theory and the
# real-table pipeline (its generators make the rows `synthlaw paper` caches). figures/ and cli/ only present.
SOURCE = ("settings.py", "sims", "models", "theory", "tables")


def source_files(root: Path) -> list[Path]:
    """Every .py file of SOURCE under root, and the stored Monte Carlo that predictions read (.json: IMB-6's
    theory/predictions/smote_table.json), in a fixed order."""
    return [path for entry in SOURCE
            for path in ([root / entry] if entry.endswith(".py")
                         else sorted([*(root / entry).rglob("*.py"), *(root / entry).rglob("*.json")]))]


@functools.lru_cache(maxsize=8)
def source_fingerprint(root: Path = PACKAGE_ROOT) -> str:
    """sha256 (first 16 hex digits) over the path and bytes of every source_files file (what measures or predicts)."""
    digest = hashlib.sha256()
    for path in source_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
