"""SPU-3 of CLAIMS: fitted group generators; excess and spurious weight stop at a floor ~ 1/n_g."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_spu3
from synthlaw.models.registry import generator
from synthlaw.settings import at_least, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig
from synthlaw.theory.experiments.spurious import measure_spu
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions import spurious as ps
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, curve_ratio, loglog_slope


@dataclasses.dataclass(frozen=True)
class Spu3Config(SeededConfig):
    owner: ClassVar[str] = "SPU-3"
    d_core: int = at_least(1)
    d_spur: int = at_least(1)
    core: float = rule(lambda v: v > 0, "> 0 (||mu_c||)")
    spur: float = rule(lambda v: v >= 0, ">= 0 (||mu_s||)")
    n_group: int = at_least(2, "rows per group after augmentation")
    n_minor: tuple[int, ...] = at_least(
        6, "real rows per minority group; the plug-in needs more rows than d_core + d_spur")


def measure(config, *, key, options):
    """Majority groups: n_group real rows; minority groups: n_group plug-in rows fitted on n_minor real."""
    m = config.n_group
    rows = [{"n": 2 * m + 2 * g, "p": g / (m + g), "n_major": m, "n_minor": g, "seen_minor": 0, "n_syn": m}
            for g in config.n_minor]
    return measure_spu(rows, generator("plugin"), d_core=config.d_core, d_spur=config.d_spur, core=config.core,
                       spur=config.spur, seeds=config.seeds, key=key, options=options, name=config.owner)


def predict(config):
    """Excess and E||w_spur||^2 at every n_g (generator term + sampling term) and their exact grid slopes."""
    gens = np.asarray(config.n_minor, float)
    pairs = [ps.plugin_group_floor(config.d_core, config.d_spur, config.core, config.spur, n_group=config.n_group,
                                  n_minor=g) for g in config.n_minor]
    excess, spur = np.array([e for e, _ in pairs]), np.array([s for _, s in pairs])
    return {"excess": excess, "spur_sq": spur, "n_exponent": loglog_slope(gens, excess),
            "spur_exponent": loglog_slope(gens, spur)}


def judge(columns, config, prediction):
    n_g, excess_sg = by_seed(columns, "excess", "n_minor")
    _, spur_sg = by_seed({**columns, "spur_sq": columns["spur_norm"] ** 2}, "spur_sq", "n_minor")
    label = f"n_g {n_g[0]:g}..{n_g[-1]:g}"
    return [
        Check(label=label, quantity="log-log slope of excess in n_g", prediction=prediction["n_exponent"],
              measured=bootstrap_slope(n_g, excess_sg), error_kind="absolute", rival=0.0),
        Check(label=label, quantity="log-log slope of ||w_spur||^2 in n_g", prediction=prediction["spur_exponent"],
              measured=bootstrap_slope(n_g, spur_sg), error_kind="absolute", rival=0.0),
        Check(label=label, quantity="whole curve: measured / predicted excess", prediction=1.0,
              measured=curve_ratio(excess_sg, prediction["excess"]),
              error_kind="relative", rival=float(np.mean(prediction["excess"][-1] / prediction["excess"]))),
    ]


CLAIM = Claim(
    id="SPU-3", note=Note("SPU-3.md"),
    source="CLAIMS.md SPU-3 (Setting S); derived analogue of the abstract's second result (a floor set by "
           "generator quality)",
    quick=Spu3Config(d_core=2, d_spur=2, core=1.0, spur=1.0, n_group=4096, n_minor=(50, 100, 200, 400), seeds=192),
    full=Spu3Config(d_core=2, d_spur=2, core=1.0, spur=1.0, n_group=16384, n_minor=(25, 50, 100, 200, 400, 800),
                    seeds=384),
    measure=measure, predict=predict, judge=judge, figure=figure_spu3,
    mutations=(Mutation("excess x 0.8", predict=scaled(0.8, "excess")),
               Mutation("excess x 1.2", predict=scaled(1.2, "excess")),
               Mutation("n_g-exponents + 0.2", predict=shifted(0.2, "n_exponent", "spur_exponent"))),
)
