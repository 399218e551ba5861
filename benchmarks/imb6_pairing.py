"""IMB-6's paired gap SMOTE - ROS: its per-seed spread when ROS draws its own bases (the registry's ROS, as IMB-6
measured until 59164b6) and when ROS copies the rows SMOTE interpolates from (ROS_SMOTE_BASES, since then).

    python benchmarks/imb6_pairing.py [seeds [key]]

Runs IMB-6's quick measure twice on the same seeds (the same real rows) and prints, per k, the controlled gap's
mean and standard deviation over seeds at each d and over the whole curve, and the variance ratio: the factor of
seeds the pairing is worth. Both ROS fits have random oversampling's law, so the means agree within their errors.
About 40 s at 2048 seeds (2-core VM, 2026-12-05).
"""

import dataclasses
import sys

import jax
import numpy as np
from scipy import stats

from synthlaw.models.registry import generator
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.theory.claims import imb6
from synthlaw.theory.experiments.oversampling import ROS_SMOTE_BASES
from synthlaw.theory.stats.controls import regression_controlled
from synthlaw.theory.stats.intervals import by_seed


def controlled_gaps(config, ros, key):
    """Per k, the seeds x d controlled gap SMOTE - ROS of IMB-6's measure with ROS drawn by `ros`."""
    cols = imb6.measure(config, key=jax.random.key(key), options=SweepOptions(), ros=ros)
    cols = {**cols, "excess": regression_controlled(cols, "excess", ("d", "generator"))}
    _, ros_sg = by_seed(cols, "excess", "d", mask=cols["generator"] == imb6.ROS)
    return {k: by_seed(cols, "excess", "d", mask=cols["generator"] == f"smote-k{k}")[1] - ros_sg for k in config.k}


def main(seeds: int = 2048, key: int = 7):
    config = dataclasses.replace(imb6.CLAIM.quick, seeds=seeds)
    own, paired = (controlled_gaps(config, ros, key) for ros in (generator(imb6.ROS), ROS_SMOTE_BASES))
    print(f"IMB-6 quick grid, {seeds} seeds, key {key}: the controlled gap SMOTE - ROS (x 1e-4)")
    for k in config.k:
        for label, values in (("d " + ", ".join(map(str, config.d)), lambda g: g), ("whole", lambda g: g.sum(1))):
            a, b = values(own[k]), values(paired[k])
            print(f"k = {k}, {label}: mean {np.round(a.mean(0) * 1e4, 3)} (se {np.round(stats.sem(a) * 1e4, 3)}) own "
                  f"bases, {np.round(b.mean(0) * 1e4, 3)} (se {np.round(stats.sem(b) * 1e4, 3)}) shared; sd "
                  f"{np.round(a.std(0, ddof=1) * 1e4, 3)} -> {np.round(b.std(0, ddof=1) * 1e4, 3)}, "
                  f"variance ratio {np.round(a.var(0) / b.var(0), 2)}")


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
