"""A sweep killed midway resumes from its saved chunks to the same final table."""

import os
import signal
import subprocess
import sys

import jax
import numpy as np

from synthlaw.sims.engine.sweep import run_sweep, sweep_settings

CHILD = r"""
import os, signal, sys
import jax, numpy as np
import synthlaw.sims.engine.sweep as sweep
from tests_resume_case import case

written = []
real_write = sweep.write_atomic
def write_then_die(path, data):
    if len(written) == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # a hard kill after three chunks are on disk
    real_write(path, data)
    written.append(path)
sweep.write_atomic = write_then_die
replicate, grid = case()
with sweep.sweep_settings(checkpoint=sys.argv[1]):
    sweep.run_sweep(replicate, key=jax.random.key(4), n_seeds=6, grid=grid, chunk_size=2)
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
    with sweep_settings(checkpoint=checkpoint):
        resumed = run_sweep(replicate, key=jax.random.key(4), n_seeds=6, grid=grid, chunk_size=2)
    whole = run_sweep(replicate, key=jax.random.key(4), n_seeds=6, grid=grid)
    assert resumed.n_chunks_run == 6 - 3
    for name, column in whole.columns.items():
        np.testing.assert_allclose(resumed.columns[name], column, rtol=1e-5, atol=1e-7)
