"""How fast the sweep fits, side by side in one run (issues 2 and 6).

Grid: seeds x synthetic sizes; d = 10; n_min = 500 minority and n_maj = 2000 majority rows plus m
perfect synthetic minority rows, m up to 1500 (n = 2500..4000); logistic regression with C = 1.
Printed, each as fits per second and a ratio to the scikit-learn loop:
- the whole vmapped sweep (simulate, generate, fit, exact risk), compiled;
- the fit stage alone, vmapped, on pre-drawn padded data, on 1 device and on 2 CPU devices
  (a child process started with --xla_force_host_platform_device_count=2);
- a NumPy-batched Newton reference (einsum over all fits at once) with the same steps;
- a Python loop over scikit-learn LogisticRegression(C=1).fit on the same data;
- compile time against run time, and the fit stage's share of the float32 matmul peak measured
  in this process.

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
from sklearn.linear_model import LogisticRegression

from synthlaw.models.logistic import fit_logistic
from synthlaw.sims.sweep import replicate_mesh, run_sweep
from synthlaw.theory.imbalance import oversampling_replicate, shapes_for

D, N_MIN, N_MAJ, SEPARATION, L2 = 10, 500, 2000, 2.0, 1.0
NEWTON_STEPS = 6  # fit_logistic's default, from the LDA start


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
    """Batched Newton in NumPy (float32, from zero, 12 full steps: NumPy has no cheap LDA start)."""
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


def fit_flops(n, p, steps):
    """Per fit: LDA start (2np^2 + 4np), and per Newton step the Hessian (2np^2 + np), four
    matrix-vector products (8np), five candidate losses (~10n) and CG (2p iterations of 2p^2)."""
    return 2 * n * p * p + 4 * n * p + steps * (2 * n * p * p + 9 * n * p + 10 * n + 4 * p**3)


def matmul_peak_gflops(size=2048, repeats=5):
    a = jax.random.normal(jax.random.key(0), (size, size), jnp.float32)
    mm = jax.jit(lambda u: u @ u)
    jax.block_until_ready(mm(a))
    return 2 * size**3 / median_seconds(lambda: jax.block_until_ready(mm(a)), repeats) / 1e9


def child_two_devices(args):
    """Run in a process with 2 CPU devices: the sharded fit stage's seconds, as JSON."""
    x, y, weight = padded_problems(args.seeds, args.sizes)
    run, compile_s = fit_stage(x, y, weight, jax.devices())
    print(json.dumps({"devices": len(jax.devices()), "seconds": median_seconds(run, args.repeats)}))


def two_device_seconds(args):
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2", "JAX_PLATFORMS": "cpu"}
    cmd = [sys.executable, __file__, "--child", "--seeds", str(args.seeds), "--sizes", str(args.sizes),
           "--repeats", str(args.repeats)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=64)
    parser.add_argument("--sizes", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_two_devices(args)
    n_fits = args.seeds * args.sizes
    m_s = sizes(args.sizes)
    grid = {"n_min": np.full(args.sizes, N_MIN), "n_maj": np.full(args.sizes, N_MAJ), "m": m_s,
            "separation": np.full(args.sizes, SEPARATION), "shift": np.zeros(args.sizes), "angle": np.zeros(args.sizes)}
    replicate = oversampling_replicate(shapes_for(D, grid), "perfect", l2=L2)
    sweep = lambda: run_sweep(replicate, key=jax.random.key(0), n_seeds=args.seeds, grid=grid)
    sweep_compile = median_seconds(sweep, 1)
    sweep_s = median_seconds(sweep, args.repeats)

    x, y, weight = padded_problems(args.seeds, args.sizes)
    fit_run, fit_compile = fit_stage(x, y, weight, jax.devices()[:1])
    fit_s = median_seconds(fit_run, args.repeats)
    fit2_s = two_device_seconds(args)
    numpy_s = median_seconds(lambda: numpy_newton(x, y, weight), 1)
    sklearn_s = median_seconds(lambda: sklearn_loop(x, y, weight), args.repeats)
    peak = matmul_peak_gflops()
    n_max = x.shape[1]
    achieved = n_fits * fit_flops(n_max, D + 1, NEWTON_STEPS) / fit_s / 1e9

    print(f"grid: {args.seeds} seeds x {args.sizes} synthetic sizes = {n_fits} logistic fits, d = {D}, "
          f"n = {N_MIN + N_MAJ}..{n_max} (padded to {n_max}), jax {jax.__version__}, "
          f"{jax.devices()[0].platform}, {os.cpu_count()} cores")
    rows = [("whole sweep: simulate + fit + risk (1 device)", sweep_s),
            ("fit stage, vmapped (1 device)", fit_s),
            ("fit stage, vmapped (2 CPU devices)", fit2_s),
            ("NumPy-batched Newton (12 steps)", numpy_s),
            ("scikit-learn loop (fit only)", sklearn_s)]
    print(f"{'method':<48}{'seconds':>9}{'fits/s':>10}{'x sklearn':>11}")
    for name, seconds in rows:
        print(f"{name:<48}{seconds:>9.3f}{n_fits / seconds:>10.0f}{sklearn_s / seconds:>11.1f}")
    print(f"compile: whole sweep first call {sweep_compile:.2f} s vs {sweep_s:.2f} s compiled; "
          f"fit stage first call {fit_compile:.2f} s vs {fit_s:.3f} s")
    print(f"2-device speed-up of the fit stage: {fit_s / fit2_s:.2f}x")
    print(f"FLOPs per fit (n = {n_max}, p = {D + 1}, {NEWTON_STEPS} Newton steps + LDA start): "
          f"{fit_flops(n_max, D + 1, NEWTON_STEPS) / 1e6:.1f} MFLOP; fit stage reaches {achieved:.1f} GFLOP/s "
          f"= {100 * achieved / peak:.0f}% of the {peak:.0f} GFLOP/s float32 matmul peak (2048^2, this process)")


if __name__ == "__main__":
    main()
