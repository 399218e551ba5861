"""The input of one `synthlaw paper` run, read and checked before JAX is loaded, so that a wrong
table, label or typing option is answered at once (issue 21: an input error in under 1 s). A data
folder is read as Tables (tables/read.py), a CSV as a TypedTable that tables/split.py checked
for its split; tables/runner.py splits it and runs the rest."""

from synthlaw.tables.read import Tables, load_tables
from synthlaw.tables.rows import real_stems
from synthlaw.tables.settings import PaperSettings
from synthlaw.tables.split import read_for_split
from synthlaw.tables.typed import TypedTable


def read_input(settings: PaperSettings) -> Tables | TypedTable:
    """The data folder's files this run reads, or the CSV typed and checked for its split."""
    if settings.csv is not None:
        return read_for_split(settings.csv, settings.label, settings.spurious, seed_size=settings.seed_size,
                              test_fraction=settings.test_fraction, typing=settings.typing)
    fits_use = any(run.fit_on == "use" for run in settings.runs)
    real = {stem for task in settings.tasks for stem in real_stems(task, settings.sweeps)} | \
        ({"train"} if fits_use else set())
    return load_tables(settings.data, settings.label, settings.spurious, settings.methods or None,
                       real=tuple(sorted(real)))
