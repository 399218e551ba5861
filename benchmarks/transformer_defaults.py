"""Which TransformerOptions hold up on small, very imbalanced classes? (issue 21, item 1)

For each case (scikit-learn make_classification tables, random_state=0, at (rows, minority share);
the shared mixed tables, subsampled with their class shares kept; and the paper's gender and craft
tables, 1 500 rows with 10% label 1) and each seed s: a 70/30
stratified split (random_state=s); the train part is oversampled to balance by
TransformerOversampler(options=..., random_state=s) for each candidate, and by synthlaw's SMOTE
(SMOTE-NC on a mixed table); a LogisticRegression(max_iter=1000) on standardised numbers (a blank
imputed by the median, with a blank flag) and one-hot categories is fitted on the real, SMOTE and
transformer train rows, and scored by balanced accuracy on the test part. Printed per case, the
mean over seeds of: balanced accuracy of none / SMOTE / each candidate, the transformer's fitted
plausibility_ of the minority (synthetic share, real share), how many seeds warned, and fit
seconds. The "defaults" candidate is TransformerOptions() as it stands. Trainings are saved in a
temporary folder, so a candidate that differs from an earlier one only in sampling options
(temperature, decoding) loads the training (its fit seconds are loading and sampling).

    python benchmarks/transformer_defaults.py [--cases mc600_10,...] [--seeds 0,1]
        [--candidate NAME:key=value,key=value ...] [--no-defaults]

Fit times are wall clock on whatever machine runs it (printed with its load average): compare the
columns of one run only.
"""

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from synthlaw.samplers import SMOTE, TransformerOversampler

MIXED = Path(__file__).resolve().parents[2] / "shared" / "data" / "mixed"
MADE = {"mc600_10": (600, 0.1), "mc2000_10": (2000, 0.1), "mc600_30": (600, 0.3), "mc1000_05": (1000, 0.05)}
# shared mixed tables: (file, label, minority value or None for the rarer of two, rows kept)
SHARED = {"benefits": ("benefits.csv", "ui", None, 1000), "slid": ("slid.csv", "language", "French", 1500),
          "hi": ("hi.csv", "whi", None, 1000)}
# the paper's tables (balanced as shipped; seed + train + test) made imbalanced as its ratio sweep does:
# (folder, label, rows kept, share of label 1, the minority)
PAPER = {"gender_10": ("gender", "gender", 1500, 0.1), "craft_10": ("craft", "Target", 1500, 0.1)}
CASES = (*MADE, *SHARED, *PAPER)


def made_case(n: int, share: float) -> tuple[pd.DataFrame, np.ndarray]:
    """make_classification(n, weights=[1 - share, share], random_state=0): 20 numeric columns."""
    x_nd, y_n = make_classification(n_samples=n, weights=[1 - share, share], random_state=0)
    return pd.DataFrame(x_nd, columns=[f"x{j}" for j in range(x_nd.shape[1])]), y_n


def shared_case(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """A shared mixed table, blank labels dropped, label 1 = the minority value (against the rest),
    `rows` rows drawn stratified (random_state=0)."""
    file, label, minority, rows = SHARED[name]
    frame = pd.read_csv(MIXED / file)
    frame = frame[frame[label].notna()]
    minority = minority or frame[label].value_counts().idxmin()
    y_n = (frame[label] == minority).to_numpy().astype(np.int64)
    x = frame.drop(columns=[label]).reset_index(drop=True)
    keep, _ = train_test_split(np.arange(len(y_n)), train_size=rows, stratify=y_n, random_state=0)
    return x.iloc[keep].reset_index(drop=True), y_n[keep]


def paper_case(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """One of the paper's tables, `rows` rows of which the share `share` has label 1 (random_state=0)."""
    folder, label, rows, share = PAPER[name]
    frame = pd.concat([pd.read_csv(MIXED.parent / folder / f"{stem}.csv") for stem in ("seed", "train", "test")])
    rng = np.random.default_rng(0)
    n_min = int(round(rows * share))
    keep = np.concatenate([rng.choice(np.flatnonzero(frame[label].to_numpy() == 1), n_min, replace=False),
                           rng.choice(np.flatnonzero(frame[label].to_numpy() == 0), rows - n_min, replace=False)])
    frame = frame.iloc[np.sort(keep)].reset_index(drop=True)
    return frame.drop(columns=[label]), frame[label].to_numpy().astype(np.int64)


def classifier(x: pd.DataFrame):
    """Standardised numbers (median-imputed, blank flags) and one-hot categories, then logistic."""
    numeric = [c for c in x.columns if pd.api.types.is_numeric_dtype(x[c])]
    categories = [c for c in x.columns if c not in numeric]
    prep = ColumnTransformer([("num", make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                                                    StandardScaler()), numeric),
                              ("cat", OneHotEncoder(handle_unknown="ignore"), categories)])
    return make_pipeline(prep, LogisticRegression(max_iter=1000))


def scored(x_train, y_train, x_test, y_test) -> float:
    return float(balanced_accuracy_score(y_test, classifier(x_train).fit(x_train, y_train).predict(x_test)))


def transformer_run(options: dict, x_train, y_train, x_test, y_test, seed: int, checkpoints: Path) -> dict:
    """One candidate on one split: balanced accuracy, minority plausibility, warned, fit seconds (a
    candidate that differs from an earlier one in sampling options only loads its training)."""
    sampler = TransformerOversampler(options=options or None, random_state=seed, checkpoint_dir=checkpoints)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x_res, y_res = sampler.fit_resample(x_train, y_train)
    seconds = time.perf_counter() - start
    share = sampler.plausibility_[1]
    warned = any("look unlike their class" in str(w.message) for w in caught)
    return {"ba": scored(x_res, y_res, x_test, y_test), "syn": share.synthetic, "real": share.real,
            "warned": float(warned), "s": seconds}


def run_case(name: str, candidates: dict, seeds: list, checkpoints: Path) -> None:
    x, y_n = made_case(*MADE[name]) if name in MADE else paper_case(name) if name in PAPER else shared_case(name)
    per = {k: [] for k in ("none", "smote", *candidates)}
    for seed in seeds:
        x_train, x_test, y_train, y_test = train_test_split(x, y_n, test_size=0.3, stratify=y_n, random_state=seed)
        x_train, x_test = x_train.reset_index(drop=True), x_test.reset_index(drop=True)
        per["none"].append({"ba": scored(x_train, y_train, x_test, y_test)})
        x_sm, y_sm = SMOTE(random_state=seed).fit_resample(x_train, y_train)
        per["smote"].append({"ba": scored(x_sm, y_sm, x_test, y_test)})
        for cand, options in candidates.items():
            per[cand].append(transformer_run(options, x_train, y_train, x_test, y_test, seed, checkpoints))
    mean = {k: {f: float(np.mean([r[f] for r in rows])) for f in rows[0]} for k, rows in per.items()}
    none = mean["none"]["ba"]
    print(f"\n{name}: {len(y_n)} rows, minority {y_n.mean():.0%}, {x.shape[1]} columns; seeds {seeds}; "
          f"none {none:.3f}, SMOTE {mean['smote']['ba']:.3f}")
    print(f"  {'candidate':<18}{'bal.acc':>8}{'- none':>8}{'syn':>6}{'real':>6}{'warned':>8}{'fit s':>7}"
          "  per seed: - none (warned *)")
    for cand in candidates:
        m = mean[cand]
        seeds_text = " ".join(f"{r['ba'] - n['ba']:+.3f}{'*' if r['warned'] else ''}"
                              for r, n in zip(per[cand], per["none"], strict=True))
        print(f"  {cand:<18}{m['ba']:>8.3f}{m['ba'] - none:>+8.3f}{m['syn']:>6.0%}{m['real']:>6.0%}"
              f"{m['warned'] * len(seeds):>6.0f}/{len(seeds)}{m['s']:>7.1f}  {seeds_text}", flush=True)


def parsed_value(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parsed_candidate(text: str) -> tuple[str, dict]:
    """NAME:key=value,key=value -> (NAME, {key: value})."""
    name, _, body = text.partition(":")
    pairs = [p.split("=", 1) for p in body.split(",") if p]
    return name, {k: parsed_value(v) for k, v in pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--candidate", action="append", default=[], help="NAME:key=value,key=value")
    parser.add_argument("--no-defaults", action="store_true", help="leave out TransformerOptions() itself")
    args = parser.parse_args()
    cases = args.cases.split(",")
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        parser.error(f"case {unknown[0]!r}: unknown; cases: {', '.join(CASES)}")
    candidates = {} if args.no_defaults else {"defaults": {}}
    candidates.update(parsed_candidate(c) for c in args.candidate)
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}; "
          f"candidates: {candidates}", flush=True)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as checkpoints:
        for name in cases:
            run_case(name, candidates, [int(s) for s in args.seeds.split(",")], Path(checkpoints))
    print(f"\nwall {time.perf_counter() - start:.0f} s; load average at end "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
