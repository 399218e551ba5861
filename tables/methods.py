"""The table generators by name: typed Method records (tables/generators.py fits them), kept free of
JAX so that the samplers and the command line can name them without loading it."""

import dataclasses
import enum
from typing import NamedTuple

REGISTRY_K = 5  # the k of the registry's smote
FIT_ON = ("seed", "use")  # the rows a generator fits: the seed, or seed + train


class Kind(enum.Enum):
    """How a method fits: per class on that class's rows, on the whole table, or trained."""

    PER_CLASS = "per class"
    WHOLE_TABLE = "whole table"
    TRAINED = "trained"


@dataclasses.dataclass(frozen=True)
class Method:
    """A table generator: its name and kind; neighbours says it reads each row's k nearest
    neighbours, so every conditioning label needs more than k rows; rounds says that asked for n
    rows it gives sum_i rint(w_i n) over the class's rows i (ADASYN), so no row at all when n is
    well below the class's row count."""

    name: str
    kind: Kind
    neighbours: bool = False
    rounds: bool = False


METHODS = {m.name: m for m in (Method("ros", Kind.PER_CLASS), Method("smote", Kind.PER_CLASS, neighbours=True),
                               Method("plugin", Kind.PER_CLASS),
                               Method("adasyn", Kind.WHOLE_TABLE, neighbours=True, rounds=True),
                               Method("transformer", Kind.TRAINED))}


class GeneratorRun(NamedTuple):
    """One generator fitted on one set of rows: its method and fit-on mode ("seed" or "use")."""

    method: Method
    fit_on: str

    @property
    def name(self) -> str:
        """The stem of its files and its method column, e.g. smote_seed."""
        return f"{self.method.name}_{self.fit_on}"
