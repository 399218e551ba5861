"""The `synthlaw` command: verify claims, rebuild their report, list and explain them. Nothing
imports this module."""

import argparse
import datetime
import os
import shutil
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path

USAGE_ERROR = 2
INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command whose reader went away


class UsageError(Exception):
    """A user mistake: reported as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> Parser:
    parser = Parser(prog="synthlaw", description="Verify the theory of synthetic oversampling by simulation.")
    parser.add_argument("--version", action="version", version=f"synthlaw {metadata.version('synthlaw')}")
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    verify = commands.add_parser("verify", help="run claims and print a PASS/FAIL table")
    verify.add_argument("--quick", action="store_true", help="small grids and fewer seeds (minutes)")
    verify.add_argument("--claims", help="comma-separated claim ids, any case (default: all)")
    verify.add_argument("--out", type=Path,
                        help="output folder (default: runs/quick or runs/full); a run of some claims into a "
                             "folder that holds others adds to its report")
    verify.add_argument("--force", action="store_true", help="re-measure even if saved results match")
    verify.add_argument("--config", type=Path, help="TOML file: a [CLAIM-ID] table of overrides per claim")
    verify.add_argument("--x64", action="store_true", help="simulate and fit in float64 (default float32)")
    verify.add_argument("--seed", type=int, default=0, help="base random seed (default 0)")
    verify.add_argument("--memory-gb", type=float, default=4.0,
                        help="memory a sweep chunk may use, in GiB (default 4); larger grids run in chunks")
    calibrate = commands.add_parser("calibrate", help="measure each check's size and power over many base seeds")
    calibrate.add_argument("--quick", action="store_true", help="the quick configs")
    calibrate.add_argument("--runs", type=int, default=20, help="independent runs per claim (default 20)")
    calibrate.add_argument("--mutation-runs", type=int, default=5,
                           help="runs of each mutated experiment, measured anew (default 5; 0: as many as --runs)")
    calibrate.add_argument("--claims", help="comma-separated claim ids, any case (default: all judged claims)")
    calibrate.add_argument("--out", type=Path, help="output folder (default: runs/DATE-calibrate-quick|full)")
    calibrate.add_argument("--config", type=Path, help="TOML file: a [CLAIM-ID] table of overrides per claim")
    calibrate.add_argument("--x64", action="store_true", help="simulate and fit in float64 (default float32)")
    calibrate.add_argument("--seed", type=int, default=0, help="base random seed (default 0)")
    calibrate.add_argument("--memory-gb", type=float, default=4.0, help="memory a sweep chunk may use, in GiB")
    explain = commands.add_parser("explain", help="print a claim's statement, assumptions and check")
    explain.add_argument("claim", nargs="?", help="a claim id, e.g. IMB-1 (any case); none: list the claims")
    report = commands.add_parser("report", help="rebuild report.md, report.html and the figures from saved tables")
    report.add_argument("dir", type=Path, help="a verify output folder (CLAIM/table.csv and CLAIM/meta.json)")
    commands.add_parser("list", help="the claims, their titles and measured verify times")
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
    paper.add_argument("--out", type=Path, help="output folder (default: runs/DATE-paper-NAME)")
    add_oversample_parser(commands)
    for command in (verify, paper):
        command.add_argument("--distributed", metavar="SPEC",
                             help="join a multi-host run: 'auto' (SLURM, Open MPI, ...) or "
                                  "HOST:PORT,NUM_PROCESSES,PROCESS_ID; process 0 writes the files")
    return parser


def pick_claims(text: str | None, registry: dict) -> list:
    """The claims --claims names (ids in any case); all of them when --claims is not given."""
    if text is None:
        return list(registry.values())
    names = [c.strip() for c in text.split(",") if c.strip()]
    if not names:
        raise UsageError(f"--claims = {text!r}: names no claim; give comma-separated ids from "
                         f"{', '.join(registry)}, or leave --claims out for all")
    unknown = [c for c in names if c.upper() not in registry]
    if unknown:
        raise UsageError(f"--claims: unknown claim id {unknown[0]!r}; allowed: {', '.join(registry)}")
    return [registry[c] for c in dict.fromkeys(c.upper() for c in names)]


def check_out(out: Path, flag: str = "--out") -> None:
    """Refuse, before anything is computed, an output folder that is a file or cannot be written."""
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = "is a file" if existing == out else f"lies under the file {existing}"
        raise UsageError(f"{flag} {out}: {what}; give a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} {out}: {existing} is not writable")


def read_overrides(path: Path | None, registry: dict) -> dict:
    if path is None:
        return {}
    try:
        overrides = tomllib.loads(path.read_text())
    except OSError as err:
        raise UsageError(f"--config {path}: cannot read ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"--config {path}: not valid TOML ({err})") from None
    by_id = {}
    for name, table in overrides.items():
        if name.upper() not in registry or not isinstance(table, dict) or name.upper() in by_id:
            raise UsageError(f"--config {path}: [{name}] is not a claim table (or names a claim twice); "
                             f"allowed: {', '.join(registry)}")
        by_id[name.upper()] = table
    return by_id


def join_hosts(spec: str | None) -> None:
    """Start jax.distributed before any computation when --distributed is given."""
    if spec is None:
        return
    from synthlaw.sims.sweep import start_distributed

    try:
        start_distributed(spec)
    except ValueError as err:
        raise UsageError(str(err)) from None


def claims_and_configs(args, registry: dict) -> tuple[list, list]:
    """The chosen claims and their validated configs (quick or full, with --config overrides)."""
    from synthlaw.theory.claims.spec import ConfigError

    if not args.memory_gb > 0:
        raise UsageError(f"--memory-gb = {args.memory_gb}: must be a number > 0")
    claims = pick_claims(args.claims, registry)
    overrides = read_overrides(args.config, registry)
    try:
        return claims, [c.config(args.quick, overrides.get(c.id)) for c in claims]
    except ConfigError as err:
        raise UsageError(str(err)) from None


def saved_outcomes(out: Path, ids: list, registry: dict) -> list:
    """Outcomes rebuilt from the saved tables of ids in out; one that no longer loads (its config is
    no longer valid, its files are damaged) is skipped with a warning that names it."""
    from synthlaw.theory.claims.spec import ConfigError
    from synthlaw.theory.runner.saved import load_outcome

    outcomes = []
    for claim_id in ids:
        try:
            outcomes.append(load_outcome(registry[claim_id], out))
        except (ConfigError, KeyError, ValueError, OSError) as err:
            print(f"synthlaw: warning: {out / claim_id}: saved table left out of the report ({err})", file=sys.stderr)
    return outcomes


def run_verify(args) -> int:
    mode = "quick" if args.quick else "full"
    args.out = out = args.out or Path("runs") / mode
    check_out(out)
    import jax

    join_hosts(args.distributed)

    if args.x64:
        jax.config.update("jax_enable_x64", True)
    from synthlaw.figures.report import text_table, write_report
    from synthlaw.sims.store import config_hash
    from synthlaw.theory.claims import REGISTRY
    from synthlaw.theory.runner.fingerprint import source_fingerprint
    from synthlaw.theory.runner.saved import saved_chunks, saved_claim_ids
    from synthlaw.theory.runner.verify import NonFiniteResult, claim_identity, dtype_name, run_claim

    claims, configs = claims_and_configs(args, REGISTRY)
    start = time.perf_counter()
    outcomes = []
    for i, (claim, config) in enumerate(zip(claims, configs), 1):
        print(f"[{i}/{len(claims)}] {claim.id} {claim.title} ...", file=sys.stderr, flush=True)
        discarded = saved_chunks(out / claim.id) if args.force else 0
        resumed = 0 if args.force else saved_chunks(out / claim.id / "chunks" / config_hash(claim_identity(
            claim, config, args.seed)))
        if discarded or resumed:
            print(f"      --force: discarding the {discarded} chunks an interrupted run saved" if discarded else
                  f"      resuming from the {resumed} chunks an interrupted run saved", file=sys.stderr, flush=True)
        try:
            outcome = run_claim(claim, config, out, force=args.force, seed=args.seed,
                                memory_budget=int(args.memory_gb * 2**30))
        except NonFiniteResult as err:
            print(f"synthlaw: error: {err}", file=sys.stderr)
            return 1
        how = "reused" if outcome.reused else "measured"
        print(f"      {outcome.verdict} ({how}, {outcome.seconds:.1f} s)", file=sys.stderr, flush=True)
        outcomes.append(outcome)
    run_ids = {o.claim.id for o in outcomes}
    kept = saved_outcomes(out, [i for i in saved_claim_ids(out, REGISTRY) if i not in run_ids], REGISTRY)
    info = {"mode": mode, "dtype": dtype_name(), "seed": args.seed, "devices": len(jax.devices()),
            "source fingerprint": source_fingerprint(), "wall seconds": f"{time.perf_counter() - start:.1f}"}
    order = list(REGISTRY)
    report = write_report(sorted(outcomes + kept, key=lambda o: order.index(o.claim.id)), out, info)
    print(text_table(outcomes))
    if kept:
        print(f"\nthe report also holds the saved {', '.join(o.claim.id for o in kept)} (not rerun now)")
    print(f"\nreport: {report} and {report.with_suffix('.html').name}  ({info['dtype']}, {info['wall seconds']} s)")
    return 1 if any(o.verdict == "FAIL" for o in outcomes) else 0


def run_report(args) -> int:
    """Rebuild report.md, report.html and the figures from the saved tables in args.dir."""
    if not args.dir.is_dir():
        raise UsageError(f"report {args.dir}: not a folder")
    from synthlaw.figures.report import text_table, write_report
    from synthlaw.theory.claims import REGISTRY
    from synthlaw.theory.runner.fingerprint import source_fingerprint
    from synthlaw.theory.runner.saved import saved_claim_ids

    ids = saved_claim_ids(args.dir, REGISTRY)
    if not ids:
        raise UsageError(f"report {args.dir}: holds no claim tables (CLAIM/table.csv with CLAIM/meta.json, "
                         f"as synthlaw verify --out {args.dir} writes them)")
    check_out(args.dir, "report")
    start = time.perf_counter()
    outcomes = saved_outcomes(args.dir, ids, REGISTRY)
    if not outcomes:
        raise UsageError(f"report {args.dir}: none of its saved tables could be read (warnings above)")
    info = {"rebuilt from": str(args.dir), "source fingerprint": source_fingerprint()}
    report = write_report(outcomes, args.dir, info)
    print(text_table(outcomes))
    print(f"\nreport: {report} and {report.with_suffix('.html').name}  ({time.perf_counter() - start:.1f} s)")
    return 0


def run_calibrate(args) -> int:
    import jax

    if args.x64:
        jax.config.update("jax_enable_x64", True)
    from synthlaw.theory.claims import REGISTRY
    from synthlaw.theory.runner.calibrate import calibration_table, run_calibration

    if args.runs < 2:
        raise UsageError(f"--runs = {args.runs}: must be an integer >= 2")
    if args.mutation_runs < 0:
        raise UsageError(f"--mutation-runs = {args.mutation_runs}: must be an integer >= 0")
    claims, configs = claims_and_configs(args, REGISTRY)
    mode = "quick" if args.quick else "full"
    out = args.out or Path("runs") / f"{datetime.date.today():%Y-%m-%d}-calibrate-{mode}"
    check_out(out)
    start = time.perf_counter()
    results = run_calibration(list(zip(claims, configs)), runs=args.runs, base_seed=args.seed,
                              mutation_runs=args.mutation_runs or None, out_dir=out,
                              memory_budget=int(args.memory_gb * 2**30))
    print(calibration_table(results))
    print(f"\ncalibration: {out / 'calibration.md'}  ({args.runs} runs, {time.perf_counter() - start:.1f} s)")
    return 0


def run_explain(args) -> int:
    """A claim's note; without an id, the list of claims. Reads the catalogue, so JAX is not imported."""
    from synthlaw.theory.claims.catalogue import catalogue, claim_id
    from synthlaw.theory.notes import note_text

    if args.claim is None:
        print("claims (synthlaw explain ID prints one):")
        for i, entry in catalogue().items():
            print(f"  {i}  {entry.title}")
        return 0
    found = claim_id(args.claim)
    if found is None:
        raise UsageError(f"explain: unknown claim id {args.claim!r}; allowed: {', '.join(catalogue())}")
    print(note_text(found))
    return 0


def run_list(args) -> int:
    """The claims with their titles and measured verify --quick / full wall times ("-": not measured)."""
    from synthlaw.theory.claims.catalogue import catalogue, timings_measured

    def seconds(s):
        return "-" if s is None else f"{s:g} s"

    rows = [("claim", "quick", "full", "title")]
    rows += [(i, seconds(e.quick_seconds), seconds(e.full_seconds), e.title) for i, e in catalogue().items()]
    widths = [max(len(r[j]) for r in rows) for j in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths)) + "  " + r[3])
    print(f"\ntimes: {timings_measured()}; -: not measured")
    return 0


def comma_list(option: str, text: str, allowed: tuple) -> list:
    """A comma-separated choice: every name must be in allowed."""
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [n for n in names if n not in allowed]
    if not names or unknown:
        raise UsageError(f"{option} {text!r}: {'unknown ' + repr(unknown[0]) + '; ' if unknown else ''}"
                         f"allowed: {', '.join(allowed)} (comma-separated)")
    return list(dict.fromkeys(names))


def paper_inputs(args, sweeps: list, tasks: list, generators: list, fit_on: list, out: Path):
    """Tables of --data, or of the --csv split (not yet written), checked for every sweep, task and
    method; the split (or None)."""
    from synthlaw.sims.paper_rows import real_stems, rows_needed
    from synthlaw.sims.table_split import SEED_SIZE, TEST_FRACTION, split_table, split_tables
    from synthlaw.sims.tables import check_rows, load_tables
    from synthlaw.theory.experiments.paper_generators import smallest_class

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
                if count <= 5:
                    raise UsageError(f"--generators {method}: the {task} task's conditioning label {label} has {count} "
                                     f"--fit-on {mode} rows; {method} needs more than 5 (raise --seed-size or fit on use)")
    return tables, split


def run_paper(args) -> int:
    join_hosts(args.distributed)
    from synthlaw.sims.tables import TableError
    from synthlaw.theory.experiments.paper_generators import ALLOWED, FIT_ON

    sweeps = comma_list("--sweeps", args.sweeps, ("ratio", "augmentation"))
    generators = [] if args.generators == "none" else list(ALLOWED) if args.generators == "all" else \
        comma_list("--generators", args.generators, ALLOWED + ("all", "none"))
    if set(generators) & {"all", "none"}:
        raise UsageError(f"--generators {args.generators!r}: 'all' and 'none' stand alone; allowed: {', '.join(ALLOWED)}")
    fit_on = comma_list("--fit-on", args.fit_on, FIT_ON)
    from synthlaw.models.library_classifiers import fit_problem
    if problem := fit_problem(args.classifier, args.solver):
        raise UsageError(problem)
    tasks = ["imbalance"] + (["spurious"] if args.spurious else [])
    source = args.data.resolve().name if args.csv is None else args.csv.stem
    out = args.out or Path("runs") / f"{datetime.date.today():%Y-%m-%d}-paper-{source}"
    try:
        tables, split = paper_inputs(args, sweeps, tasks, generators, fit_on, out)
    except TableError as err:
        raise UsageError(str(err)) from None
    import jax

    from synthlaw.figures.paper_report import write_paper_report
    from synthlaw.sims.paper_rows import rows_needed
    from synthlaw.sims.store import is_writer, write_json, write_table
    from synthlaw.sims.sweep import sweep_settings
    from synthlaw.sims.table_split import write_split
    from synthlaw.theory.experiments.paper_generators import generate
    from synthlaw.theory.experiments.paper_sweeps import run_sweep_on_tables
    from synthlaw.theory.runner.paper_results import compare_stored, summarise

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
                columns = run_sweep_on_tables(tables, sweep, task, protocol=args.protocol, seed=args.seed,
                                              seed_size=seed_size, standardize=args.standardize,
                                              classifier=args.classifier, solver=args.solver)
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


# --- synthlaw oversample: resample a numeric CSV with synthlaw.samplers ---------------------------

OVERSAMPLERS = {"ros": "RandomOverSampler", "smote": "SMOTE", "adasyn": "ADASYN", "plugin": "GaussianPlugin",
                "transformer": "TransformerOversampler"}


def add_oversample_parser(commands) -> None:
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


def csv_cell(value: float) -> str:
    """A number as the shortest text that reads back to it; whole numbers without '.0'."""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def run_oversample(args) -> int:
    import numpy as np

    from synthlaw import samplers
    from synthlaw.sims.store import write_atomic
    from synthlaw.sims.tables import TableError, read_csv

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
    lines = [",".join(header)] + [",".join(csv_cell(float(v)) for v in row) for row in rows]
    write_atomic(args.out, "\n".join(lines) + "\n")
    before, after = (dict(zip(*np.unique(y, return_counts=True))) for y in (y_n, y_res))
    counts = ", ".join(f"{c}: {before[c]} -> {after[c]}" for c in after)
    print(f"oversample: {args.method} on {args.csv}, rows per {args.label} {counts}; wrote {args.out} "
          f"({len(rows)} rows)", file=sys.stderr)
    return 0


def interrupted(args) -> str:
    """The line Ctrl-C prints: for verify (and paper), how many sweep chunks are saved to resume from."""
    out = getattr(args, "out", None)
    if getattr(args, "command", None) in ("verify", "paper") and out is not None:
        from synthlaw.theory.runner.saved import saved_chunks

        return f"interrupted; {saved_chunks(out)} chunks saved; rerun the same command to resume"
    return "interrupted"


def main(argv=None) -> int:
    """Run one command; return its exit code (0, 1 for a FAIL, 2 for a usage error, 130 for Ctrl-C)."""
    args = None
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as done:  # --version, --help
            return done.code or 0
        if args.command is None:
            print(parser.format_help(), file=sys.stderr, end="")
            return USAGE_ERROR
        code = {"verify": run_verify, "calibrate": run_calibrate, "explain": run_explain, "report": run_report,
                "list": run_list, "paper": run_paper, "oversample": run_oversample}[args.command](args)
        sys.stdout.flush()
        return code
    except UsageError as err:
        print(f"synthlaw: error: {err}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print(interrupted(args), file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # the reader (head, less) went away: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
