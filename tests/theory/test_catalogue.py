"""The JAX-free catalogue that `synthlaw list` and `explain` read names exactly registry()'s claims,
in the same order, with the notes the claims name; every note belongs to a claim."""

from importlib import resources

import pytest

from synthlaw.theory.claims import registry
from synthlaw.theory.claims.catalogue import catalogue, claim_id
from synthlaw.theory.notes import Note


def test_catalogue_has_the_registrys_ids_order_notes_and_titles():
    assert [(i, e.note, e.title) for i, e in catalogue().items()] == [
        (i, c.note, c.title) for i, c in registry().items()]


def test_every_note_is_a_claims_note():
    notes = sorted(p.name for p in resources.files("synthlaw.theory.notes").iterdir() if p.name.endswith(".md"))
    assert notes == sorted(c.note.name for c in registry().values())


class Misnamed(Note):
    """A note whose heading names another claim."""

    @property
    def text(self) -> str:
        return "# IMB-2: The benefit of oversampling\n\nbody"


def test_a_notes_title_is_its_heading_which_must_name_its_own_claim():
    assert Note("IMB-1.md").title == "The cost of imbalance" and Misnamed("IMB-2.md").title.startswith("The benefit")
    with pytest.raises(ValueError, match="IMB-1.md: first line"):
        _ = Misnamed("IMB-1.md").title


def test_claim_ids_ignore_case_and_unknown_ones_are_none():
    assert claim_id(" imb-1 ") == "IMB-1" and claim_id("Aug-2") == "AUG-2"
    assert claim_id("IMB-9") is None and claim_id("") is None
