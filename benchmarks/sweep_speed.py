"""How fast the sweep fits, side by side in one run (issues 2 and 6).

Grid: seeds x synthetic sizes; d = 10; n_min = 500 minority and n_maj = 2000 majority rows plus m
perfect synthetic minority rows, m up to 1500 (n = 2500..4000); logistic regression with C = 1.
Printed, each as fits per second and a ratio to the scikit-learn loop:
- the whole vmapped sweep (simulate, generate, fit, exact risk), compiled, against the same loop
  written with NumPy draws, scikit-learn fits and SciPy risks;
- the fit stage alone, vmapped, on pre-drawn padded data: on 1 device, on 1 device pinned to one
  core, and on 2 CPU devices (children started with --xla_force_host_platform_device_count=2 or
  a one-core affinity);
- a NumPy-batched Newton reference (einsum over all fits at once);
- a Python loop over scikit-learn LogisticRegression(C=1).fit on the same data;
- compile time against run time; where the whole sweep's time goes (drawing normals vs fitting);
  the fit stage's share of the float32 matmul peak and of the memory read bandwidth, both
  measured in this process.

    python benchmarks/sweep_speed.py [--seeds 64] [--sizes 8] [--repeats 3]
"""

import argparse
import json
import os
import subprocess
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from scipy.special import ndtr
from sklearn.linear_model import LogisticRegression

from synthlaw.models.logistic import fit_logistic
from synthlaw.sims.sweep import replicate_mesh, run_sweep
from synthlaw.models import registry
from synthlaw.theory.experiments.oversampling import oversampling_replicate, shapes_for

D, N_MIN, N_MAJ, SEPARATION, L2 = 10, 500, 2000, 2.0, 1.0
NEWTON_STEPS = 6  # fit_logistic's default steps after the LDA start


def median_seconds(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def sizes(n_sizes):
    return np.linspace(0, N_MAJ - N_MIN, n_sizes).round().astype(int)


def padded_problems(n_seeds, n_sizes):
    """x (R, n_max, d), y and 0/1 weights: every fit padded to n = N_MIN + N_MAJ + max m."""
    rng = np.random.default_rng(0)
    mu = np.zeros(D)
    mu[0] = SEPARATION / 2
    m_s = sizes(n_sizes)
    n_max = N_MIN + N_MAJ + m_s[-1]
    x, y, weight = [], [], []
    for _ in range(n_seeds):
        x_seed = np.concatenate([rng.normal(size=(N_MIN + m_s[-1], D)) - mu, rng.normal(size=(N_MAJ, D)) + mu])
        y_seed = np.concatenate([np.zeros(N_MIN + m_s[-1]), np.ones(N_MAJ)])
        for m in m_s:
            x.append(x_seed)
            y.append(y_seed)
            weight.append((np.arange(n_max) < N_MIN + m) | (y_seed == 1))
    return np.asarray(x, np.float32), np.asarray(y, np.float32), np.asarray(weight, np.float32)


def fit_stage(x, y, weight, devices):
    """The vmapped fit over all problems, sharded over devices; returns a runner and compile seconds."""
    mesh = replicate_mesh(devices)
    sharding = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec("replicate"))
    fit = jax.jit(jax.vmap(lambda a, b, c: fit_logistic(a, b, c, l2=L2)), in_shardings=(sharding,) * 3)
    args = [jax.device_put(a, sharding) for a in (x, y, weight)]
    start = time.perf_counter()
    jax.block_until_ready(fit(*args))
    return (lambda: jax.block_until_ready(fit(*args))), time.perf_counter() - start


def numpy_newton(x, y, weight):
    """Batched Newton in NumPy (float32, from zero, 12 full steps with np.linalg.solve)."""
    x = np.concatenate([x, np.ones_like(x[..., :1])], axis=-1)
    p = x.shape[-1]
    penalty = np.full(p, L2, np.float32)
    penalty[-1] = 0
    theta = np.zeros(x.shape[::2], np.float32)
    for _ in range(12):
        prob = 1 / (1 + np.exp(-np.einsum("rnp,rp->rn", x, theta)))
        grad = np.einsum("rnp,rn->rp", x, weight * (prob - y)) + penalty * theta
        hess = np.einsum("rnp,rnq->rpq", x * (weight * prob * (1 - prob))[..., None], x) + np.diag(penalty + 1e-6)
        theta = theta - np.linalg.solve(hess, grad[..., None])[..., 0]
    return theta


def sklearn_loop(x, y, weight):
    for a, b, c in zip(x, y, weight):
        keep = c > 0
        LogisticRegression(C=1.0 / L2, max_iter=1000).fit(a[keep], b[keep])


def sklearn_sweep(n_seeds, n_sizes):
    """The whole sweep as a Python loop: NumPy draws, scikit-learn fit, exact risk by SciPy."""
    rng = np.random.default_rng(1)
    mu = np.zeros(D)
    mu[0] = SEPARATION / 2
    excess = []
    for _ in range(n_seeds):
        for m in sizes(n_sizes):
            x = np.concatenate([rng.normal(size=(N_MIN + m, D)) - mu, rng.normal(size=(N_MAJ, D)) + mu])
            y = np.r_[np.zeros(N_MIN + m), np.ones(N_MAJ)]
            fit = LogisticRegression(C=1.0 / L2, max_iter=1000).fit(x, y)
            w, b = fit.coef_[0], fit.intercept_[0]
            norm_w = np.linalg.norm(w)
            error = 0.5 * (ndtr((b - w @ mu) / norm_w) + ndtr(-(b + w @ mu) / norm_w))
            excess.append(error - ndtr(-SEPARATION / 2))
    return excess


def fit_flops(n, p, steps):
    """Per fit: two Grams [X 1]' diag(c) [X 1] (LDA start, Hessian), 2np^2 + 4np each, four
    matrix-vector products at the start (8np), and per step two (4np), the three candidate losses
    and curvature (~30n) and CG on the p x p system (2p iterations of 2p^2)."""
    return 2 * (2 * n * p * p + 4 * n * p) + 8 * n * p + steps * (4 * n * p + 30 * n + 4 * p**3)


def fit_passes(steps):
    """Reads of the (n, d) data per fit: a Gram reads it and writes and reads its scaled copy (3
    each), four products at the start, two per step."""
    return 2 * 3 + 4 + 2 * steps


def matmul_peak_gflops(size=2048, repeats=5):
    a = jax.random.normal(jax.random.key(0), (size, size), jnp.float32)
    mm = jax.jit(lambda u: u @ u)
    jax.block_until_ready(mm(a))
    return 2 * size**3 / median_seconds(lambda: jax.block_until_ready(mm(a)), repeats) / 1e9


def read_bandwidth_gbs(n_floats=2**26, repeats=5):
    """Bytes per second of a jitted sum over a 256 MB float32 array."""
    a = jnp.ones(n_floats, jnp.float32)
    total = jax.jit(jnp.sum)
    jax.block_until_ready(total(a))
    return 4 * n_floats / median_seconds(lambda: jax.block_until_ready(total(a)), repeats) / 1e9


def draw_seconds(n_fits, m_max, repeats):
    """The sweep's random draws alone: the replicate's three blocks of standard normals (threefry)."""
    keys = jax.random.split(jax.random.key(0), n_fits)

    def draw(key):
        return sum(jax.random.normal(k, (rows, D)).sum(0) for k, rows in zip(jax.random.split(key, 3), (N_MIN, N_MAJ, m_max)))

    draw = jax.jit(jax.vmap(draw))
    jax.block_until_ready(draw(keys))
    return median_seconds(lambda: jax.block_until_ready(draw(keys)), repeats)


def child_fit_stage(args):
    """In a child process with its CPU devices set by the parent: the fit stage's seconds."""
    if args.one_core:  # before the XLA client starts its threads, which inherit the affinity
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    x, y, weight = padded_problems(args.seeds, args.sizes)
    run, _ = fit_stage(x, y, weight, jax.devices())
    print(json.dumps({"devices": len(jax.devices()), "seconds": median_seconds(run, args.repeats)}))


def child_seconds(args, n_devices, one_core=False):
    """The fit stage in a child with n_devices CPU devices, pinned to one core if asked (Linux)."""
    env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={n_devices}", "JAX_PLATFORMS": "cpu"}
    cmd = [sys.executable, __file__, "--child", "--seeds", str(args.seeds), "--sizes", str(args.sizes),
           "--repeats", str(args.repeats)] + ["--one-core"] * one_core
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=64)
    parser.add_argument("--sizes", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--one-core", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_fit_stage(args)
    n_fits = args.seeds * args.sizes
    m_s = sizes(args.sizes)
    grid = {"n_min": np.full(args.sizes, N_MIN), "n_maj": np.full(args.sizes, N_MAJ), "m": m_s,
            "separation": np.full(args.sizes, SEPARATION), "shift": np.zeros(args.sizes), "angle": np.zeros(args.sizes)}
    replicate = oversampling_replicate(shapes_for(D, grid), (registry.generator("perfect"),), l2=L2)
    sweep = lambda: run_sweep(replicate, key=jax.random.key(0), n_seeds=args.seeds, grid=grid)
    sweep_compile = median_seconds(sweep, 1)
    sweep_s = median_seconds(sweep, args.repeats)
    n_max = N_MIN + N_MAJ + m_s[-1]
    draws_s = draw_seconds(n_fits, m_s[-1], args.repeats)

    x, y, weight = padded_problems(args.seeds, args.sizes)
    fit_run, fit_compile = fit_stage(x, y, weight, jax.devices()[:1])
    fit_s = median_seconds(fit_run, args.repeats)
    pinned = hasattr(os, "sched_setaffinity")
    fit_one_core_s = child_seconds(args, 1, one_core=True) if pinned else float("nan")
    fit2_s = child_seconds(args, 2)
    numpy_s = median_seconds(lambda: numpy_newton(x, y, weight), 1)
    sklearn_s = median_seconds(lambda: sklearn_loop(x, y, weight), args.repeats)
    sklearn_sweep_s = median_seconds(lambda: sklearn_sweep(args.seeds, args.sizes), 1)
    peak, bandwidth = matmul_peak_gflops(), read_bandwidth_gbs()
    flops, passes = fit_flops(n_max, D + 1, NEWTON_STEPS), fit_passes(NEWTON_STEPS)
    achieved = n_fits * flops / fit_s / 1e9
    moved = n_fits * passes * n_max * D * 4 / fit_s / 1e9

    print(f"grid: {args.seeds} seeds x {args.sizes} synthetic sizes = {n_fits} logistic fits, d = {D}, "
          f"n = {N_MIN + N_MAJ}..{n_max} (padded to {n_max}), jax {jax.__version__}, "
          f"{jax.devices()[0].platform}, {os.cpu_count()} cores")
    rows = [("whole sweep: simulate + fit + risk (1 device)", sweep_s, sklearn_sweep_s),
            ("scikit-learn loop: NumPy draw + fit + risk", sklearn_sweep_s, sklearn_sweep_s),
            ("fit stage, vmapped (1 device)", fit_s, sklearn_s),
            ("fit stage, vmapped (1 device, one core)", fit_one_core_s, sklearn_s),
            ("fit stage, vmapped (2 CPU devices)", fit2_s, sklearn_s),
            ("NumPy-batched Newton (12 steps)", numpy_s, sklearn_s),
            ("scikit-learn loop: fit only", sklearn_s, sklearn_s)]
    print(f"{'method':<48}{'seconds':>9}{'fits/s':>10}{'x sklearn':>11}")
    for name, seconds, reference in rows:
        print(f"{name:<48}{seconds:>9.3f}{n_fits / seconds:>10.0f}{reference / seconds:>11.1f}")
    print("(x sklearn: the sweep rows against the scikit-learn sweep loop, the fit rows against the fit loop)")
    print(f"compile: whole sweep first call {sweep_compile:.2f} s vs {sweep_s:.2f} s compiled; "
          f"fit stage first call {fit_compile:.2f} s vs {fit_s:.3f} s")
    print(f"2 CPU devices against 1 device: {fit_s / fit2_s:.2f}x; against 1 device on one core: "
          f"{fit_one_core_s / fit2_s:.2f}x (1 device already spreads over {len(os.sched_getaffinity(0)) if pinned else '?'} "
          f"cores: {fit_one_core_s / fit_s:.2f}x over one core)")
    print(f"whole sweep: drawing its {n_max} x {D} normals per replicate alone takes {draws_s:.3f} s "
          f"({100 * draws_s / sweep_s:.0f}% of the sweep, {draws_s / (n_fits * n_max * D) * 1e9:.1f} ns a number)")
    print(f"FLOPs per fit (n = {n_max}, p = {D + 1}, LDA start + Hessian + {NEWTON_STEPS} steps): "
          f"{flops / 1e6:.1f} MFLOP; fit stage reaches {achieved:.1f} GFLOP/s = {100 * achieved / peak:.0f}% "
          f"of the {peak:.0f} GFLOP/s float32 matmul peak (2048^2, this process)")
    print(f"data passes per fit: about {passes} over {n_max * D * 4 / 1e3:.0f} kB; fit stage moves "
          f"{moved:.1f} GB/s = {100 * moved / bandwidth:.0f}% of the {bandwidth:.1f} GB/s read bandwidth "
          f"(jitted sum of 256 MB, this process)")


if __name__ == "__main__":
    main()
