"""GEN-1's factor as a prediction limit over independently trained transformers (notes/GEN-1.md).

    python benchmarks/gen1_factor.py [quick|full] [trainings] [first key]

How close a trained transformer gets to the Bayes KL depends on its capacity and optimisation, which
no closed form gives, so the factor of GEN-1's "at most" check is calibrated over trainings. This
trains the config's transformer `trainings` times (default 12) with keys jax.random.key(first + k)
(first: default 1000; none of them a verify key), judges each as `synthlaw verify` does, and prints
per training the worst t, the mean KL ratio there, the check's statistic (the upper end of its 99.9%
interval, which must lie at or below the factor) and the claim's verdict at the config's factor: on
keys not used to set the factor, the share of PASSes is the calibration over independent trainings
that `synthlaw calibrate` (one trained model, its seeds cut into runs) cannot give. Then the 95 / 99 /
99.9% upper prediction limits of the statistic,
mean + t_{K-1, level} sd sqrt(1 + 1/K): a factor at or above the 99.9% limit is passed by a new,
independent training in 99.9% of runs when the statistic is normal over trainings.
"""

import sys
import time

import jax
import numpy as np
from scipy import stats

from synthlaw.sims.engine.options import SweepOptions
from synthlaw.theory.claims import gen1
from synthlaw.theory.claims.check import verdict

LEVELS = (0.95, 0.99, 0.999)


def judged(config, key: int) -> tuple[str, float, float, str]:
    """Train with jax.random.key(key); the factor check's label, its mean ratio, the upper end of its
    interval and the claim's verdict."""
    columns = gen1.measure(config, key=jax.random.key(key), options=SweepOptions())
    checks = gen1.judge(columns, config, gen1.predict(config))
    return checks[0].label, checks[0].measured.value, checks[0].measured.hi, verdict(gen1.CLAIM, checks)


def main(size: str, trainings: int, first: int) -> None:
    config = getattr(gen1.CLAIM, size)
    print(f"GEN-1 {size}: d = {config.d}, context {config.context}, {config.steps} steps, factor {config.factor}; "
          f"{trainings} trainings")
    upper_k, passed = [], 0
    for key in range(first, first + trainings):
        start = time.perf_counter()
        label, ratio, upper, outcome = judged(config, key)
        upper_k.append(upper)
        passed += outcome == "PASS"
        print(f"key {key}: {label}, mean ratio {ratio:.3f}, upper end {upper:.3f}, {outcome} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"{passed} of {trainings} trainings PASS at factor {config.factor}")
    upper_k = np.array(upper_k)
    mean, sd = upper_k.mean(), upper_k.std(ddof=1)
    print(f"upper end over trainings: mean {mean:.3f}, sd {sd:.3f}, range {upper_k.min():.3f}..{upper_k.max():.3f}")
    for level in LEVELS:
        limit = mean + stats.t.ppf(level, trainings - 1) * sd * np.sqrt(1 + 1 / trainings)
        print(f"{level:.1%} upper prediction limit: {limit:.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "full", int(sys.argv[2]) if len(sys.argv) > 2 else 12,
         int(sys.argv[3]) if len(sys.argv) > 3 else 1000)
