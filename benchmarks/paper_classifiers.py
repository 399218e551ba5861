"""Random forests and XGBoost on the shared tables against the authors' stored rf/xgb results.

Augmentation sweep, synthetic_allseed rows, --protocol paper rows, the authors' settings
(tables/classifiers.py). Prints, per data set and classifier, ours and the stored mean of
log balanced / minority cross-entropy at each i with both standard errors, the mean gap and how
many points lie within 2 combined standard errors; and the wall time of the two ways to use the
CPUs (joblib processes across designs against the library's own threads). Random forests are not
reproducible bit for bit across library versions, so no tolerance is asserted: the gap is reported.

    python benchmarks/paper_classifiers.py [--data ../shared/data] [--names gender craft]
"""

import argparse
import time
from pathlib import Path

import jax
import numpy as np

from synthlaw.sims.engine.options import SweepOptions
from synthlaw.tables import sweeps as paper_sweeps
from synthlaw.tables.classifiers import RANDOM_FOREST, XGBOOST, cpu_count, fit_designs
from synthlaw.tables.read import load_tables
from synthlaw.tables.rows import PAPER_SEEDS, augmentation_designs, paper_take
from synthlaw.tables.stored import compare_stored, summarise

LABELS = {"gender": "gender", "craft": "Target"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[1] / ".." / "shared" / "data")
    parser.add_argument("--names", nargs="+", default=["gender", "craft"])
    args = parser.parse_args()
    for name in args.names:
        tables = load_tables(args.data / name, LABELS[name], methods=["synthetic_allseed"])
        n_rows = {stem: len(t.y_n) for stem, t in tables.tables.items()}
        designs = augmentation_designs(n_rows, "synthetic_allseed", "imbalance", 200, PAPER_SEEDS, paper_take)
        for fit in (RANDOM_FOREST, XGBOOST):
            start = time.perf_counter()
            with jax.enable_x64(True):
                columns = paper_sweeps.run_designs(tables, designs, "imbalance", options=SweepOptions(),
                                                   name=f"paper imbalance augmentation {fit.name}", fit=fit).columns
            seconds = time.perf_counter() - start
            rows = compare_stored(summarise(columns), tables.folder, "augmentation", "imbalance", fit)
            print(f"\n{name} {fit.name}: {len(designs)} fits in {seconds:.1f} s (joblib across designs, "
                  f"{cpu_count()} processes)")
            print(f"{'metric':<20}{'i':>3}{'ours':>9}{'se':>8}{'stored':>9}{'se':>8}{'diff':>9}{'z':>7}")
            for metric in ("balanced_log_cross", "min_log_cross"):
                picked = [r for r in rows if r["metric"] == metric]
                z = []
                for r in picked:
                    combined = np.hypot(r["se"], r["stored_se"])
                    z.append(r["diff"] / combined if combined > 0 else np.nan)
                    print(f"{metric:<20}{r['i']:>3}{r['ours']:>9.3f}{r['se']:>8.3f}{r['stored']:>9.3f}"
                          f"{r['stored_se']:>8.3f}{r['diff']:>9.3f}{z[-1]:>7.1f}")
                z = np.array(z[:-1])  # train_all is one fit: no standard error
                print(f"{metric}: mean diff {np.mean([r['diff'] for r in picked[:-1]]):+.3f}, "
                      f"{(np.abs(z) <= 2).sum()} of {len(z)} points within 2 combined se")
        stems = sorted({s for d in designs for s, _, _ in d.parts})
        pool_x_nd, pool_y_n, positions = paper_sweeps.pool_of(tables, stems)
        index_r, weight_r, _ = paper_sweeps.design_rows(designs[:20], positions, pool_y_n)
        seed_r = [d.tags["seed"] for d in designs[:20]]
        for fit in (RANDOM_FOREST, XGBOOST):
            for across in ("designs", "library"):
                start = time.perf_counter()
                fit_designs(fit, pool_x_nd, pool_y_n, index_r, weight_r, seed_r, tables.tables["test"].x_nd,
                            across=across)
                print(f"{name} {fit.name}: 20 fits, parallel across {across}: {time.perf_counter() - start:.1f} s")
    print("\nwall times are from a shared, loaded machine")


if __name__ == "__main__":
    main()
