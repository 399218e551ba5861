"""The runners: verify (measure or reuse, predict, judge), calibrate (size and power over many
base seeds), the source fingerprint, and the paper's real-table comparison."""
