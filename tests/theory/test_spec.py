"""Typed configs: wrong types and ranges are one ConfigError line; overrides are checked."""

import pytest

from synthlaw.settings import ConfigError
from synthlaw.theory.claims import registry


def test_a_list_where_a_number_belongs_is_one_clear_error():
    with pytest.raises(ConfigError, match=r"^IMB-3\.d = \[2, 3\]: must be one value, >= 1, not a list$"):
        registry()["IMB-3"].config(True, {"d": [2, 3]})


def test_a_float_where_an_integer_belongs_and_a_bad_range_are_errors():
    with pytest.raises(ConfigError, match=r"IMB-1\.n_min = 2\.5: must be an integer"):
        registry()["IMB-1"].config(True, {"n_min": 2.5})
    with pytest.raises(ConfigError, match=r"IMB-1\.rho = 0\.5: must be a number, >= 1"):
        registry()["IMB-1"].config(True, {"rho": [0.5]})
    with pytest.raises(ConfigError, match=r"IMB-1\.tolerance: unknown field"):
        registry()["IMB-1"].config(True, {"tolerance": 0.1})


def test_an_unknown_generator_name_is_refused_when_the_config_is_built():
    with pytest.raises(ConfigError, match=r"IMB-2\.generator = 'gan': must be a string, one of ros, smote"):
        registry()["IMB-2"].config(True, {"generator": "gan"})


def test_cross_field_limits():
    with pytest.raises(ConfigError, match=r"AUG-4\.n_syn = \[100, 200\]: must have values below and above balance"):
        registry()["AUG-4"].config(True, {"n_syn": [100, 200]})


def test_a_scalar_override_of_a_list_field_becomes_a_one_element_list():
    assert registry()["IMB-1"].config(True, {"rho": 2}).rho == (2.0,)


def test_a_curve_judged_point_by_point_needs_more_seeds_than_grid_points():
    with pytest.raises(ConfigError, match=r"^AUG-4.seeds = 10: must exceed the 9 points of n_syn by at least 2 \(the"):
        registry()["AUG-4"].config(True, {"seeds": 10})
    assert registry()["AUG-4"].config(True, {"seeds": 11}).seeds == 11
