"""Classifiers from scikit-learn and XGBoost for the paper's real tables (the optional extra
`pip install -e '.[paper]'`), fitted one training set at a time on the host, in parallel.

The authors' settings (their codebase/utils.py get_classifier, which wrote the stored `rf`, `xgb`
and `log` JSON files):
- "rf":  RandomForestClassifier(criterion="entropy", random_state=seed), otherwise defaults
         (100 trees, fully grown);
- "xgb": XGBClassifier(random_state=seed), otherwise defaults;
- "lbfgs-like-authors": LogisticRegression(C=1, max_iter=1000, random_state=seed) on raw features,
         whose lbfgs stops early on badly scaled columns. `converged` records whether it stopped
         before max_iter without a ConvergenceWarning.
Every fit takes the loss weights (synthetic rows 0.5), as the authors' `fit(..., sample_weight=)`.
Each fit is one Fit record (EXACT, the JAX fit of tables/sweeps.py, AUTHORS_LBFGS, RANDOM_FOREST,
XGBOOST), looked up once from a (classifier, solver) pair by `fit_for`; the sweeps and the stored
comparison receive the record.

Scores go through the same scorer as the JAX path (tables/metrics), which takes logits:
tree probabilities can be exactly 0 or 1, so p is clipped to [eps, 1 - eps] with eps the machine
epsilon of the probabilities' dtype (float64 for random forests, float32 for XGBoost) before
z = log p - log(1 - p). That is the clipping of scikit-learn's log_loss (eps = finfo(dtype).eps
since 1.3), which scored the stored results.
"""

import dataclasses
import os
import typing
import warnings
from collections.abc import Callable

import numpy as np

from synthlaw.settings import ConfigError

EXTRA = "pip install -e '.[paper]'"
AUTHORS_MAX_ITER = 1000


def random_forest(seed: int, C: float, n_jobs: int):
    """The authors' random forest (C is not used)."""
    from sklearn.ensemble import RandomForestClassifier
    return RandomForestClassifier(criterion="entropy", random_state=seed, n_jobs=n_jobs)


def xgboost(seed: int, C: float, n_jobs: int):
    """The authors' XGBoost (C is not used)."""
    from xgboost import XGBClassifier
    return XGBClassifier(random_state=seed, n_jobs=n_jobs)


def authors_lbfgs(seed: int, C: float, n_jobs: int):
    """The authors' logistic regression (single-threaded: n_jobs is not used)."""
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=C, max_iter=AUTHORS_MAX_ITER, random_state=seed)


@dataclasses.dataclass(frozen=True)
class Fit:
    """How the designs are fitted. name: 'exact', 'lbfgs-like-authors', 'rf' or 'xgb'; classifier:
    the model family (the `classifier` column); stored: its tag in the authors' JSON file names;
    solver: the `solver` column, what fitted each design; libraries: modules it imports; make:
    (seed, C, n_jobs) -> an unfitted library model, None for the JAX fit (tables/sweeps.py);
    max_iter: the library fit's iteration cap, whose reaching means it did not converge (None: no
    cap, nothing to measure)."""

    name: str
    classifier: str
    stored: str
    solver: str
    libraries: tuple[str, ...] = ()
    make: Callable | None = None
    max_iter: int | None = None

    def missing(self) -> list:
        """The libraries this fit needs that do not import here ([] for the JAX fit)."""
        missing = []
        for module in self.libraries:
            try:
                __import__(module)
            except ImportError:
                missing.append({"sklearn": "scikit-learn"}.get(module, module))
        return missing


EXACT = Fit("exact", "logistic", "log", "jax quasi-Newton to the optimum")
AUTHORS_LBFGS = Fit("lbfgs-like-authors", "logistic", "log",
                    f"sklearn LogisticRegression lbfgs max_iter={AUTHORS_MAX_ITER}", ("sklearn",), authors_lbfgs,
                    AUTHORS_MAX_ITER)
RANDOM_FOREST = Fit("rf", "rf", "rf", "sklearn RandomForestClassifier entropy", ("sklearn",), random_forest)
XGBOOST = Fit("xgb", "xgb", "xgb", "xgboost XGBClassifier defaults", ("sklearn", "xgboost"), xgboost)
CLASSIFIERS = {"logistic": {"exact": EXACT, "lbfgs-like-authors": AUTHORS_LBFGS},
               "rf": {None: RANDOM_FOREST}, "xgb": {None: XGBOOST}}
SOLVERS = tuple(CLASSIFIERS["logistic"])


def fit_for(classifier: str, solver: str | None) -> Fit:
    """The fit a (classifier, solver) pair names (solver None: the logistic fit is exact). Raises
    ConfigError naming the field for an unknown name, a solver given to a tree model, or a
    library that does not import here."""
    if classifier not in CLASSIFIERS:
        raise ConfigError(f"classifier = {classifier!r}: allowed: {', '.join(CLASSIFIERS)}")
    if solver is not None and solver not in SOLVERS:
        raise ConfigError(f"solver = {solver!r}: allowed: {', '.join(SOLVERS)}")
    if classifier != "logistic" and solver is not None:
        raise ConfigError(f"solver = {solver!r}: applies to the logistic classifier only, not {classifier!r}")
    fit = CLASSIFIERS[classifier][(solver or "exact") if classifier == "logistic" else None]
    if missing := fit.missing():
        field = f"solver = {solver!r}" if classifier == "logistic" else f"classifier = {classifier!r}"
        raise ConfigError(f"{field}: needs {' and '.join(missing)}, the optional extra: {EXTRA}")
    return fit


def cpu_count() -> int:
    """CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def probability_logits(p_t: np.ndarray) -> np.ndarray:
    """Logits of class-1 probabilities p_t clipped to [eps, 1 - eps], eps = finfo(p_t.dtype).eps
    (scikit-learn log_loss's clipping), in float64."""
    eps = np.finfo(p_t.dtype).eps
    p_t = np.clip(p_t.astype(np.float64), eps, 1.0 - eps)
    return np.log(p_t) - np.log1p(-p_t)


def fit_one(fit: Fit, x_md, y_m, weight_m, x_td, seed: int, C: float, n_jobs: int, standardize: bool) -> tuple:
    """Fit one training set, return (test logits z_t, converged): converged is 1.0 or 0.0 for a
    fit with an iteration cap (the lbfgs fit: stopped before max_iter, no ConvergenceWarning) and
    nan for tree models.
    standardize: scale by the training rows' mean and standard deviation first (StandardScaler)."""
    from sklearn.exceptions import ConvergenceWarning

    if standardize:
        mean_d, sd_d = x_md.mean(0), x_md.std(0)
        sd_d = np.where(sd_d > 0, sd_d, 1.0)
        x_md, x_td = (x_md - mean_d) / sd_d, (x_td - mean_d) / sd_d
    if fit.make is None:
        raise ValueError(f"fit = {fit.name!r}: runs in JAX through the sweep engine (tables/sweeps.py), not here")
    model = fit.make(seed, C, n_jobs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(x_md, y_m, sample_weight=weight_m)
    if fit.max_iter is None:
        return probability_logits(model.predict_proba(x_td)[:, 1]), np.nan
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    converged = int(model.n_iter_[0]) < fit.max_iter and not warned
    return model.decision_function(x_td).astype(np.float64), float(converged)


def fit_designs(fit: Fit, pool_x_nd, pool_y_n, index_r: list, weight_r: list, seed_r, test_x_td, *,
                C: float = 1.0, n_jobs: int | None = None, across: str = "designs", standardize: bool = False) -> tuple:
    """Fit every training set r (rows index_r[r] of the pool, loss weights weight_r[r], seed
    seed_r[r]); return test logits z_rt (float64) and converged_r.

    across "designs": joblib worker processes (loky; the pool is memory-mapped, not copied) each
    fit whole designs single-threaded; "library": one design at a time, the library's own n_jobs
    threads (random forests and XGBoost only). n_jobs defaults to the CPUs this process may use.
    """
    from joblib import Parallel, delayed

    n_jobs = n_jobs or cpu_count()
    inner, outer = (1, n_jobs) if across == "designs" else (n_jobs, 1)
    tasks = (delayed(fit_one)(fit, pool_x_nd[index_m], pool_y_n[index_m], weight_m, test_x_td, int(seed), C, inner,
                              standardize)
             for index_m, weight_m, seed in zip(index_r, weight_r, seed_r, strict=True))
    done = typing.cast(list[tuple], Parallel(n_jobs=outer)(tasks))
    return np.stack([z_t for z_t, _ in done]), np.array([c for _, c in done])
