"""The mixed-table benchmark of issue 20: every generator and baseline on the public mixed tables.

For each table of --data (benefits: label ui; hi: whi; slid: language, a three-class label with
blank labels, run as its rarest class, French, against the rest) and each classifier, the whole
`synthlaw paper --csv` pipeline runs from the file as shipped (tables/runner.py run_paper):
generators ros, smote (SMOTE-NC on these tables), plugin, adasyn and transformer, each fitted on
the seed rows and on the use rows (seed + train), seed 0, seed size 200. logistic (the exact JAX
fit) runs the ratio and augmentation sweeps; xgb (XGBoost defaults) the ratio sweep only, in a
folder holding a copy of the logistic run's data/ and checkpoints/ (its generated rows and
trained transformers). The generators' cache key (tables/generate.py cache_key) holds the rows
each file needs, which differ between the two sweep sets, so the xgb run draws its rows again
(fewer: 1300 + 300 against 2800 + 1800) and reads only the transformer's training back from its
checkpoint (its "fitted" time is the loading and sampling). A run that fails is printed; when the
error names one generator, the run is tried again without it (its wall time is that last try's).

Printed per (table, classifier): the balanced accuracy at the largest ratio (i = 9), mean +- the
standard error over the paper's seeds, of no correction (the imbalanced arm), class weights and
the moved threshold (method "baseline"), and the balanced arm of every generator on seed and use
rows; per logistic run, the report's synthetic-row quality table (report.md); per run, the
typing, the generator lines (fitted or reused, seconds), the wall time; and the machine (cores,
load average at start and end). Wall times come from a shared machine: noisy.

    python benchmarks/mixed_tables.py [--data ../shared/data/mixed] [--tables benefits,hi,slid]
        [--classifiers logistic,xgb] [--out /tmp/mixed_tables]
"""

import argparse
import contextlib
import csv
import io
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

from synthlaw.sims.engine.store import read_table
from synthlaw.tables.classifiers import fit_for
from synthlaw.tables.generators import METHODS
from synthlaw.tables.runner import run_paper
from synthlaw.tables.schema import is_blank
from synthlaw.tables.settings import PaperSettings

LABELS = {"benefits": "ui", "hi": "whi", "slid": "language"}
GENERATORS = ("ros", "smote", "plugin", "adasyn", "transformer")
SHOWN = {"ros": "ROS", "smote": "SMOTE-NC", "plugin": "plug-in", "adasyn": "ADASYN", "transformer": "transformer"}
SWEEPS = {"logistic": ("ratio", "augmentation"), "xgb": ("ratio",)}
LARGEST = 9  # the ratio sweep's largest grid point


def rarest_class(path: Path, label: str) -> tuple[str | None, Counter]:
    """The rarest non-blank label value when the label has more than two classes (None for two:
    the run takes the rarer one itself), and the counts."""
    with open(path, newline="") as handle:
        counts = Counter(row[label] for row in csv.DictReader(handle) if not is_blank(row[label]))
    return (min(counts, key=counts.get) if len(counts) > 2 else None), counts


def run_once(csv_path: Path, label: str, positive: str | None, classifier: str, out: Path,
             generators: tuple) -> tuple:
    """One run_paper call with its progress lines captured; (wall seconds, progress lines)."""
    settings = PaperSettings(label=label, csv=csv_path, positive=positive,
                             generators=tuple(METHODS[g] for g in generators), fit_on=("seed", "use"),
                             sweeps=SWEEPS[classifier], fit=fit_for(classifier, None), seed=0, out=out)
    log = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stderr(log):
        run_paper(settings)
    return time.perf_counter() - start, log.getvalue().splitlines()


def run_dropping(name: str, path: Path, label: str, positive: str | None, classifier: str, out: Path):
    """run_once with every generator; a failure is printed, and when its message names one
    generator the run is tried again without it. (seconds, lines), or None when nothing ran."""
    generators = GENERATORS
    while generators:
        try:
            return run_once(path, label, positive, classifier, out, generators)
        except Exception as error:  # a benchmark reports the failure and goes on
            print(f"\n{name}, {classifier}: FAILED: {type(error).__name__}: {error}", flush=True)
            named = [g for g in generators if g in str(error).lower()]
            if len(named) != 1:
                return None
            generators = tuple(g for g in generators if g != named[0])
            print(f"{name}, {classifier}: rerun without {named[0]}", flush=True)
    return None


def progress_lines(lines: list) -> list:
    """What the run said on stderr (the typing, warnings, each generator fitted or reused), less
    its "... " progress lines."""
    return [f"  {line.strip()}" for line in lines if line.strip() and not line.rstrip().endswith("...")]


def accuracy_table(summary: dict) -> list:
    """Balanced accuracy at i = LARGEST, mean +- se: baselines, then each generator on seed and use."""
    at = {(m, a): (summary["balanced_mean"][r], summary["balanced_se"][r])
          for r, (m, a, i) in enumerate(zip(summary["method"], summary["arm"], summary["i"], strict=True))
          if int(i) == LARGEST}

    def cell(method: str, arm: str) -> str:
        return f"{at[method, arm][0]:.4f} +- {at[method, arm][1]:.4f}" if (method, arm) in at else "-"

    lines = [f"{'':<16}{'fit on seed':>20}{'fit on use':>20}",
             f"{'none':<16}{cell(GENERATORS[0] + '_seed', 'imbalanced'):>20}",
             f"{'class weights':<16}{cell('baseline', 'class_weights'):>20}",
             f"{'threshold':<16}{cell('baseline', 'threshold'):>20}"]
    for g in GENERATORS:
        lines.append(f"{SHOWN[g]:<16}{cell(g + '_seed', 'balanced'):>20}{cell(g + '_use', 'balanced'):>20}")
    return lines


def quality_lines(report: Path) -> list:
    """The report's synthetic-row quality table (its header row and body)."""
    lines = report.read_text().splitlines()
    start = next((k for k, line in enumerate(lines) if line.startswith("| rows | class")), None)
    if start is None:
        return ["(no quality table in the report)"]
    end = next((k for k in range(start, len(lines)) if not lines[k].startswith("|")), len(lines))
    return lines[start:end]


def run_table(name: str, args) -> None:
    """Every classifier on one table: the runs, then their tables."""
    path, label = args.data / f"{name}.csv", LABELS[name]
    positive, counts = rarest_class(path, label)
    shown = ", ".join(f"{k} {v}" for k, v in counts.most_common())
    print(f"\n=== {name}: {path}, label {label} ({shown}); positive "
          f"{positive + ' (the rarest, against the rest)' if positive else 'chosen by the run (the rarer)'}",
          flush=True)
    for classifier in args.classifiers:
        out = args.out / f"{name}_{classifier}"
        source = args.out / f"{name}_logistic"
        if classifier != "logistic" and source.is_dir():
            for part in ("data", "checkpoints"):
                if (source / part).is_dir() and not (out / part).exists():
                    shutil.copytree(source / part, out / part)
        done = run_dropping(name, path, label, positive, classifier, out)
        if done is None:
            continue
        seconds, lines = done
        summary = read_table(out / "imbalance_ratio_summary.csv")
        print(f"\n{name}, {classifier} ({' + '.join(SWEEPS[classifier])} sweeps): wall {seconds:.0f} s; "
              f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        print("\n".join(progress_lines(lines)))
        print(f"balanced accuracy at the largest ratio (i = {LARGEST}), mean +- se over seeds "
              f"(n = {int(summary['n_seeds'][0])}):")
        print("\n".join(accuracy_table(summary)))
        if classifier == "logistic":
            print("synthetic-row quality (report.md):")
            print("\n".join(quality_lines(out / "report.md")))
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data" / "mixed")
    parser.add_argument("--tables", default="benefits,hi,slid")
    parser.add_argument("--classifiers", default="logistic,xgb")
    parser.add_argument("--out", type=Path, default=Path("/tmp/mixed_tables"),
                        help="one folder per run; a rerun reuses its generated rows")
    args = parser.parse_args()
    tables = args.tables.split(",")
    args.classifiers = args.classifiers.split(",")
    unknown = [t for t in tables if t not in LABELS] + [c for c in args.classifiers if c not in SWEEPS]
    if unknown:
        parser.error(f"{unknown[0]!r}: unknown; tables: {', '.join(LABELS)}; classifiers: {', '.join(SWEEPS)}")
    missing = [str(args.data / f"{t}.csv") for t in tables if not (args.data / f"{t}.csv").is_file()]
    if missing:
        parser.error(f"missing table {missing[0]}: the public mixed tables live in ../shared/data/mixed "
                     "(or give --data FOLDER)")
    start = time.perf_counter()
    print(f"machine: {os.cpu_count()} cores, load average at start "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    for name in tables:
        run_table(name, args)
    print(f"\nall runs: {time.perf_counter() - start:.0f} s; load average at end "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print("wall times are from a shared machine: compare rows of one run, not across machines")


if __name__ == "__main__":
    main()
