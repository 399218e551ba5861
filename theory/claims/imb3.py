"""IMB-3 of CLAIMS: a generator whose mean is off by delta leaves a floor F(delta) ~ c delta^2, and
beyond a break-even shift delta* oversampling costs more than it buys back."""

import dataclasses
import itertools
from typing import ClassVar

import numpy as np

from synthlaw.figures.claims import figure_imb3
from synthlaw.models.registry import generator
from synthlaw.settings import at_least, one_of, rule
from synthlaw.sims.geometry import DIRECTIONS
from synthlaw.theory.claims.check import Check, Claim, Mutation, every_point, replaced, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig, imbalance_ratio, separation
from synthlaw.theory.experiments.oversampling import measure_oversampling
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.oversampling import finite_break_even_shift, oversampling_excess
from synthlaw.theory.stats.intervals import (
    bootstrap_slope,
    by_seed,
    crossing,
    crossing_ci,
    curve_ratio,
    curve_share,
    loglog_slope,
)

CROSSING_GRID = (0.8, 0.9, 1.1, 1.25)  # shifts measured around the predicted delta*, as multiples
CURVE_POINTS = 25  # E[excess] is smooth in log delta: 25 shifts draw it without visible corners


@dataclasses.dataclass(frozen=True)
class Imb3Config(SeededConfig):
    owner: ClassVar[str] = "IMB-3"
    d: int = at_least(1)
    separation: float = separation()
    rho: float = imbalance_ratio()
    n_min: int = at_least(2, "the minority needs two rows")
    shift: tuple[float, ...] = rule(lambda v: v > 0, "> 0 (the generator's mean shift delta; a log-log slope "
                                                     "needs delta > 0)")
    directions: tuple[str, ...] = one_of(DIRECTIONS, "the shift's direction against mu_1 - mu_0")
    true_shift_scale: float = rule(lambda v: v > 0, "> 0 (1: the generator is off by exactly delta; a negative "
                                                    "control measures another scale)")

    def limits(self):
        self.seeds_exceed_points("shift")
        if "orthogonal" in self.directions and self.d < 2:
            self.fail("d", "an orthogonal shift direction needs d >= 2")


def n_maj(config):
    return int(round(config.rho * config.n_min))


def crossing_shifts(config, direction):
    star = finite_break_even_shift(config.d, config.separation, config.n_min, n_maj(config), direction)
    return [star * f for f in CROSSING_GRID]


def measure(config, *, key, options):
    """Panel 'floor': the shift grid; panel 'crossing': shifts around delta* and no oversampling."""
    base = {"separation": config.separation, "n_min": config.n_min, "n_maj": n_maj(config)}
    floor = [{**base, "m": n_maj(config) - config.n_min, "shift": s * config.true_shift_scale, "direction": dn}
             for dn, s in itertools.product(config.directions, config.shift)]
    crossing = [{**base, "m": n_maj(config) - config.n_min, "shift": s * config.true_shift_scale, "direction": dn}
                for dn in config.directions for s in crossing_shifts(config, dn)]
    none = [{**base, "m": 0}]  # no synthetic rows: one sweep (one compiled program) serves all three panels
    columns = measure_oversampling(generator("shifted"), floor + crossing + none, d=config.d, seeds=config.seeds,
                                   key=key, options=options, name=config.owner)
    columns["panel"] = np.tile(["floor"] * len(floor) + ["crossing"] * len(crossing) + ["none"], config.seeds)
    return columns


def predict(config):
    """Per direction: E[excess] to O(1/n) at each shift (F(delta) + drift + tr(HV)/2), its exact
    log-log slope on the grid and the rival "no floor" (a perfect generator's excess) as a ratio to
    it; delta*_n where it meets the excess without oversampling (reported), and the crossing that
    the measurement's estimator (interpolation in log delta between the crossing panel's shifts)
    finds on the exact curves, which is what the check compares. "floor", "floor_exponent" and
    "floor_break_even" are the same from the population terms F(delta) and E(rho, Delta) alone, for
    the wrong theory below (notes/IMB-3.md). "curve_shift" / "curve": the same E[excess] at
    CURVE_POINTS shifts over every shift measured (slope grid and crossing panel), for the figure."""
    out = {key: {} for key in ("excess", "delta_exponent", "break_even", "break_even_continuous", "no_floor",
                               "floor", "floor_exponent", "floor_break_even", "curve_shift", "curve")}

    def expected(s, dn):
        return oversampling_excess(config.d, config.separation, config.n_min, n_maj(config),
                                   n_maj(config) - config.n_min, s, dn)

    none = oversampling_excess(config.d, config.separation, config.n_min, n_maj(config), 0)
    perfect = expected(0.0, "parallel").total
    shift_g = np.asarray(config.shift)
    for dn in config.directions:
        terms = [expected(s, dn) for s in config.shift]
        out["excess"][dn] = np.array([t.total for t in terms])
        out["floor"][dn] = np.array([t.bias for t in terms])
        out["delta_exponent"][dn] = loglog_slope(shift_g, out["excess"][dn])
        out["floor_exponent"][dn] = loglog_slope(shift_g, out["floor"][dn])
        out["no_floor"][dn] = curve_share(np.full(len(config.shift), perfect), out["excess"][dn])
        shifts = crossing_shifts(config, dn)
        crossing_terms = [expected(s, dn) for s in shifts]
        out["break_even"][dn] = crossing(np.asarray(shifts), [t.total for t in crossing_terms], none.total)
        out["floor_break_even"][dn] = crossing(np.asarray(shifts), [t.bias for t in crossing_terms], none.bias)
        out["curve_shift"][dn] = np.geomspace(min(config.shift), max(shifts), CURVE_POINTS)
        out["curve"][dn] = np.array([expected(s, dn).total for s in out["curve_shift"][dn]])
        out["break_even_continuous"][dn] = finite_break_even_shift(config.d, config.separation, config.n_min,
                                                                   n_maj(config), dn)
    return out


def population_only(prediction):
    """The wrong theory without the O(1/n) part: F(delta), its slope and delta* from F = E(rho, Delta)."""
    return {**prediction, "excess": prediction["floor"], "delta_exponent": prediction["floor_exponent"],
            "break_even": prediction["floor_break_even"]}


def judge(columns, config, prediction):
    checks = []
    _, none_sg = by_seed(columns, "excess", "n_min", mask=columns["panel"] == "none")
    for dn in config.directions:
        direction = np.isclose(columns["angle"], DIRECTIONS[dn])
        shift_g, excess_sg = by_seed(columns, "excess", "shift", mask=direction & (columns["panel"] == "floor"))
        cross_g, cross_sg = by_seed(columns, "excess", "shift", mask=direction & (columns["panel"] == "crossing"))
        label = f"{dn} shift"
        checks += [
            Check(label=label, quantity="log-log slope in delta", prediction=prediction["delta_exponent"][dn],
                  measured=bootstrap_slope(shift_g, excess_sg), error_kind="absolute", rival=1.0),
            Check(label=f"{label}, delta {shift_g[0]:g}..{shift_g[-1]:g}",
                  quantity="whole curve: measured / predicted F(delta) + O(1/n)",
                  prediction=1.0, measured=curve_ratio(excess_sg, prediction["excess"][dn]),
                  error_kind="relative", rival=prediction["no_floor"][dn]),
            every_point(f"{label}, delta {shift_g[0]:g}..{shift_g[-1]:g}", excess_sg, prediction["excess"][dn],
                        "F(delta) + O(1/n)"),
            Check(label=label, quantity="break-even delta* (crossing of with / without oversampling)",
                  prediction=prediction["break_even"][dn], measured=crossing_ci(cross_g, cross_sg, none_sg[:, 0]),
                  error_kind="relative", rival=float("inf")),
        ]
    return checks


CLAIM = Claim(
    id="IMB-3", note=Note("IMB-3.md"),
    source="docs/claims.md IMB-3; derived analogue of the abstract's first result (a benefit paid for by generator "
           "quality)",
    quick=Imb3Config(d=2, separation=2.0, rho=4.0, n_min=2000, shift=(0.05, 0.1, 0.2, 0.3, 0.5),
                     directions=("parallel", "orthogonal"), true_shift_scale=1.0, seeds=96),
    full=Imb3Config(d=2, separation=2.0, rho=4.0, n_min=8000, shift=(0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5),
                    directions=("parallel", "orthogonal"), true_shift_scale=1.0, seeds=128),
    measure=measure, predict=predict, judge=judge, figure=figure_imb3,
    mutations=(Mutation("F(delta) x 0.8", predict=scaled(0.8, "excess")),
               Mutation("F(delta) x 1.2", predict=scaled(1.2, "excess")),
               Mutation("delta-exponent - 0.2", predict=shifted(-0.2, "delta_exponent")),
               Mutation("population terms only: F(delta) and delta* without O(1/n)", predict=population_only),
               Mutation("generator off by 1.1 delta", config=replaced(true_shift_scale=1.1))),
)
