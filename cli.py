"""The `synthlaw` command: verify claims, explain them. Nothing imports this module."""

import argparse
import datetime
import shutil
import sys
import time
import tomllib
from pathlib import Path

USAGE_ERROR = 2


class UsageError(Exception):
    """A user mistake: reported as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> Parser:
    parser = Parser(prog="synthlaw", description="Verify the theory of synthetic oversampling by simulation.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    verify = commands.add_parser("verify", help="run claims and print a PASS/FAIL table")
    verify.add_argument("--quick", action="store_true", help="small grids and fewer seeds (minutes)")
    verify.add_argument("--claims", default="", help="comma-separated claim ids (default: all)")
    verify.add_argument("--out", type=Path, help="output folder (default: runs/DATE-quick or runs/DATE-full)")
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
    calibrate.add_argument("--claims", default="", help="comma-separated claim ids (default: all judged claims)")
    calibrate.add_argument("--out", type=Path, help="output folder (default: runs/DATE-calibrate-quick|full)")
    calibrate.add_argument("--config", type=Path, help="TOML file: a [CLAIM-ID] table of overrides per claim")
    calibrate.add_argument("--x64", action="store_true", help="simulate and fit in float64 (default float32)")
    calibrate.add_argument("--seed", type=int, default=0, help="base random seed (default 0)")
    calibrate.add_argument("--memory-gb", type=float, default=4.0, help="memory a sweep chunk may use, in GiB")
    explain = commands.add_parser("explain", help="print a claim's statement, assumptions and check")
    explain.add_argument("claim", help="a claim id, e.g. IMB-1")
    paper = commands.add_parser("paper", help="rerun the paper's real-data sweeps on a data folder")
    paper.add_argument("--data", type=Path, required=True, help="folder laid out like shared/data/gender")
    paper.add_argument("--label", required=True, help="label column (values 0 and 1; 1 is the minority)")
    paper.add_argument("--spurious", help="spurious attribute column: also run the spurious-group sweeps")
    paper.add_argument("--protocol", choices=("jax", "paper"), default="jax",
                       help="row choices: JAX keys (default) or the authors' RandomState draws")
    paper.add_argument("--methods", nargs="+", help="synthetic methods (default: every one in the folder)")
    paper.add_argument("--sweeps", default="ratio,augmentation", help="comma-separated: ratio, augmentation")
    paper.add_argument("--standardize", action="store_true", help="standardise features (default raw, as the paper)")
    paper.add_argument("--seed", type=int, default=0, help="JAX base seed for --protocol jax (default 0)")
    paper.add_argument("--classifier", default="logistic", help="logistic (JAX, default), rf or xgb (need .[paper])")
    paper.add_argument("--solver", help="logistic fit: exact (default) or lbfgs-like-authors (sklearn, max_iter 1000)")
    paper.add_argument("--out", type=Path, help="output folder (default: runs/DATE-paper-FOLDER)")
    for command in (verify, paper):
        command.add_argument("--distributed", metavar="SPEC",
                             help="join a multi-host run: 'auto' (SLURM, Open MPI, ...) or "
                                  "HOST:PORT,NUM_PROCESSES,PROCESS_ID; process 0 writes the files")
    return parser


def pick_claims(text: str, registry: dict) -> list:
    ids = [c.strip() for c in text.split(",") if c.strip()] or list(registry)
    unknown = [c for c in ids if c not in registry]
    if unknown:
        raise UsageError(f"--claims: unknown claim id {unknown[0]!r}; allowed: {', '.join(registry)}")
    return [registry[c] for c in ids]


def read_overrides(path: Path | None, registry: dict) -> dict:
    if path is None:
        return {}
    try:
        overrides = tomllib.loads(path.read_text())
    except OSError as err:
        raise UsageError(f"--config {path}: cannot read ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"--config {path}: not valid TOML ({err})") from None
    for claim_id, table in overrides.items():
        if claim_id not in registry or not isinstance(table, dict):
            raise UsageError(f"--config {path}: [{claim_id}] is not a claim table; allowed: {', '.join(registry)}")
    return overrides


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


def run_verify(args) -> int:
    import jax

    join_hosts(args.distributed)

    if args.x64:
        jax.config.update("jax_enable_x64", True)
    from synthlaw.figures.report import text_table, write_report
    from synthlaw.theory.claims import REGISTRY
    from synthlaw.theory.runner.fingerprint import source_fingerprint
    from synthlaw.theory.runner.verify import NonFiniteResult, dtype_name, run_claim

    claims, configs = claims_and_configs(args, REGISTRY)
    mode = "quick" if args.quick else "full"
    out = args.out or Path("runs") / f"{datetime.date.today():%Y-%m-%d}-{mode}"
    start = time.perf_counter()
    outcomes = []
    for i, (claim, config) in enumerate(zip(claims, configs), 1):
        print(f"[{i}/{len(claims)}] {claim.id} {claim.title} ...", file=sys.stderr, flush=True)
        try:
            outcome = run_claim(claim, config, out, force=args.force, seed=args.seed,
                                memory_budget=int(args.memory_gb * 2**30))
        except NonFiniteResult as err:
            print(f"synthlaw: error: {err}", file=sys.stderr)
            return 1
        how = "reused" if outcome.reused else "measured"
        print(f"      {outcome.verdict} ({how}, {outcome.seconds:.1f} s)", file=sys.stderr, flush=True)
        outcomes.append(outcome)
    info = {"mode": mode, "dtype": dtype_name(), "seed": args.seed, "devices": len(jax.devices()),
            "source fingerprint": source_fingerprint(), "wall seconds": f"{time.perf_counter() - start:.1f}"}
    report = write_report(outcomes, out, info)
    print(text_table(outcomes))
    print(f"\nreport: {report}  ({info['dtype']}, {info['wall seconds']} s)")
    return 1 if any(o.verdict == "FAIL" for o in outcomes) else 0


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
    start = time.perf_counter()
    results = run_calibration(list(zip(claims, configs)), runs=args.runs, base_seed=args.seed,
                              mutation_runs=args.mutation_runs or None, out_dir=out,
                              memory_budget=int(args.memory_gb * 2**30))
    print(calibration_table(results))
    print(f"\ncalibration: {out / 'calibration.md'}  ({args.runs} runs, {time.perf_counter() - start:.1f} s)")
    return 0


def run_explain(args) -> int:
    from synthlaw.theory.claims import REGISTRY
    from synthlaw.theory.notes import note_text

    pick_claims(args.claim, REGISTRY)
    print(note_text(args.claim))
    return 0


def run_paper(args) -> int:
    join_hosts(args.distributed)
    from synthlaw.sims.paper_rows import rows_needed
    from synthlaw.sims.tables import TableError, check_rows, load_tables

    sweeps = [s.strip() for s in args.sweeps.split(",") if s.strip()]
    if not sweeps or any(s not in ("ratio", "augmentation") for s in sweeps):
        raise UsageError(f"--sweeps {args.sweeps!r}: allowed: ratio, augmentation (comma-separated)")
    from synthlaw.models.library_classifiers import fit_problem
    if problem := fit_problem(args.classifier, args.solver):
        raise UsageError(problem)
    tasks = ["imbalance"] + (["spurious"] if args.spurious else [])
    try:
        tables = load_tables(args.data, args.label, args.spurious, args.methods)
        if not tables.methods:
            raise TableError(f"{args.data}: no synthetic method ({{method}}0.csv and {{method}}1.csv) found")
        seed_size = len(tables.tables["seed"].y_n)
        for task in tasks:
            for method in tables.methods:
                check_rows(tables, rows_needed(method, task, seed_size), f"the {task} sweeps (seed size {seed_size})")
    except TableError as err:
        raise UsageError(str(err)) from None
    import jax

    from synthlaw.figures.paper import write_paper_report
    from synthlaw.sims.store import is_writer, write_json, write_table
    from synthlaw.sims.sweep import sweep_settings
    from synthlaw.theory.runner.paper_results import compare_stored, summarise
    from synthlaw.theory.experiments.paper_sweeps import run_sweep_on_tables

    out = args.out or Path("runs") / f"{datetime.date.today():%Y-%m-%d}-paper-{args.data.resolve().name}"
    start, results = time.perf_counter(), {}
    with sweep_settings(checkpoint=out / "chunks"):  # a killed run resumes where it stopped
        for task in tasks:
            for sweep in sweeps:
                print(f"{task} {sweep} sweep, {len(tables.methods)} methods ...", file=sys.stderr, flush=True)
                columns = run_sweep_on_tables(tables, sweep, task, protocol=args.protocol, seed=args.seed,
                                              seed_size=seed_size, standardize=args.standardize,
                                              classifier=args.classifier, solver=args.solver)
                summary = summarise(columns)
                results[task, sweep] = (columns, summary, compare_stored(summary, tables.folder, sweep, task))
    info = {"data": str(args.data), "label": args.label, "spurious": args.spurious, "protocol": args.protocol,
            "methods": ",".join(tables.methods), "features": "standardised" if args.standardize else "raw",
            "dtype": "float64", "seed": args.seed, "jax": jax.__version__,
            "wall seconds": f"{time.perf_counter() - start:.1f}"}
    for (task, sweep), (columns, summary, rows) in results.items():
        write_table(out / f"{task}_{sweep}.csv", columns)
        write_table(out / f"{task}_{sweep}_summary.csv", summary)
        if rows:
            write_table(out / f"{task}_{sweep}_vs_stored.csv", {k: [r[k] for r in rows] for k in rows[0]})
    write_json(out / "meta.json", info)
    report = write_paper_report({k: v[1:] for k, v in results.items()}, out, info)
    if is_writer():
        shutil.rmtree(out / "chunks", ignore_errors=True)
    print(f"report: {report}  (float64, {info['wall seconds']} s)")
    return 0


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return {"verify": run_verify, "calibrate": run_calibrate, "explain": run_explain,
                "paper": run_paper}[args.command](args)
    except UsageError as err:
        print(f"synthlaw: error: {err}", file=sys.stderr)
        return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
