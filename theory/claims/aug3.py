"""AUG-3 of CLAIMS: augmentation with a biased generator; the floor grows as delta^2."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_aug3
from synthlaw.models.registry import generator
from synthlaw.settings import at_least, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, replaced, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig, separation
from synthlaw.theory.experiments.augmentation import measure_augmentation
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.augmentation import shifted_generator_excess
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, curve_ratio, loglog_slope

RIVAL_GAMMA = 0.5


@dataclasses.dataclass(frozen=True)
class Aug3Config(SeededConfig):
    owner: ClassVar[str] = "AUG-3"
    d: int = at_least(1)
    separation: float = separation()
    shift: tuple[float, ...] = rule(lambda v: v > 0, "> 0 (the generator's mean shift delta)")
    true_shift_scale: float = rule(lambda v: v > 0, "> 0 (1: the generator is off by exactly delta)")
    n_syn: tuple[int, ...] = rule(lambda v: v >= 2 and v % 2 == 0, ">= 2 and even (synthetic rows, half per class)")
    weight: float = rule(lambda v: v > 0, "> 0 (loss weight of a synthetic row)")


def measure(config, *, key, options):
    """Generator-only fits (n = 0) at N synthetic rows, class 0's generator mean off by delta."""
    return measure_augmentation(generator("shifted"),
                                [{"n": 0, "n_syn": config.n_syn[-1], "shift": s * config.true_shift_scale}
                                 for s in config.shift],
                                d=config.d, separation=config.separation, weight=config.weight, seeds=config.seeds,
                                key=key, options=options, name=config.owner)


def predict(config):
    """a(delta) + drift + tr(HV)/2 at theta_gen(delta) per shift (the weight w scales every row alike,
    so it cancels), its exact log-log slope on the grid, and the sampling term alone (the rival)."""
    shifts = np.asarray(config.shift, float)
    terms = [shifted_generator_excess(config.d, config.separation, s, config.n_syn[-1]) for s in shifts]
    excess = np.array([t.total for t in terms])
    return {"delta_exponent": loglog_slope(shifts, excess), "excess": excess,
            "sampling": np.array([t.drift + t.variance for t in terms])}


def judge(columns, config, prediction):
    shift_g, excess_sg = by_seed(columns, "excess", "shift")
    label = f"n = 0, delta {shift_g[0]:g}..{shift_g[-1]:g}"
    return [
        Check(label=label, quantity="log-log slope of floor in delta", prediction=prediction["delta_exponent"],
              measured=bootstrap_slope(shift_g, excess_sg), error_kind="absolute", rival=1.0),
        Check(label=label, quantity="whole curve: measured / predicted excess", prediction=1.0,
              measured=curve_ratio(excess_sg, prediction["excess"]),
              error_kind="relative", rival=float(np.mean(prediction["sampling"] / prediction["excess"]))),
    ]


CLAIM = Claim(
    id="AUG-3", note=Note("AUG-3.md"),
    source="CLAIMS.md AUG-3; derived analogue of the abstract's second result (the floor set by generator bias)",
    quick=Aug3Config(d=5, separation=2.0, shift=(0.2, 0.3, 0.4, 0.6), true_shift_scale=1.0, n_syn=(65536,),
                     weight=1.0, seeds=16),
    full=Aug3Config(d=5, separation=2.0, shift=(0.1, 0.15, 0.2, 0.3, 0.4, 0.6), true_shift_scale=1.0,
                    n_syn=(262144,), weight=1.0, seeds=64),
    measure=measure, predict=predict, judge=judge, figure=figure_aug3,
    mutations=(Mutation("floor x 0.8", predict=scaled(0.8, "excess")),
               Mutation("floor x 1.2", predict=scaled(1.2, "excess")),
               Mutation("delta-exponent - 0.2", predict=shifted(-0.2, "delta_exponent")),
               Mutation("generator off by 1.1 delta", config=replaced(true_shift_scale=1.1))),
)
