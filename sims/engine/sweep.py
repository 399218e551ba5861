"""The sweep engine: every replicate of a grid (seeds x grid points) in one compiled program.

A replicate function maps (key, point) to a dict of arrays, where point is a dict of scalars (one
grid point). It acts on one replicate and must have static shapes: sizes that vary over the grid
are carried as traced scalars and applied as 0/1 loss-weight masks on rows padded to the largest
size. Replicates of the same seed share their key, so every grid point of a seed sees the same
draws, and smaller sizes take nested prefixes of them (common random numbers): the engine vmaps
over the points inside each seed, so what a replicate draws from its key alone is computed once
per seed. Seeds are sharded over the devices (`jax.shard_map` on a one-axis `Mesh`), and each
device walks its seeds a block at a time (`lax.map`), so a block's fits run to convergence while
their rows sit in cache. The sweep runs in calls of equal shape, so it traces and compiles once.

The bootstrap over seeds (theory/stats/intervals.py) stays valid under common random numbers:
seeds are independent and it resamples whole curves, one per seed, never single points
(tests/sims/test_common_random_numbers.py measures its coverage).

Inside `sweep_settings(checkpoint=FOLDER)` each finished chunk is saved atomically, and a rerun
after an interruption loads the chunks already done instead of recomputing them.

Several hosts: after `start_distributed`, jax.devices() spans every process, each process feeds
and computes its own shards, every process receives the whole table (to_host), process 0 alone
writes files (store.is_writer), and decisions read from disk are process 0's (agreed), so the
checkpoint folder must be on a filesystem every process sees.
"""

import contextlib
import contextvars
import functools
import io
import itertools
from pathlib import Path
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from synthlaw.sims.engine import progress
from synthlaw.sims.engine.store import config_hash, write_atomic

REPLICATE_AXIS = "replicate"
DEFAULT_MEMORY_BUDGET = 4 * 2**30
SEED_BLOCK = 1  # seeds a lax.map step computes together (benchmarks/sweep_speed.py measures 1, 2, 4, 8)
CHUNKS = 8  # compiled calls a sweep is cut into by default, for progress and resume
_SETTINGS = contextvars.ContextVar("sweep_settings", default=None)


class SweepResult(NamedTuple):
    """columns: tidy table, one row per (seed, grid point), seed-major; n_traces: times traced;
    n_chunks_run: chunks computed now (the rest were loaded from the checkpoint folder)."""

    columns: dict
    n_traces: int
    n_chunks_run: int


@contextlib.contextmanager
def sweep_settings(*, checkpoint: Path | None = None, memory_budget: int = DEFAULT_MEMORY_BUDGET):
    """Settings for every run_sweep inside the block: a chunk checkpoint folder and a memory budget
    in bytes. Sweeps in the block are numbered in call order, which must be deterministic."""
    token = _SETTINGS.set({"checkpoint": checkpoint, "memory_budget": memory_budget, "count": itertools.count()})
    try:
        yield
    finally:
        _SETTINGS.reset(token)


def start_distributed(spec: str) -> None:
    """Join a multi-host run: spec is "auto" (a cluster JAX detects: SLURM, Open MPI, ...) or
    "HOST:PORT,NUM_PROCESSES,PROCESS_ID" (process 0 serves at HOST:PORT). Raises ValueError."""
    allowed = "must be 'auto' or 'HOST:PORT,NUM_PROCESSES,PROCESS_ID' with 0 <= PROCESS_ID < NUM_PROCESSES"
    if spec == "auto":
        try:
            jax.distributed.initialize()
        except ValueError as err:
            raise ValueError(f"--distributed = 'auto': no cluster detected ({err}); {allowed}") from None
        return
    parts = [part.strip() for part in spec.split(",")]
    host, _, port = parts[0].rpartition(":")
    numbers_ok = len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit()
    if not (host and port.isdigit() and numbers_ok and int(parts[2]) < int(parts[1])):
        raise ValueError(f"--distributed = {spec!r}: {allowed}")
    jax.distributed.initialize(parts[0], num_processes=int(parts[1]), process_id=int(parts[2]))


def to_devices(value: np.ndarray, sharding: NamedSharding) -> jax.Array:
    """A host array (the same on every process) placed on sharding; each process puts its shards."""
    value = np.asarray(value)
    return jax.make_array_from_callback(value.shape, sharding, lambda index: value[index])


def to_host(array: jax.Array) -> np.ndarray:
    """The whole of a (possibly multi-host) sharded array, as NumPy, on every process."""
    if jax.process_count() == 1:
        return np.asarray(array)
    return np.asarray(multihost_utils.process_allgather(array, tiled=True))


def agreed(flag: bool) -> bool:
    """flag as process 0 sees it, on every process, so all of them take the same branch."""
    if jax.process_count() == 1:
        return flag
    return bool(multihost_utils.broadcast_one_to_all(np.asarray(flag)))


def replicate_mesh(devices=None) -> Mesh:
    """A one-axis mesh over the given devices (all of jax.devices() by default)."""
    devices = jax.devices() if devices is None else devices
    axis_types = {}
    if hasattr(jax.sharding, "AxisType"):
        axis_types = {"axis_types": (jax.sharding.AxisType.Auto,)}
    return Mesh(np.asarray(devices), (REPLICATE_AXIS,), **axis_types)


def seeds_per_call(n_seeds: int, n_points: int, n_dev: int, chunk_size: int | None) -> int:
    """Seeds per compiled call (a checkpoint chunk): chunk_size replicates' worth, else about an
    eighth of the seeds (progress and resume granularity), a multiple of n_dev * SEED_BLOCK."""
    step = n_dev * SEED_BLOCK
    wanted = -(-n_seeds // CHUNKS) if chunk_size is None else max(1, chunk_size // n_points)
    return -(-min(wanted, n_seeds) // step) * step


def points_per_call(n_points: int, replicate_bytes: int | None) -> int:
    """Grid points per compiled call: all of them, unless SEED_BLOCK seeds' worth of their
    replicates would pass the memory budget (large grids of one seed, as the paper sweeps)."""
    if replicate_bytes is None:
        return n_points
    budget = (_SETTINGS.get() or {"memory_budget": DEFAULT_MEMORY_BUDGET})["memory_budget"]
    return max(1, min(n_points, budget // (SEED_BLOCK * replicate_bytes)))


def run_sweep(
    replicate_fn: Callable,
    *,
    key,
    n_seeds: int,
    grid: dict,
    chunk_size: int | None = None,
    replicate_bytes: int | None = None,
    devices=None,
) -> SweepResult:
    """Run replicate_fn on every (seed, grid point); grid maps names to equal-length arrays.

    chunk_size: replicates per compiled call (the checkpoint and progress unit); by default about
    an eighth of the seeds a call. replicate_bytes (an estimate of one replicate's working memory)
    and the settings' memory budget bound the grid points of one call. All calls share one
    compiled program. Each finished call is reported to sims/engine/progress.py.
    """
    names = list(grid)
    n_points = len(next(iter(grid.values())))
    point_values = {name: np.asarray(grid[name]) for name in names}
    mesh = replicate_mesh(devices)
    n_dev = mesh.devices.size
    seed_call = seeds_per_call(n_seeds, n_points, n_dev, chunk_size)
    point_call = points_per_call(n_points, replicate_bytes)
    batched, traces = compiled_sweep(replicate_fn, tuple(names), mesh)
    traces_before = len(traces)
    seed_sharding = NamedSharding(mesh, PartitionSpec(REPLICATE_AXIS))
    replicated = NamedSharding(mesh, PartitionSpec())
    saved = chunk_files(key, {"seed": np.arange(n_seeds), **point_values}, (seed_call, point_call))
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
            out = batched(key, to_devices(seeds, seed_sharding), points)
            blocks[s_start, p_start] = jax.tree.map(lambda a: to_host(a)[: s_stop - s_start, : p_stop - p_start], out)
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


def chunk_files(key, inputs: dict, chunk: tuple) -> Path | None:
    """The checkpoint folder of this sweep's chunks, named by its order and inputs; None if off."""
    settings = _SETTINGS.get()
    if settings is None or settings["checkpoint"] is None:
        return None
    identity = {"key": np.asarray(jax.random.key_data(key)).tolist(), "impl": str(jax.random.key_impl(key)),
                "chunk": list(chunk),
                "inputs": {name: value.tolist() for name, value in inputs.items()}}
    return Path(settings["checkpoint"]) / f"{next(settings['count']):03d}-{config_hash(identity)}"


@functools.lru_cache(maxsize=64)
def compiled_sweep(replicate_fn: Callable, names: tuple, mesh: Mesh):
    """The sweep's one program, (key, seeds, points) -> outputs (seed, point, ...), and its trace log.

    Seeds are sharded over mesh (shard_map); on each device lax.map walks them SEED_BLOCK at a
    time, and each block vmaps replicate_fn over the seeds and, inside, over the grid points.
    A seed's key is the same at every point, so whatever a replicate computes from the key alone
    (the real rows, the synthetic draws at the largest size) is not batched over the points: it
    is drawn once per seed, and smaller sizes use its prefixes (common random numbers). The
    fits of a block run to the end while its rows sit in cache. Cached per replicate function,
    so repeated sweeps of the same function reuse one compilation for each input shape.
    """
    traces = []

    def one_seed(key, seed, points):
        traces.append(1)
        seed_key = jax.random.fold_in(key, seed)
        return jax.vmap(lambda point: replicate_fn(seed_key, {name: point[name] for name in names}))(points)

    def local(key, seeds, points):
        return jax.lax.map(lambda seed: one_seed(key, seed, points), seeds, batch_size=SEED_BLOCK)

    spec, whole = PartitionSpec(REPLICATE_AXIS), PartitionSpec()
    sharded = jax.shard_map(local, mesh=mesh, in_specs=(whole, spec, whole), out_specs=spec)
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
