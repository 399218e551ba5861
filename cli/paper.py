"""The paper subcommand: the paper's real-data sweeps on a data folder or one CSV, with synthlaw's
generators fitted on the table."""

import shutil
import sys
import time
from pathlib import Path

from synthlaw.cli.usage import UsageError, add_distributed, comma_list, join_hosts


def add_parser(commands) -> None:
    paper = commands.add_parser("paper", help="rerun the paper's real-data sweeps on a data folder or one CSV")
    source = paper.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="folder laid out like shared/data/gender")
    source.add_argument("--csv", type=Path, help="one CSV table: synthlaw splits it into OUT/data (seed, train, test)")
    paper.add_argument("--label", required=True, help="label column (values 0 and 1; 1 is the minority)")
    paper.add_argument("--spurious", help="spurious attribute column: also run the spurious-group sweeps")
    paper.add_argument("--seed-size", type=int, help="with --csv: seed rows, balanced over the classes "
                                                     "(groups with --spurious) (default 200)")
    paper.add_argument("--test-fraction", type=float, help="with --csv: test share of each class or group (default 0.3)")
    paper.add_argument("--generators", default="all",
                       help="comma-separated generators fitted on the table: ros, smote, plugin, adasyn, "
                            "transformer; 'all' (default) or 'none'")
    paper.add_argument("--fit-on", default="seed", help="rows the generators fit: seed, use (seed + train), "
                                                         "or seed,use for both (default seed)")
    paper.add_argument("--protocol", choices=("jax", "paper"), default="jax",
                       help="row choices: JAX keys (default) or the authors' RandomState draws")
    paper.add_argument("--methods", nargs="+", help="stored synthetic methods of --data (default: every one found)")
    paper.add_argument("--sweeps", default="ratio,augmentation", help="comma-separated: ratio, augmentation")
    paper.add_argument("--standardize", action="store_true", help="standardise features (default raw, as the paper)")
    paper.add_argument("--classifier", default="logistic", help="logistic (JAX, default), rf or xgb (need .[paper])")
    paper.add_argument("--solver", help="logistic fit: exact (default) or lbfgs-like-authors (sklearn, max_iter 1000)")
    paper.add_argument("--seed", type=int, default=0,
                       help="JAX base seed: the CSV split, the generators, --protocol jax (default 0)")
    paper.add_argument("--out", type=Path, help="output folder (default: runs/paper-NAME)")
    add_distributed(paper)


def paper_inputs(args, sweeps: list, tasks: list, generators: list, fit_on: list, out: Path):
    """Tables of --data, or of the --csv split (not yet written), checked for every sweep, task and
    method; the split (or None)."""
    from synthlaw.tables.rows import real_stems, rows_needed
    from synthlaw.tables.split import SEED_SIZE, TEST_FRACTION, split_table, split_tables
    from synthlaw.tables.read import check_rows, load_tables
    from synthlaw.tables.generators import REGISTRY_K
    from synthlaw.tables.generate import smallest_class

    import jax

    real = {stem for task in tasks for stem in real_stems(task, sweeps)} | ({"train"} if "use" in fit_on and generators else set())
    split = None
    if args.csv is None:
        for option in ("seed_size", "test_fraction"):
            if getattr(args, option) is not None:
                raise UsageError(f"--{option.replace('_', '-')}: only with --csv (a --data folder has its own seed.csv)")
        tables = load_tables(args.data, args.label, args.spurious, args.methods, real=tuple(sorted(real)))
    else:
        if args.methods:
            raise UsageError("--methods: only with --data (a --csv table has no stored methods; use --generators)")
        seed_size = SEED_SIZE if args.seed_size is None else args.seed_size
        test_fraction = TEST_FRACTION if args.test_fraction is None else args.test_fraction
        if seed_size < 2:
            raise UsageError(f"--seed-size = {seed_size}: must be an integer >= 2")
        if not 0 < test_fraction < 1:
            raise UsageError(f"--test-fraction = {test_fraction}: must be between 0 and 1")
        split = split_table(args.csv, args.label, args.spurious, key=jax.random.fold_in(jax.random.key(args.seed), 0),
                            seed_size=seed_size, test_fraction=test_fraction)
        tables = split_tables(split, out / "data", args.label, args.spurious)
    if not tables.methods and not generators:
        raise UsageError(f"{args.data or args.csv}: no synthetic method: no stored {{method}}0.csv and "
                         "{method}1.csv pair, and --generators none")
    seed_size = len(tables.tables["seed"].y_n)
    for task in tasks:
        why = f"the {task} {' and '.join(sweeps)} sweep{'s' if len(sweeps) > 1 else ''} (seed size {seed_size})"
        for method in tables.methods or ("",):
            needs = rows_needed(method, task, seed_size, sweeps)
            check_rows(tables, {s: n for s, n in needs.items() if method and s.startswith(method) or s in real}, why)
        for method in set(generators) & {"smote", "adasyn"}:
            for mode in fit_on:
                label, count = smallest_class(tables, mode, task)
                if count <= REGISTRY_K:
                    raise UsageError(f"--generators {method}: the {task} task's conditioning label {label} has {count} "
                                     f"--fit-on {mode} rows; {method} needs more than {REGISTRY_K} "
                                     "(raise --seed-size or fit on use)")
    return tables, split


def run_paper(args) -> int:
    join_hosts(args.distributed)
    from synthlaw.tables.read import TableError
    from synthlaw.tables.generate import ALLOWED, FIT_ON

    sweeps = comma_list("--sweeps", args.sweeps, ("ratio", "augmentation"))
    generators = [] if args.generators == "none" else list(ALLOWED) if args.generators == "all" else \
        comma_list("--generators", args.generators, ALLOWED + ("all", "none"))
    if set(generators) & {"all", "none"}:
        raise UsageError(f"--generators {args.generators!r}: 'all' and 'none' stand alone; allowed: {', '.join(ALLOWED)}")
    fit_on = comma_list("--fit-on", args.fit_on, FIT_ON)
    from synthlaw.tables.classifiers import fit_problem
    if problem := fit_problem(args.classifier, args.solver):
        raise UsageError(problem)
    tasks = ["imbalance"] + (["spurious"] if args.spurious else [])
    source = args.data.resolve().name if args.csv is None else args.csv.stem
    out = args.out or Path("runs") / f"paper-{source}"
    try:
        tables, split = paper_inputs(args, sweeps, tasks, generators, fit_on, out)
    except TableError as err:
        raise UsageError(str(err)) from None
    import jax

    from synthlaw.figures.paper_report import write_paper_report
    from synthlaw.tables.rows import rows_needed
    from synthlaw.sims.engine.store import is_writer, write_json, write_table
    from synthlaw.sims.engine.sweep import sweep_settings
    from synthlaw.tables.split import write_split
    from synthlaw.tables.generate import generate
    from synthlaw.tables.sweeps import run_sweep_on_tables
    from synthlaw.tables.stored import EXPERIMENTS, compare_stored, summarise

    notes = list(tables.warnings)
    for note in notes:
        print(f"synthlaw: warning: {note}", file=sys.stderr)
    if split is not None:
        write_split(split, out / "data")
        notes.append(f"{split.summary} -> {out / 'data'} (seed {args.seed})")
        print(notes[-1], file=sys.stderr, flush=True)
    start, results, fits = time.perf_counter(), {}, []
    seed_size = len(tables.tables["seed"].y_n)
    for method in generators:
        for mode in fit_on:
            name = f"{method}_{mode}"
            for task in tasks:
                needs = {stem[len(name):]: n for stem, n in rows_needed(name, task, seed_size, sweeps).items()
                         if stem.startswith(name)}
                print(f"{name}: fitting on the {mode} rows for the {task} task, drawing "
                      f"{' + '.join(map(str, needs.values()))} rows ...", file=sys.stderr, flush=True)
                fit = generate(tables, method, mode, task, needs, seed=args.seed, data_dir=out / "data",
                               checkpoint_dir=out / "checkpoints")
                print(f"      {'reused' if fit.reused else 'fitted'} ({fit.seconds:.1f} s)", file=sys.stderr, flush=True)
                fits.append(fit)
                tables = tables._replace(methods=tuple(dict.fromkeys(tables.methods + (name,))),
                                         tables={**tables.tables, **fit.tables})
    with sweep_settings(checkpoint=out / "chunks"):  # a killed run resumes where it stopped
        for task in tasks:
            for sweep in sweeps:
                print(f"{task} {sweep} sweep, {len(tables.methods)} methods ...", file=sys.stderr, flush=True)
                # the authors' lbfgs is rerun per design only where stored results exist to be explained
                stored = args.data is not None and any(args.data.glob(f"{EXPERIMENTS[sweep, task]}_log_*.json"))
                columns = run_sweep_on_tables(tables, sweep, task, protocol=args.protocol, seed=args.seed,
                                              seed_size=seed_size, standardize=args.standardize,
                                              classifier=args.classifier, solver=args.solver, authors_check=stored)
                summary = summarise(columns)
                results[task, sweep] = (columns, summary, compare_stored(summary, tables.folder, sweep, task))
    info = {"data": str(args.data or args.csv), "label": args.label, "spurious": args.spurious,
            "protocol": args.protocol, "methods": ",".join(tables.methods),
            "generators": ",".join(generators) or "none", "fit on": ",".join(fit_on),
            "features": "standardised" if args.standardize else "raw", "dtype": "float64", "seed": args.seed,
            "seed size": seed_size, "jax": jax.__version__, "wall seconds": f"{time.perf_counter() - start:.1f}"}
    for (task, sweep), (columns, summary, rows) in results.items():
        write_table(out / f"{task}_{sweep}.csv", columns)
        write_table(out / f"{task}_{sweep}_summary.csv", summary)
        if rows:
            write_table(out / f"{task}_{sweep}_vs_stored.csv", {k: [r[k] for r in rows] for k in rows[0]})
    write_json(out / "meta.json", info | {"notes": notes})
    report = write_paper_report(results, out, info, notes=notes, fits=fits, tables=tables)
    if is_writer():
        shutil.rmtree(out / "chunks", ignore_errors=True)
    print(f"report: {report}  (float64, {info['wall seconds']} s)")
    return 0
