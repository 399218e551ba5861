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

Scores go through the same scorer as the JAX path (tables/metrics), which takes logits:
tree probabilities can be exactly 0 or 1, so p is clipped to [eps, 1 - eps] with eps the machine
epsilon of the probabilities' dtype (float64 for random forests, float32 for XGBoost) before
z = log p - log(1 - p). That is the clipping of scikit-learn's log_loss (eps = finfo(dtype).eps
since 1.3), which scored the stored results.
"""

import os
import warnings

import numpy as np

EXTRA = "pip install -e '.[paper]'"
CLASSIFIERS = ("logistic", "rf", "xgb")
SOLVERS = ("exact", "lbfgs-like-authors")
AUTHORS_MAX_ITER = 1000
LIBRARIES = {"rf": ("sklearn",), "xgb": ("sklearn", "xgboost"), "lbfgs-like-authors": ("sklearn",)}
SOLVER_NAMES = {  # the `solver` column: what fitted each design
    "exact": "jax quasi-Newton to the optimum",
    "lbfgs-like-authors": f"sklearn LogisticRegression lbfgs max_iter={AUTHORS_MAX_ITER}",
    "rf": "sklearn RandomForestClassifier entropy",
    "xgb": "xgboost XGBClassifier defaults"}


def fit_name(classifier: str, solver: str | None) -> str:
    """The fit a (classifier, solver) pair names: 'exact', 'lbfgs-like-authors', 'rf' or 'xgb'.
    Raises ValueError naming the field for an unknown name or a solver given to a tree model."""
    if classifier not in CLASSIFIERS:
        raise ValueError(f"--classifier {classifier!r}: allowed: {', '.join(CLASSIFIERS)}")
    if solver is not None and solver not in SOLVERS:
        raise ValueError(f"--solver {solver!r}: allowed: {', '.join(SOLVERS)}")
    if classifier != "logistic":
        if solver is not None:
            raise ValueError(f"--solver {solver!r}: applies to --classifier logistic only, not {classifier!r}")
        return classifier
    return solver or "exact"


def missing_libraries(name: str) -> list:
    """The libraries a fit needs that do not import here ([] for the JAX fit)."""
    missing = []
    for module in LIBRARIES.get(name, ()):
        try:
            __import__(module)
        except ImportError:
            missing.append({"sklearn": "scikit-learn"}.get(module, module))
    return missing


def fit_problem(classifier: str, solver: str | None) -> str | None:
    """One line saying why (classifier, solver) cannot run here, or None if it can."""
    try:
        name = fit_name(classifier, solver)
    except ValueError as err:
        return str(err)
    missing = missing_libraries(name)
    if missing:
        field = f"--solver {solver}" if classifier == "logistic" else f"--classifier {classifier}"
        return f"{field} needs {' and '.join(missing)}, the optional extra: {EXTRA}"
    return None


def cpu_count() -> int:
    """CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def make_classifier(name: str, seed: int, *, C: float = 1.0, n_jobs: int = 1):
    """The authors' model for name ('rf', 'xgb', 'lbfgs-like-authors'), unfitted."""
    if name == "rf":
        from sklearn.ensemble import RandomForestClassifier
        return RandomForestClassifier(criterion="entropy", random_state=seed, n_jobs=n_jobs)
    if name == "xgb":
        from xgboost import XGBClassifier
        return XGBClassifier(random_state=seed, n_jobs=n_jobs)
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=C, max_iter=AUTHORS_MAX_ITER, random_state=seed)


def probability_logits(p_t: np.ndarray) -> np.ndarray:
    """Logits of class-1 probabilities p_t clipped to [eps, 1 - eps], eps = finfo(p_t.dtype).eps
    (scikit-learn log_loss's clipping), in float64."""
    eps = np.finfo(p_t.dtype).eps
    p_t = np.clip(p_t.astype(np.float64), eps, 1.0 - eps)
    return np.log(p_t) - np.log1p(-p_t)


def fit_one(name: str, x_md, y_m, weight_m, x_td, seed: int, C: float, n_jobs: int, standardize: bool) -> tuple:
    """Fit one training set, return (test logits z_t, converged): converged is 1.0 or 0.0 for the
    lbfgs fit (stopped before max_iter, no ConvergenceWarning) and nan for tree models.
    standardize: scale by the training rows' mean and standard deviation first (StandardScaler)."""
    from sklearn.exceptions import ConvergenceWarning

    if standardize:
        mean_d, sd_d = x_md.mean(0), x_md.std(0)
        sd_d = np.where(sd_d > 0, sd_d, 1.0)
        x_md, x_td = (x_md - mean_d) / sd_d, (x_td - mean_d) / sd_d
    model = make_classifier(name, seed, C=C, n_jobs=n_jobs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(x_md, y_m, sample_weight=weight_m)
    if name != "lbfgs-like-authors":
        return probability_logits(model.predict_proba(x_td)[:, 1]), np.nan
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    converged = int(model.n_iter_[0]) < AUTHORS_MAX_ITER and not warned
    return model.decision_function(x_td).astype(np.float64), float(converged)


def fit_designs(name: str, pool_x_nd, pool_y_n, index_r: list, weight_r: list, seed_r, test_x_td, *,
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
    tasks = (delayed(fit_one)(name, pool_x_nd[index_m], pool_y_n[index_m], weight_m, test_x_td, int(seed), C, inner,
                              standardize)
             for index_m, weight_m, seed in zip(index_r, weight_r, seed_r))
    done = Parallel(n_jobs=outer)(tasks)
    return np.stack([z_t for z_t, _ in done]), np.array([c for _, c in done])
