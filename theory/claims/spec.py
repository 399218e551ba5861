"""Claim configs: typed settings (synthlaw/settings.py) with the rules several claims share."""

import dataclasses

from synthlaw.settings import Settings, above, at_least, rule


@dataclasses.dataclass(frozen=True)
class Config(Settings):
    """Base of every claim's config; `owner` is the claim id."""


@dataclasses.dataclass(frozen=True)
class SeededConfig(Config):
    """A claim config measured over `seeds` independent seeds: the field `synthlaw calibrate`
    multiplies to measure many runs at once."""

    seeds: int = at_least(2, "intervals need two seeds")

    def seeds_exceed_points(self, *grids: str) -> None:
        """A curve judged point by point (Hotelling's T^2 over its grid, check.every_point) needs at
        least two more seeds than the grid named by each field has points: its jackknife leaves one out."""
        for grid in grids:
            points = len(getattr(self, grid))
            if self.seeds <= points + 1:
                self.fail("seeds", f"must exceed the {points} points of {grid} by at least 2 (the point-by-point "
                                   "T^2 check and its jackknife)")


def separation():
    return above(0, "the Mahalanobis separation Delta")


def even(what: str):
    """A row count split half per class."""
    return rule(lambda v: v >= 2 and v % 2 == 0, f">= 2 and even ({what}, half per class)")


def imbalance_ratio():
    return rule(lambda v: v > 1, "> 1 (rho = n_maj / n_min)")


@dataclasses.dataclass(frozen=True)
class TransformerSize(Config):
    """The fields both transformer claims (GEN-1, GEN-2) share: size and optimiser."""

    layers: int = at_least(1)
    width: int = at_least(1, "divisible by heads")
    heads: int = at_least(1, "dividing width")
    steps: int = at_least(1, "training steps")
    learning_rate: float = above(0)

    def limits(self):
        if self.width % self.heads:
            self.fail("heads", f"must divide width = {self.width}")
