"""Builds theory/predictions/smote_table.json, IMB-6's stored Monte Carlo of SMOTE's law (the module
predictions/smote_table.py reads it):

    python -m synthlaw.theory.runner.store_smote_table

Each cell IMB-6's configs judge is averaged over SEEDS independent runs of smote_law.smote_excess and
SECOND_ORDER_SEEDS runs of smote_second_order (at the runs' mean theta*), and the file records how it was
made. About 20 minutes on the 2-core VM."""

import datetime
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from synthlaw.sims.engine.store import write_atomic
from synthlaw.theory.predictions import smote_law
from synthlaw.theory.predictions.smote_second_order import smote_second_order
from synthlaw.theory.predictions.smote_table import TABLE_PATH, StoredSmote, cell_key

SEEDS = 40                 # independent runs of smote_excess per cell
SECOND_ORDER_SEEDS = 4     # independent runs of smote_second_order per cell
SECOND_ORDER_DATA_SETS = 16_000
CELLS = [(2.0, 100, 400, d, k) for d in (2, 4, 8) for k in (1, 5)]  # (separation, n_min, n_maj, d, k): IMB-6's judged


def stored_cell(separation, n_min, n_maj, d, k, seeds=SEEDS, second_order_seeds=SECOND_ORDER_SEEDS,
                data_sets=SECOND_ORDER_DATA_SETS) -> StoredSmote:
    """One cell averaged over seeds runs of smote_excess (seeds 0..) and second_order_seeds of
    smote_second_order (seeds 0.., at the runs' mean theta*)."""
    runs = [smote_law.smote_excess(d, separation, n_min, n_maj, k, seed=s) for s in range(seeds)]
    theta_p = np.mean([r.theta_star for r in runs], axis=0)
    second = [smote_second_order(d, separation, n_min, n_maj, k, theta_p, data_sets, s)
              for s in range(second_order_seeds)]
    totals = np.array([r.terms.total for r in runs])

    def mean(values):
        return float(np.mean(values))

    return StoredSmote(
        bias=mean([r.terms.bias for r in runs]), drift=mean([r.terms.drift for r in runs]),
        variance=mean([r.terms.variance for r in runs]), total_se=float(totals.std(ddof=1) / np.sqrt(seeds)),
        mc_bias=mean([r.mc_bias for r in runs]), independent_variance=mean([r.independent_variance for r in runs]),
        copy_curvature_variance=mean([r.copy_curvature_variance for r in runs]),
        shrinkage=mean([r.shrinkage for r in runs]), second=mean([s.total for s in second]),
        second_se=float(np.sqrt(np.sum([s.se**2 for s in second])) / second_order_seeds), runs=seeds)


def main():
    start = time.time()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).parent, text=True,
                            capture_output=True).stdout.strip() or "unknown"   # the code that runs, read first
    cells = {}
    for cell in CELLS:
        cells[cell_key(*cell)] = stored_cell(*cell)._asdict()
        print(f"{cell_key(*cell)}: {cells[cell_key(*cell)]} ({time.time() - start:.0f} s)", flush=True)
    made = {"seeds": SEEDS, "second_order_seeds": SECOND_ORDER_SEEDS, "second_order_data_sets": SECOND_ORDER_DATA_SETS,
            "commit": commit, "date": datetime.date.today().isoformat(), "machine": platform.processor() or
            platform.machine(), "seconds": round(time.time() - start), "python": sys.version.split()[0]}
    write_atomic(TABLE_PATH, json.dumps({"made": made, "cells": cells}, indent=1) + "\n")


if __name__ == "__main__":
    main()
