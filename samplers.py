"""Oversamplers with imbalanced-learn's conventions over synthlaw's JAX generators.

    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)

Each sampler is a thin layer over tables/generators.fit_table_generator: it brings every
class that `sampling_strategy` names to its target count and returns the original rows, then the
new rows class by class in sorted class order, as imbalanced-learn does. X is a NumPy array or a
pandas DataFrame (y an array or a Series); the output has the input's type, a DataFrame
keeps its columns and dtypes (new rows cast to them, as imblearn casts) and gets a fresh
RangeIndex. Labels may be any sortable values; any number of classes >= 2 is supported.

Mixed tables: a DataFrame may hold text (object or string), category and boolean columns. They
become codes (tables/frames.py), the generator runs on the codes representation
(tables/generators.py: SMOTE is SMOTE-NC, or SMOTE-N when no column is numeric), and the new rows
are written back in the column's dtype, holding only levels their column had. SMOTENC and SMOTEN
take NumPy object arrays too (imblearn's), with the categorical columns named by indices or a
mask. A numeric NaN is a blank: RandomOverSampler copies it, SMOTE, ADASYN and the plug-in
generate a blank flag per row like a category (tables/generators.py blank_flagged), the
transformer reads it as a level. fit_resample sets variant_ to the algorithm that ran
("smote-nc", "smote-n", ...).

JAX is imported when a sampler first resamples, not with this module, so importing it and
building a pipeline stay quick. Compiled generators are reused: row counts and new-row counts are
rounded up to a few sizes (models/buckets.py), so cross-validation folds and similar tables share
one program, and the first resample turns on synthlaw's persistent compilation cache
(sims/engine/compile_cache.py) unless the caller has chosen a JAX cache folder, so a new process reads
the program back instead of compiling it (SYNTHLAW_COMPILE_CACHE=off: no cache).

random_state: an int seeds jax.random.key(int); a np.random.RandomState draws that seed from
itself (as scikit-learn passes them); None draws a fresh seed from the operating system's
entropy on each fit_resample (not a fixed seed, so two calls differ, as imblearn's None does).

The samplers subclass scikit-learn's BaseEstimator (get_params, set_params, clone), so they work
in an imbalanced-learn Pipeline and under cross_val_score. scikit-learn is optional for synthlaw:
without it they take the same get_params / set_params from a small base class here.
"""

import inspect
import textwrap

import numpy as np

from synthlaw.tables.frames import (
    check_shape,
    is_categorical,
    is_frame,
    like_input,
    like_mixed_input,
    mixed_arrays,
    table_arrays,
)
from synthlaw.tables.methods import METHODS, Method

STRATEGIES = ("auto", "not majority", "minority", "not minority", "all")


class ParamsBase:
    """get_params / set_params from __init__'s signature, as scikit-learn's BaseEstimator."""

    @classmethod
    def _get_param_names(cls) -> list:
        return sorted(p for p in inspect.signature(cls.__init__).parameters if p != "self")

    def get_params(self, deep=True) -> dict:
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        for name, value in params.items():
            if name not in self._get_param_names():
                raise ValueError(f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                                 f"Valid parameters are: {self._get_param_names()!r}.")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"


try:
    from sklearn.base import BaseEstimator as EstimatorBase
except ImportError:  # scikit-learn is optional: without it the samplers keep get_params / set_params
    EstimatorBase = ParamsBase


def sampling_targets(sampling_strategy, counts: dict) -> dict:
    """New rows per class {class: n_new} for sampling_strategy (imbalanced-learn's rules for
    over-samplers), sorted by class; counts = {class: rows}, sorted. ValueError names what is allowed."""
    if len(counts) < 2:
        raise ValueError(f"y has {len(counts)} class ({', '.join(map(str, counts))}); oversampling needs at least 2")
    n_max = max(counts.values())
    majority, minority = max(counts, key=counts.__getitem__), min(counts, key=counts.__getitem__)
    if isinstance(sampling_strategy, str):
        keep = {"auto": lambda c: c != majority, "not majority": lambda c: c != majority,
                "minority": lambda c: c == minority, "not minority": lambda c: c != minority,
                "all": lambda c: True}.get(sampling_strategy)
        if keep is None:
            raise ValueError(f"sampling_strategy = {sampling_strategy!r}: unknown; allowed: "
                             f"{', '.join(map(repr, STRATEGIES))}, a float in (0, 1] or a dict {{class: rows}}")
        return {c: n_max - n for c, n in counts.items() if keep(c)}
    if isinstance(sampling_strategy, dict):
        unknown = [c for c in sampling_strategy if c not in counts]
        if unknown:
            raise ValueError(f"sampling_strategy: class {unknown[0]!r} is not in y; classes: "
                             f"{', '.join(map(str, counts))}")
        for c, rows in sampling_strategy.items():
            if not isinstance(rows, (int, np.integer)) or rows < counts[c]:
                raise ValueError(f"sampling_strategy[{c!r}] = {rows!r}: must be an integer >= the {counts[c]} "
                                 "rows the class has (an over-sampler adds rows)")
        return {c: int(sampling_strategy[c]) - counts[c] for c in counts if c in sampling_strategy}
    if isinstance(sampling_strategy, (float, int, np.floating, np.integer)) and not isinstance(sampling_strategy, bool):
        if not 0 < sampling_strategy <= 1:
            raise ValueError(f"sampling_strategy = {sampling_strategy!r}: a float must be in (0, 1]")
        if len(counts) != 2:
            raise ValueError(f"sampling_strategy = {sampling_strategy!r}: a float needs 2 classes, y has "
                             f"{len(counts)}; use a dict {{class: rows}}")
        targets = {c: int(n_max * sampling_strategy - n) for c, n in counts.items() if c != majority}
        if any(n_new <= 0 for n_new in targets.values()):
            raise ValueError(f"sampling_strategy = {sampling_strategy!r}: asks minority/majority = "
                             f"{sampling_strategy} but the minority has {counts[minority]} of {n_max} rows already; "
                             "increase it")
        return targets
    raise ValueError(f"sampling_strategy = {sampling_strategy!r}: allowed: {', '.join(map(repr, STRATEGIES))}, "
                     "a float in (0, 1] or a dict {class: rows}")


def jax_key(random_state):
    """The JAX key of random_state: an int, a np.random.RandomState, or None (fresh OS entropy)."""
    import jax

    if random_state is None:
        return jax.random.key(int(np.random.SeedSequence().generate_state(1)[0]))
    if isinstance(random_state, np.random.RandomState):
        return jax.random.key(int(random_state.randint(np.iinfo(np.int32).max)))
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        if abs(int(random_state)) >= 2**63:
            raise ValueError(f"random_state = {random_state!r}: an int must fit in 64 bits (|value| < 2**63)")
        return jax.random.key(int(random_state))
    raise ValueError(f"random_state = {random_state!r}: allowed: an int, a numpy RandomState or None")


PARAMETERS = {
    "categorical_features": ('"auto", array of int or str, or bool mask, default="auto"',
                             "The categorical columns: \"auto\" reads pandas' category, object, string and bool "
                             "dtypes; or their indices, names, or a boolean mask over the columns."),
    "sampling_strategy": ('str, float or dict, default="auto"',
                          "Which classes to resample and to how many rows, as imbalanced-learn: \"auto\" (every "
                          "class but the majority, to the majority's count), \"not majority\", \"minority\", "
                          "\"not minority\", \"all\", a float in (0, 1] (minority / majority after resampling, two "
                          "classes), or a dict {class: rows}."),
    "random_state": ("int, numpy RandomState or None, default=None",
                     "An int seeds jax.random.key(int); a RandomState draws that seed from itself; None draws a fresh "
                     "seed from the operating system on each fit_resample."),
    "k_neighbors": ("int, default=5", "Nearest rows of the same class to interpolate towards; each resampled class "
                                      "needs more rows than this."),
    "n_neighbors": ("int, default=5", "Nearest rows of the whole table that weight each base row, and of the class "
                                      "that it interpolates towards."),
    "options": ("dict or None, default=None", 'TransformerOptions keywords, e.g. {"steps": 200, "width": 32}.'),
    "checkpoint_dir": ("path or None, default=None", "Where the trained model is saved and reused for the same rows, "
                                                     "options and seed."),
}
ATTRIBUTES = {
    "sampling_strategy_": "dict {class: new rows} of the last fit_resample.",
    "variant_": 'str, the algorithm that ran ("smote", "smote-nc", "smote-n", ...).',
    "plausibility_": "dict {class: Plausibility}: the share of the new rows classed as their class, against held-out "
                     "real rows (tables/plausibility.py).",
}


def indented(text: str) -> str:
    return textwrap.fill(text, 100, initial_indent=" " * 8, subsequent_indent=" " * 8)


def numpydoc(cls):
    """Append numpydoc Parameters and Attributes sections, from the class's __init__ signature, to its docstring."""
    names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    lines = ["", "    Parameters", "    ----------"]
    for name in names:
        kind, text = PARAMETERS[name]
        lines += [f"    {name} : {kind}", indented(text)]
    lines += ["", "    Attributes", "    ----------"]
    for name in ("sampling_strategy_", "variant_") + (("plausibility_",) if "options" in names else ()):
        lines += [f"    {name}", indented(ATTRIBUTES[name])]
    cls.__doc__ = (cls.__doc__ or "").rstrip() + "\n" + "\n".join(lines) + "\n"
    return cls


class Oversampler(EstimatorBase):  # pyright: ignore[reportGeneralTypeIssues] (a base chosen at import)
    """fit_resample(X, y) through fit_table_generator(method); subclasses set the method (a
    tables.generators Method), the rows a resampled class needs (min_rows) and the name of their
    neighbour count (k_name), if any."""

    method: Method
    min_rows = 1
    k_name = ""

    def _options(self) -> dict:
        return {"n_neighbors": getattr(self, self.k_name)} if self.k_name else {}

    def check_rows(self, counts: dict, targets: dict) -> None:
        """ValueError unless each class to resample has the rows the method needs."""
        need, why = self.min_rows, f"{type(self).__name__} needs at least {self.min_rows} in each resampled class"
        if self.k_name:
            k = getattr(self, self.k_name)
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
                raise ValueError(f"{self.k_name} = {k!r}: must be an integer >= 1")
            need, why = k + 1, f"{self.k_name} = {k} needs more than {k} rows in each resampled class"
        short = [c for c, n_new in targets.items() if n_new and counts[c] < need]
        if short:
            raise ValueError(f"{type(self).__name__}: class {short[0]!r} has {counts[short[0]]} rows; {why}")

    def categorical_columns(self, X):
        """The categorical columns' mask, or None for a numeric table: a DataFrame's category, text
        and boolean columns."""
        mask_d = np.array([is_categorical(t) for t in X.dtypes]) if is_frame(X) else None
        return mask_d if mask_d is not None and mask_d.any() else None

    def resample_codes(self, x_nd, y_n, categorical_d=None, levels_d=None) -> tuple[np.ndarray, np.ndarray]:
        """The new rows, class by class in sorted class order, and their labels, for rows already in
        the codes representation (tables/schema.py; categorical_d None: numbers only). fit_resample
        and `synthlaw oversample` call it; sets sampling_strategy_ and variant_."""
        classes, class_n, count_c = np.unique(y_n, return_inverse=True, return_counts=True)
        counts = dict(zip(classes.tolist(), count_c.tolist(), strict=True))
        targets = sampling_targets(self.sampling_strategy, counts)
        self.check_rows(counts, targets)
        from synthlaw.sims.engine.compile_cache import enable_unless_chosen

        enable_unless_chosen()  # before JAX loads: a new process reads compiled generators back
        import jax

        from synthlaw.tables.generators import fit_table_generator

        key_fit, key_draw = jax.random.split(jax_key(self.random_state))
        mixed = {} if categorical_d is None else {"categorical_d": categorical_d, "levels_d": levels_d}
        fitted = fit_table_generator(self.method, x_nd, class_n, key=key_fit, **mixed, **self._options())
        new = [(c, fitted.sample(i, targets[c], key=jax.random.fold_in(key_draw, i)))
               for i, c in enumerate(counts) if targets.get(c)]
        self.sampling_strategy_, self.variant_ = targets, fitted.variant
        x_new_nd = np.vstack([x for _, x in new]) if new else np.zeros((0, x_nd.shape[1]))
        y_new_n = np.concatenate([np.full(len(x), c, dtype=y_n.dtype) for c, x in new]) if new else y_n[:0]
        return x_new_nd, y_new_n

    def fit_resample(self, X, y):
        """Resample X and y.

        Parameters
        ----------
        X : array of shape (n_rows, n_columns) or pandas DataFrame
            Numbers; a DataFrame may also hold text, category and bool columns (NaN: a blank).
        y : array or pandas Series of shape (n_rows,)
            Class labels (any sortable values; at least two classes).

        Returns
        -------
        X_resampled, y_resampled
            X's rows, then the new rows of each resampled class in sorted class order, in X's and y's
            types (a DataFrame keeps its columns and dtypes, with a fresh RangeIndex).
        """
        check_shape(X)
        categorical_d = self.categorical_columns(X)
        if categorical_d is None:
            x_nd, y_n = table_arrays(X, y)
            mixed = {}
        else:
            x_nd, y_n, levels_d, levels = mixed_arrays(X, y, categorical_d)
            mixed = {"categorical_d": categorical_d, "levels_d": levels_d}
        x_new_nd, y_new_n = self.resample_codes(x_nd, y_n, **mixed)
        if categorical_d is None:
            return like_input(X, y, x_new_nd, y_new_n)
        return like_mixed_input(X, y, x_new_nd, y_new_n, categorical_d, levels)


@numpydoc
class RandomOverSampler(Oversampler):
    """Copies of a class's rows drawn uniformly with replacement (imblearn's RandomOverSampler
    without shrinkage)."""

    method = METHODS["ros"]

    def __init__(self, *, sampling_strategy="auto", random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state


@numpydoc
class SMOTE(Oversampler):
    """x_i + u (x_j - x_i): i uniform in the class, j uniform among its k_neighbors nearest class
    rows, u ~ U(0, 1) (imblearn's SMOTE)."""

    method = METHODS["smote"]
    k_name = "k_neighbors"

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.k_neighbors = k_neighbors


@numpydoc
class SMOTENC(SMOTE):
    """SMOTE-NC (imblearn's SMOTENC; models/smote_nc.py): neighbours by numeric distance plus the
    median numeric standard deviation squared per differing category, numeric columns
    interpolated, each category the most frequent among the k neighbours. categorical_features:
    "auto" (a DataFrame's category, text and boolean columns), column indices, column names or a
    boolean mask; no one-hot is built."""

    def __init__(self, categorical_features="auto", *, sampling_strategy="auto", random_state=None, k_neighbors=5):
        self.categorical_features = categorical_features
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.k_neighbors = k_neighbors

    def categorical_columns(self, X):
        """categorical_features as a mask; ValueError (imblearn's) with no numeric or no categorical column."""
        chosen, d = self.categorical_features, np.shape(X)[1]
        if isinstance(chosen, str) and chosen == "auto":
            if not is_frame(X):
                raise ValueError(f"categorical_features = 'auto' reads a pandas DataFrame's dtypes; X is a "
                                 f"{type(X).__name__}: pass column indices or a boolean mask")
            mask_d = np.array([is_categorical(t) for t in X.dtypes], bool)
        else:
            chosen = np.atleast_1d(np.asarray(chosen))
            if chosen.size == 0:
                mask_d = np.zeros(d, bool)
            elif chosen.dtype.kind == "b" and chosen.shape == (d,):
                mask_d = chosen
            elif chosen.dtype.kind in "iu" and np.all((chosen >= 0) & (chosen < d)):
                mask_d = np.isin(np.arange(d), chosen)
            elif chosen.dtype.kind in "OU" and is_frame(X) and np.isin(chosen, X.columns).all():
                mask_d = np.asarray(X.columns.isin(chosen))
            else:
                raise ValueError(f"categorical_features = {self.categorical_features!r}: allowed: 'auto', indices in "
                                 f"0 .. {d - 1}, column names of a DataFrame X, or a boolean mask of {d} columns")
        if mask_d.all():
            raise ValueError("SMOTE-NC is not designed to work only with categorical features. It requires some "
                             "numerical features (use SMOTEN).")
        if not mask_d.any():
            raise ValueError("SMOTE-NC is not designed to work only with numerical features. It requires some "
                             "categorical features (use SMOTE).")
        return mask_d


@numpydoc
class SMOTEN(SMOTE):
    """SMOTE-N (imblearn's SMOTEN; models/smote_nc.py): every column categorical, neighbours by the
    value difference metric, each new category the most frequent among the base row and its k
    nearest class rows (ties to the first in sorted order)."""

    def categorical_columns(self, X):
        return np.ones(np.shape(X)[1], bool)


@numpydoc
class ADASYN(Oversampler):
    """SMOTE with base rows weighted by the share of other classes among their n_neighbors
    nearest rows (imblearn's ADASYN; models/adasyn.py). The count per class is imblearn's
    sum_i rint(w_i n_new), which can differ from the target by rounding."""

    method = METHODS["adasyn"]
    k_name = "n_neighbors"

    def __init__(self, *, sampling_strategy="auto", random_state=None, n_neighbors=5):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.n_neighbors = n_neighbors


@numpydoc
class GaussianPlugin(Oversampler):
    """Draws from N(sample mean, sample covariance) of each class's rows (the plug-in generator)."""

    method = METHODS["plugin"]
    min_rows = 2

    def __init__(self, *, sampling_strategy="auto", random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state


@numpydoc
class TransformerOversampler(Oversampler):
    """Rows drawn from the tabular transformer trained on the whole table with the class as its
    first token (fit_table_generator "transformer"). options: TransformerOptions keywords, e.g.
    {"steps": 200, "width": 32}; checkpoint_dir saves the training and reuses it for the same
    rows, options and seed."""

    method = METHODS["transformer"]

    def __init__(self, *, sampling_strategy="auto", random_state=None, options=None, checkpoint_dir=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.options = options
        self.checkpoint_dir = checkpoint_dir

    def _options(self) -> dict:
        return {**(self.options or {}), "checkpoint_dir": self.checkpoint_dir}

    def resample_codes(self, x_nd, y_n, categorical_d=None, levels_d=None) -> tuple[np.ndarray, np.ndarray]:
        """Oversampler.resample_codes, then plausibility_ = {class: Plausibility} (tables/plausibility.py:
        the share of the new rows that a classifier fitted on real rows assigns to their class, against
        held-out real rows) and a UserWarning naming the shares of any class whose rows are poor."""
        x_new_nd, y_new_n = super().resample_codes(x_nd, y_n, categorical_d, levels_d)
        from synthlaw.tables.plausibility import resampled_shares, warn_if_poor

        self.plausibility_ = resampled_shares(x_nd, y_n, x_new_nd, y_new_n, categorical_d, levels_d)
        warn_if_poor(list(self.plausibility_.values()), type(self).__name__)
        return x_new_nd, y_new_n
