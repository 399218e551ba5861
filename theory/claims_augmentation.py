"""AUG-1 to AUG-3 of CLAIMS, in Setting G: the scaling law of synthetic augmentation.

A balanced real sample of n rows gets N further synthetic rows (N/2 per class) at loss weight w.
Laws are fitted against the effective sample size M = n + w N (notes/AUG-2.md says why).
"""

import functools

import numpy as np

from synthlaw.sims.sweep import run_sweep
from synthlaw.theory.augmentation import (
    AugShapes,
    augmentation_replicate,
    excess_law,
    per_row_constant,
    plugin_floor,
    shifted_floor,
)
from synthlaw.theory.claim import Check, Claim
from synthlaw.theory.fits import Estimate, bootstrap_slope, by_seed, loglog_slope, mean_ci
from synthlaw.theory.scaling_law import bootstrap_law, fit_law

RIVAL_GAMMA = 0.5
CHUNK = 128


def measure_aug(config, key, generator, points: list[dict]) -> dict:
    """One augmentation sweep over points with keys n, n_syn, n_gen, shift; tidy columns."""
    grid = {k: np.asarray([float(p.get(k, 0.0)) for p in points]) for k in ("n", "n_syn", "n_gen", "shift")}
    grid["n"], grid["n_syn"], grid["n_gen"] = (grid[k].astype(int) for k in ("n", "n_syn", "n_gen"))
    grid["weight"] = np.full(len(points), float(config["weight"]))
    grid["separation"] = np.full(len(points), float(config["separation"]))
    shapes = AugShapes(config["d"], int(grid["n"].max()) // 2, max(int(grid["n_gen"].max()) // 2, 2),
                       int(grid["n_syn"].max()) // 2)
    replicate = augmentation_replicate(shapes, generator, l2=config["l2"])
    return run_sweep(replicate, key=key, n_seeds=config["seeds"], grid=grid, chunk_size=CHUNK).columns


@functools.lru_cache(maxsize=64)
def row_constant(d, separation):
    return per_row_constant(d, separation)


@functools.lru_cache(maxsize=64)
def gen_floor(d, separation, n_gen):
    """a for a plug-in fitted on n_gen real rows (n_gen/2 per class)."""
    return plugin_floor(d, separation, n_gen // 2)


def effective(columns, config):
    """M = n + w N per row of a table."""
    return columns["n"] + config["weight"] * columns["n_syn"]


# AUG-1 --------------------------------------------------------------------------------------


def aug1_measure(config, key):
    return measure_aug(config, key, "perfect", [{"n": config["n"], "n_syn": m} for m in config["n_syn"]])


def aug1_predict(config):
    c = row_constant(config["d"], config["separation"])
    n_syn = np.asarray(config["n_syn"], float)
    return {"gamma": 1.0, "c": c, "excess": excess_law(n_syn, config["n"], config["weight"], c, 0.0),
            "no_augmentation": c / config["n"]}


def aug1_judge(columns, config, prediction):
    """gamma = minus the log-log slope in M (the perfect generator's floor is a = 0), and the excess
    at the largest N."""
    m_g, excess_sg = by_seed({**columns, "m": effective(columns, config)}, "excess", "m")
    slope = bootstrap_slope(m_g, excess_sg)
    return [
        Check(label=f"M = n + wN, {m_g[0]:g}..{m_g[-1]:g}", quantity="gamma in b M^-gamma",
              prediction=prediction["gamma"], measured=Estimate(-slope.value, -slope.hi, -slope.lo),
              rival=RIVAL_GAMMA),
        Check(label=f"N={config['n_syn'][-1]}", quantity="balanced excess", prediction=prediction["excess"][-1],
              measured=mean_ci(excess_sg[:, -1]), rival=prediction["no_augmentation"]),
    ]


AUG_1 = Claim(
    id="AUG-1", title="Augmentation with a perfect generator: excess ~ 1/(n + wN)",
    paper_result="Scaling law of synthetic augmentation, perfect generator (paper Sec. 4)",
    quick={"d": 5, "separation": 2.0, "n": 500, "n_syn": [512, 1024, 2048, 4096, 8192, 16384], "weight": 1.0,
           "seeds": 64, "l2": 0.0},
    full={"d": 5, "separation": 2.0, "n": 500, "n_syn": [512, 1024, 2048, 4096, 8192, 16384, 32768],
          "weight": 1.0, "seeds": 256, "l2": 0.0},
    measure=aug1_measure, predict=aug1_predict, judge=aug1_judge,
)


# AUG-2 --------------------------------------------------------------------------------------


def aug2_measure(config, key):
    """Panel 'curve': excess against N per regime (n, n_gen); panel 'floor': generator-only fits (n = 0)."""
    regimes = zip(config["n"], config["n_gen"])
    curve = measure_aug(config, key, "plugin", [{"n": n, "n_syn": m, "n_gen": g}
                                                for n, g in regimes for m in config["n_syn"]])
    floor = measure_aug(config, key, "plugin", [{"n": 0, "n_syn": config["n_syn"][-1], "n_gen": g}
                                                for g in config["n_gen_floor"]])
    parts = [{**curve, "panel": np.full(len(curve["seed"]), "curve")},
             {**floor, "panel": np.full(len(floor["seed"]), "floor")}]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def aug2_predict(config):
    """c, a(n_gen), the curve of each regime (n, n_gen), its b and gamma fitted on the grid, the floors."""
    d, sep, w = config["d"], config["separation"], config["weight"]
    c = row_constant(d, sep)
    n_syn = np.asarray(config["n_syn"], float)
    curves, b_grid, b_asym, gamma_grid = {}, {}, {}, {}
    for n, g in zip(config["n"], config["n_gen"]):
        a = gen_floor(d, sep, g)
        m_g = n + w * n_syn
        curves[g] = excess_law(n_syn, n, w, c, a)
        b_grid[g] = fit_law(m_g, curves[g], gamma=1.0).b
        b_asym[g] = c - 2 * n * a
        gamma_grid[g] = fit_law(m_g, curves[g]).gamma
    gens = np.asarray(config["n_gen_floor"], float)
    floors = np.array([gen_floor(d, sep, int(g)) for g in gens]) + c / (w * n_syn[-1])
    return {"c": c, "a": {g: gen_floor(d, sep, g) for g in [*config["n_gen"], *config["n_gen_floor"]]},
            "curve": curves, "b": b_grid, "b_asymptotic": b_asym, "gamma": 1.0, "gamma_grid": gamma_grid,
            "floor": floors, "floor_exponent": -1.0, "floor_grid_slope": loglog_slope(gens, floors),
            "no_augmentation": {g: c / n for n, g in zip(config["n"], config["n_gen"])}}


def aug2_judge(columns, config, prediction):
    """Floor slope in n_gen; per regime the b of a + b/M; gamma where the curve falls; where it
    rises, the excess at the largest N against the unaugmented c/n."""
    m_cols = {**columns, "m": effective(columns, config)}
    floor_rows = columns["panel"] == "floor"
    gens, floor_sg = by_seed(columns, "excess", "n_gen", mask=floor_rows)
    checks = [Check(label=f"n = 0, n_gen {gens[0]:g}..{gens[-1]:g}", quantity="log-log slope of floor in n_gen",
                    prediction=prediction["floor_exponent"], measured=bootstrap_slope(gens, floor_sg), rival=0.0,
                    tolerance=abs(prediction["floor_grid_slope"] - prediction["floor_exponent"]))]
    for n, g in zip(config["n"], config["n_gen"]):
        rows = (columns["panel"] == "curve") & (columns["n_gen"] == g)
        m_g, excess_sg = by_seed(m_cols, "excess", "m", mask=rows)
        b = prediction["b"][g]
        label = f"n={n}, n_gen={g} ({'falls' if b > 0 else 'rises'})"
        checks.append(Check(label=label, quantity="b in a + b/M", prediction=b,
                            measured=bootstrap_law(m_g, excess_sg, gamma=1.0)["b"], rival=0.0))
        if b > 0:
            checks.append(Check(label=label, quantity="gamma in a + b M^-gamma", prediction=prediction["gamma"],
                                measured=bootstrap_law(m_g, excess_sg)["gamma"], rival=RIVAL_GAMMA,
                                tolerance=abs(prediction["gamma_grid"][g] - 1.0)))
        else:
            checks.append(Check(label=f"{label}, N={config['n_syn'][-1]}", quantity="balanced excess",
                                prediction=prediction["curve"][g][-1], measured=mean_ci(excess_sg[:, -1]),
                                rival=prediction["no_augmentation"][g]))
    return checks


AUG_2 = Claim(
    id="AUG-2", title="Augmentation with a fitted generator: a + b/N, floor ~ 1/n_gen",
    paper_result="Scaling law of synthetic augmentation with generator error (paper Sec. 4)",
    quick={"d": 5, "separation": 2.0, "n": [2000, 500], "n_gen": [400, 40000],
           "n_gen_floor": [400, 800, 1600, 3200], "n_syn": [512, 1024, 2048, 4096, 8192, 16384], "weight": 1.0,
           "seeds": 96, "l2": 0.0},
    full={"d": 5, "separation": 2.0, "n": [2000, 500], "n_gen": [400, 40000],
          "n_gen_floor": [400, 800, 1600, 3200, 6400], "n_syn": [512, 1024, 2048, 4096, 8192, 16384, 32768], "weight": 1.0, "seeds": 256, "l2": 0.0},
    measure=aug2_measure, predict=aug2_predict, judge=aug2_judge,
)



# AUG-3 --------------------------------------------------------------------------------------


def aug3_measure(config, key):
    """Generator-only fits (n = 0) at N synthetic rows, class 0's generator mean off by delta."""
    return measure_aug(config, key, "shifted", [{"n": 0, "n_syn": config["n_syn"][-1], "shift": s}
                                                 for s in config["shift"]])


def aug3_predict(config):
    """a(delta) + c/N per shift, the exact grid slope, and the stated exponent 2."""
    shifts = np.asarray(config["shift"], float)
    c = row_constant(config["d"], config["separation"])
    floors = np.array([shifted_floor(config["d"], config["separation"], s) for s in shifts])
    excess = floors + c / (config["weight"] * config["n_syn"][-1])
    return {"delta_exponent": 2.0, "floor": floors, "excess": excess, "grid_slope": loglog_slope(shifts, excess),
            "sampling": c / (config["weight"] * config["n_syn"][-1])}


def aug3_judge(columns, config, prediction):
    shift_g, excess_sg = by_seed(columns, "excess", "shift")
    return [
        Check(label=f"n = 0, delta {shift_g[0]:g}..{shift_g[-1]:g}", quantity="log-log slope of floor in delta",
              prediction=prediction["delta_exponent"], measured=bootstrap_slope(shift_g, excess_sg), rival=1.0,
              tolerance=abs(prediction["grid_slope"] - prediction["delta_exponent"])),
        Check(label=f"delta={shift_g[-1]:g}", quantity="balanced excess", prediction=prediction["excess"][-1],
              measured=mean_ci(excess_sg[:, -1]), rival=0.0, tolerance=prediction["sampling"]),
    ]


AUG_3 = Claim(
    id="AUG-3", title="Augmentation with a biased generator: floor ~ delta^2",
    paper_result="Generator bias sets the floor of the augmentation law (paper Sec. 4)",
    quick={"d": 5, "separation": 2.0, "shift": [0.2, 0.3, 0.4, 0.6], "n_syn": [65536], "weight": 1.0,
           "seeds": 16, "l2": 0.0},
    full={"d": 5, "separation": 2.0, "shift": [0.1, 0.15, 0.2, 0.3, 0.4, 0.6], "n_syn": [262144], "weight": 1.0,
          "seeds": 64, "l2": 0.0},
    measure=aug3_measure, predict=aug3_predict, judge=aug3_judge,
)

CLAIMS = (AUG_1, AUG_2, AUG_3)
