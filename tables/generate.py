"""Synthetic rows for the paper's sweeps from generators fitted on the table itself.

The paper's practical recipe (docs/claims.md, "The paper's tables"): fit a generator on real rows of the table,
draw minority (and majority) rows from it, and add them. Per generator and fit-on mode ("seed":
the seed rows; "use": seed + train, as the authors fitted their LLM) there is one fit per task:
- imbalance: the conditioning label is the class; files {name}1.csv and {name}0.csv;
- spurious: the conditioning label is the group 2 s + y (s the spurious bit, 0 on the smaller
  value), fitted on the features without the spurious column; {name}_pos.csv draws half its rows
  from group 00 and half from 11, {name}_neg.csv from 01 and 10, and the spurious and label
  columns are set from the group. Fitting on the pos/neg bit alone would let ros, smote and the
  plug-in mix groups 00 and 11 and draw labels and spurious values between them.
Each file holds exactly the rows tables.rows.synthetic_rows_needed asks for. A GeneratorRun is
one (method, fit-on mode) pair; its name, {method}_{fit_on} (e.g. smote_seed), names the files.

Cache: data/generated.json maps "{name}/{task}" to a sha256 over the method, fit-on mode, task,
base seed, rows asked, the fitted rows and labels (bytes) and synthlaw's source fingerprint, with
the training losses; files whose key matches are read back instead of fitted again.
"""

import hashlib
import json
import time
import zlib
from pathlib import Path
from typing import NamedTuple

import jax
import numpy as np

from synthlaw.sims.engine.fingerprint import source_fingerprint
from synthlaw.sims.engine.store import write_atomic
from synthlaw.tables.generators import fit_table_generator
from synthlaw.tables.methods import GeneratorRun
from synthlaw.tables.read import Table, Tables, read_text, spurious_bit, write_csv

MAX_DRAWS = 8  # adasyn gives sum_i rint(w_i n) rows, more or fewer than asked: draw again (draw_rows)
CACHE = "generated.json"
PARTS = {"_pos": (0, 3), "_neg": (1, 2)}  # spurious file -> its two groups 2 s + y


class Generated(NamedTuple):
    """One generator fitted for one task: its method tables (stem -> Table) and training losses."""

    name: str
    task: str
    tables: dict
    loss_s: np.ndarray
    holdout_loss_b: np.ndarray
    reused: bool
    seconds: float


def fit_rows(tables: Tables, fit_on: str) -> Table:
    """The rows a generator is fitted on: the seed, or seed + train ("use")."""
    seed = tables.tables["seed"]
    if fit_on == "seed":
        return seed
    train = tables.tables["train"]
    s_n = None if seed.s_n is None else np.concatenate([seed.s_n, train.s_n])
    return Table(np.concatenate([seed.x_nd, train.x_nd]), np.concatenate([seed.y_n, train.y_n]), s_n)


def draw_rows(generator, label: int, n: int, *, key, at_least: int = 0) -> np.ndarray:
    """Exactly n rows of label. A generator that rounds its count (Method.rounds: adasyn gives
    sum_i rint(w_i m) rows for m asked, far fewer than m, or none, when m is below the class's
    at_least rows) is asked for at least that many; each next draw asks for the rows still
    missing, scaled by the rows given per row asked so far; more rows than n are cut to a uniform
    subset (adasyn's rows come grouped by base row, so their first n would favour the first rows)."""
    parts, have, asked = [], 0, 0
    for k in range(MAX_DRAWS):
        if have >= n or (parts and not have):  # enough, or a generator that gives no rows at all
            break
        ask = max(n, at_least) if not parts else max(n, int(np.ceil((n - have) * asked / have)))
        parts.append(generator.sample(label, ask, key=jax.random.fold_in(key, k)))
        have, asked = have + len(parts[-1]), asked + ask
    if have < n:
        raise RuntimeError(f"generator {generator.method.name!r} gave {have} rows of label {label} for {asked} asked "
                           f"in {MAX_DRAWS} draws; {n} are needed")
    rows_nd = np.concatenate(parts)
    if len(rows_nd) == n:
        return rows_nd
    order_k = np.asarray(jax.random.permutation(jax.random.fold_in(key, MAX_DRAWS), len(rows_nd)))
    return rows_nd[np.sort(order_k[:n])]


def problem(tables: Tables, task: str, rows: Table) -> tuple:
    """Features to fit, conditioning labels c_n, and the spurious column's index (or None)."""
    if task == "imbalance":
        return rows.x_nd, rows.y_n, None
    j = tables.features.index(tables.spurious)
    assert rows.s_n is not None, "a spurious task's tables carry the spurious column"
    return np.delete(rows.x_nd, j, axis=1), 2 * spurious_bit(tables, rows.s_n) + rows.y_n, j


def cells_for(tables: Tables, task: str, generator, stem_sfx: str, n: int, j_s, counts: dict, *,
              key) -> np.ndarray:
    """Codes (features in tables.features order, then the label) of one synthetic file; counts: the
    fitted rows per conditioning label, asked of a generator that rounds (draw_rows)."""
    def least(label: int) -> int:
        return counts.get(label, 0) if generator.method.rounds else 0

    if task == "imbalance":
        y = int(stem_sfx)
        x_nd = draw_rows(generator, y, n, key=key, at_least=least(y))
        return np.column_stack([x_nd, np.full(n, y, np.float64)])
    s_values = np.unique(tables.tables["test"].s_n)  # bit 0 = the smaller value
    blocks = []
    for k, (g, m) in enumerate(zip(PARTS[stem_sfx], (n // 2, n - n // 2), strict=True)):
        x_nd = draw_rows(generator, g, m, key=jax.random.fold_in(key, k), at_least=least(g))
        x_nd = np.insert(x_nd, j_s, s_values[g // 2], axis=1)
        blocks.append(np.column_stack([x_nd, np.full(m, g % 2, np.float64)]))
    return np.concatenate(blocks)


def read_codes(path: Path, schema) -> np.ndarray:
    """A synthetic file written by generate, read back as codes (features, then the 0/1 label)."""
    header, _, rows = read_text(path)
    cells_nd = np.array(rows, dtype=object).reshape(-1, len(header))
    return np.column_stack([schema.encode(cells_nd[:, :-1], f"{path}: "), cells_nd[:, -1].astype(np.float64)])


def smallest_class(tables: Tables, fit_on: str, task: str) -> tuple[int, int]:
    """The conditioning label with the fewest fit rows, and its count (smote and adasyn need more
    than REGISTRY_K of each, tables/generators.py)."""
    _, c_n, _ = problem(tables, task, fit_rows(tables, fit_on))
    labels, counts = np.unique(c_n, return_counts=True)
    return int(labels[np.argmin(counts)]), int(counts.min())


def cache_key(run: GeneratorRun, task: str, seed: int, needs: dict, x_nd, c_n) -> str:
    digest = hashlib.sha256(json.dumps([run.method.name, run.fit_on, task, seed, sorted(needs.items()),
                                        source_fingerprint()]).encode())
    digest.update(np.ascontiguousarray(x_nd, np.float64).tobytes() + np.ascontiguousarray(c_n, np.int64).tobytes())
    return digest.hexdigest()[:20]


def generate(tables: Tables, run: GeneratorRun, task: str, needs: dict, *, seed: int, data_dir: Path,
             checkpoint_dir: Path) -> Generated:
    """Fit run's method on its fit-on rows for task and write {name}{sfx}.csv with needs[sfx] rows
    each (needs: suffix -> rows, from synthetic_rows_needed); reuse the files when their cache key
    matches."""
    start, name = time.perf_counter(), run.name
    x_nd, c_n, j_s = problem(tables, task, fit_rows(tables, run.fit_on))
    key_text = cache_key(run, task, seed, needs, x_nd, c_n)
    cache_path = Path(data_dir) / CACHE
    cache = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
    entry = cache.get(f"{name}/{task}", {})
    header = list(tables.features) + [tables.label]
    paths = {sfx: Path(data_dir) / f"{name}{sfx}.csv" for sfx in needs}
    reused = entry.get("key") == key_text and all(p.is_file() for p in paths.values())
    schema = tables.typed
    if reused:
        loss_s, holdout_b = np.asarray(entry["loss_s"]), np.asarray(entry["holdout_loss_b"])
        codes = {sfx: read_codes(p, schema) for sfx, p in paths.items()}
    else:
        key = jax.random.fold_in(jax.random.key(seed), zlib.crc32(f"{name}/{task}".encode()))
        kept = np.arange(len(schema.names)) != (-1 if j_s is None else j_s)  # the columns fitted
        fitted = fit_table_generator(run.method, x_nd, c_n, key=jax.random.fold_in(key, 0),
                                     checkpoint_dir=Path(checkpoint_dir) / f"{name}_{task}",
                                     categorical_d=schema.categorical_d[kept], levels_d=schema.levels_d[kept])
        counts = dict(zip(*(v.tolist() for v in np.unique(c_n, return_counts=True)), strict=True))
        codes = {sfx: cells_for(tables, task, fitted, sfx, n, j_s, counts, key=jax.random.fold_in(key, 1 + k))
                 for k, (sfx, n) in enumerate(needs.items())}
        for sfx, p in paths.items():
            write_csv(p, header, np.column_stack([schema.decode(codes[sfx][:, :-1]),
                                                  codes[sfx][:, -1].astype(np.int64).astype(str).astype(object)]))
        loss_s, holdout_b = np.asarray(fitted.loss_s, float), np.asarray(fitted.holdout_loss_b, float)
        cache = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
        cache[f"{name}/{task}"] = {"key": key_text, "loss_s": loss_s.tolist(), "holdout_loss_b": holdout_b.tolist()}
        write_atomic(cache_path, json.dumps(cache, indent=1))
    j_table = None if tables.spurious is None else schema.names.index(tables.spurious)
    out = {name + sfx: Table(c[:, :-1], c[:, -1].astype(np.int32), None if j_table is None else c[:, j_table])
           for sfx, c in codes.items()}
    return Generated(name, task, out, loss_s, holdout_b, reused, time.perf_counter() - start)

