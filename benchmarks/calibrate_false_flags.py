"""How often `synthlaw calibrate` flags a claim whose every check is exactly calibrated.

    python benchmarks/calibrate_false_flags.py [runs [checks [calibrations]]]

Each simulated calibration draws runs pivots N(0, 1) for each of checks independent checks with no
allowance, and applies calibrate's per-check rule (theory/runner/calibrate.py): the covering count at 80,
95, 99 and 99.9% against the central BAND of Binomial(runs, level), and the pivot mean against PIVOT_SES
standard errors. It prints the share of checks flagged and the share of calibrations with at least one
flag. The rule has no correction for the number of checks, so a claim with many checks (IMB-6: 20) is
flagged by chance in a sizeable share of calibrations; real checks are correlated, which lowers it.
"""

import sys

import numpy as np
from scipy import stats

from synthlaw.theory.runner.calibrate import LEVELS, PIVOT_SES, Coverage


def main(runs: int = 40, checks: int = 20, calibrations: int = 20000) -> None:
    rng = np.random.default_rng(0)
    half_widths = {level: stats.norm.ppf(0.5 + level / 2) for level in LEVELS}
    bands = {level: Coverage(level, 0, runs).band for level in LEVELS}
    flagged_checks = flagged_calibrations = 0
    for _ in range(calibrations):
        pivot_cr = rng.standard_normal((checks, runs))
        flag_c = np.abs(pivot_cr.mean(axis=1)) > PIVOT_SES * pivot_cr.std(axis=1, ddof=1) / np.sqrt(runs)
        for level in LEVELS:
            covered_c = (np.abs(pivot_cr) < half_widths[level]).sum(axis=1)
            flag_c |= (covered_c < bands[level][0]) | (covered_c > bands[level][1])
        flagged_checks += flag_c.sum()
        flagged_calibrations += flag_c.any()
    print(f"{runs} runs, {checks} checks, {calibrations} calibrations; bands (covering counts): {bands}")
    print(f"checks flagged: {flagged_checks / (checks * calibrations):.4f}; "
          f"calibrations with a flag: {flagged_calibrations / calibrations:.3f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
