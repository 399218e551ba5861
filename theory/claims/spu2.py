"""SPU-2 of CLAIMS: balancing the groups with a perfect generator; excess ~ 1/(n + N), spurious weight -> 0."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_spu2
from synthlaw.models.registry import GENERATORS, generator
from synthlaw.settings import at_least, one_of, rule
from synthlaw.sims.geometry import bayes_group_error
from synthlaw.theory.claims.check import Check, Claim, Mutation, replaced, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig
from synthlaw.theory.experiments.spurious import measure_spu, mixture_rows
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions import spurious as ps
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, curve_ratio, loglog_slope


@dataclasses.dataclass(frozen=True)
class Spu2Config(SeededConfig):
    owner: ClassVar[str] = "SPU-2"
    d_core: int = at_least(1)
    d_spur: int = at_least(1)
    core: float = rule(lambda v: v > 0, "> 0 (||mu_c||)")
    spur: float = rule(lambda v: v >= 0, ">= 0 (||mu_s||)")
    p: float = rule(lambda v: 0 < v <= 0.5, "in (0, 0.5] (minority-group mass)")
    n: tuple[int, ...] = at_least(4, "real training rows")
    generator: str = one_of(GENERATORS, "the claim is for 'perfect'")


def measure(config, *, key, options):
    return measure_spu([mixture_rows(n, config.p, True) for n in config.n], generator(config.generator),
                       d_core=config.d_core, d_spur=config.d_spur, core=config.core, spur=config.spur,
                       seeds=config.seeds, key=key, options=options, name=config.owner)


def predict(config):
    """tr(HV)/2 and E||w_spur||^2 at every n, their exact grid slope, and the unaugmented rivals."""
    pairs = [ps.balanced_sandwich(config.d_core, config.d_spur, config.core, config.spur, p=config.p, n=n)
             for n in config.n]
    excess, spur_sq = np.array([e for e, _ in pairs]), np.array([s for _, s in pairs])
    mean_gp, _ = ps.law_s(config.d_core, config.d_spur, config.core, config.spur)
    theta_p = ps.erm_minimiser(config.d_core, config.d_spur, config.core, config.spur, config.p)
    unaugmented = float(ps.group_errors(theta_p, mean_gp).mean() - bayes_group_error(config.core))
    spur_sq_unaugmented = float(np.sum(theta_p[config.d_core:-1] ** 2))
    return {"n_exponent": loglog_slope(np.asarray(config.n, float), excess), "excess": excess, "spur_sq": spur_sq,
            "no_augmentation": unaugmented, "spur_sq_no_augmentation": spur_sq_unaugmented}


def judge(columns, config, prediction):
    n_g, excess_sg = by_seed(columns, "excess", "n")
    _, spur_sg = by_seed({**columns, "spur_sq": columns["spur_norm"] ** 2}, "spur_sq", "n")
    label = f"n {n_g[0]:g}..{n_g[-1]:g}, balanced"
    return [
        Check(label=label, quantity="log-log slope in n + N", prediction=prediction["n_exponent"],
              measured=bootstrap_slope(n_g, excess_sg), error_kind="absolute", rival=-0.5),
        Check(label=label, quantity="whole curve: measured / predicted excess", prediction=1.0,
              measured=curve_ratio(excess_sg, prediction["excess"]),
              error_kind="relative", rival=float(np.mean(prediction["no_augmentation"] / prediction["excess"]))),
        Check(label=label, quantity="whole curve: measured / predicted ||w_spur||^2", prediction=1.0,
              measured=curve_ratio(spur_sg, prediction["spur_sq"]),
              rival=float(np.mean(prediction["spur_sq_no_augmentation"] / prediction["spur_sq"])),
              error_kind="relative"),
    ]


CLAIM = Claim(
    id="SPU-2", note=Note("SPU-2.md"),
    source="CLAIMS.md SPU-2 (Setting S); derived analogue of the abstract's second result for groups",
    quick=Spu2Config(d_core=2, d_spur=2, core=1.0, spur=1.0, p=0.1, n=(500, 1000, 2000, 4000), generator="perfect",
                     seeds=192),
    full=Spu2Config(d_core=2, d_spur=2, core=1.0, spur=1.0, p=0.1, n=(250, 500, 1000, 2000, 4000, 8000),
                    generator="perfect", seeds=400),
    measure=measure, predict=predict, judge=judge, figure=figure_spu2,
    mutations=(Mutation("excess and ||w_spur||^2 x 0.8", predict=scaled(0.8, "excess", "spur_sq")),
               Mutation("excess and ||w_spur||^2 x 1.2", predict=scaled(1.2, "excess", "spur_sq")),
               Mutation("n-exponent + 0.2", predict=shifted(0.2, "n_exponent")),
               Mutation("plug-in generator measured", config=replaced(generator="plugin"))),
)
