"""SPU-3 of CLAIMS: fitted group generators; excess and spurious weight stop at a floor ~ 1/n_g."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_spu3
from synthlaw.models.registry import generator
from synthlaw.settings import at_least, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, every_point
from synthlaw.theory.claims.spec import SeededConfig
from synthlaw.theory.experiments.spurious import measure_spu
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions import spurious as ps
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, curve_ratio, curve_share, loglog_slope


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

    def limits(self):
        self.seeds_exceed_points("n_minor")


def measure(config, *, key, options):
    """Majority groups: n_group real rows; minority groups: n_group plug-in rows fitted on n_minor real."""
    m = config.n_group
    rows = [{"n": 2 * m + 2 * g, "p": g / (m + g), "n_major": m, "n_minor": g, "seen_minor": 0, "n_syn": m}
            for g in config.n_minor]
    return measure_spu(rows, generator("plugin"), d_core=config.d_core, d_spur=config.d_spur, core=config.core,
                       spur=config.spur, seeds=config.seeds, key=key, options=options, name=config.owner)


def predict(config):
    """Per n_g: the generator and sampling terms of the excess and of E||w_spur||^2 (notes/SPU-3.md)."""
    terms = [ps.plugin_group_floor(config.d_core, config.d_spur, config.core, config.spur, n_group=config.n_group,
                                   n_minor=g) for g in config.n_minor]
    return assembled({"generator": np.array([g.excess for g, _ in terms]),
                      "sampling": np.array([s.excess for _, s in terms]),
                      "spur_generator": np.array([g.spur_sq for g, _ in terms]),
                      "spur_sampling": np.array([s.spur_sq for _, s in terms])})


def assembled(terms):
    """The terms with the predicted curves: excess and E||w_spur||^2 = generator + sampling term."""
    return {**terms, "excess": terms["generator"] + terms["sampling"],
            "spur_sq": terms["spur_generator"] + terms["spur_sampling"]}


def root_rate_rival(prediction, n_g):
    """The rival theory: the generator term falls at the uniform-convergence rate 1/sqrt(n_g) of
    bounds like the paper's (anchored at the largest n_g), the sampling term unchanged."""
    root_g = np.sqrt(n_g[-1] / n_g)
    return assembled({**prediction, "generator": prediction["generator"][-1] * root_g,
                      "spur_generator": prediction["spur_generator"][-1] * root_g})


def judge(columns, config, prediction):
    n_g, excess_sg = by_seed(columns, "excess", "n_minor")
    _, spur_sg = by_seed({**columns, "spur_sq": columns["spur_norm"] ** 2}, "spur_sq", "n_minor")
    gens = np.asarray(config.n_minor, float)
    rival = root_rate_rival(prediction, gens)
    label = f"n_g {n_g[0]:g}..{n_g[-1]:g}, n_group {config.n_group}"
    return [
        Check(label=label, quantity="log-log slope of excess in n_g",
              prediction=loglog_slope(gens, prediction["excess"]), measured=bootstrap_slope(n_g, excess_sg),
              error_kind="absolute", rival=loglog_slope(gens, rival["excess"])),
        Check(label=label, quantity="log-log slope of ||w_spur||^2 in n_g",
              prediction=loglog_slope(gens, prediction["spur_sq"]), measured=bootstrap_slope(n_g, spur_sg),
              error_kind="absolute", rival=loglog_slope(gens, rival["spur_sq"])),
        Check(label=label, quantity="whole curve: measured / predicted excess", prediction=1.0,
              measured=curve_ratio(excess_sg, prediction["excess"]),
              error_kind="relative", rival=curve_share(rival["excess"], prediction["excess"])),
        every_point(label, excess_sg, prediction["excess"], "excess"),
    ]


def _without_sampling(prediction):
    return assembled({**prediction, "sampling": 0.0 * prediction["sampling"],
                      "spur_sampling": 0.0 * prediction["spur_sampling"]})


def _without_half(prediction):
    return assembled({**prediction, "generator": 2.0 * prediction["generator"],
                      "sampling": 2.0 * prediction["sampling"]})


CLAIM = Claim(
    id="SPU-3", note=Note("SPU-3.md"),
    source="docs/claims.md SPU-3 (Setting S); derived analogue of the abstract's second result (a floor set by "
           "generator quality)",
    quick=Spu3Config(d_core=2, d_spur=2, core=1.0, spur=1.0, n_group=1024, n_minor=(50, 100, 200, 400), seeds=384),
    full=Spu3Config(d_core=2, d_spur=2, core=1.0, spur=1.0, n_group=4096, n_minor=(50, 100, 200, 400, 800),
                    seeds=768),
    measure=measure, predict=predict, judge=judge, figure=figure_spu3,
    mutations=(Mutation("drop the sampling term (the generator's floor alone)", predict=_without_sampling),
               Mutation("tr(HC) instead of tr(HC)/2 in the excess", predict=_without_half)),
)
