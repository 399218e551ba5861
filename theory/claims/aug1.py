"""AUG-1 of CLAIMS: augmentation with a perfect generator; excess = c (n + w^2 N)/(n + wN)^2, gamma = 1 at w = 1."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_aug1
from synthlaw.models.registry import GENERATORS, generator
from synthlaw.settings import at_least, one_of, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, every_point, replaced, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig, separation
from synthlaw.theory.experiments.augmentation import measure_augmentation
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.augmentation import per_row_constant
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, curve_ratio, curve_share, loglog_slope

RIVAL_GAMMA = 0.5


@dataclasses.dataclass(frozen=True)
class Aug1Config(SeededConfig):
    owner: ClassVar[str] = "AUG-1"
    d: int = at_least(1)
    separation: float = separation()
    n: int = rule(lambda v: v >= 4 and v % 2 == 0, ">= 4 and even (real rows, half per class)")
    generator: str = one_of(GENERATORS, "the claim is for 'perfect'")
    n_syn: tuple[int, ...] = rule(lambda v: v >= 2 and v % 2 == 0, ">= 2 and even (synthetic rows, half per class)")
    weight: tuple[float, ...] = rule(lambda v: v > 0, "> 0 (loss weights of a synthetic row, one curve each)")

    def limits(self):
        self.seeds_exceed_points("n_syn")


def measure(config, *, key, options):
    """One sweep over the weights w and the synthetic rows N."""
    points = [{"n": config.n, "n_syn": m, "weight": w} for w in config.weight for m in config.n_syn]
    return measure_augmentation(generator(config.generator), points, d=config.d, separation=config.separation,
                                seeds=config.seeds, key=key, options=options, name=config.owner)


def predict(config):
    """Per weight w, the two noise terms of c (n + w^2 N)/(n + wN)^2 on the grid (real rows c n/M^2,
    synthetic rows c w^2 N/M^2, M = n + wN), and the rival c/N, the large-N law the paper's code fits
    (a + b/N with a = 0, b = c), which leaves out the n real rows. with_curves adds the curves."""
    c = per_row_constant(config.d, config.separation)
    n_syn = np.asarray(config.n_syn, float)
    m = {w: config.n + w * n_syn for w in config.weight}
    return with_curves({"c": c, "no_augmentation": c / config.n, "m": m, "large_n": c / n_syn,
                        "real_noise": {w: c * config.n / m[w] ** 2 for w in config.weight},
                        "synthetic_noise": {w: c * w**2 * n_syn / m[w] ** 2 for w in config.weight}})


def with_curves(terms):
    """The excess per weight (sum of the noise terms) and gamma, minus its exact log-log slope in M."""
    excess = {w: terms["real_noise"][w] + terms["synthetic_noise"][w] for w in terms["m"]}
    return {**terms, "excess": excess, "gamma": {w: -loglog_slope(terms["m"][w], excess[w]) for w in excess}}


def judge(columns, config, prediction):
    """Per weight: gamma in M and the whole curve against c/N."""
    checks = []
    for w in config.weight:
        rows = np.isclose(columns["weight"], w)
        m_cols = {**columns, "m": columns["n"] + w * columns["n_syn"]}
        m_g, excess_sg = by_seed(m_cols, "excess", "m", mask=rows)
        slope = bootstrap_slope(m_g, excess_sg)
        label = f"w={w:g}, M = n + wN, {m_g[0]:g}..{m_g[-1]:g}"
        checks += [
            Check(label=label, quantity="gamma in b M^-gamma", prediction=prediction["gamma"][w],
                  measured=-slope, error_kind="absolute", rival=RIVAL_GAMMA),
            Check(label=label, quantity="whole curve: measured / predicted excess (rival c/N)", prediction=1.0,
                  measured=curve_ratio(excess_sg, prediction["excess"][w]), error_kind="relative",
                  rival=curve_share(prediction["large_n"], prediction["excess"][w])),
            every_point(label, excess_sg, prediction["excess"][w], "excess"),
        ]
    return checks


def noise_weight_w(prediction):
    """The wrong theory B = sum count * w Cov (w, not w^2, per synthetic row): c w N / (n + wN)^2."""
    return with_curves({**prediction, "synthetic_noise": {w: v / w for w, v in prediction["synthetic_noise"].items()}})


def asymptotic_gamma(prediction):
    """The wrong theory gamma = 1 (the large-M exponent) for the grid's exact slope, which w != 1 steepens."""
    return {**prediction, "gamma": {w: 1.0 for w in prediction["gamma"]}}


CLAIM = Claim(
    id="AUG-1", note=Note("AUG-1.md"),
    source="docs/claims.md AUG-1; derived analogue of the abstract's second result (the scaling law in N)",
    quick=Aug1Config(d=5, separation=2.0, n=500, generator="perfect", n_syn=(512, 1024, 2048, 4096, 8192, 16384),
                     weight=(1.0, 0.5), seeds=192),
    full=Aug1Config(d=5, separation=2.0, n=500, generator="perfect",
                    n_syn=(512, 1024, 2048, 4096, 8192, 16384, 32768), weight=(1.0, 0.5), seeds=384),
    measure=measure, predict=predict, judge=judge, figure=figure_aug1,
    mutations=(Mutation("c w N instead of c w^2 N (synthetic noise weighted by w)", predict=noise_weight_w),
               Mutation("gamma = 1 (asymptotic) instead of the grid's exact slope", predict=asymptotic_gamma),
               Mutation("excess x 0.8", predict=scaled(0.8, "excess")),
               Mutation("excess x 1.2", predict=scaled(1.2, "excess")),
               Mutation("gamma - 0.2", predict=shifted(-0.2, "gamma")),
               Mutation("random oversampling measured", config=replaced(generator="ros"))),
)
