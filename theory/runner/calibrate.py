"""The calibrate runner: the size and power of every check, over many runs.

CLAIMS.md, "What a check must show": a check PASSes a true prediction (its size, the share of
runs where it PASSes, should be near the 99.9% level) and FAILs a wrong one (its power). A claim
is measured once with runs x seeds seeds and the table is cut into `runs` tables of disjoint
seeds, each renumbered 0..seeds-1: statistically `runs` independent verify runs for the cost of
one compile. Run 0 is the table `synthlaw verify` measures with the same base seed.
"""

import dataclasses
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np

from synthlaw.settings import ConfigError
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.store import write_atomic, write_table
from synthlaw.theory.claims.check import Check, Claim, ErrorKind, Mutation, verdict
from synthlaw.theory.claims.spec import SeededConfig
from synthlaw.theory.runner.verify import claim_key, dtype_name

ERRORS: dict[ErrorKind, tuple[float, ...]] = {"relative": (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0),
                                              "absolute": (0.02, 0.05, 0.1, 0.2, 0.3, 0.5)}
POWER_LEVEL = 0.9


@dataclass(frozen=True)
class CheckCalibration:
    """size: share of runs the check PASSes under the correct prediction; power: the smallest
    error in its prediction (of the check's error_kind) it FAILs in >= 90% of runs."""

    label: str
    quantity: str
    size: float
    power: float | None
    power_kind: ErrorKind


@dataclass(frozen=True)
class MutationCalibration:
    """rejection_rate: share of runs (of `runs`) where the claim FAILs; check_fail_shares: per
    check, the share of runs it FAILs; seconds: measuring (config mutations) and judging."""

    name: str
    kind: str
    runs: int
    rejection_rate: float
    check_fail_shares: tuple[float, ...]
    seconds: float


@dataclass(frozen=True)
class CalibrationResult:
    """One claim's calibration: runs runs of seeds_per_run seeds; note says why it was skipped."""

    claim_id: str
    mode: str
    runs: int
    seeds_per_run: int
    base_seed: int
    checks: tuple[CheckCalibration, ...] = ()
    mutations: tuple[MutationCalibration, ...] = ()
    seconds: float = 0.0
    note: str = ""


def split_runs(columns: dict, runs: int, seeds_per_run: int) -> list[dict]:
    """Cut a table of runs x seeds_per_run seeds into runs tables; run k keeps seeds
    k*S..(k+1)*S-1, renumbered 0..S-1."""
    seed = np.asarray(columns["seed"])
    if not np.array_equal(np.unique(seed), np.arange(runs * seeds_per_run)):
        raise ValueError(f"expected seeds 0..{runs * seeds_per_run - 1}, got {len(np.unique(seed))} distinct seeds")
    tables = []
    for k in range(runs):
        rows = (seed >= k * seeds_per_run) & (seed < (k + 1) * seeds_per_run)
        tables.append({**{name: np.asarray(v)[rows] for name, v in columns.items()},
                       "seed": seed[rows] - k * seeds_per_run})
    return tables


def seeded(claim: Claim, config) -> SeededConfig:
    """config, which calibrate may measure over more seeds only if it is a SeededConfig."""
    if not isinstance(config, SeededConfig):
        raise ConfigError(f"{claim.id}: its config {type(config).__name__} declares no seeds "
                          f"(not a SeededConfig), so it cannot be calibrated")
    return config


def measure_runs(claim: Claim, config: SeededConfig, runs: int, *, key, options: SweepOptions) -> list[dict]:
    """One measurement of claim with runs x config.seeds seeds, cut into runs tables (no resume:
    options.checkpoint is ignored)."""
    options = dataclasses.replace(options, checkpoint=None)
    columns = claim.measure(dataclasses.replace(config, seeds=runs * config.seeds), key=key, options=options)
    return split_runs(columns, runs, config.seeds)


def fail_share(checks: list[Check]) -> float:
    """The share of these checks (one per run) that FAIL."""
    return float(np.mean([not c.passed for c in checks]))


def wrong_prediction(check: Check, error: float) -> float:
    """The check's prediction off by error, as its error_kind says: a share of it, or added."""
    return check.prediction * (1 + error) if check.error_kind == "relative" else check.prediction + error


def power_of_check(runs_of_check: list[Check]) -> float | None:
    """The smallest error in grid order (ERRORS of the check's error_kind) that the check FAILs in
    >= 90% of runs, under both signs (an upper bound only downward: a higher bound stays true)."""
    first = runs_of_check[0]
    signs = (-1.0,) if first.upper_bound else (1.0, -1.0)
    for error in ERRORS[first.error_kind]:
        wrong = [[dataclasses.replace(c, prediction=wrong_prediction(c, s * error)) for c in runs_of_check]
                 for s in signs]
        if all(fail_share(checks) >= POWER_LEVEL for checks in wrong):
            return error
    return None


def judge_runs(claim: Claim, tables: list[dict], config: SeededConfig, prediction: dict) -> list[list[Check]]:
    """The checks of every run; every run must give the same checks (quantities and error kinds) in
    the same order. Labels may name a measured value (GEN-1's worst t), so they are not compared."""
    checks_by_run = [claim.judge(table, config, prediction) for table in tables]
    names = [[(c.quantity, c.error_kind) for c in checks] for checks in checks_by_run]
    if any(n != names[0] for n in names):
        raise ValueError(f"{claim.id}: runs gave different checks, e.g. {names[0]} and {names[-1]}")
    return checks_by_run


def mutation_outcome(claim: Claim, mutation: Mutation, checks_by_run: list[list[Check]],
                     seconds: float) -> MutationCalibration:
    """A mutation is rejected in a run when the claim FAILs there (any check FAILs)."""
    rejected = [verdict(claim, checks) == "FAIL" for checks in checks_by_run]
    shares = tuple(fail_share(list(run_checks)) for run_checks in zip(*checks_by_run, strict=True))
    kind = "predict" if mutation.predict is not None else "config"
    return MutationCalibration(mutation.name, kind, len(rejected), float(np.mean(rejected)), shares, seconds)


def calibrate_claim(claim: Claim, config: SeededConfig, *, runs: int, base_seed: int = 0,
                    mutation_runs: int | None = None, options: SweepOptions) -> CalibrationResult:
    """Size and power of each check and the rejection rate of each mutation, over runs runs of
    config.seeds seeds. Config mutations are measured anew (their own key, mutation_runs runs,
    all runs by default) and judged against the original config's prediction; the judge reads the
    mutated table with the mutated config. A judged claim's config must be a SeededConfig."""
    mode = "quick" if config == claim.quick else "full" if config == claim.full else "custom"
    if claim.reported_only:
        seeds = config.seeds if isinstance(config, SeededConfig) else 0
        return CalibrationResult(claim.id, mode, runs, seeds, base_seed,
                                 note="reported only, not judged: skipped")
    config = seeded(claim, config)
    result = CalibrationResult(claim.id, mode, runs, config.seeds, base_seed)
    start = time.perf_counter()
    key = claim_key(claim.id, base_seed)
    prediction = claim.predict(config)
    tables = measure_runs(claim, config, runs, key=key, options=options)
    checks_by_run = judge_runs(claim, tables, config, prediction)
    checks = []
    for runs_of_check in zip(*checks_by_run, strict=True):
        first = runs_of_check[0]
        size = float(np.mean([c.passed for c in runs_of_check]))
        checks.append(CheckCalibration(first.label, first.quantity, size, power_of_check(list(runs_of_check)),
                                       first.error_kind))
    mutations = []
    for index, mutation in enumerate(claim.mutations, start=1):
        mutation_start = time.perf_counter()
        if mutation.predict is not None:
            wrong = judge_runs(claim, tables, config, mutation.predict(prediction))
        elif mutation.config is not None:
            wrong_config = seeded(claim, mutation.config(config))
            wrong_tables = measure_runs(claim, wrong_config, mutation_runs or runs, key=jax.random.fold_in(key, index),
                                        options=options)
            wrong = judge_runs(claim, wrong_tables, wrong_config, prediction)
        mutations.append(mutation_outcome(claim, mutation, wrong, time.perf_counter() - mutation_start))
    return dataclasses.replace(result, checks=tuple(checks), mutations=tuple(mutations),
                               seconds=time.perf_counter() - start)


def print_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run_calibration(claims_and_configs, *, runs: int, base_seed: int = 0, mutation_runs: int | None = None,
                    out_dir: Path, options: SweepOptions,
                    progress=print_to_stderr) -> list[CalibrationResult]:
    """Calibrate each (claim, config), one progress line per claim; the tables are rewritten after
    each claim, so a long run that is stopped keeps what it finished."""
    results = []
    for claim, config in claims_and_configs:
        result = calibrate_claim(claim, config, runs=runs, base_seed=base_seed, mutation_runs=mutation_runs,
                                 options=options)
        results.append(result)
        rejected = ", ".join(f"{m.name} {m.rejection_rate:.2f}" for m in result.mutations) or "none"
        progress(f"{claim.id}: {result.note}" if result.note else
                 f"{claim.id}: {runs} runs x {result.seeds_per_run} seeds, smallest size "
                 f"{min((c.size for c in result.checks), default=float('nan')):.3f}, mutations rejected: "
                 f"{rejected}, {result.seconds:.1f} s")
        write_calibration(results, out_dir)
    return results


def _show_power(check: CheckCalibration) -> str:
    if check.power is None:
        return f"none ({check.power_kind})"
    return f"{check.power:.0%} relative" if check.power_kind == "relative" else f"{check.power:g} absolute"


def write_calibration(results: list[CalibrationResult], out_dir: Path) -> None:
    """calibration.csv (a row per check), mutations.csv (a row per mutation and check) and
    calibration.md, each written atomically."""
    out_dir = Path(out_dir)
    check_rows = [(r, c) for r in results for c in r.checks]
    write_table(out_dir / "calibration.csv", {
        "claim": np.array([r.claim_id for r, _ in check_rows], dtype=str),
        "mode": np.array([r.mode for r, _ in check_rows], dtype=str),
        "runs": np.array([r.runs for r, _ in check_rows], dtype=int),
        "seeds_per_run": np.array([r.seeds_per_run for r, _ in check_rows], dtype=int),
        "label": np.array([c.label for _, c in check_rows], dtype=str),
        "quantity": np.array([c.quantity for _, c in check_rows], dtype=str),
        "size": np.array([c.size for _, c in check_rows], dtype=float),
        "power": np.array([np.nan if c.power is None else c.power for _, c in check_rows], dtype=float),
        "power_kind": np.array([c.power_kind for _, c in check_rows], dtype=str)})
    mutation_rows = [(r, m, c, share) for r in results for m in r.mutations
                     for c, share in zip(r.checks, m.check_fail_shares, strict=True)]
    write_table(out_dir / "mutations.csv", {
        "claim": np.array([r.claim_id for r, *_ in mutation_rows], dtype=str),
        "mutation": np.array([m.name for _, m, *_ in mutation_rows], dtype=str),
        "kind": np.array([m.kind for _, m, *_ in mutation_rows], dtype=str),
        "runs": np.array([m.runs for _, m, *_ in mutation_rows], dtype=int),
        "rejection_rate": np.array([m.rejection_rate for _, m, *_ in mutation_rows], dtype=float),
        "seconds": np.array([m.seconds for _, m, *_ in mutation_rows], dtype=float),
        "check": np.array([c.label for *_, c, _ in mutation_rows], dtype=str),
        "check_fail_share": np.array([share for *_, share in mutation_rows], dtype=float)})
    dtype = dtype_name()
    lines = [f"# Calibration\n\nRuns: {', '.join(sorted({str(r.runs) for r in results}))}; "
             f"mode: {', '.join(sorted({r.mode for r in results}))}; base seed: "
             f"{', '.join(sorted({str(r.base_seed) for r in results}))}; dtype: {dtype}; "
             f"wall time: {sum(r.seconds for r in results):.1f} s.\n",
             "## Checks\n", "| claim | check | quantity | size (share PASS) | power (90% rejection) |",
             "|---|---|---|---|---|"]
    lines += [f"| {r.claim_id} | {c.label} | {c.quantity} | {c.size:.3f} | {_show_power(c)} |" for r, c in check_rows]
    lines += ["", "## Mutations\n",
              "| claim | mutation | kind | runs | rejection rate | checks FAILing (share) | seconds |",
              "|---|---|---|---|---|---|---|"]
    lines += [f"| {r.claim_id} | {m.name} | {m.kind} | {m.runs} | {m.rejection_rate:.3f} | "
              f"{', '.join(f'{c.label} {s:.2f}' for c, s in zip(r.checks, m.check_fail_shares, strict=True))} | "
              f"{m.seconds:.1f} |"
              for r in results for m in r.mutations]
    lines += [f"\n{r.claim_id}: {r.note}" for r in results if r.note]
    write_atomic(out_dir / "calibration.md", "\n".join(lines) + "\n")


def calibration_table(results: list[CalibrationResult]) -> str:
    """A fixed-width text table for the terminal: a line per check, then per mutation."""
    lines = [f"{'claim':<8} {'check':<28} {'quantity':<26} {'size':>6} {'power':>17}"]
    for r in results:
        if r.note:
            lines.append(f"{r.claim_id:<8} {r.note}")
        for c in r.checks:
            lines.append(f"{r.claim_id:<8} {c.label[:28]:<28} {c.quantity[:26]:<26} {c.size:>6.3f} "
                         f"{_show_power(c):>17}")
    lines.append(f"\n{'claim':<8} {'mutation':<36} {'kind':<8} {'runs':>5} {'rejected':>9}")
    lines += [f"{r.claim_id:<8} {m.name[:36]:<36} {m.kind:<8} {m.runs:>5} {m.rejection_rate:>9.3f}"
              for r in results for m in r.mutations]
    return "\n".join(lines)
