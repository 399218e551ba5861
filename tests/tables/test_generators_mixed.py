"""tables/generators.py on mixed rows (the codes representation)."""

import jax
import numpy as np
import pytest

from synthlaw.models import smote_nc
from synthlaw.tables.generators import METHODS, fit_table_generator

CATEGORICAL_D = np.array([False, True, False, True])


def mixed_table(seed=0):
    rng = np.random.default_rng(seed)
    y_n = np.repeat([0, 1], [120, 40])
    x_nd = np.column_stack([rng.normal(y_n, 1.0), rng.integers(0, 4, 160), rng.normal(size=160),
                            rng.integers(0, 3, 160) * (y_n + 1) % 3])
    return x_nd.astype(float), y_n


def fitted(method, x_nd, y_n, categorical_d=CATEGORICAL_D, **kw):
    return fit_table_generator(METHODS[method], x_nd, y_n, key=jax.random.key(0), categorical_d=categorical_d, **kw)


@pytest.mark.parametrize("method,columns,variant", [
    ("ros", slice(None), "ros"), ("smote", slice(None), "smote-nc"), ("adasyn", slice(None), "adasyn"),
    ("plugin", slice(None), "plugin"),
    ("smote", [1, 3], "smote-n"), ("smote", [0, 2], "smote")])
def test_the_variant_says_which_algorithm_runs_and_codes_stay_levels_of_the_class(method, columns, variant):
    x_nd, y_n = mixed_table()
    x_nd, categorical_d = x_nd[:, columns], CATEGORICAL_D[columns]
    gen = fitted(method, x_nd, y_n, categorical_d)
    assert gen.variant == variant
    new_nd = gen.sample(1, 120, key=jax.random.key(1))
    assert new_nd.dtype == np.float64 and new_nd.shape[1] == x_nd.shape[1] and len(new_nd) > 80
    for j in np.flatnonzero(categorical_d):
        assert set(new_nd[:, j]) <= set(x_nd[y_n == 1, j])


def test_no_categorical_column_is_todays_numeric_generator_bit_for_bit():
    x_nd, y_n = mixed_table()
    for method in ("smote", "adasyn", "plugin", "ros"):
        plain = fit_table_generator(METHODS[method], x_nd, y_n, key=jax.random.key(0))
        flagged = fitted(method, x_nd, y_n, np.zeros(4, bool))
        key = jax.random.key(2)
        assert np.array_equal(plain.sample(1, 100, key=key), flagged.sample(1, 100, key=key))


def test_numeric_blanks_keep_their_pattern_in_smote_rows_and_are_copied_by_ros():
    """smote on a column with blanks is SMOTE-NC on the median-filled column plus a 0/1 blank flag
    generated as a category; the new rows are blank where the flag says so."""
    x_nd, y_n = mixed_table()
    blank_n = np.arange(160) % 5 == 0
    x_nd[blank_n, 0] = np.nan
    filled_nd = x_nd.copy()
    filled_nd[blank_n, 0] = np.median(x_nd[~blank_n, 0])  # the median over every fitted row
    flagged_nd = np.column_stack([filled_nd, blank_n])[y_n == 1]
    ours = fitted("smote", x_nd, y_n).sample(1, 100, key=jax.random.key(3))
    reference = np.asarray(smote_nc.generate(flagged_nd, np.r_[CATEGORICAL_D, True], 100, key=jax.random.key(3)).x_nd)
    expected = reference[:, :4].copy()
    expected[reference[:, 4] == 1, 0] = np.nan
    np.testing.assert_array_equal(ours, expected)
    assert 0 < np.isnan(ours[:, 0]).mean() < 0.5  # about a fifth of the class's rows are blank
    copies = fitted("ros", x_nd, y_n).sample(1, 400, key=jax.random.key(3))
    assert np.isnan(copies[:, 0]).any()
    assert all(any(np.array_equal(row, real, equal_nan=True) for real in x_nd[y_n == 1]) for row in copies[:50])


@pytest.mark.parametrize("method,columns,categorical_d,match", [
    ("adasyn", [1, 3], None, r"method = 'adasyn': .* use 'smote' \(SMOTE-N\) or 'ros'"),
    ("smote", slice(None), np.array([True, True, False, True]), r"x_nd column 0: categorical, so it holds integer"),
    ("smote", slice(None), np.array([False, True]), r"categorical_d: shape \(2,\); expected \(4,\)"),
])
def test_bad_mixed_input_is_one_clear_error(method, columns, categorical_d, match):
    x_nd, y_n = mixed_table()
    x_nd = x_nd[:, columns]
    categorical_d = CATEGORICAL_D[columns] if categorical_d is None else categorical_d
    with pytest.raises(ValueError, match=match) as err:
        fitted(method, x_nd, y_n, categorical_d).sample(1, 50, key=jax.random.key(0))
    assert "\n" not in str(err.value)
