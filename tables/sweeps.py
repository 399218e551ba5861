"""The paper's real-data sweeps, one replicate per training set (a design).

Every design (method x arm x grid point x seed) is a list of rows of one pool of table rows with
loss weights. The JAX fit ("exact": fit_logistic to the optimum, l2 = 1 / C, scikit-learn's C = 1
by default) runs through the sweep engine (sims/engine/sweep.py): designs are grouped into size buckets
(size_buckets: power-of-2 size classes, merged where a compile costs more than the padding saved),
each bucket padded with weight 0 to its largest design and run as one run_sweep call, vmapped and
sharded over the devices in chunks that the SweepOptions' memory budget sizes. A sweep so traces
once per bucket, at most ceil(log2(largest / smallest)) + 1 times (`bucket_bound`; Scored.n_traces
counts them), instead of padding every design to the largest (the augmentation sweep's train_all
is all of train.csv). The library fits (tables/classifiers: random forests, XGBoost, and the
authors' unconverged lbfgs) run per design in parallel processes and are scored by the same JAX
scorer. The sweeps run in float64, which the caller switches on (`with jax.enable_x64(True)`, as
tables/runner.py does) and run_designs requires: the features are raw and the comparison with
scikit-learn is to 0.002.
"""

import functools
import hashlib
import math
import warnings
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models.logistic import STEPS_REAL_TABLE, fit_logistic
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import run_sweep
from synthlaw.tables.classifiers import AUTHORS_LBFGS, EXACT, EXTRA, Fit, fit_designs
from synthlaw.tables.features import encode_features, fit_features
from synthlaw.tables.metrics import all_metrics
from synthlaw.tables.read import Tables, spurious_bit
from synthlaw.tables.rows import (
    PAPER_SEEDS,
    SWEEPS,
    SYNTHETIC_WEIGHT,
    augmentation_designs,
    baseline_designs,
    jax_take_from,
    paper_take,
)

SUBSETS = {"train0": 0, "train1": 1}  # class files that may repeat train.csv's rows (pool_of)
COMPILE_COST = 1e8  # one compile ~ fitting 1e8 padded row x features (benchmarks/paper_memory.py)


class Scored(NamedTuple):
    """columns: the tidy table of the designs; n_traces: times the JAX fit's program was traced
    (one per size bucket; 0 for library fits)."""

    columns: dict
    n_traces: int


def pool_of(tables: Tables, stems: list) -> tuple:
    """Stack the files' rows once: pool x_nd, y_n and each stem's pool positions (stem -> rows_k).
    A class file that is train.csv's rows of that class in order (train0, train1 of a --csv split)
    takes train's positions instead of a second copy of them (SUBSETS)."""
    subsets = {stem: label for stem, label in SUBSETS.items() if stem in stems and "train" in stems and
               is_class_subset(tables.tables["train"], tables.tables[stem], label)}
    positions, start = {}, 0
    for stem in (s for s in stems if s not in subsets):
        positions[stem] = np.arange(start, start + len(tables.tables[stem].y_n))
        start += len(tables.tables[stem].y_n)
    for stem, label in subsets.items():
        positions[stem] = positions["train"][tables.tables["train"].y_n == label]
    kept = [s for s in stems if s not in subsets]
    x_nd = np.concatenate([tables.tables[s].x_nd for s in kept])
    y_n = np.concatenate([tables.tables[s].y_n for s in kept])
    return x_nd, y_n, positions


def is_class_subset(train, part, label: int) -> bool:
    """part holds exactly train's rows of class label, in train's order."""
    rows_k = train.y_n == label
    return int(rows_k.sum()) == len(part.y_n) and np.array_equal(train.x_nd[rows_k], part.x_nd, equal_nan=True)


def design_rows(designs: list, positions: dict, pool_y_n: np.ndarray) -> tuple:
    """Per design r: index_r[r] (rows of the pool), weight_r[r] (loss weights, unpadded) and
    shift_r[r], added to its logits. A "class_weights" design scales each class's weights to half
    the design's total (scikit-learn's class_weight="balanced" on unit weights); a "threshold"
    design gets shift -log(W_1 / W_0), W_c its total weight of class c, so that it predicts 1 where
    the balanced posterior exceeds 1/2 (the training prior's log-odds removed)."""
    index_r = [np.concatenate([positions[stem][rows] for stem, rows, _ in d.parts]).astype(np.int32) for d in designs]
    weight_r = [np.concatenate([np.full(len(rows), w) for _, rows, w in d.parts]) for d in designs]
    shift_r = np.zeros(len(designs))
    for r, d in enumerate(designs):
        y_m = pool_y_n[index_r[r]]
        w_c = np.array([weight_r[r][y_m == c].sum() for c in (0, 1)])
        if d.adjust == "class_weights":
            weight_r[r] = weight_r[r] * (w_c.sum() / (2 * w_c))[y_m]
        elif d.adjust == "threshold":
            shift_r[r] = -np.log(w_c[1] / w_c[0])
    return index_r, weight_r, shift_r


def training_rows(tables: Tables) -> np.ndarray:
    """The real training rows' codes (seed, and train where read): what the features are fitted on."""
    return np.concatenate([tables.tables[s].x_nd for s in ("seed", "train") if s in tables.tables])


def size_buckets(sizes_r, d: int, *, pad_to_largest: bool = False) -> list:
    """Groups of design positions, each one run_sweep call padded to its largest design.

    Start from the classes k = ceil(log2 size) and merge adjacent classes where a compile costs
    more than the padding it saves: a group costs COMPILE_COST + designs x largest size x d, and
    dynamic programming over the classes minimises the sum. pad_to_largest puts every design in
    one group (the old layout, kept for benchmarks/paper_memory.py).
    """
    sizes_r = np.asarray(sizes_r)
    if pad_to_largest:
        return [np.arange(len(sizes_r))]
    k_r = np.ceil(np.log2(np.maximum(sizes_r, 1))).astype(int)
    classes = np.unique(k_r)
    count_c = np.array([(k_r == k).sum() for k in classes])
    largest_c = np.array([sizes_r[k_r == k].max() for k in classes])
    best, cut = [0.0], [0]  # best[j]: least cost of the first j classes; cut[j]: where its last group starts
    for j in range(1, len(classes) + 1):
        costs = [best[i] + COMPILE_COST + count_c[i:j].sum() * largest_c[j - 1] * d for i in range(j)]
        cut.append(int(np.argmin(costs)))
        best.append(min(costs))
    groups, j = [], len(classes)
    while j > 0:
        groups.append(np.flatnonzero(np.isin(k_r, classes[cut[j]:j])))
        j = cut[j]
    return groups[::-1]


def bucket_bound(sizes_r) -> int:
    """Most buckets (so traces) a sweep of these sizes can have: ceil(log2(max / min)) + 1."""
    return math.ceil(math.log2(max(sizes_r) / max(min(sizes_r), 1))) + 1


def padded(index_r: list, weight_r: list) -> tuple:
    """index_rm and weight_rm (0 on padding), m = the largest of these designs."""
    m = max(len(i) for i in index_r)
    index_rm = np.zeros((len(index_r), m), np.int32)
    weight_rm = np.zeros((len(index_r), m), np.float64)
    for r, (index_m, weight_m) in enumerate(zip(index_r, weight_r, strict=True)):
        index_rm[r, : len(index_m)], weight_rm[r, : len(weight_m)] = index_m, weight_m
    return index_rm, weight_rm


def replicate_bytes(m: int, d: int, t: int) -> int:
    """Working memory of one float64 fit of m rows, d features, scored on t test rows: the gathered
    (and standardised) rows and their weighted copy (3 m d), per-row state and step candidates
    (about 40 m), test logits and masks (about 10 t). Measured in benchmarks/paper_memory.py."""
    return 8 * (m * (3 * d + 40) + 10 * t)


def test_groups(tables: Tables, task: str) -> tuple:
    """Test groups g_t, their count and the minority mask m_t.

    imbalance: groups are the labels, the minority is label 1. spurious: group = 2 s + y with s the
    spurious bit (00, 01, 10, 11), the minority is groups 00 and 11 (train_pos, the paper's).
    """
    test = tables.tables["test"]
    if task == "imbalance":
        return test.y_n, 2, test.y_n == 1
    s_t = spurious_bit(tables, test.s_n)
    return 2 * s_t + test.y_n, 4, s_t == test.y_n


def standardize_md(x_md, in_m, test_x_td):
    """Scale features by the training rows' mean and standard deviation (StandardScaler)."""
    in_m = in_m.astype(x_md.dtype)[:, None]
    mean_d = (x_md * in_m).sum(0) / in_m.sum()
    sd_d = jnp.sqrt(((x_md - mean_d) ** 2 * in_m).sum(0) / in_m.sum())
    sd_d = jnp.where(sd_d > 0, sd_d, 1.0)
    return (x_md - mean_d) / sd_d, (test_x_td - mean_d) / sd_d


def design_replicate(*, l2, n_groups: int, n_steps: int, standardize: bool):
    """Replicate (point, *, key, shared) -> metrics: fit the training set point["index"] (rows of
    the pool) with loss weights point["weight"] and score its logits plus point["shift"] on the test
    rows (the key is not used: the rows are chosen already). shared: the pool's x_nd and y_n and the
    test set's x_td, y_t, groups g_t and minority mask m_t (run_sweep's shared arrays)."""

    def replicate(point, *, key, shared):
        index_m, weight_m = point["index"], point["weight"]
        x_md, y_m, x_td = shared["x_nd"][index_m], shared["y_n"][index_m], shared["x_td"]
        if standardize:
            x_md, x_td = standardize_md(x_md, weight_m > 0, x_td)
        w_d, b, _ = fit_logistic(x_md, y_m, weight_m, l2=l2, n_steps=n_steps)
        return all_metrics(shared["y_t"], x_td @ w_d + b + point["shift"], shared["g_t"], shared["m_t"], n_groups)

    return replicate


def scores(y_t, z_rt, g_t, m_t, n_groups: int) -> dict:
    """all_metrics of every row of test logits z_rt (library fits), as NumPy columns."""
    metric = jax.vmap(lambda z_t: all_metrics(y_t, z_t, g_t, m_t, n_groups))
    return {k: np.asarray(v) for k, v in metric(jnp.asarray(z_rt)).items()}


def authors_convergence(pool_x_nd, pool_y_n, index_r, weight_r, seed_r, test_x_td, C, n_jobs):
    """Per design, 1.0 if the authors' lbfgs fit (max_iter 1000) converged there, else 0.0; nan
    with a warning naming the extra where scikit-learn is missing."""
    if AUTHORS_LBFGS.missing():
        warnings.warn(f"authors_converged not measured: scikit-learn missing ({EXTRA})", stacklevel=3)
        return np.full(len(index_r), np.nan)
    return fit_designs(AUTHORS_LBFGS, pool_x_nd, pool_y_n, index_r, weight_r, seed_r, test_x_td,
                       C=C, n_jobs=n_jobs)[1]  # on raw features, as the authors


def run_designs(tables: Tables, designs: list, task: str, *, options: SweepOptions, name: str, fit: Fit = EXACT,
                C: float = 1.0, n_steps: int = STEPS_REAL_TABLE, standardize: bool = False, chunk: int | None = None,
                devices=None, authors_check: bool = False, n_jobs: int | None = None,
                pad_to_largest: bool = False) -> Scored:
    """Score the designs in float64 (the caller enables it); a tidy table with their tags, n_train,
    the metric columns, `classifier`, `solver` (what fitted each design) and `authors_converged`
    (1/0: did the authors' lbfgs fit converge on this design; nan where not measured, see
    authors_convergence), and the JAX program's trace count.

    fit EXACT runs the JAX fit through the sweep engine with options, one run_sweep per size
    bucket named "{name} ... bucket {i}" (chunk: replicates per chunk, else the memory budget sizes
    them); the library fits run per design on n_jobs processes. authors_check=True also reruns the
    authors' lbfgs per design (scikit-learn) to fill authors_converged for the exact fit; off by
    default (nan), since it is wanted only beside stored results.
    """
    if jax.dtypes.canonicalize_dtype(jnp.float64) != jnp.float64:
        raise RuntimeError("run_designs computes in float64: call it inside `with jax.enable_x64(True)`")
    stems = sorted({stem for d in designs for stem, _, _ in d.parts})
    pool_x_nd, pool_y_n, positions = pool_of(tables, stems)
    index_r, weight_r, shift_r = design_rows(designs, positions, pool_y_n)
    seed_r = np.array([d.tags["seed"] for d in designs])
    test = tables.tables["test"]
    features = fit_features(tables.typed, training_rows(tables))
    pool_x_nd, test_x_td = encode_features(features, pool_x_nd), encode_features(features, test.x_nd)
    g_t, n_groups, m_t = test_groups(tables, task)
    if fit.make is None:
        swept, n_traces = exact_sweep(pool_x_nd, pool_y_n, index_r, weight_r, shift_r,
                                      (test_x_td, test.y_n, g_t, m_t), n_groups, options=options, name=name,
                                      l2=1.0 / C, n_steps=n_steps, standardize=standardize, chunk=chunk,
                                      devices=devices, pad_to_largest=pad_to_largest)
        converged_r = (authors_convergence(pool_x_nd, pool_y_n, index_r, weight_r, seed_r, test_x_td, C, n_jobs)
                       if authors_check else np.full(len(designs), np.nan))
    else:
        z_rt, converged_r = fit_designs(fit, pool_x_nd, pool_y_n, index_r, weight_r, seed_r, test_x_td,
                                        C=C, n_jobs=n_jobs, standardize=standardize)
        swept, n_traces = scores(test.y_n, z_rt + shift_r[:, None], g_t, m_t, n_groups), 0
    columns = {tag: np.array([d.tags[tag] for d in designs]) for tag in designs[0].tags}
    columns["n_train"] = np.array([len(i) for i in index_r])
    columns.update(swept)
    columns["classifier"] = np.array([fit.classifier] * len(designs))
    columns["solver"] = np.array([fit.solver] * len(designs))
    columns["authors_converged"] = converged_r
    return Scored(columns, n_traces)


def pool_digest(arrays) -> str:
    """A short hash of the pool and test arrays: a sweep's chunks are found again only for the same rows."""
    digest = hashlib.sha256()
    for a in arrays:
        digest.update(np.ascontiguousarray(a).tobytes())
    return digest.hexdigest()[:12]


def exact_sweep(pool_x_nd, pool_y_n, index_r, weight_r, shift_r, test: tuple, n_groups: int, *, options: SweepOptions,
                name: str, l2, n_steps, standardize, chunk, devices, pad_to_largest) -> tuple:
    """The JAX fits, one run_sweep per size bucket; metric columns in design order and the traces."""
    sizes_r = np.array([len(i) for i in index_r])
    d, t = pool_x_nd.shape[1], len(test[1])
    columns, n_traces = {}, 0
    shared = dict(zip(("x_nd", "y_n", "x_td", "y_t", "g_t", "m_t"), (pool_x_nd, pool_y_n, *test), strict=True))
    replicate = design_replicate(l2=l2, n_groups=n_groups, n_steps=n_steps, standardize=standardize)
    label = f"{name} rows {pool_digest((pool_x_nd, pool_y_n, *test))} l2={l2:g} steps={n_steps}" + \
        (" standardized" if standardize else "")
    for i, bucket in enumerate(size_buckets(sizes_r, d, pad_to_largest=pad_to_largest)):
        index_rm, weight_rm = padded([index_r[r] for r in bucket], [weight_r[r] for r in bucket])
        grid = {"index": index_rm, "weight": weight_rm, "shift": shift_r[bucket]}
        swept = run_sweep(replicate, key=jax.random.key(0), n_seeds=1, grid=grid,
                          options=options, name=f"{label} bucket {i}", chunk_size=chunk,
                          replicate_bytes=replicate_bytes(index_rm.shape[1], d, t), devices=devices, shared=shared)
        n_traces += swept.n_traces
        for k, v in swept.columns.items():
            if k not in ("seed", *grid):
                columns.setdefault(k, np.zeros(len(index_r), v.dtype))[bucket] = v
    return columns, n_traces


def sweep_designs(tables: Tables, sweep: str, task: str, *, protocol: str = "paper", seed: int = 0,
                  seeds=PAPER_SEEDS, seed_size: int = 200, weights=(SYNTHETIC_WEIGHT,)) -> list:
    """The designs of one sweep ('ratio' or 'augmentation') for every method of tables, for
    run_designs. protocol 'paper' picks the authors' rows (RandomState); 'jax' draws them from
    key(seed), at JAX's default precision (build the designs outside the float64 block). weights:
    the augmentation sweep's synthetic loss weights, each a copy of its augmented designs (the ratio
    sweep's augmented arm keeps the paper's 0.5)."""
    if sweep != "augmentation" and tuple(weights) != (SYNTHETIC_WEIGHT,):
        raise ValueError(f"weights = {list(weights)}: the {sweep} sweep keeps the paper's {SYNTHETIC_WEIGHT}; "
                         "other weights are for the augmentation sweep")
    take = paper_take if protocol == "paper" else jax_take_from(key=jax.random.key(seed))
    n_rows = {stem: len(t.y_n) for stem, t in tables.tables.items()}
    make = functools.partial(augmentation_designs, weights=weights) if sweep == "augmentation" else SWEEPS[sweep]
    designs = []
    for method in tables.methods:
        designs += make(n_rows, method, task, seed_size, tuple(seeds), take)
    return designs + (baseline_designs(designs) if sweep == "ratio" and task == "imbalance" else [])
