"""The real-table pipeline of `synthlaw paper`: reading and checking (read), splitting one CSV
(split), the rows each design takes (rows), the generator and classifier registries (generators,
classifiers), generators fitted on a table (generate), the sweeps (sweeps) and their metrics
(metrics), the stored-result comparison (stored), the augmentation law (law), and the run's
settings and runner (settings, runner)."""
