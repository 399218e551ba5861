"""Memory and time of the paper's sweeps on a large table: size buckets against padding to the largest.

Writes a folder laid out like shared/data/gender into a temporary directory: Gaussian classes
(mean shift 0.5 on every feature), `--features` columns plus the label, seed 200 rows (balanced),
train `--train-rows` rows, test `--test-rows` rows, and ros-like method files of the sizes the
sweeps need (rows_needed: ros1 2 800 rows, ros0 1 800). Then each configuration (ratio and
augmentation sweep, logistic exact solver, raw features, --protocol paper rows) runs in its own
subprocess, so peak memories do not mix, and prints wall time, peak RSS (ru_maxrss), the rows fitted
(padded, as the program sees them, and real), the traces, and seconds per million padded rows.

"padded" restores the old layout (every design padded to the largest, chunks of 128 replicates);
"bucketed" is today's run_designs (size buckets, chunks sized by the sweep memory budget).

--mixed measures a mixed table end to end instead (issue 20): one CSV of --train-rows rows and
--features columns, ten of them categorical (text levels; one with 10 000 levels drawn from a
Zipf law, the others 2-20 levels) and the rest numeric with 5% blank cells, a text label with 10%
"rare" rows, run through the whole `synthlaw paper --csv` pipeline (reading and typing, the split,
random oversampling (or --generator) fitted on the seed, the ratio and augmentation sweeps, the report) in a child
process: wall time and peak RSS.

    python benchmarks/paper_memory.py [--train-rows 100000] [--features 50] [--skip-padded]
        [--mixed [--generator ros|smote|plugin|adasyn|transformer]]
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from synthlaw.tables.methods import METHODS


def write_folder(folder: Path, n_train: int, n_test: int, d: int, seed_size: int = 200) -> None:
    """Gaussian classes: x | y ~ N(0.5 y 1_d, I), label column 'y'; ros files drawn the same way."""
    rng = np.random.default_rng(0)
    header = ",".join([f"x{j}" for j in range(d)] + ["y"])

    def rows(n: int, y=None):
        y_n = rng.integers(0, 2, n) if y is None else np.full(n, y)
        x_nd = rng.standard_normal((n, d)) + 0.5 * y_n[:, None]
        return np.column_stack([x_nd.round(3), y_n])

    def save(stem: str, table):
        np.savetxt(folder / f"{stem}.csv", table, delimiter=",", header=header, comments="", fmt="%.6g")

    train = rows(n_train)
    save("seed", np.vstack([rows(seed_size // 2, 0), rows(seed_size // 2, 1)]))
    save("train", train)
    save("train0", train[train[:, -1] == 0])
    save("train1", train[train[:, -1] == 1])
    save("test", rows(n_test))
    save("ros0", rows(1800, 0))
    save("ros1", rows(2800, 1))


def write_mixed(path: Path, n: int, d: int, n_categorical: int = 10) -> None:
    """One mixed CSV (see the module docstring): the label shifts every numeric column by 0.3 and
    the first level of each categorical column by 20 points."""
    rng = np.random.default_rng(0)
    rare_n = rng.random(n) < 0.1
    columns = {}
    for j in range(d - n_categorical):
        x_n = (rng.standard_normal(n) + 0.3 * rare_n).round(3).astype(str)
        x_n[rng.random(n) < 0.05] = ""
        columns[f"x{j}"] = x_n
    for j in range(n_categorical):
        if j == 0:
            code_n = (rng.zipf(1.3, n) - 1) % 10_000
        else:
            levels = 2 + (j * 7) % 19
            code_n = np.where(rng.random(n) < 0.2 * rare_n, 0, rng.integers(0, levels, n))
        columns[f"c{j}"] = np.char.add("level_", code_n.astype(str))
    columns["y"] = np.where(rare_n, "rare", "common")
    lines = [",".join(columns)] + [",".join(row) for row in zip(*columns.values(), strict=True)]
    path.write_text("\n".join(lines) + "\n")


def child_mixed(csv: str, out: str, generator: str) -> None:
    """The whole `synthlaw paper --csv` run on the mixed table, in this process."""
    import jax

    from synthlaw.tables.runner import run_paper
    from synthlaw.tables.settings import PaperSettings

    start = time.perf_counter()
    run_paper(PaperSettings(label="y", csv=Path(csv), generators=(METHODS[generator],), out=Path(out)))
    print(json.dumps({"seconds": time.perf_counter() - start, "jax": jax.__version__,
                      "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}))


def mixed(n: int, d: int, generator: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mixed.csv"
        write_mixed(path, n, d)
        print(f"mixed table: {n} rows x {d} columns (10 categorical, one of 10 000 levels), "
              f"{path.stat().st_size / 2**20:.0f} MB; synthlaw paper --csv, {generator}, logistic, both sweeps")
        done = subprocess.run([sys.executable, __file__, "--child-mixed", str(path), str(Path(tmp) / "out"), generator],
                              capture_output=True, text=True)
        if done.returncode:
            print(f"failed (exit {done.returncode}): {done.stderr.strip()[-600:]}")
            return
        r = json.loads(done.stdout.strip().splitlines()[-1])
        notes = [line for line in done.stderr.splitlines() if "features" in line or "fold" in line]
        print("\n".join(notes))
        print(f"wall {r['seconds']:.1f} s, peak RSS {r['peak_gb']:.2f} GB (jax {r['jax']})")


def child(folder: str, sweep: str, layout: str) -> None:
    """One configuration in this process: print a JSON line of its measurements."""
    import jax

    from synthlaw.sims.engine.options import SweepOptions
    from synthlaw.tables import sweeps as paper_sweeps
    from synthlaw.tables.read import load_tables
    from synthlaw.tables.rows import PAPER_SEEDS, paper_take

    start = time.perf_counter()
    tables = load_tables(Path(folder), "y", methods=["ros"])
    n_rows = {stem: len(t.y_n) for stem, t in tables.tables.items()}
    designs = paper_sweeps.SWEEPS[sweep](n_rows, "ros", "imbalance", 200, PAPER_SEEDS, paper_take)
    sizes_r = np.array([sum(len(rows) for _, rows, _ in d.parts) for d in designs])
    pad = layout == "padded"
    buckets = paper_sweeps.size_buckets(sizes_r, tables.tables['test'].x_nd.shape[1], pad_to_largest=pad)
    padded_rows = sum(len(b) * sizes_r[b].max() for b in buckets)
    loaded = time.perf_counter()
    with jax.enable_x64(True):
        scored = paper_sweeps.run_designs(tables, designs, "imbalance", options=SweepOptions(),
                                          name=f"paper imbalance {sweep} {layout}", pad_to_largest=pad,
                                          chunk=128 if pad else None)
    columns = scored.columns
    seconds = time.perf_counter() - loaded
    assert np.isfinite(columns["balanced"]).all()
    print(json.dumps({"sweep": sweep, "layout": layout, "designs": len(designs), "seconds": seconds,
                      "load_seconds": loaded - start,
                      "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                      "padded_rows": int(padded_rows), "real_rows": int(sizes_r.sum()),
                      "traces": scored.n_traces, "jax": jax.__version__}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-rows", type=int, default=100_000)
    parser.add_argument("--test-rows", type=int, default=20_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--skip-padded", action="store_true", help="only today's bucketed layout")
    parser.add_argument("--mixed", action="store_true", help="a mixed CSV through the whole paper pipeline")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--generator", choices=tuple(METHODS), default="ros", help="with --mixed: the generator fitted")
    parser.add_argument("--child-mixed", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    if args.child_mixed:
        return child_mixed(*args.child_mixed)
    if args.mixed:
        return mixed(args.train_rows, args.features, args.generator)
    layouts = ["bucketed"] if args.skip_padded else ["padded", "bucketed"]
    with tempfile.TemporaryDirectory() as tmp:
        write_folder(Path(tmp), args.train_rows, args.test_rows, args.features)
        print(f"table: train {args.train_rows} x {args.features} features, test {args.test_rows}; "
              "logistic, exact solver")
        print(f"{'sweep':<13}{'layout':<10}{'designs':>8}{'traces':>7}{'padded rows':>13}{'real rows':>11}"
              f"{'wall s':>9}{'peak GB':>9}{'s / M padded rows':>19}")
        for sweep in ("ratio", "augmentation"):
            for layout in layouts:
                done = subprocess.run([sys.executable, __file__, "--child", tmp, sweep, layout],
                                      capture_output=True, text=True)
                if done.returncode:
                    print(f"{sweep:<13}{layout:<10} failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
                    continue
                r = json.loads(done.stdout.strip().splitlines()[-1])
                print(f"{sweep:<13}{layout:<10}{r['designs']:>8}{r['traces']:>7}{r['padded_rows']:>13,}"
                      f"{r['real_rows']:>11,}{r['seconds']:>9.1f}{r['peak_gb']:>9.2f}"
                      f"{r['seconds'] / r['padded_rows'] * 1e6:>19.2f}")
    print("wall times are from a shared machine: compare rows of one run, not across runs")


if __name__ == "__main__":
    main()
