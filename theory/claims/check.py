"""Checks and claims: a prediction, a measurement with its interval, an allowance and a rival.

docs/claims.md, "What a check must show": every check prints the prediction (for the grid that was
measured), the measurement with a confidence interval over seeds, any modelling allowance (a
higher-order term the prediction leaves out, derived in the claim's note) and the rival. It
PASSes only when the interval, widened by the allowance alone, contains the prediction and
excludes the rival.
"""

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

from synthlaw.theory.claims.spec import Config
from synthlaw.theory.notes import Note
from synthlaw.theory.stats.intervals import Estimate, curve_region

ErrorKind = Literal["relative", "absolute"]
COARSE = 20.0  # a rival more interval half-widths than this from the prediction shows little
MAX_PIVOT = 8.0  # |pivot| is reported up to this many normal standard deviations


@dataclass(frozen=True)
class Check:
    """One PASS/FAIL line of a claim. allowance_why names the omitted term (empty if none).
    error_kind says how `synthlaw calibrate` sizes an error in the prediction: "relative" (a
    share of it) or "absolute" (added to it: exponents and slopes). tolerance: the allowance is a band
    that the claim states (GEN-1's slope within what its factor allows), not an estimate of a term the
    prediction leaves out; `synthlaw calibrate` then reports the share of runs within it and does not
    judge its coverage, since the band, not the seeds' noise, sets it."""

    label: str
    quantity: str
    prediction: float
    measured: Estimate
    error_kind: ErrorKind
    rival: float | None = None
    allowance: float = 0.0
    allowance_why: str = ""
    upper_bound: bool = False
    tolerance: bool = False

    def __post_init__(self):
        if self.error_kind not in get_args(ErrorKind):
            raise ValueError(f"Check.error_kind = {self.error_kind!r}: allowed: {', '.join(get_args(ErrorKind))}")

    def covers(self, value: float) -> bool:
        """Is value inside the measured interval, widened by the allowance?"""
        return self.measured.lo - self.allowance <= value <= self.measured.hi + self.allowance

    def covers_at(self, level: float) -> bool:
        """Is the prediction inside the interval rebuilt at level, widened by the allowance?"""
        return dataclasses.replace(self, measured=self.measured.at(level)).covers(self.prediction)

    def pivot(self) -> float:
        """The prediction's signed normal score: +-z where the interval at level 2 Phi(z) - 1, widened
        by the allowance, has the prediction on its edge (sign: measured above the prediction is +).
        If the interval holds its level, the pivot is N(0, 1) over runs and |pivot| <= z(level) is
        coverage at level (capped at MAX_PIVOT). Not defined for an upper bound (nan)."""
        if self.upper_bound:
            return math.nan
        lo, hi = 0.0, MAX_PIVOT
        if not self.covers_at(_level(hi)):
            return math.copysign(MAX_PIVOT, self.measured.value - self.prediction)
        for _ in range(40):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if self.covers_at(_level(mid)) else (mid, hi)
        return math.copysign(hi, self.measured.value - self.prediction)

    @property
    def half_width(self) -> float:
        """Half the widened interval: the unit in which a rival's distance is told."""
        return (self.measured.hi - self.measured.lo) / 2 + self.allowance

    @property
    def rival_separation(self) -> float | None:
        """How many half-widths separate prediction and rival (None without a rival)."""
        if self.rival is None:
            return None
        return abs(self.prediction - self.rival) / self.half_width

    @property
    def passed(self) -> bool:
        """The widened interval contains the prediction and excludes the rival. For an upper_bound
        prediction (a claim "at most"), the whole interval must lie at or below it instead."""
        if self.upper_bound:
            holds = self.measured.hi <= self.prediction + self.allowance
        else:
            holds = self.covers(self.prediction)
        return holds and (self.rival is None or not self.covers(self.rival))


def _level(z: float) -> float:
    """The two-sided level whose normal quantile is z."""
    return math.erf(z / math.sqrt(2))


@dataclass(frozen=True)
class Mutation:
    """A negative control for `synthlaw calibrate` and the tests, distinct from the rival.

    Either predict maps the correct prediction to a wrong one (judged on the same measurement),
    or config maps the claim's config to a wrong experiment (measured anew, judged against the
    correct prediction of the original config).
    """

    name: str
    predict: Callable[[dict], dict] | None = None
    config: Callable[[Config], Config] | None = None

    def __post_init__(self):
        if (self.predict is None) == (self.config is None):
            raise ValueError(f"Mutation {self.name!r}: give exactly one of predict and config")


@dataclass(frozen=True)
class Claim:
    """A claim of docs/claims.md made executable, in one object.

    measure(config, *, key, options) -> tidy columns (one row per seed and grid point), through the
    sweep engine; predict(config) -> named predictions, exact, for the measured grid;
    judge(columns, config, prediction) -> checks. figure(outcome) draws its figure (figures/);
    note is its theory/notes file, whose heading carries the title. Its place in CLAIMS order is
    its line in catalogue.toml.
    """

    id: str
    note: Note
    source: str
    quick: Config
    full: Config
    measure: Callable
    predict: Callable
    judge: Callable
    figure: Callable
    mutations: tuple[Mutation, ...] = ()
    reported_only: bool = False

    @property
    def title(self) -> str:
        return self.note.title

    def config(self, quick: bool, overrides: dict | None = None) -> Config:
        """The quick or full config with a user's overrides, validated."""
        base = self.quick if quick else self.full
        return base.with_overrides(overrides) if overrides else base


def every_point(label: str, values_sg, prediction_g, what: str) -> Check:
    """A predicted curve judged point by point beside its ratio of sums (curve_ratio): Hotelling's
    T^2 over the grid points (curve_region), where errors of opposite sign add up instead of
    cancelling. No rival: the ratio-of-sums check carries it."""
    return Check(label=label, quantity=f"every point: measured / predicted {what} (T^2)", prediction=1.0,
                 measured=curve_region(values_sg, prediction_g), error_kind="relative")


def verdict(claim: Claim, checks: list[Check]) -> str:
    """PASS, FAIL, or REPORTED for claims that are reported, not judged (IMB-4, GEN-2)."""
    if claim.reported_only:
        return "REPORTED"
    return "PASS" if checks and all(c.passed for c in checks) else "FAIL"


def scaled(factor: float, *keys: str) -> Callable[[dict], dict]:
    """A prediction mutation: the named entries times factor."""
    return lambda prediction: {**prediction, **{k: _times(prediction[k], factor) for k in keys}}


def shifted(offset: float, *keys: str) -> Callable[[dict], dict]:
    """A prediction mutation: the named entries plus offset (exponents)."""
    return lambda prediction: {**prediction, **{k: _plus(prediction[k], offset) for k in keys}}


def _times(value, factor):
    return {k: v * factor for k, v in value.items()} if isinstance(value, dict) else value * factor


def _plus(value, offset):
    return {k: v + offset for k, v in value.items()} if isinstance(value, dict) else value + offset


def replaced(**changes) -> Callable[[Config], Config]:
    """An experiment mutation: the config with some fields changed."""
    return lambda config: dataclasses.replace(config, **changes)
