"""The calibrate runner on a fake claim whose coverage and power are known in closed form.

The fake claim measures `seeds` draws of N(mean, 0.1^2) and judges one level check: the 99.9%
t interval of the mean (intervals.mean_ci) must contain prediction["level"] = config.mean and
exclude the rival 0.0. Its t interval is exact, so it holds every level; two broken variants (an
interval half as wide, a prediction one standard error off) must be marked miscalibrated.
"""

import dataclasses
from typing import ClassVar

import jax
import numpy as np
import pytest
from scipy import stats

from synthlaw.settings import ConfigError, rule
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.store import read_table
from synthlaw.sims.engine.sweep import run_sweep
from synthlaw.theory.claims.check import Check, Claim, Mutation, replaced, scaled
from synthlaw.theory.claims.spec import Config, SeededConfig
from synthlaw.theory.notes import Note
from synthlaw.theory.runner.calibrate import (
    LEVELS,
    PIVOT_SES,
    Coverage,
    calibrate_claim,
    calibration_table,
    chance_flag_shares,
    flags,
    measure_runs,
    miscalibrated,
    power_of_check,
    run_calibration,
    split_runs,
    write_calibration,
)
from synthlaw.theory.runner.verify import claim_key
from synthlaw.theory.stats.intervals import mean_ci

RUNS, SEEDS, SD = 40, 20, 0.1


@dataclasses.dataclass(frozen=True)
class FakeConfig(SeededConfig):
    owner: ClassVar[str] = "FAKE-1"
    mean: float = rule(lambda v: True, "any number")


@dataclasses.dataclass(frozen=True)
class UnseededConfig(Config):
    owner: ClassVar[str] = "FAKE-2"
    mean: float = rule(lambda v: True, "any number")


def draw(point, *, key):
    return {"value": point["mean"] + SD * jax.random.normal(key)}


def measure(config, *, key, options):
    return run_sweep(draw, key=key, n_seeds=config.seeds, grid={"mean": np.array([config.mean])}, options=options,
                     name="FAKE-1 level").columns


def judge(columns, config, prediction):
    return [Check(label="level", quantity="mean", prediction=prediction["level"],
                  measured=mean_ci(columns["value"]), rival=0.0, error_kind="relative")]


def judge_too_narrow(columns, config, prediction):
    """The interval of values pulled halfway to their mean: half as wide as it should be."""
    values = columns["value"]
    return judge({"value": (values + values.mean()) / 2}, config, prediction)


def fake_claim(judge=judge, predict=lambda c: {"level": c.mean}) -> Claim:
    config = FakeConfig(mean=1.0, seeds=SEEDS)
    return Claim(id="FAKE-1", note=Note("FAKE-1.md"), source="test", quick=config, full=config,
                 measure=measure, predict=predict, judge=judge, figure=None,
                 mutations=(Mutation("x1.5", predict=scaled(1.5, "level")),
                            Mutation("mean 1.3", config=replaced(mean=1.3))))


@pytest.fixture(scope="module")
def result():
    claim = fake_claim()
    return calibrate_claim(claim, claim.quick, runs=RUNS, options=SweepOptions())


def test_size_is_at_least_the_level_and_mutations_are_always_rejected(result):
    # Each run FAILs a true prediction with probability 0.001 (an exact t interval; the rival 0.0
    # lies 1.0 / (0.1/sqrt(20)) = 45 standard errors away). Size < 0.9 over 40 runs needs >= 5
    # FAILs: P(Bin(40, 0.001) >= 5) ~ C(40, 5) 0.001^5 = 6.6e-10.
    (check,) = result.checks
    assert (result.runs, result.seeds_per_run, result.mode) == (RUNS, SEEDS, "quick")
    assert check.pass_share >= 0.9
    # x1.5 is 0.5 / 0.0224 = 22 standard errors off, mean 1.3 is 13: both FAIL in every run.
    # The config mutation is judged against the original prediction (1.0), not its own (1.3).
    rates = {m.name: (m.kind, m.rejection_rate, m.check_fail_shares) for m in result.mutations}
    assert rates == {"x1.5": ("predict", 1.0, (1.0,)), "mean 1.3": ("config", 1.0, (1.0,))}


def test_power_matches_the_t_quantile(result):
    # The interval's half width is t_{0.9995, 19} s/sqrt(20) ~ 3.88 * 0.0224 = 0.087. A prediction
    # 1 + e FAILs when the mean falls below 1 + e - 0.087, so in >= 90% of runs once
    # e > (t_0.9995 + z_0.9) 0.1/sqrt(20) = (3.88 + 1.28) * 0.0224 = 0.115 (rejection ~72% at
    # e = 0.1, ~99.8% at 0.15): the scan should report 0.15, certainly within 0.02..0.2.
    (check,) = result.checks
    assert check.power_kind == "relative"
    assert 0.02 <= check.power <= 0.2


def test_runs_are_disjoint_seeds_renumbered_from_zero():
    claim = fake_claim()
    config = dataclasses.replace(claim.quick, seeds=3 * SEEDS)
    key = claim_key(claim.id, 0)
    columns = measure(config, key=key, options=SweepOptions())
    tables = split_runs(columns, 3, SEEDS)
    for k, table in enumerate(tables):
        assert np.array_equal(table["seed"], np.arange(SEEDS))
        assert np.array_equal(table["value"], columns["value"][k * SEEDS:(k + 1) * SEEDS])
    # Run 0 is what a verify run with the same key measures; the runs do not repeat each other.
    assert np.array_equal(tables[0]["value"], measure(claim.quick, key=key, options=SweepOptions())["value"])
    assert len(np.unique(np.concatenate([t["value"] for t in tables]))) == 3 * SEEDS


def test_a_reported_only_claim_is_skipped_and_the_tables_are_written(tmp_path, result):
    claim = dataclasses.replace(fake_claim(), reported_only=True, measure=None)  # never measured
    skipped = calibrate_claim(claim, claim.quick, runs=RUNS, options=SweepOptions())
    assert skipped.checks == () and skipped.mutations == () and "reported only" in skipped.note
    lines = []
    results = run_calibration([(claim, claim.quick)], runs=RUNS, out_dir=tmp_path, options=SweepOptions(),
                              progress=lines.append)
    assert lines == ["FAKE-1: reported only, not judged: skipped"] and results[0].note == skipped.note

    write_calibration([result, skipped], tmp_path)
    assert read_table(tmp_path / "calibration.csv")["pass_share"][0] == result.checks[0].pass_share
    assert list(read_table(tmp_path / "mutations.csv")["mutation"]) == ["x1.5", "mean 1.3"]
    report = (tmp_path / "calibration.md").read_text()
    assert "reported only" in report and f"| FAKE-1 | {len(result.checks)} | {RUNS} |" in report  # flags by chance
    assert "x1.5" in calibration_table([result, skipped])
    powerless = dataclasses.replace(result, checks=(dataclasses.replace(result.checks[0], power=None),))
    write_calibration([powerless], tmp_path)
    assert "| none up to 100% relative |" in (tmp_path / "calibration.md").read_text()  # no error on the grid


def test_the_chance_flag_shares_lie_between_their_exact_bounds_and_grow_with_the_checks():
    """chance_flag_shares for one calibrated check at 40 runs against exact bounds: flagged at least as often as
    the likeliest single test's false-flag probability (a coverage count of Binomial(40, level) outside its band),
    at most the sum of every test's (the four counts and the pivot mean, t with 39 degrees of freedom beyond
    PIVOT_SES); miscalibrated (flagged, then flagged over 80 pooled runs) at most as often as flagged, and as the
    pooled rule alone (the same sum at 80 runs). Each within 4 Monte Carlo standard errors. For 20 independent
    checks each share is 1 - (1 - p)^20 of the one-check share p, within 4 standard errors of both simulations."""
    calibrations = 20000

    def test_bound(runs):
        outside = [stats.binom.cdf(Coverage(level, 0, runs).band[0] - 1, runs, level)
                   + stats.binom.sf(Coverage(level, 0, runs).band[1], runs, level) for level in LEVELS]
        return max(outside), sum(outside) + 2 * stats.t.sf(PIVOT_SES, runs - 1)

    def se(share):
        return np.sqrt(share * (1 - share) / calibrations)

    one, one_pooled = chance_flag_shares(RUNS, 1, calibrations)
    likeliest, total = test_bound(RUNS)
    assert likeliest - 4 * se(one) <= one <= total + 4 * se(one), (one, likeliest, total)
    assert one_pooled <= one and one_pooled <= test_bound(2 * RUNS)[1] + 4 * se(one_pooled)
    many = chance_flag_shares(RUNS, 20, calibrations)
    for share, single in zip(many, (one, one_pooled), strict=True):
        spread = np.hypot(se(share), 20 * (1 - single) ** 19 * se(single))
        assert abs(share - (1 - (1 - single) ** 20)) < 4 * spread, (share, single)
    assert many[0] > 10 * one and many[1] < many[0] / 2  # pooling clears most chance flags


def test_pooling_keeps_the_power_against_a_check_that_is_off():
    # An interval 1.5 times too narrow (pivot SD 1.5): 80% coverage P(|Z| < 0.85) = 0.60, flagged in most
    # calibrations of 40 runs; 80 pooled runs flag it at least as surely, so nearly every first flag stands.
    pivot_kr = 1.5 * np.random.default_rng(3).standard_normal((4000, 1, 2 * RUNS))
    first, pooled = flags(pivot_kr[:, :, :RUNS]), flags(pivot_kr)
    assert first.mean() > 0.7 and (first & pooled).mean() > 0.95 * first.mean()


def test_power_is_scanned_as_each_check_says_relative_or_absolute():
    # At mean 2.0 a relative error e moves the prediction by 2e, an absolute one by e; >= 90%
    # rejection needs a move > 0.115 (see above): relative 0.1 (a move of 0.2; 0.05 moves 0.1,
    # rejected in ~72% of runs), absolute 0.2 (0.1 is too small).
    claim = fake_claim()
    config = dataclasses.replace(claim.quick, mean=2.0)
    tables = measure_runs(claim, config, RUNS, key=claim_key(claim.id, 1), options=SweepOptions(memory_budget=2**30))
    relative = [judge(table, config, {"level": 2.0})[0] for table in tables]
    absolute = [dataclasses.replace(c, error_kind="absolute") for c in relative]
    assert (power_of_check(relative), power_of_check(absolute)) == (0.1, 0.2)


def test_a_claim_whose_config_declares_no_seeds_is_refused_in_one_line():
    claim = dataclasses.replace(fake_claim(), id="FAKE-2", quick=UnseededConfig(mean=1.0))
    with pytest.raises(ConfigError, match=r"^FAKE-2: its config UnseededConfig declares no seeds"):
        calibrate_claim(claim, claim.quick, runs=RUNS, options=SweepOptions())


def test_an_exact_interval_is_calibrated_and_broken_ones_are_flagged():
    # The exact t interval: coverage within its binomial band at every level and a centred pivot
    # (each fails by chance with probability <= 1% and 0.27%; with seed 0 it holds).
    claim = fake_claim()
    exact = calibrate_claim(claim, claim.quick, runs=2 * RUNS, options=SweepOptions()).checks[0]
    assert [c.level for c in exact.coverage] == list(LEVELS) and not exact.miscalibrated
    assert abs(exact.pivot_sd - 1) < 0.3  # SD of 80 N(0, 1) pivots: SE 1/sqrt(2 x 79) = 0.08
    # Half as wide: the pivot is 2 N(0, 1), so 80% coverage falls to P(|Z| < 0.64) = 0.48, far
    # below the band (~0.69..0.90 at 80 runs).
    narrow = calibrate_claim(fake_claim(judge_too_narrow), claim.quick, runs=2 * RUNS, options=SweepOptions())
    assert narrow.checks[0].miscalibrated and narrow.checks[0].coverage[0].share < 0.65
    # One standard error (0.1 / sqrt(20)) too high: the pivot mean is -1, 1 / (1 / sqrt(80)) = 9 SEs off.
    biased = fake_claim(predict=lambda c: {"level": c.mean + SD / np.sqrt(SEEDS)})
    off = calibrate_claim(biased, claim.quick, runs=2 * RUNS, options=SweepOptions())
    assert not off.checks[0].centred and off.checks[0].pivot_mean < -0.5
    assert miscalibrated([off]) == ["FAKE-1: level (mean)"]
    for broken in (narrow.checks[0], off.checks[0]):  # measured again: 160 runs pooled flag them too
        assert broken.flagged and broken.pooled.coverage[0].runs == 4 * RUNS and broken.pooled.flagged


def test_a_chance_flag_is_measured_again_and_cleared_when_the_pooled_runs_hold(tmp_path):
    # The exact interval flagged by chance: base seed 92 is the second of five flags in base seeds 0..299 (1.7%,
    # where chance_flag_shares gives 1.3%; one of the five, seed 88, stays flagged after pooling). Its coverage
    # counts lie within their bands, but the pivot mean is +0.41 with SE 0.13, 3.15 SEs off. 40 fresh runs from
    # their own stream bring the 80 pooled runs' to -0.12 (SE 0.12): within every band, so the flag does not stand.
    claim = fake_claim()
    result = calibrate_claim(claim, claim.quick, runs=RUNS, base_seed=92, options=SweepOptions())
    (check,) = result.checks
    assert check.flagged and not check.centred and check.pooled.coverage[0].runs == 2 * RUNS
    assert not check.pooled.flagged and not check.miscalibrated and miscalibrated([result]) == []
    assert abs(check.pooled.pivot_mean) < abs(check.pivot_mean)
    write_calibration([result], tmp_path)
    report = (tmp_path / "calibration.md").read_text()
    assert "## Flagged checks over the pooled runs" in report and f"| FAKE-1 | level | mean | {2 * RUNS} |" in report
    assert "| flagged, not when pooled |" in report and "| MISCALIBRATED |" not in report


def judge_within_a_band(columns, config, prediction, tolerance=True, allowance=SD):
    """The level with an allowance (by default +-0.1, five standard errors of the mean: a band that every run
    lies in), or as a stated tolerance."""
    check = judge(columns, config, prediction)[0]
    return [dataclasses.replace(check, allowance=allowance, tolerance=tolerance)]


def test_a_tolerance_band_is_reported_not_judged_as_coverage():
    # Every run's interval widened by 0.1 (5 SEs of a 20-seed mean) holds the prediction: 80% "coverage" is
    # 1.00, above the band. As a stated tolerance it is reported only, not judged.
    claim = fake_claim()
    band = calibrate_claim(fake_claim(judge_within_a_band), claim.quick, runs=RUNS, options=SweepOptions())
    assert band.checks[0].coverage[0].share == 1.0 and not band.checks[0].miscalibrated
    assert miscalibrated([band]) == [] and calibration_table([band]).splitlines()[1].endswith("tolerance")
    assert "!" not in calibration_table([band]).splitlines()[1]  # a share above the band is not marked either


SE = SD / np.sqrt(SEEDS)  # the standard error of one run's mean


def test_an_allowance_is_calibrated_when_it_holds_the_offset_and_flagged_when_it_does_not():
    # The prediction one standard error above the truth, as a remainder the prediction leaves out. Its own
    # pivot is then -1 on average (off centre: 1 / (1/sqrt(80)) = 9 SEs), so without an allowance it is flagged.
    # With an allowance of one SE the truth is on the band's lower edge: that edge's pivot is N(0, 1) (mean within
    # 3 SEs of 0 unless by chance), the upper edge's about -2, and coverage at each level is at least the
    # level (the widened interval holds more): calibrated. With an allowance of a quarter SE the truth lies
    # outside the band: the lower edge's pivot is about -0.75 (6.7 SEs), flagged. With five SEs, every run's
    # widened interval holds the prediction (80% "coverage" 1.00, above the band): calibrated, as a composite
    # null over-covers; power, not calibrate, shows what the wide allowance costs.
    claim, runs = fake_claim(), 2 * RUNS
    high = {"level": claim.quick.mean + SE}

    def calibrated(allowance):
        judged = fake_claim(lambda *a: judge_within_a_band(*a[:2], high, tolerance=False, allowance=allowance))
        return calibrate_claim(judged, claim.quick, runs=runs, options=SweepOptions()).checks[0]

    bare, held, short, wide = calibrated(0.0), calibrated(SE), calibrated(SE / 4), calibrated(5 * SE)
    assert bare.edges is None and bare.miscalibrated and bare.pivot_mean < -0.5
    (lower, _), (upper, _) = held.edges
    assert not held.miscalibrated and abs(lower) < 0.4 and upper < -1.5 and held.pivot_mean < -0.5
    assert all(c.covered >= c.band[0] for c in held.coverage)
    assert short.miscalibrated and short.edges[0][0] < -0.5
    assert not wide.miscalibrated and wide.coverage[0].share == 1.0 and not wide.coverage[0].within


def test_coverage_band_is_the_central_99_percent_of_the_binomial():
    # Binomial(100, 0.95): P(X <= 88) = 0.0043 < 0.005 <= P(X <= 89) = 0.0115 and
    # P(X <= 99) = 0.994 < 0.995: the band is 89..100. Binomial(100, 0.999): P(X <= 98) = 0.0046,
    # so the band is 99..100 (a second miss in 100 runs flags a 99.9% interval).
    assert Coverage(0.95, 89, 100).band == (89, 100)
    assert not Coverage(0.95, 88, 100).within
    assert Coverage(0.999, 99, 100).within and not Coverage(0.999, 98, 100).within
