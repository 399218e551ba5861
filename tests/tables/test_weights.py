"""The augmentation sweep at several loss weights of its synthetic rows: more weights reuse the
compiled fit, a weight's rows are the same at every weight, and a generator whose extra rows are
pure noise makes the smallest weight the best on the report."""

from pathlib import Path

import jax
import numpy as np
import pytest

from synthlaw.cli import main
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.store import read_table
from synthlaw.tables.law import weight_choice
from synthlaw.tables.read import load_tables
from synthlaw.tables.rows import split_pools
from synthlaw.tables.sweeps import run_designs, sweep_designs

SEED_SIZE = 10


def noise_folder(tmp_path: Path) -> Path:
    """A data folder with one stored method, "noise", at seed size 10. Real rows: column a ~ N(2 y, 1),
    column b ~ N(0, 1). The method's balancing rows (syn_balance of the fixed split) are real-like
    minority rows; every row it adds beyond them is pure noise: a ~ N(1, 1.5^2) whatever the label."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "noise"
    folder.mkdir()

    def real(n, y):
        return np.column_stack([rng.normal(2.0 * y, 1.0, n), rng.normal(0, 1, n), np.full(n, y)])

    def noise(n, y):
        return np.column_stack([rng.normal(1.0, 1.5, n), rng.normal(0, 1, n), np.full(n, y)])

    def write(stem, rows):
        lines = ["a,b,y"] + [f"{a:.4f},{b:.4f},{int(y)}" for a, b, y in rows]
        (folder / f"{stem}.csv").write_text("\n".join(lines) + "\n")

    write("seed", np.vstack([real(SEED_SIZE // 2, 0), real(SEED_SIZE // 2, 1)]))
    train0, train1 = real(5 * SEED_SIZE, 0), real(5 * SEED_SIZE, 1)
    for stem, rows in (("train0", train0), ("train1", train1), ("train", np.vstack([train0, train1]))):
        write(stem, rows)
    write("test", np.vstack([real(200, 0), real(200, 1)]))
    n_minor = 5 * SEED_SIZE + 9 * SEED_SIZE  # rows_needed at seed size 10: balance 50, augment up to 90
    minority = noise(n_minor, 1)
    _, balance, _ = split_pools(5 * SEED_SIZE, n_minor, SEED_SIZE)
    minority[balance] = real(len(balance), 1)
    write("noise1", minority)
    write("noise0", noise(9 * SEED_SIZE, 0))
    return folder


def weighted_run(tables, weights):
    designs = sweep_designs(tables, "augmentation", "imbalance", protocol="jax", seed_size=SEED_SIZE, weights=weights)
    with jax.enable_x64(True):
        return run_designs(tables, designs, "imbalance", options=SweepOptions(), name="test weights")


def test_three_weights_trace_once_and_pure_noise_rows_make_the_smallest_weight_best(tmp_path):
    tables = load_tables(noise_folder(tmp_path), "y")
    with pytest.raises(ValueError, match=r"weights = \[1.0\]: the ratio sweep keeps the paper's 0.5"):
        sweep_designs(tables, "ratio", "imbalance", seed_size=SEED_SIZE, weights=(1.0,))
    three = weighted_run(tables, (0.25, 0.5, 1.0))
    # every design here has under 300 rows: one size bucket, so one trace, as with one weight
    # (the slow test below runs both and compares)
    assert three.n_traces == 1
    # noise rows with labels independent of the features pull the fitted log-odds toward 0, so the
    # cross-entropy grows with the weight they get: 0.25 is best, by far at N = 180 (measured excess
    # of w = 0.5 over 0.25: 0.06 [0.057, 0.061]; of w = 1: 0.12)
    for metric in ("balanced_ce", "min_ce"):
        choice = weight_choice(three.columns, "noise", metric)
        assert choice is not None and choice.best == 0.25 and choice.n_max == 2 * 9 * SEED_SIZE, choice


@pytest.mark.slow  # 26 s on the shared 2-core VM at load average 13, 2026-12-03: two sweeps
def test_more_weights_keep_the_one_weight_runs_results_and_its_trace_count(tmp_path):
    tables = load_tables(noise_folder(tmp_path), "y")
    one, three = weighted_run(tables, (0.5,)), weighted_run(tables, (0.25, 0.5, 1.0))
    assert three.n_traces == one.n_traces  # the same size buckets, so the same compiled programs
    assert len(three.columns["seed"]) == 3 * (len(one.columns["seed"]) - 1) + 1  # train_all once
    assert (one.columns["weight"][one.columns["arm"] == "augmented"] == 0.5).all()
    # the w = 0.5 designs (and train_all) are the one-weight run's designs: the same rows and fits, up
    # to the float64 rounding of a batch laid out differently (1e-9 leaves a million times that rounding)
    same = (three.columns["weight"] == 0.5) | np.isnan(three.columns["weight"])
    for tag in ("arm", "i", "seed", "n_train"):
        assert np.array_equal(three.columns[tag][same], one.columns[tag]), tag
    for name in ("balanced", "balanced_ce", "min_ce"):
        np.testing.assert_allclose(three.columns[name][same], one.columns[name], rtol=1e-9)
    assert weight_choice(one.columns, "noise", "balanced_ce") is None  # one weight: nothing to choose


@pytest.mark.slow  # 38 s on the shared 2-core VM at load average 13, 2026-12-03: the whole command
def test_pure_noise_rows_make_the_smallest_weight_best_on_the_report(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["paper", "--data", str(noise_folder(tmp_path)), "--label", "y", "--generators", "none",
                 "--weights", "0.25,0.5,1", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    columns = read_table(out / "imbalance_augmentation.csv")
    assert sorted(set(columns["weight"][columns["arm"] == "augmented"].tolist())) == [0.25, 0.5, 1.0]
    assert np.isnan(columns["weight"][columns["arm"] == "train_all"]).all()
    report = (out / "report.md").read_text()
    for metric in ("balanced cross-entropy", "minority cross-entropy"):
        section = report.split(f"**Which loss weight w, on {metric}.**")[1].split("**")[0]
        assert "- noise: best w on this table: 0.25." in section, section
    # balanced accuracy: the noise is symmetric about the real classes' boundary, so the weights
    # may tie there; whichever it is, the report says it
    section = report.split("**Which loss weight w, on 1 − balanced accuracy.**")[1].split("**")[0]
    assert "- noise: best w on this table:" in section or "- noise: best w not resolved at these seeds" in section
    assert "class weights (no new rows)" in section and "threshold moved by the prior's log-odds" in section
    assert "| noise | 0.25 |" in report and "| noise | 1 |" in report  # a law per (method, weight)
