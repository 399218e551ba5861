"""A sweep killed midway resumes from its saved chunks to the same final table; a sweep's chunk
folder is named by what it computes, so sweeps of different names never share chunks."""

import os
import signal
import subprocess
import sys

import jax
import numpy as np

from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import run_sweep

CHILD = r"""
import os, signal, sys
import jax, numpy as np
import synthlaw.sims.engine.sweep as sweep
from synthlaw.sims.engine.compile_cache import enable_compile_cache
from synthlaw.sims.engine.options import SweepOptions
from tests_resume_case import case

enable_compile_cache()  # the session's folder (tests/conftest.py): the resumed sweep below reads its program

written = []
real_write = sweep.write_atomic
def write_then_die(path, data):
    if len(written) == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # a hard kill after three chunks are on disk
    real_write(path, data)
    written.append(path)
sweep.write_atomic = write_then_die
replicate, grid = case()
sweep.run_sweep(replicate, key=jax.random.key(4), n_seeds=6, grid=grid, options=SweepOptions(checkpoint=sys.argv[1]),
                name="smote", chunk_size=2)
"""

CASE = r"""
import numpy as np
from synthlaw.models import registry
from synthlaw.theory.experiments.oversampling import oversampling_replicate, shapes_for

def case():
    grid = {"n_min": np.array([50, 80]), "n_maj": np.array([200, 200]), "m": np.array([150, 120]),
            "separation": np.full(2, 2.0), "shift": np.zeros(2), "angle": np.zeros(2)}
    return oversampling_replicate(shapes_for(3, grid), (registry.generator("smote"),)), grid
"""


def test_killed_sweep_resumes_to_the_same_table(tmp_path):
    (tmp_path / "tests_resume_case.py").write_text(CASE)
    checkpoint = tmp_path / "chunks"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    child = subprocess.run([sys.executable, "-c", CHILD, str(checkpoint)], env=env, capture_output=True,
                           text=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    saved = sorted(checkpoint.rglob("*.npz"))
    assert len(saved) == 3 and not list(checkpoint.rglob("*.tmp"))

    sys.path.insert(0, str(tmp_path))
    try:
        from tests_resume_case import case
    finally:
        sys.path.remove(str(tmp_path))
    replicate, grid = case()
    resumed = run_sweep(replicate, key=jax.random.key(4), n_seeds=6, grid=grid,
                        options=SweepOptions(checkpoint=checkpoint), name="smote", chunk_size=2)
    whole = run_sweep(replicate, key=jax.random.key(4), n_seeds=6, grid=grid, options=SweepOptions(), name="smote")
    assert resumed.n_chunks_run == 6 - 3
    for name, column in whole.columns.items():
        np.testing.assert_allclose(resumed.columns[name], column, rtol=1e-5, atol=1e-7)


def shifted(offset):
    def replicate(point, *, key):
        return {"value": jax.random.normal(key) + point["m"] + offset}

    return replicate


def test_sweeps_of_different_names_keep_their_own_chunks_and_a_rerun_resumes(tmp_path):
    """Two sweeps of one claim with the same key and grid (IMB-4 runs one per d) but different
    replicates: the second must not load the first's chunks; each rerun loads its own."""
    options = SweepOptions(checkpoint=tmp_path)
    common = {"key": jax.random.key(9), "n_seeds": 4, "grid": {"m": np.arange(3.0)}, "options": options,
              "chunk_size": 6}
    first = run_sweep(shifted(0.0), **common, name="offset 0")
    second = run_sweep(shifted(100.0), **common, name="offset 100")
    assert first.n_chunks_run == second.n_chunks_run == 2  # computed, not loaded from the other's folder
    np.testing.assert_allclose(second.columns["value"] - first.columns["value"], 100.0, rtol=1e-6)
    folders = sorted(p for p in tmp_path.iterdir())
    assert len(folders) == 2 and all(len(list(f.glob("*.npz"))) == 2 for f in folders)
    again = run_sweep(shifted(100.0), **common, name="offset 100")
    assert again.n_chunks_run == 0  # every chunk loaded from its own folder
    for name, column in second.columns.items():
        np.testing.assert_array_equal(again.columns[name], column)
    other_chunking = run_sweep(shifted(100.0), **{**common, "chunk_size": 3}, name="offset 100")
    assert other_chunking.n_chunks_run == 4 and len(list(tmp_path.iterdir())) == 3  # its own folder
