"""A fingerprint of synthlaw's source: saved tables are reused only while it is unchanged."""

import functools
import hashlib
from pathlib import Path

import synthlaw

PACKAGE_ROOT = Path(synthlaw.__file__).parent
SOURCE_FOLDERS = ("sims", "models", "theory")  # what measures; figures and the CLI only present


@functools.lru_cache(maxsize=8)
def source_fingerprint(root: Path = PACKAGE_ROOT) -> str:
    """sha256 (first 16 hex digits) over the path and bytes of every .py file that measures."""
    digest = hashlib.sha256()
    for folder in SOURCE_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
