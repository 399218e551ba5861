"""Arrays and pandas DataFrames <-> the codes representation, for the samplers (synthlaw.samplers).

table_arrays checks a numeric X; mixed_arrays turns a DataFrame's (or an object array's)
categorical columns into codes (a category column's own codes, otherwise pd.factorize over the
sorted values; a blank cell one more level) and its numeric columns into float64 (NaN a blank);
like_input and like_mixed_input write the original rows and the new rows back in X's and y's
types: a category column keeps its categories, text stays text, and a new row only ever holds a
level its column had. pandas is imported only when a DataFrame arrives.
"""

import numpy as np


def check_shape(X) -> None:
    """ValueError for an X the samplers cannot read: sparse, not 2-D, no rows or no columns."""
    if hasattr(X, "tocsr"):
        raise ValueError(f"X is a sparse matrix ({type(X).__name__}); the samplers take dense arrays or "
                         "DataFrames (X.toarray())")
    shape = X.shape if hasattr(X, "shape") else np.shape(X)
    if len(shape) != 2:
        raise ValueError(f"X: shape {shape}; expected a 2-D table (rows x columns)")
    if shape[0] == 0 or shape[1] == 0:
        raise ValueError(f"X: shape {shape}; the samplers need at least one row and one column")


def is_frame(X) -> bool:
    return hasattr(X, "dtypes") and hasattr(X, "columns")


def checked_labels(y, n: int) -> np.ndarray:
    """y_n: one class label per row of X (n rows), not continuous."""
    y_n = np.asarray(y)
    if y_n.ndim != 1 or len(y_n) != n:
        raise ValueError(f"y: shape {y_n.shape}; expected one label per row of X ({n} rows)")
    if y_n.dtype.kind == "f" and not np.all(y_n == np.round(y_n)):
        raise ValueError(f"y has non-integer values ({y_n[y_n != np.round(y_n)][0]:g}, ...); the samplers take "
                         "class labels (scikit-learn's 'continuous' targets are not classes)")
    return y_n


def table_arrays(X, y) -> tuple[np.ndarray, np.ndarray]:
    """x_nd (float64) and y_n from X and y, checked: 2-D, numeric, no infinity (NaN is a blank),
    one class label per row."""
    if is_frame(X):
        bad = [c for c, t in X.dtypes.items() if t.kind not in "biuf"]
        if bad:
            raise ValueError(f"X column {bad[0]!r} has dtype {X.dtypes[bad[0]]}; the samplers take numeric columns")
    x_nd = np.asarray(X)
    if x_nd.ndim != 2 or x_nd.dtype.kind not in "biuf":
        raise ValueError(f"X: shape {x_nd.shape}, dtype {x_nd.dtype}; expected a 2-D numeric array (rows x columns)")
    y_n = checked_labels(y, len(x_nd))
    if np.isinf(x_nd).any():
        raise ValueError("X has infinite values; the samplers take finite numbers (NaN for a blank)")
    return x_nd.astype(np.float64), y_n


def is_categorical(dtype) -> bool:
    """A category, text (object, string) or boolean dtype."""
    import pandas as pd

    return isinstance(dtype, (pd.CategoricalDtype, pd.StringDtype)) or pd.api.types.is_bool_dtype(dtype) or (
        isinstance(dtype, np.dtype) and dtype.kind in "OSU")


def column_codes(values, dtype) -> tuple[np.ndarray, object]:
    """(codes_n, levels) of one categorical column: a category dtype's own codes (a blank the code
    after its categories), otherwise pd.factorize over the sorted values (a blank one level)."""
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        codes_n = np.asarray(pd.Categorical(values, dtype=dtype).codes, np.int64)
        return np.where(codes_n < 0, len(dtype.categories), codes_n), None
    try:
        return pd.factorize(pd.Series(values, dtype=dtype), sort=True, use_na_sentinel=False)
    except TypeError:  # values that do not sort together (text and numbers): first-seen order
        return pd.factorize(pd.Series(values, dtype=dtype), use_na_sentinel=False)


def column_values(codes_n: np.ndarray, levels, dtype):
    """The column's values for codes_n (column_codes' inverse), in its dtype."""
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(np.where(codes_n == len(dtype.categories), -1, codes_n), dtype=dtype)
    return pd.Series(levels.take(codes_n), dtype=dtype).array


def mixed_arrays(X, y, categorical_d: np.ndarray):
    """x_nd (codes representation), y_n, levels_d and each categorical column's levels, from a
    DataFrame or a 2-D array whose categorical columns categorical_d may hold any values."""
    frame = is_frame(X)
    columns = [X.iloc[:, j] for j in range(X.shape[1])] if frame else list(np.asarray(X, dtype=object).T)
    x_nd = np.empty((len(X), len(categorical_d)))
    levels, levels_d = {}, np.zeros(len(categorical_d), int)
    for j, column in enumerate(columns):
        dtype = column.dtype if frame else np.dtype(object)
        name = X.columns[j] if frame else j
        if categorical_d[j]:
            codes_n, levels[j] = column_codes(np.asarray(column, dtype=object) if not frame else column, dtype)
            x_nd[:, j] = codes_n
            levels_d[j] = len(dtype.categories) + 1 if levels[j] is None else len(levels[j])  # pyright: ignore
            continue
        try:
            x_nd[:, j] = column.to_numpy(np.float64, na_value=np.nan) if frame else column.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"X column {name!r} is numeric here but holds {column[0]!r}; name it categorical "
                             "(categorical_features) or give it numbers") from None
        if np.isinf(x_nd[:, j]).any():
            raise ValueError(f"X column {name!r} has infinite values; the samplers take finite numbers "
                             "(NaN for a blank)")
    return x_nd, checked_labels(y, len(x_nd)), levels_d, levels


def like_mixed_input(X, y, x_new_nd: np.ndarray, y_new_n: np.ndarray, categorical_d: np.ndarray, levels: dict):
    """Original rows, then the new rows decoded to X's columns and dtypes (a fresh RangeIndex)."""
    y_all = np.concatenate([np.asarray(y), y_new_n])
    if not is_frame(X):
        new_nd = x_new_nd.astype(object)
        for j, levels_j in levels.items():
            new_nd[:, j] = np.asarray(levels_j.take(x_new_nd[:, j].astype(np.int64)), dtype=object)
        return np.vstack([np.asarray(X, dtype=object), new_nd]), y_all
    import pandas as pd

    new = {}
    for j, (name, dtype) in enumerate(X.dtypes.items()):
        if categorical_d[j]:
            new[name] = column_values(x_new_nd[:, j].astype(np.int64), levels[j], dtype)
        else:
            new[name] = pd.array(x_new_nd[:, j]).astype(dtype)
    x_out = pd.concat([X.reset_index(drop=True), pd.DataFrame(new, columns=X.columns)], ignore_index=True)
    y_out = pd.Series(y_all, dtype=y.dtype, name=y.name, index=x_out.index) if isinstance(y, pd.Series) else y_all
    return x_out.astype(X.dtypes.to_dict()), y_out


def like_input(X, y, x_new_nd: np.ndarray, y_new_n: np.ndarray):
    """Original rows, then new rows, in X's and y's types (imbalanced-learn's output rules)."""
    if not is_frame(X):
        x_all = np.asarray(X)
        return np.vstack([x_all, x_new_nd.astype(x_all.dtype)]), np.concatenate([np.asarray(y), y_new_n])
    import pandas as pd

    x_out = pd.DataFrame(np.vstack([X.to_numpy(np.float64), x_new_nd]), columns=X.columns).astype(X.dtypes)
    y_all = np.concatenate([np.asarray(y), y_new_n])
    y_out = pd.Series(y_all, dtype=y.dtype, name=y.name, index=x_out.index) if isinstance(y, pd.Series) else y_all
    return x_out, y_out
