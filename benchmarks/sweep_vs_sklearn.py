"""Fits per second: the vmapped sweep against a Python loop over scikit-learn, in one process.

The grid: seeds x synthetic sizes, logistic regression (C = 1) at d = 10, n_min = 500 minority and
n_maj = 2000 majority rows plus m perfect synthetic minority rows, m up to 1500 (n up to 4000).
The sweep's time covers everything (simulate, generate, fit, exact risk); the scikit-learn loop
is timed on fit() alone, with the data drawn beforehand, which favours scikit-learn.

    python benchmarks/sweep_vs_sklearn.py [--seeds 64] [--sizes 8] [--repeats 3]
"""

import argparse
import time

import jax
import numpy as np
from sklearn.linear_model import LogisticRegression

from synthlaw.sims.sweep import run_sweep
from synthlaw.theory.imbalance import oversampling_replicate, shapes_for

D, N_MIN, N_MAJ, SEPARATION = 10, 500, 2000, 2.0


def sweep_grid(n_sizes: int) -> dict:
    m = np.linspace(0, N_MAJ - N_MIN, n_sizes).round().astype(int)
    ones = np.ones(n_sizes)
    return {"n_min": N_MIN * ones.astype(int), "n_maj": N_MAJ * ones.astype(int), "m": m,
            "separation": SEPARATION * ones, "shift": 0 * ones, "angle": 0 * ones}


def time_sweep(n_seeds: int, grid: dict, repeats: int):
    replicate = oversampling_replicate(shapes_for(D, grid), "perfect", l2=1.0)
    run = lambda: run_sweep(replicate, key=jax.random.key(0), n_seeds=n_seeds, grid=grid)
    start = time.perf_counter()
    run()
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return first, float(np.median(times))


def time_sklearn(n_seeds: int, grid: dict, repeats: int) -> float:
    rng = np.random.default_rng(0)
    mu = np.zeros(D)
    mu[0] = SEPARATION / 2
    problems = []
    for _ in range(n_seeds):
        for m in grid["m"]:
            x = np.concatenate([rng.normal(size=(N_MIN + m, D)) - mu, rng.normal(size=(N_MAJ, D)) + mu])
            y = np.concatenate([np.zeros(N_MIN + m), np.ones(N_MAJ)])
            problems.append((x, y))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for x, y in problems:
            LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=64)
    parser.add_argument("--sizes", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    grid = sweep_grid(args.sizes)
    n_fits = args.seeds * args.sizes
    first, sweep_s = time_sweep(args.seeds, grid, args.repeats)
    sklearn_s = time_sklearn(args.seeds, grid, args.repeats)
    print(f"grid: {args.seeds} seeds x {args.sizes} synthetic sizes = {n_fits} fits, d = {D}, "
          f"n = {N_MIN + N_MAJ}..{2 * N_MAJ}, devices = {len(jax.devices())}, {jax.devices()[0].platform}")
    print(f"{'method':<34}{'seconds':>10}{'fits/s':>12}")
    print(f"{'vmapped sweep (first call: compile)':<34}{first:>10.3f}{n_fits / first:>12.0f}")
    print(f"{'vmapped sweep (compiled, median)':<34}{sweep_s:>10.3f}{n_fits / sweep_s:>12.0f}")
    print(f"{'scikit-learn loop (fit only)':<34}{sklearn_s:>10.3f}{n_fits / sklearn_s:>12.0f}")
    print(f"speed-up of the compiled sweep over scikit-learn: {sklearn_s / sweep_s:.1f}x")


if __name__ == "__main__":
    main()
