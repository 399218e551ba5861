"""The real-table pipeline: reading, splitting, rows, generators, classifiers, sweeps, runner."""
