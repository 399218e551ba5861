"""The sweep engine: every replicate of a grid (seeds x grid points) in one compiled program.

A replicate function maps (point, *, key) to a dict of arrays, where point is a dict of scalars
(one grid point). It acts on one replicate and must have static shapes: sizes that vary over the
grid are carried as traced scalars and applied as 0/1 loss-weight masks on rows padded to the
largest size. Replicates of the same seed share their key, so every grid point of a seed sees the
same draws, and smaller sizes take nested prefixes of them (common random numbers): the engine
vmaps over the points inside each seed, so what a replicate draws from its key alone is computed
once per seed. Seeds are sharded over the devices (`jax.shard_map` on a one-axis `Mesh`), and each
device walks its seeds a block at a time (`lax.map`), so a block's fits run to convergence while
their rows sit in cache. The sweep runs in calls of equal shape, so it traces and compiles once.

The bootstrap over seeds (theory/stats/intervals.py) stays valid under common random numbers:
seeds are independent and it resamples whole curves, one per seed, never single points
(tests/sims/engine/test_common_random_numbers.py measures its coverage).

Everything a sweep depends on arrives as arguments: the runner builds a SweepOptions
(sims/engine/options.py) and passes it down. With options.checkpoint set, each finished chunk is
saved atomically in a folder named by the sweep's name, key, grid and chunking, and a rerun after
an interruption loads the chunks already done instead of recomputing them. Several hosts: see
sims/engine/hosts.py; the checkpoint folder must then be on a filesystem every process sees.
"""

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from synthlaw.sims.engine import progress
from synthlaw.sims.engine.hosts import REPLICATE_AXIS, agreed, replicate_mesh, to_devices, to_host
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.store import config_hash, write_atomic


class SweepResult(NamedTuple):
    """columns: tidy table, one row per (seed, grid point), seed-major; n_traces: times traced;
    n_chunks_run: chunks computed now (the rest were loaded from the checkpoint folder)."""

    columns: dict
    n_traces: int
    n_chunks_run: int


def seeds_per_call(n_seeds: int, n_points: int, n_dev: int, chunk_size: int | None, options: SweepOptions) -> int:
    """Seeds per compiled call (a checkpoint chunk): chunk_size replicates' worth, else the seeds
    over options.chunks calls (progress and resume granularity), a multiple of n_dev * seed_block."""
    step = n_dev * options.seed_block
    wanted = -(-n_seeds // options.chunks) if chunk_size is None else max(1, chunk_size // n_points)
    return -(-min(wanted, n_seeds) // step) * step


def points_per_call(n_points: int, replicate_bytes: int | None, options: SweepOptions) -> int:
    """Grid points per compiled call: all of them, unless seed_block seeds' worth of their
    replicates would pass the memory budget (large grids of one seed, as the paper sweeps)."""
    if replicate_bytes is None:
        return n_points
    return max(1, min(n_points, options.memory_budget // (options.seed_block * replicate_bytes)))


def run_sweep(
    replicate_fn: Callable,
    *,
    key,
    n_seeds: int,
    grid: dict,
    options: SweepOptions,
    name: str,
    chunk_size: int | None = None,
    replicate_bytes: int | None = None,
    devices=None,
    shared: dict | None = None,
) -> SweepResult:
    """Run replicate_fn on every (seed, grid point); grid maps names to equal-length arrays.

    options: the memory budget, checkpoint folder, seeds per block and default chunking. name: a
    short stable label of what replicate_fn computes beyond the key and grid (e.g. "IMB-4:
    oversampling d=8 generators=ros,smote l2=0.0"); with the key, grid and chunking it names the sweep's
    checkpoint folder, so two sweeps of different replicates never share chunks. chunk_size:
    replicates per compiled call (the checkpoint and progress unit); by default the seeds over
    options.chunks calls. replicate_bytes (an estimate of one replicate's working memory) and the
    memory budget bound the grid points of one call. All calls share one compiled program. Each
    finished call is reported to sims/engine/progress.py. shared: arrays every replicate reads
    (a real table), passed to replicate_fn as `shared=` and into the program as arguments: a large
    array closed over by replicate_fn would be embedded in the compiled program as a constant,
    which costs about four times its size in memory (measured: +1.0 GB for a 260 MB table).
    """
    names = list(grid)
    n_points = len(next(iter(grid.values())))
    point_values = {name: np.asarray(grid[name]) for name in names}
    mesh = replicate_mesh(devices)
    n_dev = mesh.devices.size
    seed_call = seeds_per_call(n_seeds, n_points, n_dev, chunk_size, options)
    point_call = points_per_call(n_points, replicate_bytes, options)
    batched, traces = compiled_sweep(replicate_fn, tuple(names), mesh, options.seed_block, shared is not None)
    traces_before = len(traces)
    seed_sharding = NamedSharding(mesh, PartitionSpec(REPLICATE_AXIS))
    replicated = NamedSharding(mesh, PartitionSpec())
    arguments = () if shared is None else ({k: to_devices(v, replicated) for k, v in shared.items()},)
    saved = chunk_folder(options.checkpoint, name, {"seed": np.arange(n_seeds), **point_values},
                         (seed_call, point_call), key=key)
    calls = [(s, p) for p in range(0, n_points, point_call) for s in range(0, n_seeds, seed_call)]
    blocks, n_run = {}, 0
    for index, (s_start, p_start) in enumerate(calls):
        s_stop, p_stop = min(s_start + seed_call, n_seeds), min(p_start + point_call, n_points)
        path = None if saved is None else saved / f"{index:05d}.npz"
        if path is not None and agreed(path.exists()):
            blocks[s_start, p_start] = dict(np.load(path))
        else:
            seeds = np.minimum(np.arange(s_start, s_start + seed_call), s_stop - 1)  # padding repeats the last
            take = np.minimum(np.arange(p_start, p_start + point_call), p_stop - 1)
            points = {name: to_devices(value[take], replicated) for name, value in point_values.items()}
            out = batched(key, to_devices(seeds, seed_sharding), points, *arguments)
            n_s, n_p = s_stop - s_start, p_stop - p_start
            blocks[s_start, p_start] = {k: to_host(v)[:n_s, :n_p] for k, v in out.items()}
            n_run += 1
            if path is not None:
                buffer = io.BytesIO()
                np.savez(buffer, **blocks[s_start, p_start])
                write_atomic(path, buffer.getvalue())
        progress.report("sweep chunks", index + 1, len(calls))
    rows = [jax.tree.map(lambda *parts: np.concatenate(parts, axis=1),
                         *[blocks[s, p] for p in range(0, n_points, point_call)])
            for s in range(0, n_seeds, seed_call)]
    merged = jax.tree.map(lambda *parts: np.concatenate(parts).reshape(n_seeds * n_points, *parts[0].shape[2:]), *rows)
    inputs = {"seed": np.repeat(np.arange(n_seeds), n_points),
              **{name: np.tile(value, (n_seeds,) + (1,) * (value.ndim - 1)) for name, value in point_values.items()}}
    return SweepResult({**inputs, **flatten_columns(merged)}, len(traces) - traces_before, n_run)


def chunk_folder(checkpoint: Path | None, name: str, inputs: dict, chunk: tuple, *, key) -> Path | None:
    """The folder of a sweep's chunks under checkpoint, named by the hash of the sweep's name, key,
    inputs (seeds and grid) and chunking (seeds, points per call); None without a checkpoint."""
    if checkpoint is None:
        return None
    identity = {"name": name, "key": np.asarray(jax.random.key_data(key)).tolist(),
                "impl": str(jax.random.key_impl(key)), "chunk": list(chunk),
                "inputs": {column: value.tolist() for column, value in inputs.items()}}
    return checkpoint / config_hash(identity)


@functools.lru_cache(maxsize=64)
def compiled_sweep(replicate_fn: Callable, names: tuple, mesh: Mesh, seed_block: int, with_shared: bool = False):
    """The sweep's one program, (key, seeds, points[, shared]) -> outputs (seed, point, ...), and its
    trace log; with_shared passes the shared arrays on to replicate_fn (run_sweep).

    Seeds are sharded over mesh (shard_map); on each device lax.map walks them seed_block at a
    time, and each block vmaps replicate_fn over the seeds and, inside, over the grid points.
    A seed's key is the same at every point, so whatever a replicate computes from the key alone
    (the real rows, the synthetic draws at the largest size) is not batched over the points: it
    is drawn once per seed, and smaller sizes use its prefixes (common random numbers). The
    fits of a block run to the end while its rows sit in cache. Cached on what the program
    depends on (the replicate function, the grid's names, the mesh and seed_block), so repeated
    sweeps of one replicate function reuse one compilation for each input shape: experiments build
    their replicate functions through memoised factories, so the same settings give the same
    function object.
    """
    traces = []

    def one_seed(key, seed, points, *shared):
        traces.append(1)
        seed_key = jax.random.fold_in(key, seed)
        extra = {"shared": shared[0]} if shared else {}
        return jax.vmap(lambda point: replicate_fn({name: point[name] for name in names}, key=seed_key,
                                                   **extra))(points)

    def local(key, seeds, points, *shared):
        return jax.lax.map(lambda seed: one_seed(key, seed, points, *shared), seeds, batch_size=seed_block)

    spec, whole = PartitionSpec(REPLICATE_AXIS), PartitionSpec()
    in_specs = (whole, spec, whole) + ((whole,) if with_shared else ())
    sharded = jax.shard_map(local, mesh=mesh, in_specs=in_specs, out_specs=spec)
    return jax.jit(sharded), traces


def flatten_columns(outputs: dict) -> dict:
    """Scalars per replicate stay columns; a vector output v becomes columns v_0, v_1, ..."""
    columns = {}
    for name, value in outputs.items():
        value = np.asarray(value)
        if value.ndim == 1:
            columns[name] = value
        else:
            for j in range(value.shape[1]):
                columns[f"{name}_{j}"] = value[:, j]
    return columns


def padding_mask(n_valid, n_max: int, dtype=jnp.float32):
    """0/1 weights: 1 on the first n_valid of n_max padded rows."""
    return (jnp.arange(n_max) < n_valid).astype(dtype)
