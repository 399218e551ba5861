"""How fast the sweep runs, side by side in one run (issues 2, 6 and 12).

Grid: seeds x synthetic sizes; d = 10; n_min = 500 minority and n_maj = 2000 majority rows plus m
perfect synthetic minority rows, m up to 1500 (n = 2500..4000); logistic regression with C = 1.
Printed, each as fits per second and a ratio to the scikit-learn loop:
- the whole sweep (simulate, generate, fit, exact risk) through sims/engine/sweep.py, against the same
  loop written with NumPy draws, scikit-learn fits and SciPy risks (its draws, too, are made once
  per seed at the largest size, as the engine's common random numbers are);
- the same whole sweep with each random bit generator (threefry, rbg, unsafe_rbg), with the
  normal transform by erfinv (jax.random.normal) or Box-Muller (a replicate built with that draw
  and a perfect generator drawing so), with 1, 2, 4 or 8 seeds a lax.map block
  (SweepOptions.seed_block), and on one core and on 2 CPU devices (children started with a one-core
  affinity or --xla_force_host_platform_device_count=2);
- the fit stage alone on pre-drawn data, shaped as the engine runs it (a seed's rows shared by
  its grid points, one seed a block), on 1 device, on one core and on 2 CPU devices, and as one
  vmap over every fit with its own copy of the rows (the engine before issue 12);
- a Python loop over scikit-learn LogisticRegression(C=1).fit on the same data;
- compile time against run time; the draws' share of the whole sweep.

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

from synthlaw.models import registry
from synthlaw.models.logistic import fit_logistic
from synthlaw.models.registry import Generator
from synthlaw.models.synthetic import Synthetic
from synthlaw.sims.engine.hosts import replicate_mesh
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import run_sweep
from synthlaw.sims.gaussian import draw
from synthlaw.sims.geometry import bayes_balanced_error, means_for_delta
from synthlaw.theory.experiments.oversampling import oversampling_replicate, shapes_for

D, N_MIN, N_MAJ, SEPARATION, L2 = 10, 500, 2000, 2.0, 1.0
IMPLS = ("threefry2x32", "rbg", "unsafe_rbg")
BLOCKS = (1, 2, 4, 8)


def median_seconds(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def sizes(n_sizes):
    return np.linspace(0, N_MAJ - N_MIN, n_sizes).round().astype(int)


def seed_problems(n_seeds, n_sizes):
    """x (S, n_max, d) and y, one copy per seed, and 0/1 weights (S, P, n_max) per grid point."""
    rng = np.random.default_rng(0)
    mu_0, mu_1 = means_for_delta(D, SEPARATION)
    m_s = sizes(n_sizes)
    n_max = N_MIN + N_MAJ + m_s[-1]
    y = np.concatenate([np.zeros(N_MIN + m_s[-1]), np.ones(N_MAJ)])
    x = np.stack([np.concatenate([rng.normal(size=(N_MIN + m_s[-1], D)) + mu_0, rng.normal(size=(N_MAJ, D)) + mu_1])
                  for _ in range(n_seeds)])
    weight_p = np.stack([(np.arange(n_max) < N_MIN + m) | (y == 1) for m in m_s])
    weight = np.broadcast_to(weight_p, (n_seeds, *weight_p.shape))
    return x.astype(np.float32), y.astype(np.float32), weight.astype(np.float32)


def fit_stage(x, y, weight, devices, shared=True):
    """The fits, sharded over seeds on devices; shared: the engine's shape (lax.map over seeds,
    one seed's rows shared by its points), else one vmap over every fit with its own rows.
    Returns a runner and the compile seconds."""
    mesh = replicate_mesh(devices)
    spec = jax.sharding.PartitionSpec("replicate")
    def fit(a, c):
        return fit_logistic(a, jnp.asarray(y), c, l2=L2)

    if shared:
        def per_seed(a, c_p):
            return jax.vmap(lambda c: fit(a, c))(c_p)

        def local(a, c):
            return jax.lax.map(lambda args: per_seed(*args), (a, c), batch_size=1)

        run = jax.jit(jax.shard_map(local, mesh=mesh, in_specs=(spec, spec), out_specs=spec))
        args = (x, weight)
    else:
        n_points = weight.shape[1]
        run = jax.jit(jax.vmap(fit), in_shardings=(jax.sharding.NamedSharding(mesh, spec),) * 2)
        args = (np.repeat(x, n_points, axis=0), weight.reshape(-1, weight.shape[-1]))
    args = [jax.device_put(a, jax.sharding.NamedSharding(mesh, spec)) for a in args]
    start = time.perf_counter()
    jax.block_until_ready(run(*args))
    return (lambda: jax.block_until_ready(run(*args))), time.perf_counter() - start


def sklearn_loop(x, weight):
    for x_seed, weight_p in zip(x, weight, strict=True):
        for weight_n in weight_p:
            keep = weight_n > 0
            y_n = np.r_[np.zeros(keep.sum() - N_MAJ), np.ones(N_MAJ)]
            LogisticRegression(C=1.0 / L2, max_iter=1000).fit(x_seed[keep], y_n)


def sklearn_sweep(n_seeds, n_sizes):
    """The whole sweep as a Python loop: NumPy draws (once per seed, prefixes per size), a
    scikit-learn fit, the exact risk by SciPy."""
    rng = np.random.default_rng(1)
    mu_0, mu_1 = means_for_delta(D, SEPARATION)
    m_s = sizes(n_sizes)
    excess = []
    for _ in range(n_seeds):
        x_min, x_maj = rng.normal(size=(N_MIN + m_s[-1], D)) + mu_0, rng.normal(size=(N_MAJ, D)) + mu_1
        for m in m_s:
            x = np.concatenate([x_min[: N_MIN + m], x_maj])
            y = np.r_[np.zeros(N_MIN + m), np.ones(N_MAJ)]
            fit = LogisticRegression(C=1.0 / L2, max_iter=1000).fit(x, y)
            w, b = fit.coef_[0], fit.intercept_[0]
            norm_w = np.linalg.norm(w)
            error = 0.5 * (ndtr((w @ mu_0 + b) / norm_w) + ndtr(-(w @ mu_1 + b) / norm_w))
            excess.append(error - bayes_balanced_error(SEPARATION))
    return excess


def box_muller_draw(n: int, mu_d, chol_dd, *, key):
    """sims.gaussian.draw with the normals by Box-Muller from the key's uniform bits."""
    mu_d = jnp.asarray(mu_d)
    half = -(-n * mu_d.shape[0] // 2)
    u_2h = jax.random.uniform(key, (2, half), mu_d.dtype, minval=jnp.finfo(mu_d.dtype).tiny)
    radius_h, angle_h = jnp.sqrt(-2.0 * jnp.log(u_2h[0])), 2.0 * jnp.pi * u_2h[1]
    z_nd = jnp.concatenate([radius_h * jnp.cos(angle_h), radius_h * jnp.sin(angle_h)])[: n * mu_d.shape[0]]
    return mu_d[None, :] + z_nd.reshape(n, -1) @ chol_dd.T


def box_muller_perfect(x_real_nd, n_new, *, key, n_real, law):
    """The perfect generator (the true law) with its normals by Box-Muller."""
    x_nd = box_muller_draw(n_new, law.mu_d, jnp.linalg.cholesky(law.cov_dd), key=key)
    return Synthetic(x_nd, jnp.zeros((n_new, 0), jnp.int32))


BOX_MULLER_PERFECT = Generator("perfect", box_muller_perfect, "the true law, normals by Box-Muller")


def whole_sweep(args, grid, impl="threefry2x32", block=1, box_muller=False):
    """(seconds compiled, first-call seconds) of the engine's whole sweep with this bit generator,
    seeds per block and normals (erfinv, as jax.random.normal draws them, or Box-Muller). Each
    variant is a program of its own (another key type, block size or replicate), so its first
    call compiles."""
    gen, draw_rows = (BOX_MULLER_PERFECT, box_muller_draw) if box_muller else (registry.generator("perfect"), draw)
    replicate = oversampling_replicate(shapes_for(D, grid), (gen,), l2=L2, draw_rows=draw_rows)
    key = jax.random.key(0, impl=impl)

    def run():
        return run_sweep(replicate, key=key, n_seeds=args.seeds, grid=grid, options=SweepOptions(seed_block=block),
                         name=f"sweep speed {impl} block={block} box_muller={box_muller}",
                         chunk_size=args.seeds * args.sizes)

    first = median_seconds(run, 1)
    return median_seconds(run, args.repeats), first


def draw_seconds(n_seeds, m_max, repeats, impl="rbg"):
    """The sweep's draws alone, once per seed as the engine makes them: minority + synthetic, majority."""
    keys = jax.random.split(jax.random.key(0, impl=impl), n_seeds)

    def sums(key):
        rows = (N_MIN, N_MAJ, m_max)
        return sum(jax.random.normal(k, (n, D)).sum(0) for k, n in zip(jax.random.split(key, 3), rows, strict=True))

    sums = jax.jit(jax.vmap(sums))
    jax.block_until_ready(sums(keys))
    return median_seconds(lambda: jax.block_until_ready(sums(keys)), repeats)


def child_stages(args):
    """In a child process with its CPU devices set by the parent: the fit stage's and the whole
    sweep's seconds."""
    if args.one_core:  # before the XLA client starts its threads, which inherit the affinity
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    x, y, weight = seed_problems(args.seeds, args.sizes)
    run, _ = fit_stage(x, y, weight, jax.devices())
    print(json.dumps({"devices": len(jax.devices()), "fit": median_seconds(run, args.repeats),
                      "sweep": whole_sweep(args, sweep_grid(args))[0]}))


def sweep_grid(args):
    return {"n_min": np.full(args.sizes, N_MIN), "n_maj": np.full(args.sizes, N_MAJ), "m": sizes(args.sizes),
            "separation": np.full(args.sizes, SEPARATION), "shift": np.zeros(args.sizes), "angle": np.zeros(args.sizes)}


def child_seconds(args, n_devices, one_core=False):
    """The fit stage and whole sweep in a child with n_devices CPU devices, pinned to one core if
    asked (Linux): {"fit": seconds, "sweep": seconds}."""
    env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={n_devices}", "JAX_PLATFORMS": "cpu"}
    cmd = [sys.executable, __file__, "--child", "--seeds", str(args.seeds), "--sizes", str(args.sizes),
           "--repeats", str(args.repeats)] + ["--one-core"] * one_core
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=64)
    parser.add_argument("--sizes", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--one-core", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_stages(args)
    n_fits = args.seeds * args.sizes
    m_s = sizes(args.sizes)
    grid = sweep_grid(args)
    sweep_s, sweep_first = whole_sweep(args, grid)
    variants = [(f"whole sweep, {impl} keys", whole_sweep(args, grid, impl=impl)) for impl in IMPLS[1:]]
    variants.append(("whole sweep, Box-Muller normals", whole_sweep(args, grid, box_muller=True)))
    variants += [(f"whole sweep, {b} seeds a block", whole_sweep(args, grid, block=b)) for b in BLOCKS[1:]]
    draws_s = draw_seconds(args.seeds, m_s[-1], args.repeats, impl="threefry2x32")
    draws_rbg_s = draw_seconds(args.seeds, m_s[-1], args.repeats)
    sklearn_sweep_s = median_seconds(lambda: sklearn_sweep(args.seeds, args.sizes), 1)

    x, y, weight = seed_problems(args.seeds, args.sizes)
    fit_run, fit_compile = fit_stage(x, y, weight, jax.devices()[:1])
    fit_s = median_seconds(fit_run, args.repeats)
    unshared_run, _ = fit_stage(x, y, weight, jax.devices()[:1], shared=False)
    unshared_s = median_seconds(unshared_run, args.repeats)
    pinned = hasattr(os, "sched_setaffinity")
    one_core = child_seconds(args, 1, one_core=True) if pinned else {"fit": float("nan"), "sweep": float("nan")}
    two = child_seconds(args, 2)
    fit_one_core_s, fit2_s = one_core["fit"], two["fit"]
    sklearn_s = median_seconds(lambda: sklearn_loop(x, weight), 1)

    n_max = N_MIN + N_MAJ + m_s[-1]
    print(f"grid: {args.seeds} seeds x {args.sizes} synthetic sizes = {n_fits} logistic fits, d = {D}, "
          f"n = {N_MIN + N_MAJ}..{n_max} (padded to {n_max}), jax {jax.__version__}, "
          f"{jax.devices()[0].platform}, {os.cpu_count()} cores")
    rows = [("whole sweep: simulate + fit + risk (1 device)", sweep_s, sklearn_sweep_s),
            *[(name, seconds, sklearn_sweep_s) for name, (seconds, _) in variants],
            ("whole sweep, one core", one_core["sweep"], sklearn_sweep_s),
            ("whole sweep, 2 CPU devices", two["sweep"], sklearn_sweep_s),
            ("scikit-learn loop: NumPy draw + fit + risk", sklearn_sweep_s, sklearn_sweep_s),
            ("fit stage, rows shared per seed (1 device)", fit_s, sklearn_s),
            ("fit stage, rows shared per seed (one core)", fit_one_core_s, sklearn_s),
            ("fit stage, rows shared per seed (2 CPU devices)", fit2_s, sklearn_s),
            ("fit stage, one vmap, rows per fit (before)", unshared_s, sklearn_s),
            ("scikit-learn loop: fit only", sklearn_s, sklearn_s)]
    print(f"{'method':<52}{'seconds':>9}{'fits/s':>10}{'x sklearn':>11}")
    for name, seconds, reference in rows:
        print(f"{name:<52}{seconds:>9.3f}{n_fits / seconds:>10.0f}{reference / seconds:>11.1f}")
    print("(x sklearn: the sweep rows against the scikit-learn sweep loop, the fit rows against the fit loop)")
    print(f"compile: whole sweep first call {sweep_first:.2f} s vs {sweep_s:.2f} s compiled "
          f"(rbg keys: {variants[0][1][1]:.2f} s vs {variants[0][1][0]:.2f} s); "
          f"fit stage first call {fit_compile:.2f} s vs {fit_s:.3f} s")
    print(f"2 CPU devices against 1 device: {fit_s / fit2_s:.2f}x; 1 device against one core: "
          f"{fit_one_core_s / fit_s:.2f}x")
    print(f"draws, once per seed ({N_MIN + N_MAJ + m_s[-1]} x {D} normals): {draws_s:.3f} s with threefry = "
          f"{100 * draws_s / sweep_s:.0f}% of the whole sweep ({draws_s / (args.seeds * n_max * D) * 1e9:.1f} ns a "
          f"number); rbg {draws_rbg_s:.3f} s ({draws_rbg_s / (args.seeds * n_max * D) * 1e9:.1f} ns)")


if __name__ == "__main__":
    main()
