"""The oversample subcommand: resample a numeric CSV with synthlaw.samplers."""

import sys
from pathlib import Path

from synthlaw.cli.usage import UsageError

OVERSAMPLERS = {"ros": "RandomOverSampler", "smote": "SMOTE", "adasyn": "ADASYN", "plugin": "GaussianPlugin",
                "transformer": "TransformerOversampler"}


def add_parser(commands) -> None:
    oversample = commands.add_parser("oversample", help="add synthetic rows to a numeric CSV (imblearn's rules)")
    oversample.add_argument("--csv", type=Path, required=True, help="numeric CSV with a header row")
    oversample.add_argument("--label", required=True, help="class column")
    oversample.add_argument("--method", required=True, choices=tuple(OVERSAMPLERS), help="generator")
    oversample.add_argument("--out", type=Path, required=True, help="output CSV: the rows, then the new rows")
    oversample.add_argument("--seed", type=int, default=0, help="JAX random seed (default 0)")
    oversample.add_argument("--sampling-strategy", default="auto",
                            help="auto (every class to the majority's count) or a float in (0, 1]: "
                                 "minority/majority after resampling (two classes)")


def sampling_strategy_arg(text: str):
    """'auto' or a float, as --sampling-strategy allows."""
    if text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"--sampling-strategy {text!r}: allowed: auto or a float in (0, 1]") from None


def run_oversample(args) -> int:
    import numpy as np

    from synthlaw import samplers
    from synthlaw.tables.read import TableError, read_csv, write_csv

    strategy = sampling_strategy_arg(args.sampling_strategy)
    try:
        header, cells = read_csv(args.csv)
    except TableError as err:
        raise UsageError(str(err)) from None
    if args.label not in header:
        raise UsageError(f"--label {args.label!r}: no such column in {args.csv}; columns: {', '.join(header)}")
    bad_r, bad_c = np.nonzero(~np.isfinite(cells))
    if len(bad_r):
        raise UsageError(f"{args.csv}: line {bad_r[0] + 2}, column {header[bad_c[0]]!r}: "
                         f"{cells[bad_r[0], bad_c[0]]} is not a finite number")
    column = header.index(args.label)
    y_n = cells[:, column]
    y_n = y_n.astype(np.int64) if np.all(y_n == np.round(y_n)) else y_n  # classes read as 0, 1 (not 0.0, 1.0)
    sampler = getattr(samplers, OVERSAMPLERS[args.method])(sampling_strategy=strategy, random_state=args.seed)
    try:
        x_res, y_res = sampler.fit_resample(np.delete(cells, column, axis=1), y_n)
    except ValueError as err:
        raise UsageError(f"--method {args.method} on {args.csv}: {err}") from None
    rows = np.insert(x_res, column, y_res, axis=1)
    write_csv(args.out, header, rows)
    before, after = (dict(zip(*np.unique(y, return_counts=True), strict=True)) for y in (y_n, y_res))
    counts = ", ".join(f"{c}: {before[c]} -> {after[c]}" for c in after)
    print(f"oversample: {args.method} on {args.csv}, rows per {args.label} {counts}; wrote {args.out} "
          f"({len(rows)} rows)", file=sys.stderr)
    return 0
