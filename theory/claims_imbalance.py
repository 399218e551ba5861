"""IMB-1 to IMB-4 of CLAIMS (Setting G): the cost of imbalance and what oversampling buys back."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.sims.gaussian import means_for_delta
from synthlaw.sims.sweep import run_sweep
from synthlaw.theory import m_estimation as me
from synthlaw.theory.claim import Check, Claim
from synthlaw.theory.fits import bootstrap_slope, by_seed, mean_ci
from synthlaw.theory.gaussian_risk import (
    balanced_error,
    bayes_balanced_error,
    bayes_rule,
    imbalance_excess,
)
from synthlaw.theory.imbalance import oversampling_replicate, shapes_for, shift_direction

DIRECTIONS = {"parallel": 0.0, "orthogonal": np.pi / 2}


def oversampling_grid(points: list[dict], rho_key="rho", balance=True) -> dict:
    """Grid columns n_min, n_maj, m (synthetic rows that balance the classes), separation, shift, angle."""
    grid = {k: [] for k in ("n_min", "n_maj", "m", "separation", "shift", "angle")}
    for pt in points:
        n_maj = int(round(pt[rho_key] * pt["n_min"]))
        grid["n_min"].append(pt["n_min"])
        grid["n_maj"].append(n_maj)
        grid["m"].append(n_maj - pt["n_min"] if balance else 0)
        grid["separation"].append(pt["separation"])
        grid["shift"].append(pt.get("shift", 0.0))
        grid["angle"].append(DIRECTIONS[pt.get("direction", "parallel")])
    return {k: np.asarray(v) for k, v in grid.items()}


def measure_grid(config, key, generator: str, points: list[dict], d: int, balance=True) -> dict:
    """Run one oversampling sweep over the given grid points; tidy columns with an excess column."""
    grid = oversampling_grid(points, balance=balance)
    shapes = shapes_for(d, grid)
    replicate = oversampling_replicate(shapes, generator, l2=config["l2"])
    float_grid = {k: v if k in ("n_min", "n_maj", "m") else v.astype(float) for k, v in grid.items()}
    itemsize = jnp.zeros(()).dtype.itemsize
    return run_sweep(replicate, key=key, n_seeds=config["seeds"], grid=float_grid,
                     replicate_bytes=shapes.replicate_bytes(itemsize)).columns


def gaussian_law(d, separation):
    """float64 mu_0, mu_1 and cov = I_d (call inside jax.enable_x64)."""
    mu_0_d, mu_1_d = (jnp.asarray(m, jnp.float64) for m in means_for_delta(d, separation))
    return mu_0_d, mu_1_d, jnp.eye(d, dtype=jnp.float64)


def exact_imbalance_excess(rho, separation) -> float:
    """E(rho, Delta) evaluated in float64."""
    with jax.enable_x64(True):
        return float(imbalance_excess(jnp.float64(rho), jnp.float64(separation)))


# IMB-1 --------------------------------------------------------------------------------------


def imb1_points(config):
    return [{"separation": s, "rho": r, "n_min": config["n_min"]}
            for s, r in itertools.product(config["separation"], config["rho"])]


def imb1_measure(config, key):
    return measure_grid(config, key, "none", imb1_points(config), config["d"], balance=False)


def imb1_predict(config):
    """E(rho, Delta) at every grid point."""
    pts = imb1_points(config)
    return {"excess": np.array([exact_imbalance_excess(p["rho"], p["separation"]) for p in pts])}


def imb1_judge(columns, config, prediction):
    checks = []
    for p, pred in zip(imb1_points(config), prediction["excess"]):
        n_maj = int(round(p["rho"] * p["n_min"]))
        rows = (columns["separation"] == p["separation"]) & (columns["n_maj"] == n_maj)
        checks.append(Check(
            label=f"Delta={p['separation']:g} rho={p['rho']:g}", quantity="balanced excess",
            prediction=pred, measured=mean_ci(columns["excess"][rows]),
            rival=0.0 if p["rho"] > 1 else None, tolerance=config["tolerance"]))
    return checks


IMB_1 = Claim(
    id="IMB-1", title="The cost of imbalance",
    paper_result="Theorem on the bias of ERM under imbalance (paper Sec. 3, oversampling)",
    quick={"d": 2, "separation": [1.0, 2.0], "rho": [1.0, 4.0, 16.0], "n_min": 2000, "seeds": 16,
           "l2": 0.0, "tolerance": 0.003},
    full={"d": 2, "separation": [1.0, 2.0], "rho": [1.0, 4.0, 16.0], "n_min": 8000, "seeds": 64,
          "l2": 0.0, "tolerance": 0.001},
    measure=imb1_measure, predict=imb1_predict, judge=imb1_judge,
)


# IMB-2 --------------------------------------------------------------------------------------


def imb2_points(config):
    return [{"separation": config["separation"], "rho": config["rho"], "n_min": n} for n in config["n_min"]]


def imb2_measure(config, key):
    return measure_grid(config, key, "perfect", imb2_points(config), config["d"])


def perfect_oversampling_excess(d, separation, rho, n_min):
    """IMB-2: tr(H V)/2 for n_min real + (rho - 1) n_min perfect synthetic minority rows against
    rho n_min majority rows; H = hess of the exact balanced error at the Bayes rule."""
    with jax.enable_x64(True):
        mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
        n_maj = rho * n_min
        sources = [me.Source(mu_1_d, cov_dd, 1.0, n_maj),
                   me.Source(mu_0_d, cov_dd, 0.0, n_min),
                   me.Source(mu_0_d, cov_dd, 0.0, n_maj - n_min)]
        theta_p = jnp.append(*bayes_rule(mu_0_d, mu_1_d, cov_dd))
        risk = lambda t: balanced_error(t[:-1], t[-1], mu_0_d, mu_1_d, cov_dd)
        return float(me.first_order_excess(risk, theta_p, me.sandwich_V(theta_p, sources)))


def imb2_predict(config):
    excess = [perfect_oversampling_excess(config["d"], config["separation"], config["rho"], n)
              for n in config["n_min"]]
    return {"n_exponent": -1.0, "excess": np.array(excess),
            "no_oversampling": exact_imbalance_excess(config["rho"], config["separation"])}


def imb2_judge(columns, config, prediction):
    n_g, excess_sg = by_seed(columns, "excess", "n_min")
    largest = columns["n_min"] == n_g[-1]
    return [
        Check(label=f"n_min {n_g[0]:g}..{n_g[-1]:g}", quantity="log-log slope in n",
              prediction=prediction["n_exponent"], measured=bootstrap_slope(n_g, excess_sg), rival=-0.5),
        Check(label=f"n_min={n_g[-1]:g}", quantity="balanced excess",
              prediction=prediction["excess"][-1], measured=mean_ci(columns["excess"][largest]),
              rival=prediction["no_oversampling"]),
    ]


IMB_2 = Claim(
    id="IMB-2", title="The benefit of oversampling with a perfect generator",
    paper_result="Oversampling removes the imbalance bias; the rest is estimation error (paper Sec. 3)",
    quick={"d": 5, "separation": 2.0, "rho": 4.0, "n_min": [500, 1000, 2000, 4000], "seeds": 48, "l2": 0.0},
    full={"d": 5, "separation": 2.0, "rho": 4.0, "n_min": [250, 500, 1000, 2000, 4000, 8000], "seeds": 200,
          "l2": 0.0},
    measure=imb2_measure, predict=imb2_predict, judge=imb2_judge,
)


# IMB-3 --------------------------------------------------------------------------------------


def imb3_points(config):
    return [{"separation": config["separation"], "rho": config["rho"], "n_min": config["n_min"],
             "shift": s, "direction": direction}
            for direction, s in itertools.product(config["directions"], config["shift"])]


def imb3_measure(config, key):
    return measure_grid(config, key, "shifted", imb3_points(config), config["d"])


def shifted_floor(d, separation, rho, shift, direction):
    """IMB-3: F(delta), the balanced excess of the population logistic minimiser when the
    (rho - 1)/rho synthetic share of the minority comes from N(mu_0 + delta u, I)."""
    with jax.enable_x64(True):
        mu_0_d, mu_1_d, cov_dd = gaussian_law(d, separation)
        u_d = shift_direction(d, DIRECTIONS[direction]).astype(jnp.float64)
        sources = [me.Source(mu_1_d, cov_dd, 1.0, rho), me.Source(mu_0_d, cov_dd, 0.0, 1.0),
                   me.Source(mu_0_d + shift * u_d, cov_dd, 0.0, rho - 1.0)]
        theta_p = me.population_minimiser(sources, jnp.append(*bayes_rule(mu_0_d, mu_1_d, cov_dd)))
        risk = balanced_error(theta_p[:-1], theta_p[-1], mu_0_d, mu_1_d, cov_dd)
        return float(risk - bayes_balanced_error(separation))


def break_even_shift(d, separation, rho, direction, upper=5.0):
    """delta* with F(delta*) = E(rho, Delta): beyond it oversampling hurts (IMB-3)."""
    from scipy.optimize import brentq

    target = exact_imbalance_excess(rho, separation)
    gap = lambda s: shifted_floor(d, separation, rho, s, direction) - target
    return brentq(gap, 1e-3, upper, xtol=1e-4) if gap(upper) > 0 else float("inf")


def imb3_predict(config):
    shifts = np.asarray(config["shift"], float)
    floors = {dn: np.array([shifted_floor(config["d"], config["separation"], config["rho"], s, dn)
                            for s in shifts]) for dn in config["directions"]}
    grid_slope = {dn: float(np.polyfit(np.log(shifts), np.log(f), 1)[0]) for dn, f in floors.items()}
    return {"delta_exponent": 2.0, "floor": floors, "grid_slope": grid_slope,
            "break_even": {dn: break_even_shift(config["d"], config["separation"], config["rho"], dn)
                           for dn in config["directions"]},
            "no_oversampling": exact_imbalance_excess(config["rho"], config["separation"])}


def imb3_judge(columns, config, prediction):
    checks = []
    for direction in config["directions"]:
        rows = np.isclose(columns["angle"], DIRECTIONS[direction])
        shift_g, excess_sg = by_seed(columns, "excess", "shift", mask=rows)
        checks.append(Check(
            label=f"{direction} shift", quantity="log-log slope in delta",
            prediction=prediction["delta_exponent"], measured=bootstrap_slope(shift_g, excess_sg), rival=1.0,
            tolerance=abs(prediction["grid_slope"][direction] - 2.0)))
    return checks


IMB_3 = Claim(
    id="IMB-3", title="The price of generator quality",
    paper_result="Oversampling benefit minus a generator-quality term (paper Thm., synthetic oversampling)",
    quick={"d": 2, "separation": 2.0, "rho": 4.0, "n_min": 4000, "shift": [0.15, 0.2, 0.3, 0.4, 0.5],
           "directions": ["parallel", "orthogonal"], "seeds": 32, "l2": 0.0},
    full={"d": 2, "separation": 2.0, "rho": 4.0, "n_min": 16000, "shift": [0.1, 0.15, 0.2, 0.3, 0.4, 0.5],
          "directions": ["parallel", "orthogonal"], "seeds": 64, "l2": 0.0},
    measure=imb3_measure, predict=imb3_predict, judge=imb3_judge,
)


# IMB-4 --------------------------------------------------------------------------------------


def imb4_measure(config, key):
    """Excess for each generator against n_min (at d_for_n) and against d (at n_min_for_d)."""
    parts = []
    base = {"separation": config["separation"], "rho": config["rho"]}
    for gi, generator in enumerate(config["generators"]):
        gen_key = jax.random.fold_in(key, gi)
        panels = [("n_min", config["d_for_n"], [{**base, "n_min": n} for n in config["n_min"]])]
        panels += [("d", d, [{**base, "n_min": config["n_min_for_d"]}]) for d in config["d"]]
        for panel, d, points in panels:
            cols = measure_grid(config, gen_key, generator, points, d, balance=generator != "none")
            n = len(cols["seed"])
            cols.update(generator=np.full(n, generator), panel=np.full(n, panel), d=np.full(n, d))
            parts.append(cols)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def imb4_predict(config):
    return {"no_oversampling": exact_imbalance_excess(config["rho"], config["separation"])}


def imb4_judge(columns, config, prediction):
    return []


IMB_4 = Claim(
    id="IMB-4", title="Baselines side by side: duplication, SMOTE, plug-in, perfect",
    paper_result="Paper's comparison of oversamplers (reported, not pass/fail)",
    quick={"separation": 2.0, "rho": 4.0, "n_min": [50, 100, 200, 400], "d_for_n": 5, "d": [2, 5, 10, 20],
           "n_min_for_d": 200, "generators": ["none", "ros", "smote", "plugin", "perfect"], "seeds": 32,
           "l2": 0.0},
    full={"separation": 2.0, "rho": 4.0, "n_min": [25, 50, 100, 200, 400, 800], "d_for_n": 5,
          "d": [2, 5, 10, 20, 40], "n_min_for_d": 200, "generators": ["none", "ros", "smote", "plugin", "perfect"],
          "seeds": 128, "l2": 0.0},
    measure=imb4_measure, predict=imb4_predict, judge=imb4_judge, reported_only=True,
)

CLAIMS = (IMB_1, IMB_2, IMB_3, IMB_4)
