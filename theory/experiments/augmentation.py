"""Augmentation in Setting G (AUG-1..3 in CLAIMS): the replicate that adds N weighted synthetic rows.

The real training set is balanced: n/2 rows per class. A registered generator per class (perfect,
plug-in fitted on n_gen disjoint real rows per class, or shifted) adds N/2 rows per class at loss
weight w; w is a grid key, so one sweep can cross weights (AUG-1..3 test the w-dependence).
"""

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models.gaussian_generators import sample_moments
from synthlaw.models.group_generators import generate_groups
from synthlaw.models.logistic import STEPS_WEIGHTED, fit_logistic
from synthlaw.models.registry import Generator
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import padding_mask, run_sweep
from synthlaw.sims.gaussian import draw
from synthlaw.sims.geometry import bayes_balanced_error, means_for_delta, shift_direction
from synthlaw.theory.experiments.reference import reference_columns, score_at_reference
from synthlaw.theory.risks.gaussian import balanced_error


class AugShapes(NamedTuple):
    """Static sizes: dimension, padded real rows per class, generator-fit rows, synthetic rows."""

    d: int
    n_real_max: int
    n_gen_max: int
    n_syn_max: int


@functools.lru_cache(maxsize=64)
def augmentation_replicate(shapes: AugShapes, gen: Generator, l2: float = 0.0, scores: bool = False,
                          moments: bool = False):
    """Replicate (point, *, key) -> {"excess"}: balanced 0-1 excess of the logistic fit on n real
    rows (n/2 per class) plus n_syn synthetic rows (n_syn/2 per class) at loss weight `weight`.
    scores: also return "score", the loss gradient sum_i weight_i (sigmoid(u_i) - y_i) (x_i, 1) over the
    same rows at the reference theta (point["theta_ref_0"] .. ["theta_ref_d"]), for the control variate of
    predictions.augmentation.quadratic_score_control.
    moments: also return "gen_mean" (2 x d, flattened) and "gen_cov" (2 x d x d, flattened), each class's sample
    mean and covariance (models.gaussian_generators.sample_moments, what the plug-in fits) of its n_gen/2
    generator-fit rows, for the control variate of predictions.augmentation.plugin_floor_control.

    point: n, n_syn, n_gen (generator-fit rows, n_gen/2 per class), weight, separation, shift (the
    class-0 generator's mean is off by shift e_1). Eight fit steps: on these fits the
    excess agrees with 30 steps to float32 precision. Memoised, so the same arguments give the
    same function and the sweep engine's compiled program is reused.
    """

    def replicate(point, *, key):
        key_real, key_fit, key_syn = jax.random.split(key, 3)
        mu_0_d, mu_1_d = means_for_delta(shapes.d, point["separation"])
        mean_gd = jnp.stack([mu_0_d, mu_1_d])
        cov_dd = jnp.eye(shapes.d)
        x_real_gnd = jnp.stack([draw(shapes.n_real_max, m, cov_dd, key=k)
                                for k, m in zip(jax.random.split(key_real), (mu_0_d, mu_1_d), strict=True)])
        x_fit_gnd = jnp.stack([draw(shapes.n_gen_max, m, cov_dd, key=k)
                               for k, m in zip(jax.random.split(key_fit), (mu_0_d, mu_1_d), strict=True)])
        offset_gd = jnp.stack([point["shift"] * shift_direction(shapes.d, 0.0), jnp.zeros(shapes.d)])
        x_syn_gnd = generate_groups(gen, x_fit_gnd, shapes.n_syn_max, key=key_syn, mean_gd=mean_gd,
                                    cov_dd=cov_dd, n_real=point["n_gen"] // 2, offset_gd=offset_gd)
        x_nd = jnp.concatenate([x_real_gnd.reshape(-1, shapes.d), x_syn_gnd.reshape(-1, shapes.d)])
        y_n = jnp.concatenate([jnp.repeat(jnp.arange(2.0), shapes.n_real_max),
                               jnp.repeat(jnp.arange(2.0), shapes.n_syn_max)])
        real_n = padding_mask(point["n"] // 2, shapes.n_real_max, x_nd.dtype)
        syn_n = padding_mask(point["n_syn"] // 2, shapes.n_syn_max, x_nd.dtype) * point["weight"]
        weight_n = jnp.concatenate([real_n, real_n, syn_n, syn_n])
        w_d, b, _ = fit_logistic(x_nd, y_n, weight_n, l2=l2, n_steps=STEPS_WEIGHTED)
        excess = balanced_error(w_d, b, mu_0_d, mu_1_d, cov_dd) - bayes_balanced_error(point["separation"])
        out = {"excess": excess}
        if scores:
            out["score"] = score_at_reference(point, x_nd, y_n, weight_n)
        if moments:
            mean_gd, cov_gdd = jax.vmap(sample_moments, in_axes=(0, None))(x_fit_gnd, point["n_gen"] // 2)
            out["gen_mean"], out["gen_cov"] = mean_gd.reshape(-1), cov_gdd.reshape(-1)
        return out

    return replicate


def measure_augmentation(gen: Generator, points: list[dict], *, d: int, separation: float,
                         seeds: int, key, options: SweepOptions, name: str, l2: float = 0.0,
                         chunk: int = 128, moments: bool = False) -> dict:
    """One augmentation sweep over points with keys n, n_syn, weight and optionally n_gen, shift;
    tidy columns. name: the caller's label of the sweep (a claim id); d, gen and l2 are added here.
    Points carrying a reference theta_ref (d + 1 values, every point or none) add score columns
    score_0..score_d (augmentation_replicate); moments adds the generator-fit moments gen_mean_0.. and gen_cov_0..
    (augmentation_replicate)."""
    grid = {k: np.asarray([float(p.get(k, 0.0)) for p in points]) for k in ("n", "n_syn", "n_gen", "shift")}
    grid["n"], grid["n_syn"], grid["n_gen"] = (grid[k].astype(int) for k in ("n", "n_syn", "n_gen"))
    grid["weight"] = np.asarray([float(p["weight"]) for p in points])
    grid["separation"] = np.full(len(points), float(separation))
    shapes = AugShapes(d, int(grid["n"].max()) // 2, max(int(grid["n_gen"].max()) // 2, 2),
                       int(grid["n_syn"].max()) // 2)
    grid |= reference_columns(points, d)
    scores = "theta_ref_0" in grid
    replicate = augmentation_replicate(shapes, gen, l2=l2, scores=scores, moments=moments)
    label = (f"{name}: augmentation d={d} generator={gen.name} l2={l2!r}" + (" scores" if scores else "")
             + (" moments" if moments else ""))
    return run_sweep(replicate, key=key, n_seeds=seeds, grid=grid, options=options, name=label,
                     chunk_size=chunk).columns
