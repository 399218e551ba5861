"""The oversample subcommand: resample a CSV, text columns and blanks included, with synthlaw.samplers."""

import sys
import warnings
from pathlib import Path

from synthlaw.cli.usage import UsageError, seed_arg

OVERSAMPLERS = {"ros": "RandomOverSampler", "smote": "SMOTE", "adasyn": "ADASYN", "plugin": "GaussianPlugin",
                "transformer": "TransformerOversampler"}
NEIGHBOURS = {"smote": "k_neighbors", "adasyn": "n_neighbors"}


def add_parser(commands) -> None:
    oversample = commands.add_parser("oversample", help="add synthetic rows to a CSV (imblearn's rules)")
    oversample.add_argument("--csv", type=Path, required=True,
                            help="CSV with a header row; numbers, text categories and blank cells")
    oversample.add_argument("--label", required=True, help="class column (text or integers; any number of classes)")
    oversample.add_argument("--method", required=True, choices=tuple(OVERSAMPLERS),
                            help="generator (smote is SMOTE-NC on a table with text columns, SMOTE-N on one of "
                                 "text only)")
    oversample.add_argument("--out", type=Path, required=True, help="output CSV: the rows, then the new rows")
    oversample.add_argument("--seed", type=seed_arg, default=0, help="JAX random seed (default 0)")
    oversample.add_argument("--sampling-strategy", default="auto",
                            help="auto (every class to the majority's count) or a float in (0, 1]: "
                                 "minority/majority after resampling (two classes)")
    oversample.add_argument("--k-neighbors", type=int, help="neighbours of smote and adasyn (default 5)")
    oversample.add_argument("--categorical", default="", help="comma-separated columns typed as categories "
                                                              "(text columns are categorical anyway)")
    oversample.add_argument("--numeric", default="", help="comma-separated columns that must be numbers")
    oversample.add_argument("--missing", choices=("level", "error"), default="level",
                            help="blank cells (empty, NA, NaN, null, ?): level (default: kept) or error")


def sampling_strategy_arg(text: str):
    """'auto' or a float, as --sampling-strategy allows."""
    if text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"--sampling-strategy {text!r}: allowed: auto or a float in (0, 1]") from None


def checked_paths(args) -> None:
    """--out must be a file path other than --csv."""
    if args.out.resolve() == args.csv.resolve():
        raise UsageError(f"--out {str(args.out)!r}: the same file as --csv; write the result to another file")
    if args.out.is_dir():
        raise UsageError(f"--out {str(args.out)!r}: is a folder; give a file path")
    if args.k_neighbors is not None and args.method not in NEIGHBOURS:
        raise UsageError(f"--k-neighbors: only with --method {' or '.join(NEIGHBOURS)}, not {args.method}")


def run_oversample(args) -> int:
    checked_paths(args)
    strategy = sampling_strategy_arg(args.sampling_strategy)
    from synthlaw.cli.paper import flag_words, names_of
    from synthlaw.tables.read import TableError
    from synthlaw.tables.resample import read_classes, resample_table

    try:
        table = read_classes(args.csv, args.label, categorical=names_of(args.categorical),
                             numeric=names_of(args.numeric), missing=args.missing)
    except TableError as err:
        raise UsageError(flag_words(str(err))) from None
    from synthlaw import samplers

    options = {} if args.k_neighbors is None else {NEIGHBOURS[args.method]: args.k_neighbors}
    sampler = getattr(samplers, OVERSAMPLERS[args.method])(sampling_strategy=strategy, random_state=args.seed,
                                                           **options)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            summary = resample_table(table, sampler, args.out)
    except (ValueError, OverflowError) as err:
        raise UsageError(f"--method {args.method} on {args.csv}: {err}") from None
    for share in getattr(sampler, "plausibility_", {}).values():
        print(f"oversample: {share.line(args.method)}", file=sys.stderr)
    for warning in caught:
        if issubclass(warning.category, UserWarning):
            print(f"synthlaw: warning: {warning.message}", file=sys.stderr)
    print(f"oversample: {args.method} ({sampler.variant_}) on {args.csv}, {summary}; wrote {args.out}", file=sys.stderr)
    return 0
