"""Seed summaries of the real-data sweeps and the comparison with the authors' stored JSON results
(the a + b / N fit of the augmentation sweep is in tables/law.py).

Stored files are `{experiment}_{classifier}_{method}_{metric}.json` with classifier `log`, `rf` or
`xgb`: {i: {arm_mean, arm_std}} with the std over seeds at ddof 0 (np.std), and for the augmentation
sweep a final {"train_all_augment"}. The stored `*_log_cross` values are means over seeds of
log(cross-entropy + 1e-15), so ours are too (balanced_log_ce, min_log_ce), with standard errors.
"""

import json
from pathlib import Path

import numpy as np

from synthlaw.figures.paper import weights_of
from synthlaw.tables.classifiers import Fit
from synthlaw.tables.rows import PAPER_SEEDS

EXPERIMENTS = {("ratio", "imbalance"): "imbalanced_class_vary_ratio",
               ("augmentation", "imbalance"): "imbalanced_class_vary_additional",
               ("ratio", "spurious"): "spurious_corr_vary_ratio",
               ("augmentation", "spurious"): "spurious_corr_vary_additional"}
ARMS = {"imbalanced": "imbalance_base", "balanced": "balance_base", "augmented": "balance_augment"}
STORED_METRICS = {"balanced": "balanced", "min": "min", "worst": "worst",
                  "balanced_log_cross": "balanced_log_ce", "min_log_cross": "min_log_ce"}
METRICS = ("balanced", "min", "worst", "balanced_ce", "min_ce", "balanced_log_ce", "min_log_ce")


def with_log_ce(columns: dict) -> dict:
    """columns plus balanced_log_ce and min_log_ce = log(ce + 1e-15) per design, as the authors."""
    return {**columns, "balanced_log_ce": np.log(columns["balanced_ce"] + 1e-15),
            "min_log_ce": np.log(columns["min_ce"] + 1e-15)}


def summarise(columns: dict) -> dict:
    """Mean, std (ddof 0, as the paper) and standard error over seeds per (method, arm, i), with
    `classifier`, `solver` (what fitted the point) and `authors_converged` (fraction of the point's
    seeds where the authors' lbfgs fit converged; nan where not measured)."""
    columns = with_log_ce(columns)
    keys = sorted({(m, a, int(i)) for m, a, i in zip(columns["method"], columns["arm"], columns["i"], strict=True)})
    rows = {"method": [], "arm": [], "i": [], "x": [], "n_seeds": [], "classifier": [], "solver": [],
            "authors_converged": []}
    grid = "ratio" if "ratio" in columns else "n_synthetic"
    for metric in METRICS:
        rows.update({f"{metric}_mean": [], f"{metric}_std": [], f"{metric}_se": []})
    for method, arm, i in keys:
        keep = (columns["method"] == method) & (columns["arm"] == arm) & (columns["i"] == i)
        for name, value in (("method", method), ("arm", arm), ("i", i), ("x", float(columns[grid][keep][0])),
                            ("n_seeds", int(keep.sum()))):
            rows[name].append(value)
        rows["classifier"].append(str(columns["classifier"][keep][0]))
        rows["solver"].append(str(columns["solver"][keep][0]))
        converged = columns["authors_converged"][keep]
        rows["authors_converged"].append(float(converged.mean()) if np.isfinite(converged).all() else np.nan)
        for metric in METRICS:
            v = columns[metric][keep]
            sd = v.std(ddof=1) if len(v) > 1 else 0.0
            rows[f"{metric}_mean"].append(v.mean())
            rows[f"{metric}_std"].append(v.std())
            rows[f"{metric}_se"].append(sd / np.sqrt(len(v)))
    return {k: np.asarray(v) for k, v in rows.items()}


def summarise_by_weight(columns: dict) -> dict:
    """summarise per synthetic loss weight of the augmentation sweep, with a weight
    column (nan for train_all, which has no synthetic rows), rows ordered by method, arm, i, weight;
    a table without weights (the ratio sweep) as summarise gives it."""
    if "weight" not in columns:
        return summarise(columns)
    weight_r = columns["weight"]
    parts = []
    for w in [*weights_of(columns), np.nan]:
        keep = np.isnan(weight_r) if np.isnan(w) else weight_r == w
        part = summarise({k: v[keep] for k, v in columns.items()})
        parts.append(part | {"weight": np.full(len(part["method"]), w)})
    summary = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((summary["weight"], summary["i"], summary["arm"], summary["method"]))
    return {k: v[order] for k, v in summary.items()}


def stored_path(folder: Path, sweep: str, task: str, method: str, stored_metric: str, fit: Fit) -> Path:
    """The authors' JSON file of one method and metric for fit's classifier family."""
    return Path(folder) / f"{EXPERIMENTS[sweep, task]}_{fit.stored}_{method}_{stored_metric}.json"


def compare_stored(summary: dict, folder: Path, sweep: str, task: str, fit: Fit) -> list[dict]:
    """One row per (method, metric, arm, i) with a stored value for the classifier family of fit
    (which made the summary): ours, theirs, difference, the standard errors of both means, the
    solver and authors_converged."""
    rows = []
    for r in range(len(summary["method"])):
        method, arm, i = summary["method"][r], summary["arm"][r], int(summary["i"][r])
        for stored_metric, metric in STORED_METRICS.items():
            path = stored_path(folder, sweep, task, method, stored_metric, fit)
            if not path.is_file():
                continue
            entry = json.loads(path.read_text()).get(str(i), {})
            theirs = entry.get("train_all_augment") if arm == "train_all" else entry.get(f"{ARMS.get(arm)}_mean")
            if theirs is None:
                continue
            # stored std is over the paper's seeds at ddof 0: se = std * sqrt(k / (k - 1)) / sqrt(k)
            k = len(PAPER_SEEDS)
            stored_se = entry.get(f"{ARMS.get(arm)}_std", float("nan")) / np.sqrt(k - 1)
            ours = float(summary[f"{metric}_mean"][r])
            rows.append({"method": method, "metric": stored_metric, "arm": arm, "i": i, "ours": ours,
                         "stored": float(theirs), "diff": ours - float(theirs), "se": float(summary[f"{metric}_se"][r]),
                         "stored_se": float(stored_se), "solver": str(summary["solver"][r]),
                         "authors_converged": float(summary["authors_converged"][r])})
    return rows
