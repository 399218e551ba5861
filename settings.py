"""Typed settings: frozen dataclasses, every field checked when they are built (the one way to
declare settings in synthlaw: claim configs, transformer and training settings, sweep options).

A field is declared with `rule(test, allowed)`; its annotation (int, float, str, or a tuple of one
of them) is enforced too, so a list where a number belongs, or a float where an integer belongs,
is one ConfigError line naming the owner (a claim id or a settings name), the field, the value and
what is allowed. A settings
class may add cross-field limits in `limits()`. `with_overrides` applies a user's TOML table.
"""

import dataclasses
import numbers
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Self


class ConfigError(ValueError):
    """A config value is not allowed: one line naming the field, the value and what is allowed."""


def rule(test: Callable[[Any], bool], allowed: str, *, may_be_empty: bool = False, **kwargs):
    """A config field whose every value must pass test; `allowed` says what may be given. A list
    field is non-empty unless may_be_empty; kwargs (default=...) go to dataclasses.field."""
    return dataclasses.field(metadata={"test": test, "allowed": allowed, "may_be_empty": may_be_empty}, **kwargs)


def _scalar_ok(kind, value) -> bool:
    if kind is int:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, numbers.Real) and not isinstance(value, bool)
    return isinstance(value, kind)


def _kind_word(kind) -> str:
    """'an integer', 'a number', 'a string', or 'a NAME' for any other type (a record, a Path)."""
    return {int: "an integer", float: "a number", str: "a string"}.get(kind, f"a {getattr(kind, '__name__', kind)}")


@dataclasses.dataclass(frozen=True)
class Settings:
    """Base of every settings object; subclasses are frozen dataclasses of rule() fields, and name
    their owner (a claim id, or the settings' own name) for error messages."""

    owner: ClassVar[str] = "?"

    def __post_init__(self):
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            kind = hints[f.name]
            many = typing.get_origin(kind) is tuple
            scalar = typing.get_args(kind)[0] if many else kind
            where = f"{self.owner}.{f.name} = {_show(value)}"
            if many:
                if not isinstance(value, tuple) or not (value or f.metadata["may_be_empty"]):
                    raise ConfigError(f"{where}: must be a non-empty list of {f.metadata['allowed']}")
                values = value
            else:
                if isinstance(value, (list, tuple)):
                    raise ConfigError(f"{where}: must be one value, {f.metadata['allowed']}, not a list")
                values = (value,)
            for v in values:
                if not _scalar_ok(scalar, v) or not f.metadata["test"](v):
                    raise ConfigError(f"{self.owner}.{f.name} = {_show(v)}: must be {_kind_word(scalar)}, "
                                      f"{f.metadata['allowed']}")
            if scalar is float:
                object.__setattr__(self, f.name, tuple(map(float, values)) if many else float(values[0]))
        self.limits()

    def limits(self) -> None:
        """Cross-field limits; raise ConfigError. None by default."""

    def fail(self, field: str, message: str):
        """Raise a ConfigError about one field of these settings."""
        raise ConfigError(f"{self.owner}.{field} = {_show(getattr(self, field))}: {message}")

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def with_overrides(self, overrides: dict) -> Self:
        """A copy with a user's overrides (TOML lists become tuples; a scalar where a list belongs
        becomes a one-element list). Unknown fields are an error."""
        names = {f.name: f for f in dataclasses.fields(self)}
        changes = {}
        for name, value in overrides.items():
            if name not in names:
                raise ConfigError(f"{self.owner}.{name}: unknown field; allowed: {', '.join(sorted(names))}")
            if isinstance(value, list):
                value = tuple(value)
            elif isinstance(getattr(self, name), tuple):
                value = (value,)
            changes[name] = value
        return dataclasses.replace(self, **changes)


def _show(value) -> str:
    return repr(list(value)) if isinstance(value, tuple) else repr(value)


# Rules -------------------------------------------------------------------------------------------

def at_least(low, what: str = "", **kwargs):
    return rule(lambda v: v >= low, f">= {low}" + (f" ({what})" if what else ""), **kwargs)


def above(low, what: str = "", **kwargs):
    return rule(lambda v: v > low, f"> {low}" + (f" ({what})" if what else ""), **kwargs)


def one_of(names, what: str = "", **kwargs):
    names = tuple(names)
    return rule(lambda v: v in names, f"one of {', '.join(names)}" + (f" ({what})" if what else ""), **kwargs)
