"""The sweep on 2 CPU devices: the same table as on 1, and no hang (the jax 0.10 LAPACK trap).

Device count is fixed when JAX starts, so the check runs in a child process with
XLA_FLAGS=--xla_force_host_platform_device_count=2 and a timeout that turns a hang into a failure.
"""

import os
import subprocess
import sys

CHILD = r"""
import jax, numpy as np
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import run_sweep
from synthlaw.models import registry
from synthlaw.theory.experiments.oversampling import oversampling_replicate, shapes_for
assert len(jax.devices()) == 2, jax.devices()
grid = {"n_min": np.array([200, 300, 400]), "n_maj": np.array([800, 800, 800]), "m": np.array([600, 500, 400]),
        "separation": np.full(3, 2.0), "shift": np.zeros(3), "angle": np.zeros(3)}
# the plug-in's fitted covariance takes a batched Cholesky; both bit generators of synthlaw verify --rng
for name, impl in (("perfect", "threefry2x32"), ("plugin", "threefry2x32"), ("plugin", "rbg")):
    key = jax.random.key(0, impl=impl)
    replicate = oversampling_replicate(shapes_for(5, grid), (registry.generator(name),))
    common = {"key": key, "n_seeds": 5, "grid": grid, "options": SweepOptions(), "name": name}
    two = run_sweep(replicate, **common, chunk_size=6).columns
    one = run_sweep(replicate, **common, devices=jax.devices()[:1]).columns
    # each device runs the same one-seed blocks as one device does: the same numbers, bit for bit
    np.testing.assert_array_equal(two["excess"], one["excess"])
    assert np.all(two["excess"] > 0)
print("ok", len(two["excess"]))
"""


def test_two_devices_give_the_same_table_as_one_and_do_not_hang():
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2", "JAX_PLATFORMS": "cpu"}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok 15"
