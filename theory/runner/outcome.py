"""A claim's outcome: what verify (runner/verify.py) and a rebuilt report (runner/saved.py) hand
to the report and the figures."""

from dataclasses import dataclass, field

from synthlaw.theory.claims.check import Check, Claim, verdict
from synthlaw.theory.claims.spec import Config


@dataclass
class Outcome:
    """A claim's run: its config, measurement table, prediction and checks; meta is its meta.json.
    rerun is False for a claim rebuilt from its saved table without being run (synthlaw report)."""

    claim: Claim
    config: Config
    columns: dict
    prediction: dict
    checks: list[Check]
    seconds: float
    reused: bool
    meta: dict = field(default_factory=dict)
    rerun: bool = True

    @property
    def verdict(self) -> str:
        return verdict(self.claim, self.checks)
