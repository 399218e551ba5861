"""How often `synthlaw calibrate` flags a claim whose every check is exactly calibrated.

    python benchmarks/calibrate_false_flags.py [runs [checks [calibrations]]]

It prints theory/runner/calibrate.chance_flag_share for one check and for `checks` checks: the share of
simulated calibrations (pivots N(0, 1) over runs, independent checks, no allowance) that calibrate's per-check
rule flags (coverage counts at 80, 95, 99 and 99.9% against the central BAND of Binomial(runs, level), and the
pivot mean against PIVOT_SES standard errors). The rule has no correction for the number of checks, so a claim
with many checks (IMB-6: 20) is flagged by chance in a sizeable share of calibrations; real checks are
correlated, which lowers it. calibration.md's "Flags by chance" table gives the same per claim.
"""

import sys

from synthlaw.theory.runner.calibrate import chance_flag_share


def main(runs: int = 40, checks: int = 20, calibrations: int = 20000) -> None:
    one, many = chance_flag_share(runs, 1, calibrations), chance_flag_share(runs, checks, calibrations)
    print(f"{runs} runs, {calibrations} simulated calibrations: one check flagged in {one:.4f}; "
          f"a claim of {checks} checks in {many:.3f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
