"""How often `synthlaw calibrate` flags, and finds miscalibrated, a claim whose every check is exactly calibrated.

    python benchmarks/calibrate_false_flags.py [runs [checks [calibrations]]]

It prints theory/runner/calibrate.chance_flag_shares for one check and for `checks` checks, over simulated
calibrations (pivots N(0, 1) over runs, independent checks, no allowance): the share that calibrate's per-check
rule flags (coverage counts at 80, 95, 99 and 99.9% against the central BAND of Binomial(runs, level), and the
pivot mean against PIVOT_SES standard errors), and the share in which a flagged check is flagged again over the
pooled runs once as many fresh runs are added (miscalibrated). Real checks are correlated, which lowers both.
It also prints the two shares for one check that is off (pivots N(offset, sd^2)): the rule's power, before and
after pooling. calibration.md's "Flags by chance" table gives the first two per claim.
"""

import sys

import numpy as np

from synthlaw.theory.runner.calibrate import chance_flag_shares, flags


def main(runs: int = 40, checks: int = 20, calibrations: int = 20000) -> None:
    for count in (1, checks):
        flagged, pooled = chance_flag_shares(runs, count, calibrations)
        print(f"{runs} runs, {calibrations} simulated calibrations, {count} calibrated checks: "
              f"flagged in {flagged:.4f}, miscalibrated after pooling in {pooled:.4f}")
    rng = np.random.default_rng(1)
    for offset, sd in ((0.0, 1.3), (0.0, 1.5), (0.5, 1.0), (0.7, 1.0)):
        pivot_kr = offset + sd * rng.standard_normal((calibrations, 1, 2 * runs))
        first = flags(pivot_kr[:, :, :runs])
        print(f"one check with pivots N({offset:g}, {sd:g}^2): flagged in {first.mean():.3f}, "
              f"miscalibrated after pooling in {(first & flags(pivot_kr)).mean():.3f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
