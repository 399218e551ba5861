"""The claims: one module per claim joins an experiment to a prediction, judges it and names its
figure and note (a claims.check.Claim called CLAIM).

registry() collects them in the order of catalogue.toml, so a new claim is one new module here,
its note theory/notes/ID.md (whose heading is its title) and its line in catalogue.toml. The
catalogue is read without importing any claim (or JAX); registry() imports them all, once.
"""

import functools
import importlib
import pkgutil

from synthlaw.theory.claims import catalogue

SUPPORT_MODULES = {"catalogue", "check", "spec"}


@functools.cache
def registry() -> dict:
    """id -> Claim, every claim module's CLAIM in catalogue order; a claim the catalogue lacks is an error."""
    claims = [importlib.import_module(f"{__name__}.{info.name}").CLAIM
              for info in pkgutil.iter_modules(__path__) if info.name not in SUPPORT_MODULES]
    order = list(catalogue.catalogue())
    missing = [c.id for c in claims if c.id not in order]
    if missing:
        raise ValueError(f"claim {missing[0]}: has no line in theory/claims/catalogue.toml; add [{missing[0]}]")
    return {c.id: c for c in sorted(claims, key=lambda c: order.index(c.id))}
