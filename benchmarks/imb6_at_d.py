"""IMB-6 at one dimension d, beyond the judged cells: SMOTE's law averaged over several runs with its O(n^-2)
term and ROS's exact one, against IMB-6's paired measurement (the controlled excess).

    python benchmarks/imb6_at_d.py d [seeds [runs [data_sets]]]

Prints, for ROS and SMOTE k = 1 and 5 (n_min = 100, rho = 4, Delta = 2), the measured excess over its
prediction with and without the O(n^-2) term, and the same for the gap SMOTE - ROS, each with its standard
errors: what judging d would face (theory/notes/IMB-6.md, "Where the first-order theory stops"). At d = 16:
11 min and 9.8 GB (ROS's exact O(n^-2) term) on the 2-core VM, 2026-12-05, with a calibration beside it.
"""

import sys
import time

import jax
import numpy as np
from scipy import stats

from synthlaw.sims.engine.options import SweepOptions
from synthlaw.theory.claims import imb6
from synthlaw.theory.predictions.oversampling import random_oversampling_excess, random_oversampling_second_order
from synthlaw.theory.runner.store_smote_table import stored_cell
from synthlaw.theory.stats.controls import regression_controlled
from synthlaw.theory.stats.intervals import by_seed

SEPARATION, N_MIN, N_MAJ = 2.0, 100, 400


def main(d: int, seeds: int = 8192, runs: int = 20, data_sets: int = 8000):
    start = time.time()
    config = imb6.Imb6Config(separation=SEPARATION, rho=N_MAJ / N_MIN, n_min=N_MIN, d=(d,), k=(1, 5), judged_up_to=d,
                             seeds=seeds)
    cols = imb6.measure(config, key=jax.random.key(11), options=SweepOptions())
    cols = {**cols, "excess": regression_controlled(cols, "excess", ("d", "generator"))}
    measured = {g: by_seed(cols, "excess", "d", mask=cols["generator"] == g)[1][:, 0]
                for g in imb6.generator_names(config)}
    ros_first = random_oversampling_excess(d, SEPARATION, N_MIN, N_MAJ).total
    ros = ros_first + random_oversampling_second_order(d, SEPARATION, N_MIN, N_MAJ)
    ros_m = measured[imb6.ROS]
    print(f"d = {d}, {seeds} seeds: ROS measured {ros_m.mean():.5e} (se {stats.sem(ros_m):.1e}), predicted "
          f"{ros_first:.5e} at first order, {ros:.5e} with O(n^-2): ratio {ros_m.mean() / ros:.4f}", flush=True)
    for k in config.k:
        cell = stored_cell(SEPARATION, N_MIN, N_MAJ, d, k, seeds=runs, second_order_seeds=1, data_sets=data_sets)
        first = cell.bias + cell.drift + cell.variance
        smote, gap = measured[f"smote-k{k}"], measured[f"smote-k{k}"] - ros_m
        prediction_se = np.hypot(cell.total_se, cell.second_se)
        print(f"k = {k}: SMOTE measured {smote.mean():.5e} (se {stats.sem(smote):.1e}), predicted {first:.5e} "
              f"(se {cell.total_se:.1e}) + O(n^-2) {cell.second:.2e} (se {cell.second_se:.1e}): ratio "
              f"{smote.mean() / first:.4f} at first order, {smote.mean() / (first + cell.second):.4f} with O(n^-2); "
              f"gap measured {gap.mean():.3e} (se {stats.sem(gap):.1e}), predicted {first - ros_first:.3e} at "
              f"first order, {first + cell.second - ros:.3e} (se {prediction_se:.1e}) with O(n^-2): ratio "
              f"{gap.mean() / (first + cell.second - ros):.3f} ({time.time() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
