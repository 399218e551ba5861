"""Which rows each training set of the paper's real-data sweeps uses (data README, "protocols").

A design is one training set: a list of (file stem, row positions, loss weight) parts. Two ways
to choose rows:
- `paper_take`: the authors' `DataFrame.sample(n, random_state=s)`. pandas (3.1.1,
  pandas/core/sample.py) returns `random_state.choice(obj_len, size=n, replace=False, p=weights)`
  with `random_state = np.random.RandomState(s)` and weights None, so these are the same rows;
- `jax_take`: a `jax.random.permutation` of the file per (seed, draw), cut to n. Like the legacy
  choice (a permutation's prefix), a seed's subsets are nested as n grows.
Both return positions in the file (or in the sub-table it is drawn from), which the program turns
into index/weight masks. The one-time split drawn with random_state 42 (major_use, syn_balance and
the augmentation base) is the authors' data preparation, shared by every seed, so both modes take
it from `paper_take`; JAX keys choose only the per-seed rows. Redrawing the split per JAX seed would
add a variance that the stored per-seed standard errors do not contain.
"""

import functools
import zlib
from typing import NamedTuple

import numpy as np

PAPER_SEEDS = (1, 2, 6, 8, 42)
SPLIT_SEED = 42
SYNTHETIC_WEIGHT = 0.5
N_RATIO = 10
AUGMENT_STEP = 2
TASK_STEMS = {  # task -> (real majority file, synthetic minority suffix, synthetic majority suffix)
    "imbalance": ("train0", "1", "0"),
    "spurious": ("train_neg", "_pos", "_neg"),
}


ADJUSTMENTS = ("", "class_weights", "threshold")
BASELINE = "baseline"  # the method tag of the designs that add no rows


class Design(NamedTuple):
    """One training set: tags for the result table, its parts [(stem, positions_k, weight)], and an
    adjustment (ADJUSTMENTS) of a baseline that adds no rows: "class_weights" reweights each class
    to half the total weight, "threshold" moves the decision threshold by the training prior's
    log-odds (tables/sweeps.py applies both)."""

    tags: dict
    parts: list
    adjust: str = ""


def paper_take(n_rows: int, n: int, seed: int, draw: str) -> np.ndarray:
    """pandas DataFrame.sample(n, random_state=seed) as row positions (draw is not used)."""
    return np.random.RandomState(seed).choice(n_rows, size=n, replace=False)


def jax_take_from(*, key):
    """A row chooser from JAX keys: one permutation per (n_rows, seed, draw), cut to n. The cached
    permutations are read-only, so a caller cannot change the rows a later draw takes."""

    import jax  # here, so that the command line checks its input before loading JAX

    @functools.cache
    def permutation(n_rows: int, seed: int, draw: str) -> np.ndarray:
        k = jax.random.fold_in(jax.random.fold_in(key, seed), zlib.crc32(draw.encode()))
        rows = np.array(jax.random.permutation(k, n_rows))
        rows.flags.writeable = False
        return rows

    def take(n_rows: int, n: int, seed: int, draw: str) -> np.ndarray:
        return permutation(n_rows, seed, draw)[:n]

    return take


def split_pools(n_major: int, n_syn_minor: int, seed_size: int) -> tuple:
    """The fixed split (random_state 42): major_use, syn_balance, syn_remain positions."""
    major_use = paper_take(n_major, 5 * seed_size, SPLIT_SEED, "major_use")
    syn_balance = paper_take(n_syn_minor, 5 * seed_size, SPLIT_SEED, "syn_balance")
    syn_remain = np.setdiff1d(np.arange(n_syn_minor), syn_balance)  # DataFrame.drop keeps file order
    return major_use, syn_balance, syn_remain


def ratio_designs(n_rows: dict, method: str, task: str, seed_size: int, seeds, take) -> list:
    """Ratio sweep: for i < 10, k = i * seed_size / 2 majority rows; three arms per (i, seed).

    imbalanced = seed + k of major_use; balanced = + k of syn_balance; augmented = balanced +
    1.5 seed_size each of syn_remain and {method} majority file, at weight 0.5.
    """
    major, minor_sfx, major_sfx = TASK_STEMS[task]
    syn_minor, syn_major = method + minor_sfx, method + major_sfx
    major_use, syn_balance, syn_remain = split_pools(n_rows[major], n_rows[syn_minor], seed_size)
    seed_part = ("seed", np.arange(n_rows["seed"]), 1.0)
    half = 3 * seed_size // 2
    designs = []
    for i in range(N_RATIO):
        k = i * seed_size // 2
        for s in seeds:
            imbalanced = [seed_part, (major, major_use[take(len(major_use), k, s, "major")], 1.0)]
            balanced = imbalanced + [(syn_minor, syn_balance[take(len(syn_balance), k, s, "syn_balance")], 1.0)]
            augmented = balanced + [
                (syn_minor, syn_remain[take(len(syn_remain), half, s, "syn_remain")], SYNTHETIC_WEIGHT),
                (syn_major, take(n_rows[syn_major], half, s, "syn_major"), SYNTHETIC_WEIGHT)]
            tags = {"method": method, "i": i, "ratio": (seed_size / 2 + k) / (seed_size / 2), "seed": s}
            for arm, parts in (("imbalanced", imbalanced), ("balanced", balanced), ("augmented", augmented)):
                designs.append(Design({**tags, "arm": arm}, parts))
    return designs


def augmentation_designs(n_rows: dict, method: str, task: str, seed_size: int, seeds, take,
                         step: int = AUGMENT_STEP, weights=(SYNTHETIC_WEIGHT,)) -> list:
    """Augmentation sweep: a balanced base plus N = i * seed_size * step synthetic rows at loss weight
    w, once per w of weights (the paper: 0.5 alone), tagged "weight"; a seed draws the same rows at
    every w, so weights compare paired by seed.

    base = seed + 4 seed_size of major_use (random_state 42, fixed) + 4 seed_size of syn_balance
    (per seed), every row at weight 1; N/2 from syn_remain and N/2 from the {method} majority file.
    A final design trains on all of train.csv (arm "train_all", once, weight tag nan: no synthetic
    rows).
    """
    major, minor_sfx, major_sfx = TASK_STEMS[task]
    syn_minor, syn_major = method + minor_sfx, method + major_sfx
    major_use, syn_balance, syn_remain = split_pools(n_rows[major], n_rows[syn_minor], seed_size)
    n_base = 4 * seed_size
    base = [("seed", np.arange(n_rows["seed"]), 1.0),
            (major, major_use[paper_take(len(major_use), n_base, SPLIT_SEED, "major")], 1.0)]
    designs = []
    for w in map(float, weights):
        for i in range(N_RATIO):
            half = i * seed_size * step // 2
            for s in seeds:
                parts = base + [(syn_minor, syn_balance[take(len(syn_balance), n_base, s, "syn_balance")], 1.0)]
                if half:
                    parts = parts + [(syn_minor, syn_remain[take(len(syn_remain), half, s, "syn_remain")], w),
                                     (syn_major, take(n_rows[syn_major], half, s, "syn_major"), w)]
                designs.append(Design({"method": method, "i": i, "n_synthetic": 2 * half, "seed": s,
                                       "arm": "augmented", "weight": w}, parts))
    designs.append(Design({"method": method, "i": N_RATIO, "n_synthetic": 0, "seed": seeds[-1],
                           "arm": "train_all", "weight": np.nan}, [("train", np.arange(n_rows["train"]), 1.0)]))
    return designs


SWEEPS = {"ratio": ratio_designs, "augmentation": augmentation_designs}  # sweep name -> its designs


def baseline_designs(designs: list) -> list:
    """The baselines beside the ratio sweep's generators, on the imbalanced arm's rows of its first
    method: class weights (no new rows) and the threshold moved by the prior's log-odds, tagged
    method "baseline" and arm "class_weights" or "threshold"."""
    first = designs[0].tags["method"]
    return [Design({**d.tags, "method": BASELINE, "arm": adjust}, d.parts, adjust)
            for adjust in ADJUSTMENTS[1:] for d in designs
            if d.tags["method"] == first and d.tags["arm"] == "imbalanced"]


def synthetic_half(sweep: str, seed_size: int, step: int = AUGMENT_STEP) -> int:
    """The most rows a sweep's augmented arm takes from each synthetic file beyond the balancing rows."""
    return 3 * seed_size // 2 if sweep == "ratio" else (N_RATIO - 1) * seed_size * step // 2


def real_stems(task: str, sweeps) -> tuple:
    """The real files the sweeps read: seed, test, the task's majority file, train for train_all."""
    return ("seed", "test", TASK_STEMS[task][0]) + (("train",) if "augmentation" in sweeps else ())


def synthetic_rows_needed(task: str, seed_size: int, sweeps=("ratio", "augmentation"),
                          step: int = AUGMENT_STEP) -> dict:
    """Rows each of a method's files must hold for the given sweeps, by file suffix (asked of
    generators): the minority file balances and augments, the majority file augments."""
    _, minor_sfx, major_sfx = TASK_STEMS[task]
    half = max(synthetic_half(sweep, seed_size, step) for sweep in sweeps)
    return {minor_sfx: 5 * seed_size + half, major_sfx: half}


def rows_needed(method: str, task: str, seed_size: int, sweeps=("ratio", "augmentation"),
                step: int = AUGMENT_STEP) -> dict:
    """Rows each file must hold for the given sweeps (checked at load time): the task's real
    majority file, the method's files (none for method ""), and train.csv for train_all."""
    synthetic = synthetic_rows_needed(task, seed_size, sweeps, step) if method else {}
    needs = {TASK_STEMS[task][0]: 5 * seed_size} | {method + sfx: n for sfx, n in synthetic.items()}
    return needs | ({"train": 1} if "augmentation" in sweeps else {})
