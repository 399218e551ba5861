"""The paper's real-data sweeps through the one sweep engine, one replicate per training set.

Every design (method x arm x grid point x seed) becomes a row of index_rm into one pool of table
rows and a row of loss weights weight_rm, padded with weight 0 to the largest training set. The
sweep engine (sims/sweep.py) vmaps fit_logistic (l2 = 1 / C, scikit-learn's C = 1 by default) and
the test-set scores over the designs, in chunks sharded over the devices that resume inside
sweep_settings, so a sweep traces once whatever its grid. The run is float64
(jax.enable_x64 inside): the features are raw and the comparison with scikit-learn is to 0.002.
"""


import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models.logistic import fit_logistic
from synthlaw.sims.paper_rows import (PAPER_SEEDS, augmentation_designs, jax_take_from, paper_take,
                                      ratio_designs)
from synthlaw.sims.sweep import run_sweep
from synthlaw.sims.tables import Tables, spurious_bit
from synthlaw.theory.risks.table_metrics import all_metrics

N_STEPS = 20  # fit steps: 12 reach scikit-learn's exact optimum to 1e-6 on gender and craft
CHUNK = 128
TRACES = []  # one entry per trace of the program (tests assert a sweep traces once)
SWEEPS = {"ratio": ratio_designs, "augmentation": augmentation_designs}


def pool_of(tables: Tables, stems: list) -> tuple:
    """Stack the files' rows: pool x_nd, y_n and each stem's offset into the pool."""
    offsets, start = {}, 0
    for stem in stems:
        offsets[stem] = start
        start += len(tables.tables[stem].y_n)
    x_nd = np.concatenate([tables.tables[s].x_nd for s in stems])
    y_n = np.concatenate([tables.tables[s].y_n for s in stems])
    return x_nd, y_n, offsets


def design_masks(designs: list, offsets: dict) -> tuple:
    """index_rm into the pool and weight_rm (0 on padding), m = the largest training set."""
    sizes = [sum(len(rows) for _, rows, _ in d.parts) for d in designs]
    index_rm = np.zeros((len(designs), max(sizes)), np.int32)
    weight_rm = np.zeros((len(designs), max(sizes)), np.float64)
    for r, d in enumerate(designs):
        index_m = np.concatenate([offsets[stem] + rows for stem, rows, _ in d.parts])
        weight_m = np.concatenate([np.full(len(rows), w) for _, rows, w in d.parts])
        index_rm[r, : len(index_m)], weight_rm[r, : len(weight_m)] = index_m, weight_m
    return index_rm, weight_rm


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


def design_replicate(pool: tuple, *, l2, n_groups: int, n_steps: int, standardize: bool):
    """Replicate (key, point) -> metrics: fit the training set point["index"] (rows of the pool) with
    loss weights point["weight"] and score it on the test rows. pool: pool_x_nd, pool_y_n and the
    test set's x_td, y_t, groups g_t and minority mask m_t."""
    pool_x_nd, pool_y_n, test_x_td, test_y_t, test_g_t, test_m_t = pool

    def replicate(key, point):
        TRACES.append(point["index"].shape)
        index_m, weight_m = point["index"], point["weight"]
        x_md, y_m, x_td = pool_x_nd[index_m], pool_y_n[index_m], test_x_td
        if standardize:
            x_md, x_td = standardize_md(x_md, weight_m > 0, x_td)
        w_d, b = fit_logistic(x_md, y_m, weight_m, l2=l2, n_steps=n_steps)
        return all_metrics(test_y_t, x_td @ w_d + b, test_g_t, test_m_t, n_groups)

    return replicate


def run_designs(tables: Tables, designs: list, task: str, *, C: float = 1.0, n_steps: int = N_STEPS,
                standardize: bool = False, chunk: int = CHUNK, devices=None) -> dict:
    """Score the designs in float64 through the sweep engine (one replicate per design, in chunks
    sharded over the devices); a tidy table with their tags and the metric columns."""
    stems = sorted({stem for d in designs for stem, _, _ in d.parts})
    pool_x_nd, pool_y_n, offsets = pool_of(tables, stems)
    index_rm, weight_rm = design_masks(designs, offsets)
    test = tables.tables["test"]
    g_t, n_groups, m_t = test_groups(tables, task)
    with jax.enable_x64(True):
        pool = tuple(jnp.asarray(a) for a in (pool_x_nd, pool_y_n, test.x_nd, test.y_n, g_t, m_t))
        replicate = design_replicate(pool, l2=1.0 / C, n_groups=n_groups, n_steps=n_steps, standardize=standardize)
        swept = run_sweep(replicate, key=jax.random.key(0), n_seeds=1, grid={"index": index_rm, "weight": weight_rm},
                          chunk_size=chunk, devices=devices).columns
    columns = {name: np.array([d.tags[name] for d in designs]) for name in designs[0].tags}
    columns["n_train"] = (weight_rm > 0).sum(axis=1)
    columns.update({k: v for k, v in swept.items() if k not in ("seed", "index", "weight")})
    return columns


def run_sweep_on_tables(tables: Tables, sweep: str, task: str, *, protocol: str = "paper", seed: int = 0,
                        seeds=PAPER_SEEDS, seed_size: int = 200, **fit) -> dict:
    """One sweep ('ratio' or 'augmentation') for every method of tables; a tidy table.

    protocol 'paper' picks the authors' rows (RandomState); 'jax' draws them from PRNGKey(seed).
    """
    take = paper_take if protocol == "paper" else jax_take_from(jax.random.key(seed))
    n_rows = {stem: len(t.y_n) for stem, t in tables.tables.items()}
    designs = []
    for method in tables.methods:
        designs += SWEEPS[sweep](n_rows, method, task, seed_size, tuple(seeds), take)
    return run_designs(tables, designs, task, **fit)
