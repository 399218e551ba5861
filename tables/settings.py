"""What one `synthlaw paper` run does: a frozen, validated PaperSettings (synthlaw/settings.py)
that the command line builds and tables/runner.py reads. Errors name the field (`seed_size = 1:
must be an integer, >= 2`); the command line words them as its flags.

The generators arrive as tables.generators Method records and the classifier as one
tables.classifiers Fit record, each looked up once from the user's words; `runs` pairs every
generator with every fit-on mode.
"""

import dataclasses
import math
import typing
from pathlib import Path
from typing import ClassVar

from synthlaw.settings import Settings, at_least, one_of, rule
from synthlaw.tables.classifiers import EXACT, Fit
from synthlaw.tables.methods import FIT_ON, METHODS, GeneratorRun, Method
from synthlaw.tables.rows import SWEEPS, SYNTHETIC_WEIGHT
from synthlaw.tables.schema import MISSING
from synthlaw.tables.split import SEED_SIZE, TEST_FRACTION
from synthlaw.tables.typed import TypingOptions

PROTOCOLS = ("jax", "paper")


def anything(allowed: str, **kwargs):
    """A field whose type is the whole check."""
    return rule(lambda value: True, allowed, **kwargs)


@dataclasses.dataclass(frozen=True)
class PaperSettings(Settings):
    """data: a folder laid out like the authors' data/gender, or csv: one table to split into out/data
    (exactly one of them). label: the label column (1 is the minority); spurious: the spurious
    attribute's column, which adds the spurious-group sweeps. seed_size, test_fraction: the split
    of a csv table (unused with data). generators: methods fitted on the table (may be none),
    each on every fit_on mode ("seed", or "use" = seed + train). protocol: row choices from JAX
    keys ("jax") or the authors' RandomState draws ("paper"). methods: stored methods of data to
    read (empty: every one found; unused with csv). sweeps: "ratio", "augmentation". weights: the
    augmentation sweep's loss weights of synthetic rows, each run as its own arm (the paper: 0.5;
    the ratio sweep keeps 0.5). standardize:
    scale features (the paper: raw). fit: how each design is fitted. seed: the JAX base seed (the
    split, the generators, protocol "jax"). out: the output folder (None: runs/paper-NAME).
    positive, categorical, numeric, keep, missing: how a csv table is typed (tables/typed.py
    TypingOptions; a data folder is numeric with a 0/1 label, so they need csv)."""

    owner: ClassVar[str] = "paper"
    label: str = rule(bool, "a column name")
    data: Path | None = anything("a data folder", default=None)
    csv: Path | None = anything("a CSV table", default=None)
    spurious: str | None = rule(lambda v: v is None or bool(v), "a column name", default=None)
    seed_size: int = at_least(2, default=SEED_SIZE)
    test_fraction: float = rule(lambda v: 0 < v < 1, "between 0 and 1", default=TEST_FRACTION)
    generators: tuple[Method, ...] = anything("table generators", may_be_empty=True,
                                              default=tuple(METHODS.values()))
    fit_on: tuple[str, ...] = one_of(FIT_ON, default=("seed",))
    protocol: str = one_of(PROTOCOLS, default="jax")
    methods: tuple[str, ...] = rule(bool, "stored method names", may_be_empty=True, default=())
    sweeps: tuple[str, ...] = one_of(tuple(SWEEPS), default=tuple(SWEEPS))
    weights: tuple[float, ...] = rule(lambda v: 0 < v < math.inf, "> 0 and finite", default=(SYNTHETIC_WEIGHT,))
    standardize: bool = anything("true or false", default=False)
    fit: Fit = anything("a classifier fit", default=EXACT)
    seed: int = anything("any integer", default=0)
    out: Path | None = anything("a folder", default=None)
    positive: str | None = rule(lambda v: v is None or bool(v), "a value of the label column", default=None)
    categorical: tuple[str, ...] = rule(bool, "column names", may_be_empty=True, default=())
    numeric: tuple[str, ...] = rule(bool, "column names", may_be_empty=True, default=())
    keep: tuple[str, ...] = rule(bool, "column names", may_be_empty=True, default=())
    missing: str = one_of(MISSING, default="level")

    def limits(self) -> None:
        if (self.data is None) == (self.csv is None):
            self.fail("data", f"give a data folder or a csv table, one of them (csv = {self.csv!r})")
        if self.data is not None:
            for field in ("positive", "categorical", "numeric", "keep"):
                if getattr(self, field):
                    self.fail(field, "only with a csv table (a data folder is numeric, with a 0/1 label)")
        if len(set(self.weights)) < len(self.weights):
            self.fail("weights", "each weight once")
        if self.weights != (SYNTHETIC_WEIGHT,) and "augmentation" not in self.sweeps:
            self.fail("weights", f"only with the augmentation sweep (the ratio sweep keeps {SYNTHETIC_WEIGHT})")

    @property
    def typing(self) -> TypingOptions:
        """How the csv table is typed."""
        return TypingOptions(self.positive, self.categorical, self.numeric, self.keep, self.missing)

    @property
    def runs(self) -> tuple[GeneratorRun, ...]:
        """Every (generator, fit-on mode) pair, generators first."""
        return tuple(GeneratorRun(method, mode) for method in self.generators for mode in self.fit_on)

    @property
    def tasks(self) -> tuple[str, ...]:
        """imbalance, and spurious when a spurious column is given."""
        return ("imbalance",) + (("spurious",) if self.spurious else ())

    @property
    def source(self) -> Path:
        """The data folder or the csv table (limits() checked that exactly one is given)."""
        return typing.cast(Path, self.data if self.csv is None else self.csv)
