"""The paper subcommand: the paper's real-data sweeps on a data folder or one CSV, with synthlaw's
generators fitted on the table. It parses the flags into a PaperSettings and calls
tables.runner.run_paper; errors naming a field come back worded as its flag."""

import re
from pathlib import Path

from synthlaw.cli.usage import UsageError, add_distributed, check_out, comma_list, join_hosts, seed_arg


def add_parser(commands) -> None:
    paper = commands.add_parser("paper", help="rerun the paper's real-data sweeps on a data folder or one CSV")
    source = paper.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="folder laid out like the authors' data/gender")
    source.add_argument("--csv", type=Path, help="one CSV table: synthlaw splits it into OUT/data (seed, train, test)")
    paper.add_argument("--label", required=True,
                       help="label column: with --data 0 and 1 (1 the minority); with --csv any values")
    paper.add_argument("--positive", help="with --csv: the label value to oversample (default: 1 for a 0/1 label, "
                                          "else the rarest class; other classes together are 0)")
    paper.add_argument("--categorical", default="", help="with --csv: comma-separated columns typed as categories "
                                                          "(text columns are categorical anyway)")
    paper.add_argument("--numeric", default="", help="with --csv: comma-separated columns that must be numbers")
    paper.add_argument("--keep", default="", help="with --csv: comma-separated columns kept although constant "
                                                   "or identifier-like")
    paper.add_argument("--missing", choices=("level", "error"), default="level",
                       help="blank cells (empty, NA, NaN, null, ?): level (default: kept; numbers imputed for the "
                            "classifiers with an indicator) or error")
    paper.add_argument("--spurious", help="spurious attribute column: also run the spurious-group sweeps")
    paper.add_argument("--seed-size", type=int, help="with --csv: seed rows, balanced over the classes "
                                                     "(groups with --spurious) (default 200)")
    paper.add_argument("--test-fraction", type=float,
                       help="with --csv: test share of each class or group (default 0.3)")
    paper.add_argument("--generators", default="all",
                       help="comma-separated generators fitted on the table: ros, smote, plugin, adasyn, "
                            "transformer; 'all' (default) or 'none'")
    paper.add_argument("--fit-on", default="seed", help="rows the generators fit: seed, use (seed + train), "
                                                         "or seed,use for both (default seed)")
    paper.add_argument("--protocol", choices=("jax", "paper"), default="jax",
                       help="row choices: JAX keys (default) or the authors' RandomState draws")
    paper.add_argument("--methods", nargs="+", help="stored synthetic methods of --data (default: every one found)")
    paper.add_argument("--sweeps", default="ratio,augmentation", help="comma-separated: ratio, augmentation")
    paper.add_argument("--weights", default="0.5",
                       help="comma-separated loss weights of the augmentation sweep's synthetic rows, each run and "
                            "fitted as its own curve; the report names the best one where the seeds resolve it "
                            "(default 0.5, the paper's; the ratio sweep keeps 0.5)")
    paper.add_argument("--standardize", action="store_true", help="standardise features (default raw, as the paper)")
    paper.add_argument("--classifier", default="logistic", help="logistic (JAX, default), rf or xgb (need .[paper])")
    paper.add_argument("--solver", help="logistic fit: exact (default) or lbfgs-like-authors (sklearn, max_iter 1000)")
    paper.add_argument("--seed", type=seed_arg, default=0,
                       help="JAX base seed: the CSV split, the generators, --protocol jax (default 0)")
    paper.add_argument("--out", type=Path, help="output folder (default: runs/paper-NAME)")
    add_distributed(paper)


FLAGS = {"data", "csv", "label", "spurious", "seed_size", "test_fraction", "generators", "fit_on", "protocol",
         "methods", "sweeps", "weights", "standardize", "classifier", "solver", "seed", "out", "positive",
         "categorical", "numeric", "keep", "missing"}
LEADING_FIELD = re.compile(r"^(?:paper\.)?([a-z_]+)(?=[ :=])")
SPELLED_FIELD = re.compile(r"\b(seed_size|test_fraction|fit_on)\b")
ASSIGNED_FIELD = re.compile(r"(?<![\w.-])([a-z_]+)(?= = )")


def flag(field: str) -> str:
    return "--" + field.replace("_", "-")


def flag_words(message: str) -> str:
    """A lower layer's error in the command line's words: the field it starts with, every field
    given a value ("missing = 'error'"), and every field spelled with an underscore, become flags
    (paper.seed_size = 1 -> --seed-size = 1)."""
    match = LEADING_FIELD.match(message)
    if match and match.group(1) in FLAGS:
        message = flag(match.group(1)) + message[match.end():]
    message = ASSIGNED_FIELD.sub(lambda m: flag(m.group(1)) if m.group(1) in FLAGS else m.group(1), message)
    return SPELLED_FIELD.sub(lambda m: flag(m.group(1)), message)


def paper_settings(args):
    """The PaperSettings the flags ask for; UsageError for flags given together that do not go."""
    from synthlaw.tables.classifiers import fit_for
    from synthlaw.tables.methods import FIT_ON, METHODS
    from synthlaw.tables.rows import SWEEPS
    from synthlaw.tables.settings import PaperSettings

    sweeps = comma_list("--sweeps", args.sweeps, tuple(SWEEPS))
    names = [] if args.generators == "none" else list(METHODS) if args.generators == "all" else \
        comma_list("--generators", args.generators, tuple(METHODS) + ("all", "none"))
    if set(names) & {"all", "none"}:
        raise UsageError(f"--generators {args.generators!r}: 'all' and 'none' stand alone; "
                         f"allowed: {', '.join(METHODS)}")
    fit_on = comma_list("--fit-on", args.fit_on, FIT_ON)
    weights = numbers_of("--weights", args.weights)
    fit = fit_for(args.classifier, args.solver)
    if args.csv is None:
        for option in ("seed_size", "test_fraction"):
            if getattr(args, option) is not None:
                raise UsageError(f"{flag(option)}: only with --csv (a --data folder has its own seed.csv)")
    elif args.methods:
        raise UsageError("--methods: only with --data (a --csv table has no stored methods; use --generators)")
    given = {option: getattr(args, option) for option in ("seed_size", "test_fraction")
             if getattr(args, option) is not None}
    return PaperSettings(label=args.label, data=args.data, csv=args.csv, spurious=args.spurious,
                         generators=tuple(METHODS[name] for name in names), fit_on=tuple(fit_on),
                         protocol=args.protocol, methods=tuple(args.methods or ()), sweeps=tuple(sweeps),
                         weights=weights, standardize=args.standardize, fit=fit, seed=args.seed, out=args.out,
                         positive=args.positive, categorical=names_of(args.categorical),
                         numeric=names_of(args.numeric), keep=names_of(args.keep), missing=args.missing, **given)


def numbers_of(option: str, text: str) -> tuple[float, ...]:
    """Comma-separated numbers (their range is checked by the settings)."""
    items = [s.strip() for s in text.split(",") if s.strip()]
    for item in items:
        try:
            float(item)
        except ValueError:
            raise UsageError(f"{option} {text!r}: {item!r} is not a number; allowed: comma-separated numbers "
                             "> 0 and finite") from None
    return tuple(map(float, items))


def names_of(text: str) -> tuple[str, ...]:
    """Comma-separated column names (checked against the table when it is read)."""
    return tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))


def run_paper(args) -> int:
    if args.out is not None:
        check_out(args.out)
    join_hosts(args.distributed)
    from synthlaw.settings import ConfigError
    from synthlaw.tables.inputs import read_input
    from synthlaw.tables.read import TableError

    try:
        settings = paper_settings(args)
        read = read_input(settings)  # before JAX loads: a wrong input is answered at once
        from synthlaw.tables.runner import run_paper as run

        run(settings, read)
    except (ConfigError, TableError) as err:
        raise UsageError(flag_words(str(err))) from None
    return 0
