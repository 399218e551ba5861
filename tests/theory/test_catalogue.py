"""The JAX-free catalogue that `synthlaw list` and `explain` read names exactly REGISTRY's claims."""

from synthlaw.theory.claims import REGISTRY
from synthlaw.theory.claims.catalogue import catalogue, claim_id


def test_catalogue_has_the_registrys_ids_order_and_titles():
    assert [(i, e.title) for i, e in catalogue().items()] == [(i, c.title) for i, c in REGISTRY.items()]


def test_claim_ids_ignore_case_and_unknown_ones_are_none():
    assert claim_id(" imb-1 ") == "IMB-1" and claim_id("Aug-2") == "AUG-2"
    assert claim_id("IMB-9") is None and claim_id("") is None
