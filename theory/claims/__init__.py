"""The claims: one module per claim joins an experiment to a prediction and judges it.

Each module defines CLAIM (a claims.check.Claim). REGISTRY collects them in CLAIMS order, so a new
claim is one new module here (plus its note, its figure and its line in catalogue.toml). REGISTRY
is built on first use, so that catalogue (ids and titles) can be read without importing JAX.
"""

import importlib
import pkgutil

_SUPPORT = {"catalogue", "check", "spec"}


def _discover() -> dict:
    claims = []
    for info in pkgutil.iter_modules(__path__):
        if info.name not in _SUPPORT:
            claims.append(importlib.import_module(f"{__name__}.{info.name}").CLAIM)
    claims.sort(key=lambda c: c.order)
    return {c.id: c for c in claims}


def __getattr__(name: str):
    """REGISTRY (id -> Claim), discovered once, on first access."""
    if name == "REGISTRY":
        globals()["REGISTRY"] = _discover()
        return globals()["REGISTRY"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
