"""Typed claim configs: frozen dataclasses, every field checked when the config is built.

A field is declared with `rule(test, allowed)`; its annotation (int, float, str, or a tuple of one
of them) is enforced too, so a list where a number belongs, or a float where an integer belongs,
is one ConfigError line naming the claim, the field, the value and what is allowed. A config
class may add cross-field limits in `limits()`. `with_overrides` applies a user's TOML table.
"""

import dataclasses
import numbers
import typing
from typing import Any, Callable, ClassVar


class ConfigError(ValueError):
    """A config value is not allowed: one line naming the field, the value and what is allowed."""


def rule(test: Callable[[Any], bool], allowed: str, **kwargs):
    """A config field whose every value must pass test; `allowed` says what may be given."""
    return dataclasses.field(metadata={"test": test, "allowed": allowed}, **kwargs)


def _scalar_ok(kind, value) -> bool:
    if kind is int:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, numbers.Real) and not isinstance(value, bool)
    return isinstance(value, kind)


def _kind_word(kind) -> str:
    return {int: "an integer", float: "a number", str: "a string"}[kind]


@dataclasses.dataclass(frozen=True)
class Config:
    """Base of every claim's config; subclasses are frozen dataclasses of rule() fields."""

    claim_id: ClassVar[str] = "?"

    def __post_init__(self):
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            kind = hints[f.name]
            many = typing.get_origin(kind) is tuple
            scalar = typing.get_args(kind)[0] if many else kind
            where = f"{self.claim_id}.{f.name} = {_show(value)}"
            if many:
                if not isinstance(value, tuple) or not value:
                    raise ConfigError(f"{where}: must be a non-empty list of {f.metadata['allowed']}")
                values = value
            else:
                if isinstance(value, (list, tuple)):
                    raise ConfigError(f"{where}: must be one value, {f.metadata['allowed']}, not a list")
                values = (value,)
            for v in values:
                if not _scalar_ok(scalar, v) or not f.metadata["test"](v):
                    raise ConfigError(f"{self.claim_id}.{f.name} = {_show(v)}: must be {_kind_word(scalar)}, "
                                      f"{f.metadata['allowed']}")
            if scalar is float:
                object.__setattr__(self, f.name, tuple(map(float, values)) if many else float(value))
        self.limits()

    def limits(self) -> None:
        """Cross-field limits; raise ConfigError. None by default."""

    def fail(self, field: str, message: str):
        """Raise a ConfigError about one field of this config."""
        raise ConfigError(f"{self.claim_id}.{field} = {_show(getattr(self, field))}: {message}")

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def with_overrides(self, overrides: dict) -> "Config":
        """A copy with a user's overrides (TOML lists become tuples; a scalar where a list belongs
        becomes a one-element list). Unknown fields are an error."""
        names = {f.name: f for f in dataclasses.fields(self)}
        changes = {}
        for name, value in overrides.items():
            if name not in names:
                raise ConfigError(f"{self.claim_id}.{name}: unknown field; allowed: {', '.join(sorted(names))}")
            if isinstance(value, list):
                value = tuple(value)
            elif isinstance(getattr(self, name), tuple):
                value = (value,)
            changes[name] = value
        return dataclasses.replace(self, **changes)


def _show(value) -> str:
    return repr(list(value)) if isinstance(value, tuple) else repr(value)


# Rules used by several claims -----------------------------------------------------------------

def at_least(low, what: str = ""):
    return rule(lambda v: v >= low, f">= {low}" + (f" ({what})" if what else ""))


def above(low, what: str = ""):
    return rule(lambda v: v > low, f"> {low}" + (f" ({what})" if what else ""))


def seeds_rule():
    return rule(lambda v: v >= 2, ">= 2 (intervals need two seeds)")


def one_of(names, what: str = ""):
    names = tuple(names)
    return rule(lambda v: v in names, f"one of {', '.join(names)}" + (f" ({what})" if what else ""))


def seeds():
    return at_least(2, "intervals need two seeds")


def separation():
    return above(0, "the Mahalanobis separation Delta")


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
