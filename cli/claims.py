"""The claim subcommands: verify, report, calibrate, explain and list."""

import datetime
import sys
import time
import tomllib
from pathlib import Path

from synthlaw.cli.usage import UsageError, add_distributed, check_out, join_hosts, seed_arg

RNGS = ("threefry2x32", "rbg")  # jax_default_prng_impl values that --rng offers


def set_numerics(args) -> None:
    """--x64 and --rng, set before anything is traced."""
    import jax

    jax.config.update("jax_enable_x64", bool(args.x64))
    jax.config.update("jax_default_prng_impl", args.rng)


def add_parsers(commands) -> None:
    verify = commands.add_parser("verify", help="run claims and print a PASS/FAIL table")
    verify.add_argument("--quick", action="store_true", help="small grids and fewer seeds (minutes)")
    verify.add_argument("--claims", help="comma-separated claim ids, any case (default: all)")
    verify.add_argument("--out", type=Path,
                        help="output folder (default: runs/quick or runs/full); a run of some claims into a "
                             "folder that holds others adds to its report")
    verify.add_argument("--force", action="store_true", help="re-measure even if saved results match")
    verify.add_argument("--config", type=Path, help="TOML file: a [CLAIM-ID] table of overrides per claim")
    verify.add_argument("--x64", action="store_true", help="simulate and fit in float64 (default float32)")
    verify.add_argument("--seed", type=seed_arg, default=0, help="base random seed (default 0)")
    verify.add_argument("--rng", choices=RNGS, default=RNGS[0],
                        help="random bit generator (default threefry2x32, JAX's default); rbg (XLA's RngBitGenerator) "
                             "compiles each sweep faster on CPU and draws another stream: its tables, and so some "
                             "verdicts, differ (README, Performance)")
    verify.add_argument("--memory-gb", type=float, default=4.0,
                        help="memory a sweep chunk may use, in GiB (default 4); larger grids run in chunks")
    calibrate = commands.add_parser("calibrate", help="measure each check's coverage, pivot and power over many runs")
    calibrate.add_argument("--quick", action="store_true", help="the quick configs")
    calibrate.add_argument("--runs", type=int, help="independent runs per claim (default: 100 quick, 40 for a quick "
                           "claim whose run costs over 5 s, 20 full)")
    calibrate.add_argument("--mutation-runs", type=int, default=5,
                           help="runs of each mutated experiment, measured anew (default 5; 0: as many as --runs)")
    calibrate.add_argument("--claims", help="comma-separated claim ids, any case (default: all judged claims)")
    calibrate.add_argument("--out", type=Path, help="output folder (default: runs/DATE-calibrate-quick|full)")
    calibrate.add_argument("--config", type=Path, help="TOML file: a [CLAIM-ID] table of overrides per claim")
    calibrate.add_argument("--x64", action="store_true", help="simulate and fit in float64 (default float32)")
    calibrate.add_argument("--seed", type=seed_arg, default=0, help="base random seed (default 0)")
    calibrate.add_argument("--rng", choices=RNGS, default=RNGS[0], help="random bit generator, as for verify")
    calibrate.add_argument("--memory-gb", type=float, default=4.0, help="memory a sweep chunk may use, in GiB")
    explain = commands.add_parser("explain", help="print a claim's statement, assumptions and check")
    explain.add_argument("claim", nargs="?", help="a claim id, e.g. IMB-1 (any case); none: list the claims")
    report = commands.add_parser("report", help="rebuild report.md, report.html and the figures from saved tables")
    report.add_argument("dir", type=Path, help="a verify output folder (CLAIM/table.csv and CLAIM/meta.json)")
    commands.add_parser("list", help="the claims, their titles and measured verify times")
    add_distributed(verify)


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


def check_flags(args) -> None:
    """What the flags say that can be checked before JAX loads (about 1-3 s): the claim ids against
    the catalogue, the --config file's tables, --runs, --mutation-runs and --memory-gb."""
    from synthlaw.theory.claims.catalogue import catalogue

    ids = {claim_id: claim_id for claim_id in catalogue()}
    pick_claims(args.claims, ids)
    read_overrides(args.config, ids)
    if getattr(args, "runs", None) is not None and args.runs < 2:
        raise UsageError(f"--runs = {args.runs}: must be an integer >= 2")
    if getattr(args, "mutation_runs", 0) < 0:
        raise UsageError(f"--mutation-runs = {args.mutation_runs}: must be an integer >= 0")
    sweep_options(args)


def sweep_options(args):
    """--memory-gb as the sweep engine's options (the runner adds the checkpoint folder)."""
    from synthlaw.settings import ConfigError
    from synthlaw.sims.engine.options import SweepOptions

    try:
        return SweepOptions(memory_budget=int(args.memory_gb * 2**30))
    except (ConfigError, ValueError, OverflowError):  # below one byte, negative, NaN, infinite
        raise UsageError(f"--memory-gb = {args.memory_gb}: must be a number > 0 (at least one byte)") from None


def claims_and_configs(args, registry: dict) -> tuple[list, list]:
    """The chosen claims and their validated configs (quick or full, with --config overrides)."""
    from synthlaw.settings import ConfigError

    claims = pick_claims(args.claims, registry)
    overrides = read_overrides(args.config, registry)
    try:
        return claims, [c.config(args.quick, overrides.get(c.id)) for c in claims]
    except ConfigError as err:
        raise UsageError(str(err)) from None


def saved_outcomes(out: Path, ids: list, registry: dict) -> list:
    """Outcomes rebuilt from the saved tables of ids in out; one that no longer loads (its config is
    no longer valid, its files are damaged) is skipped with a warning that names it."""
    from synthlaw.settings import ConfigError
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
    check_flags(args)
    import jax

    join_hosts(args.distributed)

    set_numerics(args)
    from synthlaw.figures.report import text_table, write_report
    from synthlaw.sims.engine.fingerprint import source_fingerprint
    from synthlaw.sims.engine.progress import progress_line
    from synthlaw.sims.engine.store import config_hash
    from synthlaw.theory.claims import registry
    from synthlaw.theory.runner.saved import saved_chunks, saved_claim_ids
    from synthlaw.theory.runner.verify import NonFiniteResult, claim_identity, dtype_name, run_claim

    options = sweep_options(args)
    claims, configs = claims_and_configs(args, registry())
    start = time.perf_counter()
    outcomes = []
    for i, (claim, config) in enumerate(zip(claims, configs, strict=True), 1):
        print(f"[{i}/{len(claims)}] {claim.id} {claim.title} ...", file=sys.stderr, flush=True)
        discarded = saved_chunks(out / claim.id) if args.force else 0
        resumed = 0 if args.force else saved_chunks(out / claim.id / "chunks" / config_hash(claim_identity(
            claim, config, args.seed)))
        if discarded or resumed:
            print(f"      --force: discarding the {discarded} chunks an interrupted run saved" if discarded else
                  f"      resuming from the {resumed} chunks an interrupted run saved", file=sys.stderr, flush=True)
        try:
            with progress_line(claim.id):
                outcome = run_claim(claim, config, out, force=args.force, seed=args.seed, options=options)
        except NonFiniteResult as err:
            print(f"synthlaw: error: {err}", file=sys.stderr)
            return 1
        how = "reused" if outcome.reused else "measured"
        print(f"      {outcome.verdict} ({how}, {outcome.seconds:.1f} s)", file=sys.stderr, flush=True)
        outcomes.append(outcome)
    run_ids = {o.claim.id for o in outcomes}
    kept = saved_outcomes(out, [i for i in saved_claim_ids(out, registry()) if i not in run_ids], registry())
    info = {"mode": mode, "dtype": dtype_name(), "rng": args.rng, "seed": args.seed, "devices": len(jax.devices()),
            "source fingerprint": source_fingerprint(), "wall seconds": f"{time.perf_counter() - start:.1f}"}
    order = list(registry())
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
    from synthlaw.sims.engine.fingerprint import source_fingerprint
    from synthlaw.theory.claims import registry
    from synthlaw.theory.runner.saved import saved_claim_ids

    ids = saved_claim_ids(args.dir, registry())
    if not ids:
        raise UsageError(f"report {args.dir}: holds no claim tables (CLAIM/table.csv with CLAIM/meta.json, "
                         f"as synthlaw verify --out {args.dir} writes them)")
    check_out(args.dir, "report")
    start = time.perf_counter()
    outcomes = saved_outcomes(args.dir, ids, registry())
    if not outcomes:
        raise UsageError(f"report {args.dir}: none of its saved tables could be read (warnings above)")
    info = {"rebuilt from": str(args.dir), "source fingerprint": source_fingerprint()}
    report = write_report(outcomes, args.dir, info)
    print(text_table(outcomes))
    print(f"\nreport: {report} and {report.with_suffix('.html').name}  ({time.perf_counter() - start:.1f} s)")
    return 0


def run_calibrate(args) -> int:
    check_flags(args)
    set_numerics(args)
    from synthlaw.theory.claims import registry
    from synthlaw.theory.runner.calibrate import calibration_table, miscalibrated, run_calibration

    options = sweep_options(args)
    claims, configs = claims_and_configs(args, registry())
    mode = "quick" if args.quick else "full"
    out = args.out or Path("runs") / f"{datetime.date.today():%Y-%m-%d}-calibrate-{mode}"
    check_out(out)
    start = time.perf_counter()
    results = run_calibration(list(zip(claims, configs, strict=True)), runs=args.runs, base_seed=args.seed,
                              mutation_runs=args.mutation_runs or None, out_dir=out,
                              options=options)
    print(calibration_table(results))
    print(f"\ncalibration: {out / 'calibration.md'}  ({time.perf_counter() - start:.1f} s)")
    flagged = miscalibrated(results)
    for line in flagged:
        print(f"miscalibrated: {line}", file=sys.stderr)
    return 1 if flagged else 0


def run_explain(args) -> int:
    """A claim's note; without an id, the list of claims. Reads the catalogue, so JAX is not imported."""
    from synthlaw.theory.claims.catalogue import catalogue, claim_id

    if args.claim is None:
        print("claims (synthlaw explain ID prints one):")
        for i, entry in catalogue().items():
            print(f"  {i}  {entry.title}")
        return 0
    found = claim_id(args.claim)
    if found is None:
        raise UsageError(f"explain: unknown claim id {args.claim!r}; allowed: {', '.join(catalogue())}")
    print(catalogue()[found].note.text)
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
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
    print(f"\ntimes: {timings_measured()}; -: not measured")
    return 0


COMMANDS = {"verify": run_verify, "report": run_report, "calibrate": run_calibrate, "explain": run_explain,
            "list": run_list}
