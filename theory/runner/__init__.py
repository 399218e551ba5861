"""The runners: verify (measure or reuse, predict, judge), saved results and their outcomes, and
calibrate (size and power over many base seeds)."""
