"""The claim ids and titles, and their measured verify times, without importing any claim (or JAX).

`synthlaw list` and `synthlaw explain` read catalogue.toml; tests/theory/test_catalogue.py checks
that it names the same claims, in the same order and with the same titles, as REGISTRY.
"""

import functools
import tomllib
from importlib import resources
from typing import NamedTuple


class Entry(NamedTuple):
    """A claim's title and its measured wall time in seconds (None: not measured)."""

    title: str
    quick_seconds: float | None
    full_seconds: float | None


@functools.cache
def _read() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath("catalogue.toml").read_text())


def catalogue() -> dict[str, Entry]:
    """id -> Entry, in CLAIMS order."""
    return {claim_id: Entry(t["title"], t.get("quick_seconds"), t.get("full_seconds"))
            for claim_id, t in _read().items() if isinstance(t, dict)}


def timings_measured() -> str:
    """Where and when the wall times were measured."""
    return _read()["measured"]


def claim_id(text: str) -> str | None:
    """The catalogued id that text names, ignoring case and surrounding blanks; None if none."""
    wanted = text.strip().upper()
    return wanted if wanted in catalogue() else None
