"""The sweep engine: every replicate of a grid (seeds x grid points) in one compiled program.

A replicate function maps (key, point) to a dict of arrays, where point is a dict of scalars (one
grid point). It acts on one replicate and must have static shapes: sizes that vary over the grid
are carried as traced scalars and applied as 0/1 loss-weight masks on rows padded to the largest
size. The engine vmaps it over the replicate axis, shards that axis over the devices with a
`Mesh` and `NamedSharding`, and runs it in equal chunks sized from a memory budget, so the whole
sweep traces and compiles once. Replicates of the same seed share their key: every grid point
sees the same real data.

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

from synthlaw.sims.store import config_hash, write_atomic

REPLICATE_AXIS = "replicate"
DEFAULT_MEMORY_BUDGET = 4 * 2**30
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


def chunk_length(n_rep: int, n_dev: int, chunk_size: int | None, replicate_bytes: int | None) -> int:
    """Replicates per chunk: chunk_size, else what the memory budget allows, rounded up to a
    multiple of the device count."""
    settings = _SETTINGS.get() or {"memory_budget": DEFAULT_MEMORY_BUDGET}
    if chunk_size is None:
        chunk_size = n_rep if replicate_bytes is None else max(1, settings["memory_budget"] // replicate_bytes)
    chunk = min(chunk_size, n_rep)
    return -(-chunk // n_dev) * n_dev


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
    """Run replicate_fn on every (seed, grid point); grid maps names to equal-length 1-D arrays.

    chunk_size bounds how many replicates run at once; without it, replicate_bytes (an estimate
    of one replicate's working memory) and the settings' memory budget set it. All chunks share
    one compiled program.
    """
    names = list(grid)
    n_points = len(next(iter(grid.values())))
    seed_r = np.repeat(np.arange(n_seeds), n_points)
    point_r = np.tile(np.arange(n_points), n_seeds)
    inputs = {"seed": seed_r, **{name: np.asarray(grid[name])[point_r] for name in names}}
    n_rep = len(seed_r)

    mesh = replicate_mesh(devices)
    chunk = chunk_length(n_rep, mesh.devices.size, chunk_size, replicate_bytes)
    batched, traces = compiled_sweep(replicate_fn, tuple(names), mesh)
    traces_before = len(traces)
    sharding = NamedSharding(mesh, PartitionSpec(REPLICATE_AXIS))
    saved = chunk_files(key, inputs, chunk)
    outputs, n_run = [], 0
    for index, start in enumerate(range(0, n_rep, chunk)):
        stop = min(start + chunk, n_rep)
        path = None if saved is None else saved / f"{index:05d}.npz"
        if path is not None and agreed(path.exists()):
            outputs.append(dict(np.load(path)))
            continue
        take = np.minimum(np.arange(start, start + chunk), stop - 1)
        chunk_inputs = {name: to_devices(value[take], sharding) for name, value in inputs.items()}
        result = jax.tree.map(lambda a: to_host(a)[: stop - start], batched(key, chunk_inputs))
        n_run += 1
        if path is not None:
            buffer = io.BytesIO()
            np.savez(buffer, **result)
            write_atomic(path, buffer.getvalue())
        outputs.append(result)
    merged = jax.tree.map(lambda *parts: np.concatenate(parts), *outputs)
    return SweepResult({**inputs, **flatten_columns(merged)}, len(traces) - traces_before, n_run)


def chunk_files(key, inputs: dict, chunk: int) -> Path | None:
    """The checkpoint folder of this sweep's chunks, named by its order and inputs; None if off."""
    settings = _SETTINGS.get()
    if settings is None or settings["checkpoint"] is None:
        return None
    identity = {"key": np.asarray(jax.random.key_data(key)).tolist(), "chunk": chunk,
                "inputs": {name: value.tolist() for name, value in inputs.items()}}
    return Path(settings["checkpoint"]) / f"{next(settings['count']):03d}-{config_hash(identity)}"


@functools.lru_cache(maxsize=64)
def compiled_sweep(replicate_fn: Callable, names: tuple, mesh: Mesh):
    """jit(vmap(replicate_fn)) over the replicate axis, sharded over mesh, and its trace log.

    Cached per replicate function, so repeated sweeps of the same function (benchmarks, chunks)
    reuse one compilation for each input shape.
    """
    traces = []

    def one(key, inputs_r):
        traces.append(1)
        point = {name: inputs_r[name] for name in names}
        return replicate_fn(jax.random.fold_in(key, inputs_r["seed"]), point)

    replicated = NamedSharding(mesh, PartitionSpec())
    sharded = NamedSharding(mesh, PartitionSpec(REPLICATE_AXIS))
    return jax.jit(jax.vmap(one, in_axes=(None, 0)), in_shardings=(replicated, sharded)), traces


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
