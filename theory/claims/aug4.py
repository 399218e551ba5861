"""AUG-4 of CLAIMS: how much synthetic minority data to add. Excess(N) = B(N) + V(N) is lowest at
balance for a perfect generator and below balance for a shifted one; "more is better" is rejected."""

import dataclasses
from typing import ClassVar

import numpy as np
from scipy.optimize import minimize_scalar

from synthlaw.figures.claims import figure_aug4
from synthlaw.models.registry import generator
from synthlaw.settings import at_least, one_of, rule
from synthlaw.sims.geometry import DIRECTIONS
from synthlaw.theory.claims.check import Check, Claim, Mutation, every_point, replaced, scaled
from synthlaw.theory.claims.spec import SeededConfig, imbalance_ratio, separation
from synthlaw.theory.experiments.oversampling import measure_oversampling
from synthlaw.theory.experiments.reference import point_rows, score_columns
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.oversampling import oversampling_excess, population_fit, score_control
from synthlaw.theory.stats.intervals import argmin_ci, by_seed, curve_ratio, curve_share, grid_argmin


@dataclasses.dataclass(frozen=True)
class Aug4Config(SeededConfig):
    owner: ClassVar[str] = "AUG-4"
    d: int = at_least(1)
    separation: float = separation()
    rho: float = imbalance_ratio()
    n_min: int = at_least(2, "the minority needs two rows")
    n_syn: tuple[int, ...] = at_least(1, "synthetic minority rows N; the grid must cross balance")
    shift: tuple[float, ...] = rule(lambda v: v >= 0, ">= 0 (the generator's mean shift delta; 0 is perfect)")
    direction: str = one_of(DIRECTIONS, "the shift's direction against mu_1 - mu_0")
    true_shift_scale: float = rule(lambda v: v > 0, "> 0 (1: the generator is off by exactly delta)")

    def limits(self):
        self.seeds_exceed_points("n_syn")
        balance = round(self.rho * self.n_min) - self.n_min
        if not min(self.n_syn) < balance < max(self.n_syn):
            self.fail("n_syn", f"must have values below and above balance N = n_maj - n_min = {balance}")
        if self.direction == "orthogonal" and self.d < 2:
            self.fail("d", "an orthogonal shift direction needs d >= 2")


def n_maj(config):
    return int(round(config.rho * config.n_min))


def measure(config, *, key, options):
    """The excess on the grid, and excess_controlled: the excess plus the control variate c.(S - E S) of
    each seed's fit (controlled), S its score at theta*, which every point carries (rounded to float32, so
    that the sweep scores exactly the theta whose E S is integrated). Same expectation, about 19 times
    less spread at N = 500 (notes/AUG-4.md)."""
    points = [{"separation": config.separation, "n_min": config.n_min, "n_maj": n_maj(config), "m": m,
               "shift": s * config.true_shift_scale, "direction": config.direction,
               "theta_ref": population_fit(config.d, config.separation, config.n_min, n_maj(config), m,
                                           s * config.true_shift_scale, config.direction)
               .astype(np.float32).astype(np.float64)}
              for s in config.shift for m in config.n_syn]
    columns = measure_oversampling(generator("shifted"), points, d=config.d, seeds=config.seeds, key=key,
                                   options=options, name=config.owner)
    return {**columns, "excess_controlled": controlled(columns, config)}


def controlled(columns, config):
    """Per row, excess + c.(S - E S) with (c, E S) = score_control at the row's point and theta_ref."""
    reference_rp, score_rp = score_columns(columns, config.d + 1)
    out = np.asarray(columns["excess"], np.float64).copy()
    for (m, shift), rows in point_rows(columns, ("m", "shift")):
        c_p, mean_p = score_control(config.d, config.separation, config.n_min, n_maj(config), int(m), float(shift),
                                    config.direction, reference_rp[rows][0])
        out[rows] += (score_rp[rows] - mean_p) @ c_p
    return out


def predict(config):
    """Per shift: the terms B(N), drift and V(N) on the grid and the continuous argmin N* of their sum
    (reported); perfect_bias: B(N) of a perfect generator (delta = 0), for the control that ignores
    the shift; with_totals adds the curve, its grid argmin and the rival."""
    out = {"balance": float(n_maj(config) - config.n_min), "n_syn": np.asarray(config.n_syn, float),
           "bias": {}, "drift": {}, "variance": {}, "best_n_continuous": {},
           "perfect_bias": np.array([oversampling_excess(config.d, config.separation, config.n_min, n_maj(config), m,
                                                         0.0, config.direction).bias for m in config.n_syn])}
    for s in config.shift:
        def curve(m, s=s):
            return oversampling_excess(config.d, config.separation, config.n_min, n_maj(config), m, s,
                                       config.direction).total

        terms = [oversampling_excess(config.d, config.separation, config.n_min, n_maj(config), m, s,
                                     config.direction) for m in out["n_syn"]]
        for name in ("bias", "drift", "variance"):
            out[name][s] = np.array([getattr(t, name) for t in terms])
        out["best_n_continuous"][s] = minimize_scalar(curve, bounds=(out["n_syn"][0], out["n_syn"][-1]),
                                                      method="bounded", options={"xatol": 1.0}).x
    return with_totals(out)


def with_totals(terms):
    """excess: B + drift + V per shift; best_n: the grid argmin of that exact curve (the estimator the
    measurement uses); bias_alone: the rival "B(N) alone" (the n -> infinity curve, no estimation terms) as
    curve_ratio sees it."""
    excess = {s: terms["bias"][s] + terms["drift"][s] + terms["variance"][s] for s in terms["bias"]}
    return {**terms, "excess": excess,
            "best_n": {s: grid_argmin(terms["n_syn"], e) for s, e in excess.items()},
            "bias_alone": {s: curve_share(terms["bias"][s], e) for s, e in excess.items()}}


def judge(columns, config, prediction):
    checks = []
    for s in config.shift:
        rows = np.isclose(columns["shift"], s * config.true_shift_scale)
        n_g, excess_sg = by_seed(columns, "excess_controlled", "m", mask=rows)
        label = f"delta={s:g}, N {n_g[0]:g}..{n_g[-1]:g}"
        checks += [
            Check(label=label, quantity="whole curve: measured / predicted B(N) + V(N) (rival: B(N) alone)",
                  prediction=1.0, measured=curve_ratio(excess_sg, prediction["excess"][s]),
                  rival=prediction["bias_alone"][s], error_kind="relative"),
            every_point(label, excess_sg, prediction["excess"][s], "B(N) + V(N)"),
            Check(label=label, quantity="best N (argmin of the excess)", prediction=prediction["best_n"][s],
                  measured=argmin_ci(n_g, excess_sg), error_kind="relative", rival=float(n_g[-1])),
        ]
    return checks


def shift_ignored(prediction):
    """The wrong theory "synthetic rows are minority rows": B(N) of a perfect generator at every shift."""
    return with_totals({**prediction, "bias": {s: prediction["perfect_bias"] for s in prediction["bias"]}})


def full_trace(prediction):
    """The wrong theory tr(HV) instead of tr(HV)/2 (IMB-2's)."""
    return with_totals({**prediction, "variance": {s: 2 * v for s, v in prediction["variance"].items()}})


def drift_dropped(prediction):
    """The wrong theory without the drift grad R . E[theta_hat - theta*] (m_estimation.expected_excess)."""
    return with_totals({**prediction, "drift": {s: np.zeros_like(v) for s, v in prediction["drift"].items()}})


def balance_is_best(prediction):
    """The wrong theory "add rows up to balance, whatever the generator": best N = n_maj - n_min."""
    return {**prediction, "best_n": {s: prediction["balance"] for s in prediction["best_n"]}}


CLAIM = Claim(
    id="AUG-4", note=Note("AUG-4.md"),
    source="docs/claims.md AUG-4; derived analogue of the abstract's first result (benefit paid for by generator "
           "quality)",
    quick=Aug4Config(d=2, separation=2.0, rho=4.0, n_min=1000,
                     n_syn=(500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000), shift=(0.0, 0.5),
                     direction="parallel", true_shift_scale=1.0, seeds=256),
    full=Aug4Config(d=2, separation=2.0, rho=4.0, n_min=4000,
                    n_syn=(2000, 4000, 6000, 8000, 10000, 12000, 14000, 16000, 20000), shift=(0.0, 0.25, 0.5),
                    direction="parallel", true_shift_scale=1.0, seeds=256),
    measure=measure, predict=predict, judge=judge, figure=figure_aug4,
    mutations=(Mutation("drift dropped: B(N) + tr(HV)/2", predict=drift_dropped),
               Mutation("tr(HV) instead of tr(HV)/2", predict=full_trace),
               Mutation("the generator's shift ignored (perfect-generator B(N))", predict=shift_ignored),
               Mutation("best N at balance whatever the shift", predict=balance_is_best),
               Mutation("curves x 0.8", predict=scaled(0.8, "excess")),
               Mutation("curves x 1.2", predict=scaled(1.2, "excess")),
               Mutation("best N x 1.2", predict=scaled(1.2, "best_n")),
               Mutation("generator off by 1.5 delta", config=replaced(true_shift_scale=1.5))),
)
