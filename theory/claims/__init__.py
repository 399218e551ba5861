"""The claims: one module per claim joins an experiment to a prediction and judges it.

Each module defines CLAIM (a claims.check.Claim). REGISTRY collects them in CLAIMS order, so a new
claim is one new module here (plus its note and its figure).
"""

import importlib
import pkgutil

from synthlaw.theory.claims.check import Claim

_SUPPORT = {"check", "intervals", "scaling_law", "spec"}


def _discover() -> dict:
    claims = []
    for info in pkgutil.iter_modules(__path__):
        if info.name not in _SUPPORT:
            claims.append(importlib.import_module(f"{__name__}.{info.name}").CLAIM)
    claims.sort(key=lambda c: c.order)
    return {c.id: c for c in claims}


REGISTRY: dict[str, Claim] = _discover()
