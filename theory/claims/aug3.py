"""AUG-3 of CLAIMS: augmentation with a biased generator; the floor grows as delta^2, and on top of
real rows the excess is B(N) + drift + tr(HV)/2 with synthetic noise weighted by w^2."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_aug3
from synthlaw.models.registry import generator
from synthlaw.settings import at_least, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, every_point, replaced, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig, even, separation
from synthlaw.theory.experiments.augmentation import measure_augmentation
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.augmentation import augmented_excess
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, curve_ratio, curve_share, loglog_slope

RIVAL_EXPONENT = 1.0


@dataclasses.dataclass(frozen=True)
class Aug3Config(SeededConfig):
    owner: ClassVar[str] = "AUG-3"
    d: int = at_least(1)
    separation: float = separation()
    shift: tuple[float, ...] = rule(lambda v: v > 0, "> 0 (the floor panel's generator mean shifts delta)")
    true_shift_scale: float = rule(lambda v: v > 0, "> 0 (1: the generator is off by exactly delta)")
    n_syn_floor: int = even("synthetic rows of the floor panel, no real rows")
    n: int = even("real rows of the augmented panel")
    n_syn: int = even("synthetic rows of the augmented panel")
    shift_augmented: float = rule(lambda v: v > 0, "> 0 (the augmented panel's shift delta)")
    weight: tuple[float, ...] = rule(lambda v: v > 0, "> 0 (the augmented panel's loss weights w)")

    def limits(self):
        self.seeds_exceed_points("shift")


def measure(config, *, key, options):
    """Panel 'floor': generator-only fits (n = 0, w = 1: w cancels) per delta; panel 'augmented': n real
    rows plus N generated rows at each weight w. One sweep, class 0's generator mean off by delta."""
    scale = config.true_shift_scale
    floor = [{"n": 0, "n_syn": config.n_syn_floor, "shift": s * scale, "weight": 1.0} for s in config.shift]
    augmented = [{"n": config.n, "n_syn": config.n_syn, "shift": config.shift_augmented * scale, "weight": w}
                 for w in config.weight]
    columns = measure_augmentation(generator("shifted"), floor + augmented, d=config.d, separation=config.separation,
                                   seeds=config.seeds, key=key, options=options, name=config.owner)
    columns["panel"] = np.tile(["floor"] * len(floor) + ["augmented"] * len(augmented), config.seeds)
    return columns


def predict(config):
    """The terms of E[excess] (predictions.augmentation.augmented_excess) per floor shift and per
    augmented weight; with_totals adds the sums, the floor's exact log-log slope and the rivals."""
    floor = [augmented_excess(config.d, config.separation, 0, config.n_syn_floor, 1.0, s) for s in config.shift]
    augmented = {w: augmented_excess(config.d, config.separation, config.n, config.n_syn, w, config.shift_augmented)
                 for w in config.weight}
    return with_totals({"shift": np.asarray(config.shift, float),
                        "floor_terms": {k: np.array([getattr(t, k) for t in floor]) for k in floor[0]._fields},
                        "augmented_terms": {w: t._asdict() for w, t in augmented.items()}})


def with_totals(terms):
    """excess (floor panel) and augmented_excess (per w): the sum of the terms; delta_exponent: the
    floor's exact log-log slope on the grid; the rivals: a floor linear in delta (a first-order
    bias, through the largest shift) and, per w, the population terms alone (B(N), no sampling)."""
    excess = np.sum(list(terms["floor_terms"].values()), axis=0)
    shift = terms["shift"]
    return {**terms, "excess": excess, "delta_exponent": loglog_slope(shift, excess),
            "linear_floor": excess[-1] * shift / shift[-1],
            "augmented_excess": {w: sum(t.values()) for w, t in terms["augmented_terms"].items()},
            "population_only": {w: t["bias"] for w, t in terms["augmented_terms"].items()}}


def judge(columns, config, prediction):
    """Floor panel: the slope in delta and the whole curve; augmented panel: measured / predicted per w."""
    floor = columns["panel"] == "floor"
    shift_g, excess_sg = by_seed(columns, "excess", "shift", mask=floor)
    label = f"n = 0, N = {config.n_syn_floor}, delta {shift_g[0]:g}..{shift_g[-1]:g}"
    checks = [
        Check(label=label, quantity="log-log slope of floor in delta", prediction=prediction["delta_exponent"],
              measured=bootstrap_slope(shift_g, excess_sg), error_kind="absolute", rival=RIVAL_EXPONENT),
        Check(label=label, quantity="whole curve: measured / predicted excess (rival: floor linear in delta)",
              prediction=1.0, measured=curve_ratio(excess_sg, prediction["excess"]), error_kind="relative",
              rival=curve_share(prediction["linear_floor"], prediction["excess"])),
        every_point(label, excess_sg, prediction["excess"], "excess"),
    ]
    for w in config.weight:
        rows = (columns["panel"] == "augmented") & np.isclose(columns["weight"], w)
        _, excess_s1 = by_seed(columns, "excess", "n_syn", mask=rows)
        predicted = prediction["augmented_excess"][w]
        checks.append(Check(label=f"n={config.n}, N={config.n_syn}, delta={config.shift_augmented:g}, w={w:g}",
                            quantity="measured / predicted B(N) + drift + tr(HV)/2 (rival: B(N) alone)",
                            prediction=1.0, measured=curve_ratio(excess_s1, np.array([predicted])),
                            error_kind="relative", rival=prediction["population_only"][w] / predicted))
    return checks


def _noise_scaled(prediction, real, synthetic):
    """The prediction with the real rows' noise times real and the synthetic rows' times synthetic(w)
    (the floor panel's rows are all synthetic, at w = 1)."""
    floor = prediction["floor_terms"]
    floor = {**floor, "real_noise": floor["real_noise"] * real,
             "synthetic_noise": floor["synthetic_noise"] * synthetic(1.0)}
    augmented = {w: {**t, "real_noise": t["real_noise"] * real, "synthetic_noise": t["synthetic_noise"] * synthetic(w)}
                 for w, t in prediction["augmented_terms"].items()}
    return with_totals({**prediction, "floor_terms": floor, "augmented_terms": augmented})


def full_trace(prediction):
    """The wrong theory tr(H V) for tr(H V)/2: every noise term doubled."""
    return _noise_scaled(prediction, 2.0, lambda w: 2.0)


def noise_weight_w(prediction):
    """The wrong theory B = B_real + w B_syn (w, not w^2, per synthetic row): synthetic noise / w."""
    return _noise_scaled(prediction, 1.0, lambda w: 1.0 / w)


CLAIM = Claim(
    id="AUG-3", note=Note("AUG-3.md"),
    source="docs/claims.md AUG-3; derived analogue of the abstract's second result (the floor set by generator bias)",
    quick=Aug3Config(d=5, separation=2.0, shift=(0.2, 0.3, 0.4, 0.6), true_shift_scale=1.0, n_syn_floor=8192,
                     n=500, n_syn=2048, shift_augmented=0.2, weight=(1.0, 0.25), seeds=64),
    full=Aug3Config(d=5, separation=2.0, shift=(0.1, 0.15, 0.2, 0.3, 0.4, 0.6), true_shift_scale=1.0,
                    n_syn_floor=65536, n=500, n_syn=2048, shift_augmented=0.2, weight=(1.0, 0.5, 0.25), seeds=128),
    measure=measure, predict=predict, judge=judge, figure=figure_aug3,
    mutations=(Mutation("tr(HV) instead of tr(HV)/2", predict=full_trace),
               Mutation("c w N instead of c w^2 N (synthetic noise weighted by w)", predict=noise_weight_w),
               Mutation("floor x 0.8", predict=scaled(0.8, "excess", "augmented_excess")),
               Mutation("floor x 1.2", predict=scaled(1.2, "excess", "augmented_excess")),
               Mutation("delta-exponent - 0.2", predict=shifted(-0.2, "delta_exponent")),
               Mutation("generator off by 1.1 delta", config=replaced(true_shift_scale=1.1))),
)
