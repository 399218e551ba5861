"""The sweep engine: every replicate of a grid (seeds x grid points) in one compiled program.

A replicate function maps (key, point) to a dict of arrays, where point is a dict of scalars (one
grid point). It acts on one replicate and must have static shapes: sizes that vary over the grid
are carried as traced scalars and applied as 0/1 loss-weight masks on rows padded to the largest
size. The engine vmaps it over the replicate axis, shards that axis over the devices with a
`Mesh` and `NamedSharding`, and runs it in equal chunks, so the whole sweep traces and compiles
once. Replicates of the same seed share their key: every grid point sees the same real data.
"""

import functools
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

REPLICATE_AXIS = "replicate"


class SweepResult(NamedTuple):
    """columns: tidy table, one row per (seed, grid point), seed-major; n_traces: times traced."""

    columns: dict
    n_traces: int


def replicate_mesh(devices=None) -> Mesh:
    """A one-axis mesh over the given devices (all of jax.devices() by default)."""
    devices = jax.devices() if devices is None else devices
    axis_types = {}
    if hasattr(jax.sharding, "AxisType"):
        axis_types = {"axis_types": (jax.sharding.AxisType.Auto,)}
    return Mesh(np.asarray(devices), (REPLICATE_AXIS,), **axis_types)


def run_sweep(
    replicate_fn: Callable,
    *,
    key,
    n_seeds: int,
    grid: dict,
    chunk_size: int | None = None,
    devices=None,
) -> SweepResult:
    """Run replicate_fn on every (seed, grid point); grid maps names to equal-length 1-D arrays.

    chunk_size bounds how many replicates run at once (rounded up to a multiple of the device
    count); all chunks share one compiled program.
    """
    names = list(grid)
    n_points = len(next(iter(grid.values())))
    seed_r = np.repeat(np.arange(n_seeds), n_points)
    point_r = np.tile(np.arange(n_points), n_seeds)
    inputs = {"seed": seed_r, **{name: np.asarray(grid[name])[point_r] for name in names}}
    n_rep = len(seed_r)

    mesh = replicate_mesh(devices)
    n_dev = mesh.devices.size
    chunk = n_rep if chunk_size is None else min(chunk_size, n_rep)
    chunk = -(-chunk // n_dev) * n_dev
    batched, traces = compiled_sweep(replicate_fn, tuple(names), mesh)
    traces_before = len(traces)
    sharding = NamedSharding(mesh, PartitionSpec(REPLICATE_AXIS))
    outputs = []
    for start in range(0, n_rep, chunk):
        stop = min(start + chunk, n_rep)
        take = np.minimum(np.arange(start, start + chunk), stop - 1)
        chunk_inputs = {name: jax.device_put(value[take], sharding) for name, value in inputs.items()}
        result = batched(key, chunk_inputs)
        outputs.append(jax.tree.map(lambda a: np.asarray(a)[: stop - start], result))
    merged = jax.tree.map(lambda *parts: np.concatenate(parts), *outputs)
    columns = {**inputs, **flatten_columns(merged)}
    return SweepResult(columns, len(traces) - traces_before)


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
