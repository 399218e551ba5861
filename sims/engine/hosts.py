"""Several hosts: joining a multi-host run, the replicate mesh, and moving arrays between hosts.

After `start_distributed`, jax.devices() spans every process: each process feeds and computes its
own shards (to_devices), every process receives the whole table (to_host), process 0 alone writes
files (is_writer), and decisions read from disk are process 0's (agreed), so a checkpoint folder
must be on a filesystem every process sees. With one process every function here is the plain
single-host operation.
"""

import jax
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import Mesh, NamedSharding

REPLICATE_AXIS = "replicate"


def start_distributed(spec: str) -> None:
    """Join a multi-host run: spec is "auto" (a cluster JAX detects: SLURM, Open MPI, ...) or
    "HOST:PORT,NUM_PROCESSES,PROCESS_ID" (process 0 serves at HOST:PORT). Raises ValueError
    naming the field `distributed`."""
    allowed = "must be 'auto' or 'HOST:PORT,NUM_PROCESSES,PROCESS_ID' with 0 <= PROCESS_ID < NUM_PROCESSES"
    if spec == "auto":
        try:
            jax.distributed.initialize()
        except ValueError as err:
            raise ValueError(f"distributed = 'auto': no cluster detected ({err}); {allowed}") from None
        return
    parts = [part.strip() for part in spec.split(",")]
    host, _, port = parts[0].rpartition(":")
    numbers_ok = len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit()
    if not (host and port.isdigit() and numbers_ok and int(parts[2]) < int(parts[1])):
        raise ValueError(f"distributed = {spec!r}: {allowed}")
    jax.distributed.initialize(parts[0], num_processes=int(parts[1]), process_id=int(parts[2]))


def is_writer() -> bool:
    """Whether this process writes files: the only process, or process 0 of a multi-host run."""
    return jax.process_index() == 0


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


def to_devices(value: np.ndarray, sharding: NamedSharding) -> jax.Array:
    """A host array (the same on every process) placed on sharding; each process puts its shards."""
    value = np.asarray(value)
    return jax.make_array_from_callback(value.shape, sharding, lambda index: value[index])


def to_host(array: jax.Array) -> np.ndarray:
    """The whole of a (possibly multi-host) sharded array, as NumPy, on every process."""
    if jax.process_count() == 1:
        return np.asarray(array)
    return np.asarray(multihost_utils.process_allgather(array, tiled=True))
