"""IMB-6's large, separate Monte Carlo of SMOTE's law, stored (smote_table.json, beside this module).

SMOTE's prediction is a Monte Carlo of the generator alone (smote_law, smote_second_order). One run of it
(seed 0) carries an error of 0.2-0.5% of SMOTE's excess, which is a fifth of the gap SMOTE - ROS, and the
quick verify cannot afford more. So for the cells that IMB-6's configs judge, the prediction is averaged
here over SEEDS independent runs of smote_law.smote_excess (its standard error from their spread) and
SECOND_ORDER_SEEDS runs of smote_second_order, and stored with how it was made. Regenerate it with

    python -m synthlaw.theory.predictions.smote_table

(about 20 minutes on the 2-core VM); tests/theory/test_smote_table.py checks that a fresh run of today's
code agrees with the stored cell within their errors, so a change to the law's code cannot go unseen.
Cells not stored are computed live, one run, with that run's error (claims/imb6.py says which it used).
"""

import datetime
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from synthlaw.sims.engine.store import write_atomic
from synthlaw.theory.predictions import smote_law
from synthlaw.theory.predictions.smote_second_order import smote_second_order

TABLE_PATH = Path(__file__).with_name("smote_table.json")
SEEDS = 40                 # independent runs of smote_excess per cell
SECOND_ORDER_SEEDS = 4     # independent runs of smote_second_order per cell
SECOND_ORDER_DATA_SETS = 16_000
CELLS = [(2.0, 100, 400, d, k) for d in (2, 4, 8) for k in (1, 5)]  # (separation, n_min, n_maj, d, k): IMB-6's judged


class StoredSmote(NamedTuple):
    """One cell's SMOTE prediction, averaged over independent runs: the first-order terms, their total's
    standard error (spread over runs / sqrt(runs)) and Monte Carlo bias (smote_law.SmoteExcess.mc_bias,
    which averaging keeps), the wrong theories' variance terms and the shrinkage; the O(n^-2) term and its
    standard error."""

    bias: float
    drift: float
    variance: float
    total_se: float
    mc_bias: float
    independent_variance: float
    copy_curvature_variance: float
    shrinkage: float
    second: float
    second_se: float
    runs: int

    @property
    def total(self) -> float:
        return self.bias + self.drift + self.variance


def _key(separation, n_min, n_maj, d, k) -> str:
    return f"separation={float(separation):g} n_min={int(n_min)} n_maj={int(n_maj)} d={int(d)} k={int(k)}"


def lookup(separation, n_min, n_maj, d, k) -> StoredSmote | None:
    """The stored cell, or None if the table has none for these inputs."""
    cell = _table()["cells"].get(_key(separation, n_min, n_maj, d, k))
    return None if cell is None else StoredSmote(**cell)


def provenance() -> str:
    """How the table was made, in one line (for the checks' allowance text and the note)."""
    made = _table()["made"]
    return (f"{made['seeds']} runs of the law x {made['second_order_seeds']} of its O(n^-2) term, "
            f"at {made['commit']} on {made['date']}")


def _table() -> dict:
    return json.loads(TABLE_PATH.read_text()) if TABLE_PATH.exists() else {"cells": {}, "made": {}}


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
        cells[_key(*cell)] = stored_cell(*cell)._asdict()
        print(f"{_key(*cell)}: {cells[_key(*cell)]} ({time.time() - start:.0f} s)", flush=True)
    made = {"seeds": SEEDS, "second_order_seeds": SECOND_ORDER_SEEDS, "second_order_data_sets": SECOND_ORDER_DATA_SETS,
            "commit": commit, "date": datetime.date.today().isoformat(), "machine": platform.processor() or
            platform.machine(), "seconds": round(time.time() - start), "python": sys.version.split()[0]}
    write_atomic(TABLE_PATH, json.dumps({"made": made, "cells": cells}, indent=1) + "\n")


if __name__ == "__main__":
    main()
