"""Seed summaries of the real-data sweeps, the comparison with the authors' stored JSON results
(the a + b / N fit of the augmentation sweep is theory.scaling_law.fit_law with gamma = 1).

Stored files are `{experiment}_log_{method}_{metric}.json`: {i: {arm_mean, arm_std}} with the
std over seeds at ddof 0 (np.std), and for the augmentation sweep a final {"train_all_augment"}.
"""

import json
from pathlib import Path

import numpy as np

from synthlaw.sims.paper_rows import PAPER_SEEDS

EXPERIMENTS = {("ratio", "imbalance"): "imbalanced_class_vary_ratio",
               ("augmentation", "imbalance"): "imbalanced_class_vary_additional",
               ("ratio", "spurious"): "spurious_corr_vary_ratio",
               ("augmentation", "spurious"): "spurious_corr_vary_additional"}
ARMS = {"imbalanced": "imbalance_base", "balanced": "balance_base", "augmented": "balance_augment"}
STORED_METRICS = {"balanced": ("balanced", None), "min": ("min", None), "worst": ("worst", None),
                  "balanced_log_cross": ("balanced_ce", np.log), "min_log_cross": ("min_ce", np.log)}
METRICS = ("balanced", "min", "worst", "balanced_ce", "min_ce")


def summarise(columns: dict) -> dict:
    """Mean, std (ddof 0, as the paper) and standard error over seeds per (method, arm, i)."""
    keys = sorted({(m, a, int(i)) for m, a, i in zip(columns["method"], columns["arm"], columns["i"])})
    rows = {"method": [], "arm": [], "i": [], "x": [], "n_seeds": []}
    grid = "ratio" if "ratio" in columns else "n_synthetic"
    for metric in METRICS:
        rows.update({f"{metric}_mean": [], f"{metric}_std": [], f"{metric}_se": []})
    for method, arm, i in keys:
        keep = (columns["method"] == method) & (columns["arm"] == arm) & (columns["i"] == i)
        rows["method"].append(method), rows["arm"].append(arm), rows["i"].append(i)
        rows["x"].append(float(columns[grid][keep][0])), rows["n_seeds"].append(int(keep.sum()))
        for metric in METRICS:
            v = columns[metric][keep]
            sd = v.std(ddof=1) if len(v) > 1 else 0.0
            rows[f"{metric}_mean"].append(v.mean()), rows[f"{metric}_std"].append(v.std())
            rows[f"{metric}_se"].append(sd / np.sqrt(len(v)))
    return {k: np.asarray(v) for k, v in rows.items()}


def stored_path(folder: Path, sweep: str, task: str, method: str, stored_metric: str) -> Path:
    return Path(folder) / f"{EXPERIMENTS[sweep, task]}_log_{method}_{stored_metric}.json"


def compare_stored(summary: dict, folder: Path, sweep: str, task: str) -> list[dict]:
    """One row per (method, metric, arm, i) with a stored value: ours, theirs, difference, and the
    standard errors of both means (nan for log cross-entropies)."""
    rows = []
    for r in range(len(summary["method"])):
        method, arm, i = summary["method"][r], summary["arm"][r], int(summary["i"][r])
        for stored_metric, (metric, transform) in STORED_METRICS.items():
            path = stored_path(folder, sweep, task, method, stored_metric)
            if not path.is_file():
                continue
            entry = json.loads(path.read_text()).get(str(i), {})
            theirs = entry.get("train_all_augment") if arm == "train_all" else entry.get(f"{ARMS.get(arm)}_mean")
            if theirs is None:
                continue
            # stored std is over the paper's seeds at ddof 0: se = std * sqrt(k / (k - 1)) / sqrt(k)
            k = len(PAPER_SEEDS)
            stored_se = entry.get(f"{ARMS.get(arm)}_std", float("nan")) / np.sqrt(k - 1)
            ours = summary[f"{metric}_mean"][r]
            ours = float(transform(ours)) if transform else float(ours)
            se = float(summary[f"{metric}_se"][r]) if transform is None else float("nan")
            rows.append({"method": method, "metric": stored_metric, "arm": arm, "i": i, "ours": ours,
                         "stored": float(theirs), "diff": ours - float(theirs), "se": se,
                         "stored_se": float(stored_se) if transform is None else float("nan")})
    return rows

