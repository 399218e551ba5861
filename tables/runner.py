"""The runner of `synthlaw paper`: the paper's real-data sweeps (tables/sweeps.py) on a data folder,
or on one CSV split into one (tables/split.py), with generators fitted on the table
(tables/generate.py); each sweep is summarised, compared with the authors' stored results where the
folder has them (tables/stored.py), its augmentation law fitted (tables/law.py), and the report
drawn (figures/paper_report.py).

Every input is checked before anything is written; a bad one raises TableError or ConfigError
naming the file or the field. Precision is chosen here and nowhere below: the sweeps' fits and
scores run in float64 (`jax.enable_x64` around run_designs, which requires it), while the split,
the generators and the row choices run at JAX's default precision. The engine's SweepOptions
checkpoint out/chunks, so a killed run resumes where it stopped.
"""

import shutil
import sys
import time
from pathlib import Path
from typing import NamedTuple

import jax
import numpy as np

from synthlaw.figures.paper import METRICS, at_weight
from synthlaw.figures.paper_report import write_paper_report
from synthlaw.settings import ConfigError
from synthlaw.sims.engine.hosts import is_writer
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.store import write_json, write_table
from synthlaw.tables.features import fit_features
from synthlaw.tables.generate import fit_rows, generate, smallest_class
from synthlaw.tables.generators import REGISTRY_K
from synthlaw.tables.inputs import read_input
from synthlaw.tables.law import Laws, augmentation_fits, weight_choices
from synthlaw.tables.plausibility import Plausibility, class_share
from synthlaw.tables.quality import RowQuality, row_quality
from synthlaw.tables.read import TableError, Tables, check_rows
from synthlaw.tables.rows import SYNTHETIC_WEIGHT, rows_needed, synthetic_rows_needed
from synthlaw.tables.settings import PaperSettings
from synthlaw.tables.split import split_tables, split_typed, write_split
from synthlaw.tables.stored import EXPERIMENTS, compare_stored, summarise_by_weight
from synthlaw.tables.sweeps import run_designs, sweep_designs, training_rows
from synthlaw.tables.typed import TypedTable

SWEEP_BUDGET = 2**29  # bytes per compiled call: one-hot columns widen the fits; keeps a run under 2 GB
                      # (benchmarks/paper_memory.py, mixed)


def say(line: str) -> None:
    """A progress line on stderr."""
    print(line, file=sys.stderr, flush=True)


def load_inputs(settings: PaperSettings, out: Path, read: Tables | TypedTable) -> tuple:
    """Tables of the data folder, or of the csv split (not yet written), from read_input; checked
    for every sweep, task and generator; the split (or None)."""
    split = None
    if isinstance(read, Tables):
        tables = read
    else:
        split = split_typed(settings.source, read, key=jax.random.fold_in(jax.random.key(settings.seed), 0),
                            seed_size=settings.seed_size, test_fraction=settings.test_fraction)
        tables = split_tables(split, out / "data")
    if not tables.methods and not settings.generators:
        raise TableError(f"{settings.source}: no synthetic method: no stored {{method}}0.csv and "
                         "{method}1.csv pair, and no generators")
    seed_size = len(tables.tables["seed"].y_n)
    sweeps = settings.sweeps
    for task in settings.tasks:
        why = f"the {task} {' and '.join(sweeps)} sweep{'s' if len(sweeps) > 1 else ''} (seed size {seed_size})"
        for method in tables.methods or ("",):
            check_rows(tables, rows_needed(method, task, seed_size, sweeps), why)
        for run in settings.runs:
            if not run.method.neighbours:
                continue
            label, count = smallest_class(tables, run.fit_on, task)
            if count <= REGISTRY_K:
                raise ConfigError(f"generators = {run.method.name!r}: the {task} task's conditioning label {label} "
                                  f"has {count} rows with fit_on = {run.fit_on!r}; {run.method.name} needs more "
                                  f"than {REGISTRY_K} (raise seed_size or fit on use)")
    return tables, split


def fit_generators(tables: Tables, settings: PaperSettings, out: Path) -> tuple:
    """Every generator run fitted per task (or its files reused); tables with their rows added
    as methods, and the Generated records."""
    fitted, seed_size = [], len(tables.tables["seed"].y_n)
    for run in settings.runs:
        for task in settings.tasks:
            needs = synthetic_rows_needed(task, seed_size, settings.sweeps)
            fit = generate(tables, run, task, needs, seed=settings.seed, data_dir=out / "data",
                           checkpoint_dir=out / "checkpoints")
            rows = " + ".join(map(str, needs.values()))
            say(f"{run.name}, {task} task: " + ("rows reused (cache key matched)" if fit.reused else
                f"fitted on the {run.fit_on} rows, drew {rows} rows ({fit.seconds:.1f} s)"))
            fitted.append(fit)
            tables = tables._replace(methods=tuple(dict.fromkeys(tables.methods + (run.name,))),
                                     tables={**tables.tables, **fit.tables})
    return tables, fitted


def run_sweeps(tables: Tables, settings: PaperSettings, options: SweepOptions) -> dict:
    """results[(task, sweep)] = (columns, summary, stored comparison rows, Laws or None): the
    augmentation sweep runs every weight of settings.weights, the ratio sweep the paper's 0.5."""
    results, seed_size = {}, len(tables.tables["seed"].y_n)
    for task in settings.tasks:
        for sweep in settings.sweeps:
            say(f"{task} {sweep} sweep, {len(tables.methods)} methods ...")
            # the authors' lbfgs is rerun per design only where stored results exist to be explained
            stored = settings.data is not None and \
                any(settings.data.glob(f"{EXPERIMENTS[sweep, task]}_{settings.fit.stored}_*.json"))
            weights = settings.weights if sweep == "augmentation" else (SYNTHETIC_WEIGHT,)
            designs = sweep_designs(tables, sweep, task, protocol=settings.protocol, seed=settings.seed,
                                    seed_size=seed_size, weights=weights)
            with jax.enable_x64(True):
                columns = run_designs(tables, designs, task, options=options, name=f"paper {task} {sweep}",
                                      fit=settings.fit, standardize=settings.standardize,
                                      authors_check=stored).columns
            summary = summarise_by_weight(columns)
            if sweep == "augmentation":  # the authors stored the paper's weight only; rows say which they compare
                laws = Laws(augmentation_fits(columns, tuple(METRICS)), weight_choices(columns, tuple(METRICS)))
                rows = [r | {"weight": np.nan if r["arm"] == "train_all" else SYNTHETIC_WEIGHT} for r in
                        compare_stored(at_weight(summary, SYNTHETIC_WEIGHT), tables.folder, sweep, task, settings.fit)]
            else:
                laws, rows = None, compare_stored(summary, tables.folder, sweep, task, settings.fit)
            results[task, sweep] = (columns, summary, rows, laws)
    return results


def feature_lines(tables: Tables) -> list[str]:
    """How the classifiers see the typed columns (tables/features.py): one-hot widths, folded
    levels, imputed blanks."""
    features = fit_features(tables.typed, training_rows(tables))
    if features.identity:
        return []
    blanks = len(features.indicator_j)
    imputed = f"; numeric blanks set to the training median, with {blanks} missing-indicator columns" if blanks else ""
    return [f"classifier features: {features.n_features} columns (categories one-hot{imputed})", *features.notes]


class QualityRow(NamedTuple):
    """One line of the synthetic-row quality table: the generator run, the class, its RowQuality,
    the name of its farthest column and its Plausibility (tables/plausibility.py)."""

    name: str
    label: int
    quality: RowQuality
    worst_column: str
    plausibility: Plausibility


def synthetic_quality(tables: Tables, settings: PaperSettings, fitted: list) -> list[QualityRow]:
    """tables/quality.py row_quality of every generator's imbalance-task rows, per class: against
    the held-out test rows of that class, and (closest records, copies) against the rows of that
    class it was fitted on."""
    schema, rows = tables.typed, []
    runs = {run.name: run for run in settings.runs}
    with jax.enable_x64(True):
        for fit in (f for f in fitted if f.task == "imbalance"):
            train = fit_rows(tables, runs[fit.name].fit_on)
            test = tables.tables["test"]
            for label in (1, 0):
                synthetic_nd = fit.tables[f"{fit.name}{label}"].x_nd
                quality = row_quality(train.x_nd[train.y_n == label], test.x_nd[test.y_n == label], synthetic_nd,
                                      schema.categorical_d, schema.levels_d,
                                      key=jax.random.fold_in(jax.random.key(settings.seed), label))
                share = class_share(train.x_nd, train.y_n == label, test.x_nd[test.y_n == label], synthetic_nd,
                                    schema.categorical_d, schema.levels_d, label)
                rows.append(QualityRow(fit.name, label, quality, schema.names[quality.worst_column], share))
    return rows


def class_counts(tables: Tables) -> tuple[int, int]:
    """Majority (label 0) and minority (label 1) rows among the real training rows, seed + train."""
    y_n = np.concatenate([tables.tables[s].y_n for s in ("seed", "train") if s in tables.tables])
    return int(np.sum(y_n == 0)), int(np.sum(y_n == 1))


def run_paper(settings: PaperSettings, read: Tables | TypedTable | None = None) -> Path:
    """Check the inputs, fit the generators, run the sweeps, write the tables, meta.json and
    report.md into settings.out (default runs/paper-NAME); the report's path. read: the input as
    tables/inputs.read_input returned it (None: read it here)."""
    name = settings.source.resolve().name if settings.csv is None else settings.source.stem
    out = settings.out or Path("runs") / f"paper-{name}"
    tables, split = load_inputs(settings, out, read_input(settings) if read is None else read)
    notes = list(tables.warnings)
    for note in notes:
        print(f"synthlaw: warning: {note}", file=sys.stderr)
    if split is not None:
        for name, why in split.table.typing.dropped:
            print(f"synthlaw: warning: {settings.csv}: column {name!r} dropped: {why} (the keep option keeps it)",
                  file=sys.stderr)
        write_split(split, out / "data")
        typed = [f"{split.summary} -> {out / 'data'} (seed {settings.seed})", split.table.label_line,
                 *split.table.typing.lines(), *feature_lines(tables)]
        for line in typed:
            say(line)
        notes += typed
    start = time.perf_counter()
    tables, fitted = fit_generators(tables, settings, out)
    say("synthetic-row quality against held-out rows ...")
    quality = synthetic_quality(tables, settings, fitted)
    for row in (r for r in quality if r.plausibility.poor):
        notes.append(f"{row.plausibility.line(row.name)}: these rows look unlike their class")
        print(f"synthlaw: warning: {notes[-1]}", file=sys.stderr)
    results = run_sweeps(tables, settings, SweepOptions(memory_budget=SWEEP_BUDGET, checkpoint=out / "chunks"))
    info = {"data": str(settings.source), "label": settings.label, "spurious": settings.spurious,
            "protocol": settings.protocol, "methods": ",".join(tables.methods),
            "generators": ",".join(m.name for m in settings.generators) or "none",
            "fit on": ",".join(settings.fit_on), "classifier": settings.fit.classifier,
            "solver": settings.fit.solver, "stored results": settings.fit.stored,
            "weights": ",".join(f"{w:g}" for w in settings.weights),
            "features": "standardised" if settings.standardize else "raw",
            "dtype": "float64", "seed": settings.seed, "seed size": len(tables.tables["seed"].y_n),
            "jax": jax.__version__, "wall seconds": f"{time.perf_counter() - start:.1f}"}
    for (task, sweep), (columns, summary, rows, _) in results.items():
        write_table(out / f"{task}_{sweep}.csv", columns)
        write_table(out / f"{task}_{sweep}_summary.csv", summary)
        if rows:
            write_table(out / f"{task}_{sweep}_vs_stored.csv", {k: [r[k] for r in rows] for k in rows[0]})
    write_json(out / "meta.json", info | {"notes": notes})
    report = write_paper_report(results, out, info, notes=notes, fits=fitted, class_counts=class_counts(tables),
                                quality=quality)
    if is_writer():
        shutil.rmtree(out / "chunks", ignore_errors=True)
    print(f"report: {report}  (float64, {info['wall seconds']} s)")
    return report
