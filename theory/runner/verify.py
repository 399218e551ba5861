"""The verify runner: measure (or reuse), predict and judge each claim; save the tables.

Each claim's results live in OUT/CLAIM/: table.csv (tidy, one row per seed and grid point) and
meta.json (config, versions, dtype, seed, source fingerprint, hash). meta.json is written last,
so a folder whose meta.json carries the current hash holds a complete table that a second run
reuses; the hash covers the config, the dtype, the seed and the fingerprint of the package's
source, so a changed source file makes the next run measure again. The prediction is cached
beside them (runner/saved.py).
"""

import dataclasses
import platform
import shutil
import threading
import time
from concurrent.futures import Future
from pathlib import Path

import jax
import numpy as np

import synthlaw
from synthlaw.sims.engine.fingerprint import source_fingerprint
from synthlaw.sims.engine.hosts import agreed, is_writer
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.store import config_hash, read_json, read_table, write_json, write_table
from synthlaw.theory.claims.check import Claim
from synthlaw.theory.claims.spec import Config
from synthlaw.theory.runner.outcome import Outcome
from synthlaw.theory.runner.saved import save_prediction, saved_prediction


class NonFiniteResult(RuntimeError):
    """A sweep gave NaN or infinity: reported as one line, the claim's table is not written."""


def check_finite(claim_id: str, columns: dict) -> None:
    """Raise NonFiniteResult naming the column, the count and the first bad replicate."""
    for name, values in columns.items():
        if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
            bad = np.flatnonzero(~np.isfinite(values))
            where = ", ".join(f"{k} {columns[k][bad[0]]}" for k in columns if k != name)
            raise NonFiniteResult(f"{claim_id}: {len(bad)} of {len(values)} replicates gave a non-finite "
                                  f"{name} (first: {where}); nothing was written for this claim")


def versions() -> dict:
    """Versions and devices that produced a result."""
    import flax
    import optax
    import scipy

    return {"synthlaw": synthlaw.__version__, "python": platform.python_version(), "jax": jax.__version__,
            "flax": flax.__version__, "optax": optax.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "devices": [str(d) for d in jax.devices()]}


def dtype_name() -> str:
    return "float64" if jax.config.values["jax_enable_x64"] else "float32"


def rng_name() -> str:
    """The random bit generator that jax.random.key uses in this process (--rng)."""
    return str(jax.config.values["jax_default_prng_impl"])


def claim_identity(claim: Claim, config: Config, seed: int) -> dict:
    """What a saved table depends on; its hash names the table's chunk folder and is kept in meta.json."""
    return {"claim": claim.id, "config": config.as_dict(), "dtype": dtype_name(), "rng": rng_name(), "seed": seed,
            "source": source_fingerprint()}


def run_claim(claim: Claim, config: Config, out_dir: Path, *, force: bool, options: SweepOptions,
              seed: int = 0) -> Outcome:
    """Measure claim (or reuse a saved table with the same hash) while predicting it, then judge.

    options: the sweep options (memory budget, seeds per block, chunking); their checkpoint is set
    here: while measuring, finished sweep chunks are kept in CLAIM/chunks/HASH/, so a run that was
    interrupted resumes where it stopped; they are removed once the table is written, and at the
    start of a run with force.
    """
    identity = claim_identity(claim, config, seed)
    digest = config_hash(identity)
    folder = Path(out_dir) / claim.id
    meta_path = folder / "meta.json"
    start = time.perf_counter()
    saved = saved_prediction(claim, config, folder)
    predicting = started(claim.predict, config) if saved is None else None
    reused = agreed(not force and meta_path.exists() and read_json(meta_path).get("hash") == digest)
    if reused:
        columns = read_table(folder / "table.csv")
        meta = read_json(meta_path)
    else:
        if force and is_writer():
            shutil.rmtree(folder / "chunks", ignore_errors=True)
        checkpointed = dataclasses.replace(options, checkpoint=folder / "chunks" / digest)
        columns = claim.measure(config, key=claim_key(claim.id, seed), options=checkpointed)
        check_finite(claim.id, columns)
        write_table(folder / "table.csv", columns)
        meta = {**identity, "hash": digest, "versions": versions(), "measure_seconds": time.perf_counter() - start}
        write_json(meta_path, meta)
        if is_writer():
            shutil.rmtree(folder / "chunks", ignore_errors=True)
    prediction = save_prediction(claim, config, folder, predicting.result()) if predicting is not None else saved
    assert prediction is not None  # saved, or just computed
    checks = claim.judge(columns, config, prediction)
    return Outcome(claim, config, columns, prediction, checks, time.perf_counter() - start, reused, meta)


def started(fn, *args) -> Future:
    """fn(*args) running on a daemon thread. A claim's prediction (NumPy, one core) runs there beside its
    measurement (JAX), here and in calibrate, so both of a 2-core machine's cores work: IMB-6's quick verify
    took 34 s in turn and 23 s side by side (docs/performance.md). A daemon, so an interrupted measurement
    does not wait for it."""
    future = Future()

    def run():
        try:
            future.set_result(fn(*args))
        except BaseException as error:  # handed to whoever waits on the result
            future.set_exception(error)

    threading.Thread(target=run, daemon=True).start()
    return future


def claim_key(claim_id: str, seed: int):
    """The claim's key for a base seed: each claim draws its own random stream."""
    return jax.random.fold_in(jax.random.key(seed), int(config_hash({"id": claim_id})[:8], 16))
