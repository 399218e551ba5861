"""settings.py: defaults on rule fields and list fields that may be empty (the models' settings use both)."""

import dataclasses
from typing import ClassVar

import pytest

from synthlaw.settings import ConfigError, Settings, at_least


@dataclasses.dataclass(frozen=True)
class Sizes(Settings):
    owner: ClassVar[str] = "Sizes"
    width: int = at_least(1, default=8)
    levels: tuple[int, ...] = at_least(2, may_be_empty=True, default=())
    dims: tuple[int, ...] = at_least(1, default=(1,))


def test_defaults_are_checked_values_and_given_values_are_checked_too():
    assert Sizes() == Sizes(width=8, levels=(), dims=(1,))
    with pytest.raises(ConfigError, match=r"^Sizes\.width = 0: must be an integer, >= 1$"):
        Sizes(width=0)


def test_a_list_that_may_be_empty_still_checks_each_value_and_others_must_not_be_empty():
    assert Sizes(levels=(2, 3)).levels == (2, 3)
    with pytest.raises(ConfigError, match=r"^Sizes\.levels = 1: must be an integer, >= 2$"):
        Sizes(levels=(2, 1))
    with pytest.raises(ConfigError, match=r"^Sizes\.dims = \[\]: must be a non-empty list of >= 1$"):
        Sizes(dims=())
