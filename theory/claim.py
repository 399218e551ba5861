"""The Claim abstraction: a statement, its prediction, a rival, an experiment and a pass rule.

CLAIMS.md, "What a check must show": every check prints the prediction, the measurement with a
confidence interval over seeds, and the rival; it PASSes only when the interval contains the
prediction and excludes the rival. A stated tolerance widens the interval on both sides where
the prediction is a limit that finite samples approach (the claim's note says why).
"""

from dataclasses import dataclass
from typing import Callable

from synthlaw.theory.fits import Estimate


@dataclass(frozen=True)
class Check:
    """One PASS/FAIL line of a claim."""

    label: str
    quantity: str
    prediction: float
    measured: Estimate
    rival: float | None = None
    tolerance: float = 0.0
    upper_bound: bool = False

    def covers(self, value: float) -> bool:
        """Is value inside the measured interval, widened by the tolerance?"""
        return self.measured.lo - self.tolerance <= value <= self.measured.hi + self.tolerance

    @property
    def passed(self) -> bool:
        """The interval contains the prediction and excludes the rival. For an upper_bound
        prediction (a claim "at most"), the whole interval must lie at or below it instead."""
        if self.upper_bound:
            holds = self.measured.hi <= self.prediction + self.tolerance
        else:
            holds = self.covers(self.prediction)
        return holds and (self.rival is None or not self.covers(self.rival))


@dataclass(frozen=True)
class Claim:
    """A claim of CLAIMS.md made executable.

    measure(config, key) -> tidy columns (one row per seed and grid point);
    predict(config) -> named predictions; judge(columns, config, prediction) -> checks.
    A negative control calls judge with a deliberately wrong prediction and must FAIL.
    Its figure is figures.claims.FIGURES[id].
    """

    id: str
    title: str
    paper_result: str
    quick: dict
    full: dict
    measure: Callable
    predict: Callable
    judge: Callable
    reported_only: bool = False


def verdict(claim: Claim, checks: list[Check]) -> str:
    """PASS, FAIL, or REPORTED for claims that are reported, not judged (IMB-4)."""
    if claim.reported_only:
        return "REPORTED"
    return "PASS" if checks and all(c.passed for c in checks) else "FAIL"
