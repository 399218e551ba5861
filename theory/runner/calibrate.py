"""The calibrate runner: the coverage, pivot and power of every check, over many runs.

docs/claims.md, "What a check must show": a check's interval must hold its level (coverage: the share
of runs whose interval contains the true prediction, at 80, 95, 99 and 99.9%) and its pivot must be
centred (Check.pivot: N(0, 1) over runs when the prediction is the truth); it must FAIL a wrong
prediction (its power, and the rejection rate of each realistic wrong theory). A claim is measured
once with runs x seeds seeds and the table is cut into `runs` tables of disjoint seeds, each
renumbered 0..seeds-1: statistically `runs` independent verify runs for the cost of one compile.
Run 0 is the table `synthlaw verify` measures with the same base seed.

A check is miscalibrated when, at any level, the number of covering runs falls outside the
central 99% of Binomial(runs, level), or when its pivot's mean is more than 3 standard errors
from 0. A check with an allowance (a higher-order term the prediction leaves out, bounded in its
note) claims only that the truth lies within prediction +- allowance: a composite null, under
which its widened interval covers at least its level and can cover more (a remainder smaller than
its bound), and the prediction's own pivot is off centre by the remainder. So for it only too
few covering runs flag, and the pivot test moves to the band's edges: the pivot of prediction +
allowance (unwidened interval) must not have a mean more than 3 standard errors above 0, nor that
of prediction - allowance one more than 3 below 0 (the measured offset lies within the allowance).
With no allowance both edges are the prediction and this is the two-sided test.

Each test alone raises a false alarm at most 1% (0.27%) of the time for a check that holds its level,
so a claim of many checks is flagged by chance in a sizeable share of calibrations (IMB-6's 20 checks
over 40 runs: 23%, chance_flag_shares). So the rule is applied twice: a flagged check is measured
again on as many fresh runs (a stream of its own), and it is miscalibrated only when the pooled runs,
twice as many, flag it too. That keeps almost all of the rule's power against a miscalibrated check
and clears most chance flags (IMB-6's 23% -> 6.5%; benchmarks/calibrate_false_flags.py).
"""

import dataclasses
import functools
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np
from scipy import stats

from synthlaw.settings import ConfigError
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.store import write_atomic, write_table
from synthlaw.theory.claims.catalogue import catalogue
from synthlaw.theory.claims.check import COARSE, Check, Claim, ErrorKind, Mutation, verdict
from synthlaw.theory.claims.spec import SeededConfig
from synthlaw.theory.runner.verify import claim_key, dtype_name, started

ERRORS: dict[ErrorKind, tuple[float, ...]] = {"relative": (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0),
                                              "absolute": (0.02, 0.05, 0.1, 0.2, 0.3, 0.5)}
POWER_LEVEL = 0.9
LEVELS = (0.8, 0.95, 0.99, 0.999)
BAND = 0.99  # coverage counts outside the central 99% of Binomial(runs, level) are miscalibrated
PIVOT_SES = 3.0  # a pivot mean further than this many standard errors from 0 is off centre
CHEAP_RUNS, DEAR_RUNS, FULL_RUNS = 100, 40, 20
DEAR_SECONDS = 5.0  # quick verify seconds (catalogue.toml) from which a claim gets DEAR_RUNS runs


def default_runs(claim_id: str, quick: bool) -> int:
    """Runs per claim when --runs is not given (issue 19): CHEAP_RUNS at quick size when a run costs
    under DEAR_SECONDS (the claim's quick verify time in catalogue.toml, compile included, bounds
    it), DEAR_RUNS otherwise, and FULL_RUNS for the full configs."""
    if not quick:
        return FULL_RUNS
    seconds = catalogue()[claim_id].quick_seconds
    return DEAR_RUNS if seconds is None or seconds >= DEAR_SECONDS else CHEAP_RUNS


@dataclass(frozen=True)
class Coverage:
    """covered of runs intervals at level contain the prediction (for an upper bound: lie below it)."""

    level: float
    covered: int
    runs: int

    @property
    def share(self) -> float:
        return self.covered / self.runs

    @property
    def se(self) -> float:
        """The binomial standard error of share (0 when every run or none covers)."""
        return float(np.sqrt(self.share * (1 - self.share) / self.runs))

    @property
    def band(self) -> tuple[int, int]:
        """The central BAND of Binomial(runs, level), in counts."""
        tail = (1 - BAND) / 2
        return int(stats.binom.ppf(tail, self.runs, self.level)), int(stats.binom.ppf(1 - tail, self.runs, self.level))

    @property
    def within(self) -> bool:
        lo, hi = self.band
        return lo <= self.covered <= hi

    @property
    def at_least(self) -> bool:
        """Not below the band: what a check widened by an allowance must show (a composite null)."""
        return self.covered >= self.band[0]


@dataclass(frozen=True)
class CheckCalibration:
    """Over the runs: pass_share, the share that PASS (interval holds the prediction, excludes the
    rival); coverage at each of LEVELS (of the interval widened by any allowance); the mean and SD of
    the prediction's pivot on the unwidened interval; edges, with an allowance, the mean and SD of the
    pivots of prediction - allowance and prediction + allowance (None without one); the median number
    of half-widths between prediction and rival; power, the smallest error in the prediction (of the
    check's error_kind) it FAILs in >= 90% of runs. An upper bound or a tolerance band
    (Check.tolerance) is not a coverage statement: its coverage is the share of runs where it holds,
    and it is never marked miscalibrated."""

    label: str
    quantity: str
    pass_share: float
    coverage: tuple[Coverage, ...]
    pivot_mean: float
    pivot_sd: float
    rival_separation: float | None
    power: float | None
    power_kind: ErrorKind
    upper_bound: bool = False
    tolerance: bool = False
    edges: tuple[tuple[float, float], tuple[float, float]] | None = None  # (mean, SD) at prediction -+ allowance
    pooled: "CheckCalibration | None" = None  # when flagged: over these runs and as many fresh ones

    @property
    def pivot_se(self) -> float:
        return self.se(self.pivot_sd)

    def se(self, sd: float) -> float:
        """The standard error of a mean over the runs with this SD."""
        return sd / np.sqrt(self.coverage[0].runs)

    @property
    def centred(self) -> bool:
        """Without an allowance, the pivot's mean within PIVOT_SES standard errors of 0; with one, the
        measured offset within the allowance: the lower edge's mean not below -PIVOT_SES SE, the upper
        edge's not above +PIVOT_SES SE."""
        if self.edges is None:
            return abs(self.pivot_mean) <= PIVOT_SES * self.pivot_se
        (lower, lower_sd), (upper, upper_sd) = self.edges
        return lower >= -PIVOT_SES * self.se(lower_sd) and upper <= PIVOT_SES * self.se(upper_sd)

    @property
    def flagged(self) -> bool:
        """Off centre, or a coverage count outside its band (with an allowance: below it)."""
        if self.upper_bound or self.tolerance:
            return False
        return not (self.centred and all(self.holds(c) for c in self.coverage))

    @property
    def miscalibrated(self) -> bool:
        """Flagged here and, when measured again, over the pooled runs too."""
        return self.flagged and (self.pooled is None or self.pooled.flagged)

    def holds(self, coverage: Coverage) -> bool:
        """Coverage within its band; with an allowance, not below it. A bound's or a tolerance's share of runs
        where it holds is not a coverage and is never marked."""
        if self.upper_bound or self.tolerance:
            return True
        return coverage.within if self.edges is None else coverage.at_least

    @property
    def coarse(self) -> bool:
        return self.rival_separation is not None and self.rival_separation > COARSE


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


def holds_at(check: Check, level: float) -> bool:
    """Coverage at level, or for an upper bound: the interval at level lies at or below it."""
    if check.upper_bound:
        return check.measured.at(level).hi <= check.prediction + check.allowance
    return check.covers_at(level)


def pivots_at(runs_of_check: list[Check], offset: float) -> tuple[float, float]:
    """Mean and SD over runs of the pivot of prediction + offset x allowance on the unwidened interval."""
    pivots = np.array([dataclasses.replace(c, prediction=c.prediction + offset * c.allowance, allowance=0.0).pivot()
                       for c in runs_of_check])
    return float(np.mean(pivots)), float(np.std(pivots, ddof=1))


def check_calibration(runs_of_check: list[Check]) -> CheckCalibration:
    """One check over its runs: coverage at LEVELS, pivots, rival separation and power."""
    first, runs = runs_of_check[0], len(runs_of_check)
    coverage = tuple(Coverage(level, sum(holds_at(c, level) for c in runs_of_check), runs) for level in LEVELS)
    separations = [c.rival_separation for c in runs_of_check]
    has_allowance = any(c.allowance > 0 for c in runs_of_check)
    return CheckCalibration(
        first.label, first.quantity, float(np.mean([c.passed for c in runs_of_check])), coverage,
        *pivots_at(runs_of_check, 0.0),
        None if separations[0] is None else float(np.nanmedian(np.array(separations, dtype=float))),
        power_of_check(runs_of_check), first.error_kind, first.upper_bound, first.tolerance,
        (pivots_at(runs_of_check, -1.0), pivots_at(runs_of_check, 1.0)) if has_allowance else None)


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
    """Coverage, pivot and power of each check and the rejection rate of each mutation, over runs runs of
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
    predicting = started(claim.predict, config)  # beside the measurement, as in verify
    tables = measure_runs(claim, config, runs, key=key, options=options)
    prediction = predicting.result()
    checks_by_run = judge_runs(claim, tables, config, prediction)
    checks = [check_calibration(list(runs_of_check)) for runs_of_check in zip(*checks_by_run, strict=True)]
    if any(c.flagged for c in checks):
        checks = with_pooled_runs(claim, config, checks, checks_by_run, prediction, base_seed=base_seed,
                                  options=options)
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


def with_pooled_runs(claim: Claim, config: SeededConfig, checks: list[CheckCalibration],
                 checks_by_run: list[list[Check]], prediction: dict, *, base_seed: int,
                 options: SweepOptions) -> list[CheckCalibration]:
    """Measure the claim again on as many runs from a stream of their own (claim_key of "ID pooled", so
    independent of the first runs, the mutations and every claim's verify) and attach to each flagged check its
    calibration over both sets of runs pooled."""
    fresh = measure_runs(claim, config, len(checks_by_run), key=claim_key(f"{claim.id} pooled", base_seed),
                         options=options)
    both = checks_by_run + judge_runs(claim, fresh, config, prediction)
    return [dataclasses.replace(c, pooled=check_calibration(list(runs_of_check))) if c.flagged else c
            for c, runs_of_check in zip(checks, zip(*both, strict=True), strict=True)]


@functools.cache  # write_calibration asks again for every claim each time it rewrites the tables
def chance_flag_shares(runs: int, checks: int, calibrations: int = 4000) -> tuple[float, float]:
    """Of calibrations of `checks` exactly calibrated, independent checks (pivots N(0, 1) over runs, no
    allowance): the share in which the rule flags a check (a coverage count outside its BAND at some level, or
    a pivot mean PIVOT_SES standard errors off), and the share in which one is miscalibrated (flagged, and
    flagged again over the pooled runs once as many fresh ones are added). The rule is per check, so this is
    how often a claim with that many checks is flagged by chance alone (correlated checks: less). A simulation
    with a fixed seed (benchmarks/calibrate_false_flags.py prints it)."""
    pivot_kcr = np.random.default_rng(0).standard_normal((calibrations, checks, 2 * runs))
    flag_kc, pooled_kc = flags(pivot_kcr[:, :, :runs]), flags(pivot_kcr)
    return float(flag_kc.any(axis=1).mean()), float((flag_kc & pooled_kc).any(axis=1).mean())


def flags(pivot_kcr: np.ndarray) -> np.ndarray:
    """Which checks (calibration k, check c) the rule flags, given their pivots over runs r (no allowance): a
    coverage count |pivot| < z at some level outside its BAND, or a pivot mean PIVOT_SES standard errors off."""
    runs = pivot_kcr.shape[2]
    flag_kc = np.abs(pivot_kcr.mean(axis=2)) > PIVOT_SES * pivot_kcr.std(axis=2, ddof=1) / np.sqrt(runs)
    for level in LEVELS:
        covered_kc = (np.abs(pivot_kcr) < stats.norm.ppf(0.5 + level / 2)).sum(axis=2)
        low, high = Coverage(level, 0, runs).band
        flag_kc |= (covered_kc < low) | (covered_kc > high)
    return flag_kc


def print_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run_calibration(claims_and_configs, *, runs: int | None = None, base_seed: int = 0,
                    mutation_runs: int | None = None, out_dir: Path, options: SweepOptions,
                    progress=print_to_stderr) -> list[CalibrationResult]:
    """Calibrate each (claim, config) over runs runs (default_runs per claim when None), one
    progress line per claim; the tables are rewritten after each claim, so a long run that is
    stopped keeps what it finished."""
    results = []
    for claim, config in claims_and_configs:
        claim_runs = runs or default_runs(claim.id, config == claim.quick)
        result = calibrate_claim(claim, config, runs=claim_runs, base_seed=base_seed, mutation_runs=mutation_runs,
                                 options=options)
        results.append(result)
        rejected = ", ".join(f"{m.name} {m.rejection_rate:.2f}" for m in result.mutations) or "none"
        progress(f"{claim.id}: {result.note}" if result.note else
                 f"{claim.id}: {claim_runs} runs x {result.seeds_per_run} seeds, miscalibrated: "
                 f"{', '.join(c.label for c in result.checks if c.miscalibrated) or 'none'}{_flags_line(result)}; "
                 f"wrong theories rejected: {rejected}; {result.seconds:.1f} s")
        write_calibration(results, out_dir)
    return results


def _flags_line(result: CalibrationResult) -> str:
    """The flagged checks, measured again, with how often chance alone flags (and pools to) that many."""
    flagged = [c.label for c in result.checks if c.flagged]
    if not flagged:
        return ""
    first, pooled = chance_flag_shares(result.runs, len(result.checks))
    return (f" (flagged and measured again on {result.runs} fresh runs: {', '.join(flagged)}; by chance alone, "
            f"{first:.0%} of calibrations of {len(result.checks)} calibrated checks flag one and {pooled:.0%} "
            f"after pooling)")


def miscalibrated(results: list[CalibrationResult]) -> list[str]:
    """'CLAIM: check (quantity)' for every miscalibrated check."""
    return [f"{r.claim_id}: {c.label} ({c.quantity})" for r in results for c in r.checks if c.miscalibrated]


def _show_power(check: CheckCalibration) -> str:
    """The smallest error rejected in POWER_LEVEL of runs; 'none up to' the grid's largest when none is."""
    def shown(error: float) -> str:
        return f"{error:.0%} relative" if check.power_kind == "relative" else f"{error:g} absolute"
    return f"none up to {shown(ERRORS[check.power_kind][-1])}" if check.power is None else shown(check.power)


def _show_coverage(check: CheckCalibration, c: Coverage) -> str:
    mark = "" if check.holds(c) else " !"
    return f"{c.share:.3f} ({c.se:.3f}){mark}"


def _show_edges(check: CheckCalibration) -> str:
    """The mean pivots of prediction - allowance and prediction + allowance, or - without an allowance."""
    if check.edges is None:
        return "-"
    (lower, _), (upper, _) = check.edges
    return f"{lower:+.2f} / {upper:+.2f}"


def _show_separation(check: CheckCalibration) -> str:
    if check.rival_separation is None:
        return "no rival"
    return f"{check.rival_separation:.1f}{' coarse' if check.coarse else ''}"


def _verdict(check: CheckCalibration) -> str:
    if check.upper_bound:
        return "bound"
    if check.tolerance:
        return "tolerance"
    if check.flagged:
        return "MISCALIBRATED" if check.miscalibrated else "flagged, not when pooled"
    return "ok"


def write_calibration(results: list[CalibrationResult], out_dir: Path) -> None:
    """calibration.csv (a row per check), mutations.csv (a row per mutation and check) and
    calibration.md, each written atomically."""
    out_dir = Path(out_dir)
    check_rows = [(r, c) for r in results for c in r.checks]
    coverage_columns = {f"coverage_{level:g}": np.array([c.coverage[k].share for _, c in check_rows], dtype=float)
                        for k, level in enumerate(LEVELS)}
    write_table(out_dir / "calibration.csv", {
        "claim": np.array([r.claim_id for r, _ in check_rows], dtype=str),
        "mode": np.array([r.mode for r, _ in check_rows], dtype=str),
        "runs": np.array([r.runs for r, _ in check_rows], dtype=int),
        "seeds_per_run": np.array([r.seeds_per_run for r, _ in check_rows], dtype=int),
        "label": np.array([c.label for _, c in check_rows], dtype=str),
        "quantity": np.array([c.quantity for _, c in check_rows], dtype=str),
        "pass_share": np.array([c.pass_share for _, c in check_rows], dtype=float),
        **coverage_columns,
        "pivot_mean": np.array([c.pivot_mean for _, c in check_rows], dtype=float),
        "pivot_sd": np.array([c.pivot_sd for _, c in check_rows], dtype=float),
        **{f"pivot_{name}_edge": np.array([np.nan if c.edges is None else c.edges[k][0] for _, c in check_rows],
                                          dtype=float) for k, name in enumerate(("lower", "upper"))},
        "rival_separation": np.array([np.nan if c.rival_separation is None else c.rival_separation
                                      for _, c in check_rows], dtype=float),
        "verdict": np.array([_verdict(c) for _, c in check_rows], dtype=str),
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
    levels = " | ".join(f"{level:.1%}".replace(".0%", "%") for level in LEVELS)
    header = [f"| claim | check | quantity | runs | PASS | {levels} | pivot mean (SE) | pivot SD | allowance edges | "
              "rival | power (90% rejection) | verdict |",
              "|---|---|---|---|---|" + "---|" * len(LEVELS) + "---|---|---|---|---|---|"]
    lines = [f"# Calibration\n\nRuns: {', '.join(sorted({str(r.runs) for r in results}))}; "
             f"mode: {', '.join(sorted({r.mode for r in results}))}; base seed: "
             f"{', '.join(sorted({str(r.base_seed) for r in results}))}; dtype: {dtype}; "
             f"wall time: {sum(r.seconds for r in results):.1f} s.\n",
             "Coverage: the share of runs whose interval at the level, widened by any allowance, holds the "
             f"prediction (binomial SE); ! marks a count outside the central {BAND:.0%} of Binomial(runs, level) "
             "(with an allowance: below it). Pivot: the prediction's, on the unwidened interval, mean (SE) and SD "
             "over runs, N(0, 1) when calibrated. Allowance edges: the mean pivots of prediction - allowance and "
             f"+ allowance, calibrated when the first is not below -{PIVOT_SES:g} SE and the second not above "
             f"+{PIVOT_SES:g} SE. Rival: median half-widths between prediction and rival (coarse above "
             f"{COARSE:g}). A bound's or a tolerance's coverage is the share of runs where it holds.\n",
             "## Checks\n", *header]
    lines += [_check_row(r.claim_id, c) for r, c in check_rows]
    pooled = [(r, c.pooled) for r, c in check_rows if c.pooled is not None]
    if pooled:
        lines += ["", "## Flagged checks over the pooled runs\n",
                  "Each flagged check, measured again on as many fresh runs and judged over both sets: MISCALIBRATED "
                  "when the pooled runs flag it too.\n", *header]
        lines += [_check_row(r.claim_id, c) for r, c in pooled]
    lines += ["", "## Wrong theories and other controls\n",
              "| claim | mutation | kind | runs | rejection rate | checks FAILing (share) | seconds |",
              "|---|---|---|---|---|---|---|"]
    lines += [f"| {r.claim_id} | {m.name} | {m.kind} | {m.runs} | {m.rejection_rate:.3f} | "
              f"{', '.join(f'{c.label} {s:.2f}' for c, s in zip(r.checks, m.check_fail_shares, strict=True))} | "
              f"{m.seconds:.1f} |"
              for r in results for m in r.mutations]
    lines += [f"\n{r.claim_id}: {r.note}" for r in results if r.note]
    judged = [r for r in results if r.checks]
    lines += ["", "## Flags by chance\n",
              "The rule flags a check, with no correction for how many checks a claim has; a flagged check is "
              "measured again and is miscalibrated when the pooled runs flag it too. A claim of that many exactly "
              "calibrated, independent checks is flagged, and found miscalibrated, in these shares of calibrations "
              "by chance alone (a simulation: chance_flag_shares).\n",
              "| claim | checks | runs | flagged | miscalibrated | flagged by chance | miscalibrated by chance |",
              "|---|---|---|---|---|---|---|"]
    lines += [f"| {r.claim_id} | {len(r.checks)} | {r.runs} | {sum(c.flagged for c in r.checks)} | "
              f"{sum(c.miscalibrated for c in r.checks)} | "
              + " | ".join(f"{share:.1%}" for share in chance_flag_shares(r.runs, len(r.checks))) + " |"
              for r in judged]
    write_atomic(out_dir / "calibration.md", "\n".join(lines) + "\n")


def _check_row(claim_id: str, c: CheckCalibration) -> str:
    """calibration.md's row of one check."""
    return (f"| {claim_id} | {c.label} | {c.quantity} | {c.coverage[0].runs} | {c.pass_share:.3f} | "
            + " | ".join(_show_coverage(c, cov) for cov in c.coverage)
            + f" | {c.pivot_mean:+.2f} ({c.pivot_se:.2f}) | {c.pivot_sd:.2f} | {_show_edges(c)} | "
            f"{_show_separation(c)} | {_show_power(c)} | {_verdict(c)} |")


def calibration_table(results: list[CalibrationResult]) -> str:
    """A fixed-width text table for the terminal: a line per check, then per mutation."""
    levels = " ".join(f"{f'{level:.1%}'.replace('.0%', '%'):>7}" for level in LEVELS)
    lines = [f"{'claim':<8} {'check':<24} {'quantity':<24} {'runs':>4} {levels} {'pivot':>6} {'sd':>5} "
             f"{'edges':>13} {'rival':>8} verdict"]
    for r in results:
        if r.note:
            lines.append(f"{r.claim_id:<8} {r.note}")
        for c in r.checks:
            shares = " ".join(f"{cov.share:>6.3f}{' ' if c.holds(cov) else '!'}" for cov in c.coverage)
            separation = "-" if c.rival_separation is None else f"{c.rival_separation:.1f}{'c' if c.coarse else ''}"
            lines.append(f"{r.claim_id:<8} {c.label[:24]:<24} {c.quantity[:24]:<24} {r.runs:>4} {shares} "
                         f"{c.pivot_mean:>+6.2f} {c.pivot_sd:>5.2f} {_show_edges(c):>13} {separation:>8} {_verdict(c)}")
    lines.append(f"\n{'claim':<8} {'mutation':<44} {'kind':<8} {'runs':>5} {'rejected':>9}")
    lines += [f"{r.claim_id:<8} {m.name[:44]:<44} {m.kind:<8} {m.runs:>5} {m.rejection_rate:>9.3f}"
              for r in results for m in r.mutations]
    return "\n".join(lines)
