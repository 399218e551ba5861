"""Does the tabular transformer earn its place? Its rows against SMOTE's, ROS's and the authors'.

For each data folder (gender, craft), fit the transformer, SMOTE and ROS on (a) the seed rows and
(b) the `use` rows (seed + train, what the authors fine-tuned GPT-2 on); write the class-0 and
class-1 rows each method needs (tables/rows.synthetic_rows_needed) as {name}0.csv / {name}1.csv in a
temporary folder beside links to the real files and the authors' synthetic_allseed rows; run the
paper's ratio sweep (protocol "paper") and print, per i, the balanced accuracy (mean +- se over
the 5 seeds) of the `balanced` arm side by side. The transformer's rows are decoded both ways
(empirical and uniform) from one training. Training times are wall clock (noisy on a shared
machine; the load average is printed).

Run: python benchmarks/transformer_on_tables.py [--data ../shared/data] [--tables gender,craft]
     [--fit-on seed,use] [--checkpoint-dir DIR] [--option steps=1500 --option width=64 ...]
"""

import argparse
import dataclasses
import os
import tempfile
import time
from pathlib import Path

import jax
import numpy as np

from synthlaw.models.table_transformer import TransformerOptions
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.tables.generators import METHODS, fit_table_generator
from synthlaw.tables.read import REAL_FILES, load_tables, read_csv
from synthlaw.tables.rows import synthetic_rows_needed
from synthlaw.tables.stored import summarise
from synthlaw.tables.sweeps import run_designs, sweep_designs

LABELS = {"gender": "gender", "craft": "Target"}
AUTHORS = "synthetic_allseed"
SEED_SIZE = 200


def fit_rows(folder: Path, fit_on: str, label: str) -> tuple:
    """Header, x_nd and y_n of the rows a generator is fitted on: seed, or seed + train (use)."""
    stems = ("seed",) if fit_on == "seed" else ("seed", "train")
    header, cells = read_csv(folder / "seed.csv")
    parts = []
    for stem in stems:
        h, c = read_csv(folder / f"{stem}.csv")
        parts.append(c[:, [h.index(name) for name in header]])
    cells = np.concatenate(parts)
    j = header.index(label)
    return header, np.delete(cells, j, axis=1), cells[:, j].astype(np.int64)


def write_rows(path: Path, header: list, label: str, x_nd: np.ndarray, y: int) -> None:
    """Rows with the label column put back where the header has it (repr keeps every digit)."""
    j = header.index(label)
    cells = np.insert(x_nd, j, float(y), axis=1)
    lines = [",".join(header)] + [",".join(repr(float(v)) for v in row) for row in cells]
    path.write_text("\n".join(lines) + "\n")


def make_rows(folder: Path, out: Path, args, options: dict) -> dict:
    """Fit every method on each fit-on set, write its rows to out; training seconds per name."""
    label = LABELS[folder.name]
    n_1, n_0 = synthetic_rows_needed("imbalance", SEED_SIZE)["1"], synthetic_rows_needed("imbalance", SEED_SIZE)["0"]
    seconds = {}
    for fit_on in args.fit_on:
        header, x_nd, y_n = fit_rows(folder, fit_on, label)
        for method in ("transformer", "smote", "ros"):
            kw = {"checkpoint_dir": args.checkpoint_dir, **options} if method == "transformer" else {}
            start = time.perf_counter()
            gen = fit_table_generator(METHODS[method], x_nd, y_n, key=jax.random.key(args.seed), **kw)
            seconds[f"{method}_{fit_on}"] = time.perf_counter() - start
            decodings = ("empirical", "uniform") if method == "transformer" else (None,)
            for decoding in decodings:
                if decoding is not None:
                    gen = fit_table_generator(METHODS[method], x_nd, y_n, key=jax.random.key(args.seed),
                                              **{**kw, "decoding": decoding})
                name = f"{method}_{fit_on}" + ("_uniform" if decoding == "uniform" else "")
                for y, n in ((0, n_0), (1, n_1)):
                    rows = gen.sample(y, n, key=jax.random.fold_in(jax.random.key(args.seed + 1), y))
                    write_rows(out / f"{name}{y}.csv", header, label, rows, y)
            if method == "transformer":
                print(f"  {folder.name} {fit_on}: transformer training loss first/last block "
                      f"{gen.loss_s[:100].mean():.3f}/{gen.loss_s[-100:].mean():.3f}, held-out per block "
                      f"{np.round(gen.holdout_loss_b, 3).tolist()}", flush=True)
    return seconds


def run_table(folder: Path, args, options: dict) -> None:
    with tempfile.TemporaryDirectory(prefix=f"synthlaw-{folder.name}-") as tmp:
        out = Path(tmp)
        for stem in REAL_FILES + (f"{AUTHORS}0", f"{AUTHORS}1"):
            os.symlink((folder / f"{stem}.csv").resolve(), out / f"{stem}.csv")
        seconds = make_rows(folder, out, args, options)
        tables = load_tables(out, LABELS[folder.name])
        start = time.perf_counter()
        designs = sweep_designs(tables, "ratio", "imbalance", protocol="paper")
        with jax.enable_x64(True):
            columns = run_designs(tables, designs, "imbalance", options=SweepOptions(), name="paper imbalance ratio")
        summary = summarise(columns.columns)
        sweep_s = time.perf_counter() - start
    methods = [m for m in tables.methods if m != AUTHORS] + [AUTHORS]
    print(f"\n{folder.name}: balanced accuracy of the `balanced` arm, mean +- se over 5 seeds "
          f"(ratio sweep, protocol paper; sweep {sweep_s:.0f} s)")
    print("fit times (s): " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    print("i  " + " ".join(f"{m:>22}" for m in ["imbalanced"] + methods))
    arm = summary["arm"]

    def cell(m: str, a: str, i: int) -> str:
        return next(f"{summary['balanced_mean'][r]:.3f} +- {summary['balanced_se'][r]:.3f}"
                    for r in range(len(arm)) if summary["method"][r] == m and arm[r] == a and summary["i"][r] == i)

    for i in range(10):
        print(f"{i}  " + " ".join(f"{c:>22}" for c in [cell(AUTHORS, "imbalanced", i)] +
                                  [cell(m, "balanced", i) for m in methods]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
    parser.add_argument("--tables", default="gender,craft")
    parser.add_argument("--fit-on", default="seed,use")
    parser.add_argument("--checkpoint-dir", type=Path, default=Path(tempfile.gettempdir()) / "synthlaw-transformer")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--option", action="append", default=[], help="a TransformerOptions field, NAME=VALUE")
    args = parser.parse_args()
    args.fit_on = args.fit_on.split(",")
    types = {f.name: f.type for f in dataclasses.fields(TransformerOptions)}
    options = {}
    for item in args.option:
        name, value = item.split("=", 1)
        options[name] = types[name](value)
    print(f"options {TransformerOptions.from_kwargs(**options)}; load average {os.getloadavg()}", flush=True)
    for name in args.tables.split(","):
        run_table(args.data / name, args, options)


if __name__ == "__main__":
    main()
