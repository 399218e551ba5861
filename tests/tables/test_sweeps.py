"""--protocol paper reproduces the authors' stored logistic results on the shared tables."""

from pathlib import Path

import jax
import pytest

from synthlaw.sims.engine.options import SweepOptions
from synthlaw.tables import sweeps
from synthlaw.tables.classifiers import EXACT
from synthlaw.tables.read import load_tables
from synthlaw.tables.rows import PAPER_SEEDS, paper_take, ratio_designs
from synthlaw.tables.stored import compare_stored, summarise

DATA = Path(__file__).parents[2] / ".." / "shared" / "data"
needs_data = pytest.mark.skipif(not (DATA / "gender").is_dir(), reason=f"shared data folder {DATA} missing")
LABELS = {"gender": "gender", "craft": "Target"}
TOLERANCE = 0.002  # one test row flips accuracy by ~1/400 on one seed of five: 0.0005 on the mean


def ratio_rows(name, methods, points):
    tables = load_tables(DATA / name, LABELS[name], methods=methods)
    n_rows = {stem: len(t.y_n) for stem, t in tables.tables.items()}
    designs = [d for m in methods for d in ratio_designs(n_rows, m, "imbalance", 200, PAPER_SEEDS, paper_take)
               if d.tags["i"] in points]
    with jax.enable_x64(True):
        scored = sweeps.run_designs(tables, designs, "imbalance", options=SweepOptions(), name="test ratio")
    assert scored.n_traces == 1  # every design in one compiled program, traced once
    return compare_stored(summarise(scored.columns), tables.folder, "ratio", "imbalance", EXACT)


@needs_data
@pytest.mark.parametrize("name", ["gender", "craft"])
def test_ratio_sweep_reproduces_stored_means_on_a_few_points(name):
    rows = ratio_rows(name, ["synthetic_allseed", "ros"], points=(0, 9))
    rows = [r for r in rows if r["metric"] in ("balanced", "min")]
    assert len(rows) == 2 * 2 * 2 * 3  # methods x points x metrics x arms
    worst = max(rows, key=lambda r: abs(r["diff"]))
    assert abs(worst["diff"]) < TOLERANCE, worst
    # the data README's independent re-run, i = 9, balanced accuracy
    expected = {"gender": (0.9441, 0.9692), "craft": (0.5973, 0.7665)}[name]
    got = {r["arm"]: r["ours"] for r in rows
           if r["i"] == 9 and r["metric"] == "balanced" and r["method"] == "synthetic_allseed"}
    assert got["imbalanced"] == pytest.approx(expected[0], abs=1e-3)
    assert got["balanced"] == pytest.approx(expected[1], abs=1e-3)


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize("name", ["gender", "craft"])
def test_ratio_sweep_reproduces_every_stored_point(name):
    tables = load_tables(DATA / name, LABELS[name])
    designs = sweeps.sweep_designs(tables, "ratio", "imbalance", protocol="paper")
    with jax.enable_x64(True):
        columns = sweeps.run_designs(tables, designs, "imbalance", options=SweepOptions(), name="test ratio").columns
    rows = [r for r in compare_stored(summarise(columns), tables.folder, "ratio", "imbalance", EXACT)
            if r["metric"] in ("balanced", "min")]
    assert {r["method"] for r in rows} == {"synthetic_allseed", "smote", "adasyn", "ros"}
    assert len(rows) == 4 * 10 * 3 * 2
    assert max(abs(r["diff"]) for r in rows) < TOLERANCE



TWO_DEVICES = r"""
import jax, numpy as np
from pathlib import Path
from synthlaw.tables.rows import paper_take, ratio_designs
from synthlaw.tables.read import load_tables
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.tables.sweeps import run_designs
assert len(jax.devices()) == 2, jax.devices()
tables = load_tables(Path(DATA) / "craft", "Target", methods=["ros"])
n_rows = {stem: len(t.y_n) for stem, t in tables.tables.items()}
designs = [d for d in ratio_designs(n_rows, "ros", "imbalance", 200, (1, 2), paper_take) if d.tags["i"] in (1, 9)]
with jax.enable_x64(True):
    two = run_designs(tables, designs, "imbalance", options=SweepOptions(), name="two", chunk=5).columns
    one = run_designs(tables, designs, "imbalance", options=SweepOptions(), name="one",
                      devices=jax.devices()[:1]).columns
for name in ("balanced", "min", "worst", "balanced_ce", "min_ce"):
    np.testing.assert_allclose(two[name], one[name], rtol=1e-9)
print("ok", len(two["balanced"]))
"""


@needs_data
@pytest.mark.slow  # 17 s; sharding itself is tested fast in tests/sims/test_sharding.py
def test_two_devices_give_the_same_table_as_one():
    import os
    import subprocess
    import sys

    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2", "JAX_PLATFORMS": "cpu"}
    child = f"DATA = {str(DATA)!r}\n" + TWO_DEVICES
    done = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok 12"


@needs_data
def test_jax_keys_agree_with_the_stored_means_within_two_standard_errors():
    """JAX-key rows: ours and the stored mean differ by at most 2 combined standard errors at
    about 95% of points (measured 0.89-0.96 over two seeds and both data sets)."""
    tables = load_tables(DATA / "gender", LABELS["gender"], methods=["synthetic_allseed", "smote"])
    designs = sweeps.sweep_designs(tables, "ratio", "imbalance", protocol="jax", seed=0)
    with jax.enable_x64(True):
        columns = sweeps.run_designs(tables, designs, "imbalance", options=SweepOptions(), name="test jax").columns
    rows = [r for r in compare_stored(summarise(columns), tables.folder, "ratio", "imbalance", EXACT)
            if r["metric"] in ("balanced", "min") and r["se"] + r["stored_se"] > 0]
    inside = [abs(r["diff"]) <= 2 * (r["se"] ** 2 + r["stored_se"] ** 2) ** 0.5 for r in rows]
    assert len(rows) > 80 and sum(inside) / len(rows) >= 0.85
