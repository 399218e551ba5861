"""Common random numbers keep the bootstrap over seeds honest (sims/engine/sweep.py).

Within a seed every grid point takes a prefix of the same draw, so a seed's curve is one
correlated whole; seeds stay independent. An interval that resamples whole curves (seeds), as
theory/stats/intervals.py does, covers the exact value at its stated rate; one that resamples
single (seed, point) cells, as if points were independent, does not. The statistic: the log-log
slope of the seed mean of v_n = (1 + t c_n + zbar_n) / n, exactly -1 in expectation: zbar_n is the
mean of the first n of the seed's normals times 0.2, and t c_n (c_n = log n centred, t ~ N(0, 0.2^2) per
seed) tilts the seed's whole curve, as a seed's real rows tilt every point of its curve.
"""

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import padding_mask, run_sweep
from synthlaw.theory.stats.intervals import bootstrap_slope, normal_interval

N_G = np.array([4, 8, 16, 32, 64])
RUNS, SEEDS, LEVEL = 300, 100, 0.9


def tilted_prefix_mean(point, *, key):
    z_n = jax.random.normal(key, (int(N_G[-1]) + 1,))
    tilt = 0.2 * z_n[-1] * (jnp.log(point["n"]) - np.log(N_G).mean())
    prefix_mean = (z_n[:-1] * padding_mask(point["n"], len(z_n) - 1)).sum() / point["n"]
    return {"value": (1.0 + tilt + 0.2 * prefix_mean) / point["n"]}


def cellwise_slope(x_g, values_sg, level, n_boot=2000, seed=0):
    """The wrong bootstrap: each point's seeds resampled on their own, the curve's pairing lost."""
    rng = np.random.default_rng(seed)
    picks_bsg = rng.integers(0, len(values_sg), size=(n_boot, *values_sg.shape))
    means_bg = np.take_along_axis(values_sg[None], picks_bsg, axis=1).mean(axis=1)
    centred_g = np.log(x_g) - np.log(x_g).mean()
    slopes_b = np.log(means_bg) @ centred_g / (centred_g @ centred_g)
    return normal_interval(np.polyfit(np.log(x_g), np.log(values_sg.mean(0)), 1)[0], slopes_b, level)


def test_whole_curve_bootstrap_covers_the_exact_slope_at_its_rate_and_cellwise_does_not():
    values = run_sweep(tilted_prefix_mean, key=jax.random.key(7), n_seeds=RUNS * SEEDS, grid={"n": N_G},
                       options=SweepOptions(), name="tilted prefix mean").columns["value"]
    values_rsg = np.asarray(values, np.float64).reshape(RUNS, SEEDS, len(N_G))
    whole = [bootstrap_slope(N_G, v, level=LEVEL, n_boot=200, seed=r) for r, v in enumerate(values_rsg)]
    cellwise = [cellwise_slope(N_G, v, LEVEL, n_boot=200, seed=r) for r, v in enumerate(values_rsg)]
    covered = np.mean([e.lo <= -1.0 <= e.hi for e in whole])
    covered_cellwise = np.mean([e.lo <= -1.0 <= e.hi for e in cellwise])
    # 300 runs: the coverage's binomial sd is sqrt(0.9 * 0.1 / 300) = 0.017; allow 3 sd
    band = 3 * np.sqrt(LEVEL * (1 - LEVEL) / RUNS)
    assert abs(covered - LEVEL) < band, covered
    assert abs(covered_cellwise - LEVEL) > band, covered_cellwise
