"""AUG-1 of CLAIMS: augmentation with a perfect generator; excess ~ c / (n + wN), gamma = 1."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_aug1
from synthlaw.models.registry import GENERATORS, generator
from synthlaw.settings import at_least, one_of, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, replaced, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig, separation
from synthlaw.theory.experiments.augmentation import measure_augmentation
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.augmentation import excess_law, per_row_constant
from synthlaw.theory.stats.intervals import Estimate, bootstrap_slope, by_seed, curve_ratio, loglog_slope

RIVAL_GAMMA = 0.5


@dataclasses.dataclass(frozen=True)
class Aug1Config(SeededConfig):
    owner: ClassVar[str] = "AUG-1"
    d: int = at_least(1)
    separation: float = separation()
    n: int = rule(lambda v: v >= 4 and v % 2 == 0, ">= 4 and even (real rows, half per class)")
    generator: str = one_of(GENERATORS, "the claim is for 'perfect'")
    n_syn: tuple[int, ...] = rule(lambda v: v >= 2 and v % 2 == 0, ">= 2 and even (synthetic rows, half per class)")
    weight: float = rule(lambda v: v > 0, "> 0 (loss weight of a synthetic row)")


def measure(config, *, key, options):
    return measure_augmentation(generator(config.generator), [{"n": config.n, "n_syn": m} for m in config.n_syn],
                                d=config.d, separation=config.separation, weight=config.weight, seeds=config.seeds,
                                key=key, options=options, name=config.owner)


def predict(config):
    """c/(n + wN) at every N (w = 1; the AUG-2 law with a = 0 otherwise) and gamma, minus its exact
    log-log slope in M = n + wN on the grid."""
    c = per_row_constant(config.d, config.separation)
    excess = excess_law(np.asarray(config.n_syn, float), config.n, config.weight, c, 0.0)
    m_g = config.n + config.weight * np.asarray(config.n_syn, float)
    return {"gamma": -loglog_slope(m_g, excess), "c": c, "excess": excess, "no_augmentation": c / config.n}


def judge(columns, config, prediction):
    m_cols = {**columns, "m": columns["n"] + config.weight * columns["n_syn"]}
    m_g, excess_sg = by_seed(m_cols, "excess", "m")
    slope = bootstrap_slope(m_g, excess_sg)
    label = f"M = n + wN, {m_g[0]:g}..{m_g[-1]:g}"
    return [
        Check(label=label, quantity="gamma in b M^-gamma", prediction=prediction["gamma"],
              measured=Estimate(-slope.value, -slope.hi, -slope.lo), error_kind="absolute", rival=RIVAL_GAMMA),
        Check(label=label, quantity="whole curve: measured / predicted excess", prediction=1.0,
              measured=curve_ratio(excess_sg, prediction["excess"]),
              error_kind="relative", rival=float(np.mean(prediction["no_augmentation"] / prediction["excess"]))),
    ]


CLAIM = Claim(
    id="AUG-1", note=Note("AUG-1.md"),
    source="CLAIMS.md AUG-1; derived analogue of the abstract's second result (the scaling law in N)",
    quick=Aug1Config(d=5, separation=2.0, n=500, generator="perfect", n_syn=(512, 1024, 2048, 4096, 8192, 16384),
                     weight=1.0, seeds=320),
    full=Aug1Config(d=5, separation=2.0, n=500, generator="perfect",
                    n_syn=(512, 1024, 2048, 4096, 8192, 16384, 32768), weight=1.0, seeds=640),
    measure=measure, predict=predict, judge=judge, figure=figure_aug1,
    mutations=(Mutation("excess x 0.8", predict=scaled(0.8, "excess")),
               Mutation("excess x 1.2", predict=scaled(1.2, "excess")),
               Mutation("gamma - 0.2", predict=shifted(-0.2, "gamma")),
               Mutation("random oversampling measured", config=replaced(generator="ros"))),
)
