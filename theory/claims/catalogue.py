"""The claims in CLAIMS order, their titles and measured verify times, without importing any
claim (or JAX): `synthlaw list` and `synthlaw explain` read it.

catalogue.toml holds the order and the times; a title is the heading of the claim's note
(theory/notes/ID.md), the same note the claim names. tests/theory/test_catalogue.py checks that
the catalogue and registry() name the same claims, in the same order, with the same notes.
"""

import functools
import tomllib
from pathlib import Path
from typing import NamedTuple

from synthlaw.theory.notes import Note


class Entry(NamedTuple):
    """A claim's note and its measured wall times in seconds (None: not measured)."""

    note: Note
    quick_seconds: float | None
    full_seconds: float | None

    @property
    def title(self) -> str:
        return self.note.title


@functools.cache
def _read() -> dict:
    return tomllib.loads(Path(__file__).with_name("catalogue.toml").read_text())


def catalogue() -> dict[str, Entry]:
    """id -> Entry, in CLAIMS order."""
    return {claim_id: Entry(Note(f"{claim_id}.md"), t.get("quick_seconds"), t.get("full_seconds"))
            for claim_id, t in _read().items() if isinstance(t, dict)}


def timings_measured() -> str:
    """Where and when the wall times were measured."""
    return _read()["measured"]


def claim_id(text: str) -> str | None:
    """The catalogued id that text names, ignoring case and surrounding blanks; None if none."""
    wanted = text.strip().upper()
    return wanted if wanted in catalogue() else None
