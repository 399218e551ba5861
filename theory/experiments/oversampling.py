"""One replicate of Setting G: draw real data, oversample the minority, fit, score exactly.

The grid point carries the sizes (n_min, n_maj, m synthetic rows), the separation Delta, the
shifted generator's shift delta and the shift's angle from mu_1 - mu_0 in the (e_1, e_2) plane.
IMB-1..4 and AUG-4 in CLAIMS. Rows are padded to the largest sizes of the sweep and masked by
loss weights (sims/engine/sweep.py).
"""

import functools
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models import smote
from synthlaw.models.logistic import STEPS_GAUSSIAN, fit_logistic
from synthlaw.models.registry import Generator, TrueLaw
from synthlaw.models.synthetic import Synthetic
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import padding_mask, run_sweep
from synthlaw.sims.gaussian import draw
from synthlaw.sims.geometry import DIRECTIONS, bayes_balanced_error, means_for_delta, shift_direction
from synthlaw.theory.experiments.reference import reference_columns, score_at_reference
from synthlaw.theory.risks.gaussian import balanced_error


class Shapes(NamedTuple):
    """Static sizes of a sweep: dimension and padded row counts."""

    d: int
    n_min_max: int
    n_maj_max: int
    m_max: int

    def replicate_bytes(self, itemsize: int = 4) -> int:
        """Working memory of one replicate, roughly: the padded design and the fit's
        row vectors (about 3 (d + 1) + 24 numbers a row), plus SMOTE's minority distances."""
        rows = self.n_min_max + self.m_max + self.n_maj_max
        return itemsize * (rows * (3 * (self.d + 1) + 24) + self.n_min_max**2)


def shapes_for(d: int, grid: dict) -> Shapes:
    """Padded sizes covering every point of a grid with keys n_min, n_maj, m."""
    return Shapes(d, int(np.max(grid["n_min"])), int(np.max(grid["n_maj"])), int(np.max(grid["m"])))


@functools.lru_cache(maxsize=64)
def oversampling_replicate(shapes: Shapes, gens: tuple[Generator, ...], l2: float = 0.0,
                           draw_rows: Callable = draw, scores: str | None = None):
    """Replicate function (point, *, key) -> {"excess"}: the balanced 0-1 excess of the logistic
    fit on n_min minority, n_maj majority and m synthetic minority rows (cov = I_d).

    scores: also return "score", a loss gradient sum_i weight_i (sigmoid(u_i) - y_i) (x_i, 1) at the
    reference theta (point["theta_ref_0"] .. ["theta_ref_d"]) for a control variate: "training", over the
    fit's rows (predictions.oversampling.score_control); "copies", over the majority and the real minority
    rows, real row i at weight 1 + K_i, K_i the synthetic rows whose base (first parent) it is: the fit of
    random oversampling with the same bases (predictions.oversampling.copy_score_control).

    gens: the generators of the sweep (empty: no synthetic rows). With several, point["generator"]
    indexes them, and all of a seed's generators see the same real rows (a paired comparison).
    draw_rows(n, mu_d, chol_dd, *, key): the real rows' draw (sims.gaussian.draw;
    benchmarks/sweep_speed.py times another). Memoised: the same arguments give the same
    function, so the sweep engine's compiled program is reused.
    """

    def synthetic(key, x_min_nd, point, law):
        """The synthetic rows and, for copy scores only, each one's base (the index of its first parent): every
        lax.switch branch must return the same types, and a generator's rows without parents have no base."""
        if not gens or shapes.m_max == 0:
            return x_min_nd[:0], jnp.zeros(0, jnp.int32)

        def rows_and_bases(g):
            def run(k, x, n):
                new = g.fn(x, shapes.m_max, key=k, n_real=n, law=law)
                if scores != "copies":
                    return new.x_nd, None
                parents_nk = jnp.asarray(new.parents_nk)
                if not parents_nk.shape[1]:
                    raise ValueError(f"copy scores: generator {g.name!r} gives its rows no parents to copy")
                return new.x_nd, parents_nk[:, 0].astype(jnp.int32)
            return run

        branches = [rows_and_bases(g) for g in gens]
        if len(branches) == 1:
            return branches[0](key, x_min_nd, point["n_min"])
        return jax.lax.switch(point["generator"], branches, key, x_min_nd, point["n_min"])

    def replicate(point, *, key):
        key_0, key_1, key_syn = jax.random.split(key, 3)
        mu_0_d, mu_1_d = means_for_delta(shapes.d, point["separation"])
        cov_dd = jnp.eye(shapes.d)
        x_min_nd = draw_rows(shapes.n_min_max, mu_0_d, cov_dd, key=key_0)
        x_maj_nd = draw_rows(shapes.n_maj_max, mu_1_d, cov_dd, key=key_1)
        law = TrueLaw(mu_0_d, cov_dd, point["shift"] * shift_direction(shapes.d, point["angle"]))
        x_syn_nd, base_m = synthetic(key_syn, x_min_nd, point, law)
        x_nd = jnp.concatenate([x_min_nd, x_syn_nd, x_maj_nd])
        y_n = jnp.concatenate([jnp.zeros(len(x_min_nd) + len(x_syn_nd)), jnp.ones(shapes.n_maj_max)])
        weight_n = jnp.concatenate([
            padding_mask(point["n_min"], shapes.n_min_max, x_nd.dtype),
            padding_mask(point["m"], len(x_syn_nd), x_nd.dtype),
            padding_mask(point["n_maj"], shapes.n_maj_max, x_nd.dtype),
        ])
        w_d, b, _ = fit_logistic(x_nd, y_n, weight_n, l2=l2, n_steps=STEPS_GAUSSIAN)
        excess = balanced_error(w_d, b, mu_0_d, mu_1_d, cov_dd) - bayes_balanced_error(point["separation"])
        if scores is None:
            return {"excess": excess}
        if scores == "training":
            return {"excess": excess, "score": score_at_reference(point, x_nd, y_n, weight_n)}
        n_real, n_syn = len(x_min_nd), len(x_syn_nd)
        copies_n = jnp.zeros(n_real, x_nd.dtype).at[base_m].add(weight_n[n_real:n_real + n_syn])
        rows_nd = jnp.concatenate([x_min_nd, x_maj_nd])
        copy_weight_n = jnp.concatenate([weight_n[:n_real] + copies_n, weight_n[n_real + n_syn:]])
        return {"excess": excess, "score": score_at_reference(point, rows_nd, jnp.concatenate(
            [jnp.zeros(n_real), jnp.ones(len(x_maj_nd))]), copy_weight_n)}

    return replicate


def oversampling_grid(points: list[dict], d: int) -> dict:
    """Grid columns n_min, n_maj, m (synthetic rows), separation, shift, angle from points with keys
    n_min, n_maj, m, separation and optionally shift and direction (a key of sims.geometry.DIRECTIONS),
    a generator column where points carry a generator index, and theta_ref_0..theta_ref_d where they carry
    a reference theta_ref (experiments.reference.reference_columns)."""
    grid = {"n_min": np.array([p["n_min"] for p in points]), "n_maj": np.array([p["n_maj"] for p in points]),
            "m": np.array([p["m"] for p in points]),
            "separation": np.array([float(p["separation"]) for p in points]),
            "shift": np.array([float(p.get("shift", 0.0)) for p in points]),
            "angle": np.array([DIRECTIONS[p.get("direction", "parallel")] for p in points])}
    if any("generator" in p for p in points):
        grid["generator"] = np.array([p.get("generator", 0) for p in points])
    return grid | reference_columns(points, d)


def measure_oversampling(gens: Generator | None | tuple[Generator, ...], points: list[dict], *, d: int,
                         seeds: int, key, options: SweepOptions, name: str, l2: float = 0.0,
                         copy_scores: bool = False) -> dict:
    """One oversampling sweep over the grid points: tidy columns with an excess column.

    gens: one generator, None (no synthetic rows), or several, which points pick by their
    "generator" index: one compiled program then serves them all. name: the caller's label of the
    sweep (a claim id); d, the generators and l2 are added to it here. Points carrying a reference
    theta_ref (d + 1 values) add score columns score_0..score_d (oversampling_replicate): over the fit's rows,
    or with copy_scores over the rows of random oversampling with the synthetic rows' bases.
    """
    gens = () if gens is None else (gens,) if isinstance(gens, Generator) else tuple(gens)
    grid = oversampling_grid(points, d)
    shapes = shapes_for(d, grid)
    itemsize = jnp.zeros(()).dtype.itemsize
    if copy_scores and "theta_ref_0" not in grid:
        raise ValueError("copy_scores: the points carry no theta_ref to score the copies at")
    scores = ("copies" if copy_scores else "training") if "theta_ref_0" in grid else None
    label = (f"{name}: oversampling d={d} generators={','.join(g.name for g in gens) or 'none'} l2={l2!r}"
             + (f" scores={scores}" if scores else ""))
    return run_sweep(oversampling_replicate(shapes, gens, l2=l2, scores=scores), key=key, n_seeds=seeds, grid=grid,
                     options=options, name=label, replicate_bytes=shapes.replicate_bytes(itemsize)).columns


def _equal_copies(x_real_nd, n_new, *, key, n_real, law):
    """n_new rows cycling through the first n_real real rows, so that the first m = k n_real of them copy
    every real row exactly k times: the loss weight 1 + k on each real row, written as rows."""
    parent_n = jnp.arange(n_new) % n_real
    return Synthetic(x_real_nd[parent_n], parent_n[:, None])


# Class-weighted ERM (IMB-5) in an oversampling sweep: the minority rows at the integer weight n_maj / n_min,
# as n_maj / n_min - 1 exact copies of each (m = n_maj - n_min, a multiple of n_min). The objective
# sum_i weight_i ce_i is the same sum, so the fit is the same; no new rows enter, and the sweep's generator
# index pairs it with random oversampling and a perfect generator on the same real rows.
CLASS_WEIGHTS = Generator("class-weights", _equal_copies,
                          "class weights n_maj / n_min as equal copies of every real row (not a generator)")


def _copies_of_smote_bases(x_real_nd, n_new, *, key, n_real, law):
    base_n = smote.bases(n_new, n_real, key=key)
    return Synthetic(x_real_nd[base_n], base_n[:, None])


# Random oversampling whose copies are of the rows SMOTE interpolates from for the same key (smote.bases): its law is
# random oversampling's (uniform, independent bases), and in a sweep, where a seed's generators share one key, each
# SMOTE fit and this one share their bases as well as the real rows, which cuts the paired gap's spread (IMB-6).
ROS_SMOTE_BASES = Generator("ros-smote-bases", _copies_of_smote_bases,
                            "random oversampling: copies of the rows SMOTE would interpolate from (its bases)")


@functools.cache
def smote_generator(k: int) -> Generator:
    """SMOTE with k nearest neighbours (models/smote.py) as a sweep generator named smote-k<k> (IMB-6);
    memoised, so the same k gives the same Generator and the sweep's compiled program is reused."""

    def fn(x_real_nd, n_new, *, key, n_real, law):
        return smote.generate(x_real_nd, n_new, k, key=key, n_real=n_real)

    return Generator(f"smote-k{k}", fn, f"SMOTE: uniform interpolation towards one of {k} nearest real neighbours")
