"""Two processes joined by jax.distributed on this machine stand in for two hosts: each feeds and
computes its shards, both receive the same table as a one-process run, and only process 0 writes
checkpoint chunks (each process is given its own folder here, so a write by process 1 would show).
A timeout turns a hang into a failure."""

import json
import os
import re
import socket
import subprocess
import sys

import jax
import numpy as np
import pytest

from synthlaw.models import registry
from synthlaw.sims.engine.hosts import start_distributed
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import run_sweep
from synthlaw.theory.experiments.oversampling import oversampling_replicate, shapes_for

GRID = {"n_min": np.array([200, 300, 400]), "n_maj": np.array([800, 800, 800]), "m": np.array([600, 500, 400]),
        "separation": np.full(3, 2.0), "shift": np.zeros(3), "angle": np.zeros(3)}

CHILD = r"""
import json, sys
from pathlib import Path
import jax, numpy as np
from synthlaw.models import registry
from synthlaw.sims.engine.hosts import start_distributed
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import run_sweep
from synthlaw.theory.experiments.oversampling import oversampling_replicate, shapes_for
start_distributed(sys.argv[1])
grid = {k: np.asarray(v) for k, v in json.loads(sys.argv[3]).items()}
replicate = oversampling_replicate(shapes_for(5, grid), (registry.generator("perfect"),))
columns = run_sweep(replicate, key=jax.random.key(0), n_seeds=5, grid=grid,
                    options=SweepOptions(checkpoint=Path(sys.argv[2])), name="perfect", chunk_size=6).columns
print(json.dumps({"process": jax.process_index(), "devices": len(jax.devices()),
                  "local": len(jax.local_devices()), "excess": columns["excess"].tolist()}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_processes_give_the_one_process_table_and_only_process_0_writes(tmp_path):
    address = f"127.0.0.1:{free_port()}"
    grid = json.dumps({k: v.tolist() for k, v in GRID.items()})
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "XLA_FLAGS": ""}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, f"{address},2,{i}", str(tmp_path / f"chunks-{i}"), grid],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for i in range(2)]
    try:
        outputs = [child.communicate(timeout=240) for child in children]
    finally:
        for child in children:
            child.kill()
    assert all(child.returncode == 0 for child in children), [err[-2000:] for _, err in outputs]
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sorted(r["process"] for r in reports) == [0, 1]
    assert all(r["devices"] == 2 and r["local"] == 1 for r in reports)

    replicate = oversampling_replicate(shapes_for(5, GRID), (registry.generator("perfect"),))
    one = run_sweep(replicate, key=jax.random.key(0), n_seeds=5, grid=GRID, options=SweepOptions(), name="perfect",
                    devices=jax.devices()[:1]).columns
    for report in reports:
        np.testing.assert_allclose(report["excess"], one["excess"], rtol=1e-5, atol=1e-7)
    written = [sorted(p.name for p in (tmp_path / f"chunks-{i}").rglob("*") if p.is_file()) for i in range(2)]
    assert written == [["00000.npz", "00001.npz", "00002.npz"], []]  # 15 replicates in chunks of 6


def test_a_bad_spec_is_an_error_naming_the_field_not_a_flag():
    for spec in ("localhost:1234", "host:port,2,0", "127.0.0.1:1234,2,2"):
        with pytest.raises(ValueError, match=rf"^distributed = {re.escape(repr(spec))}: must be 'auto' or"):
            start_distributed(spec)
