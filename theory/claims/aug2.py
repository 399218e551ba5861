"""AUG-2 of CLAIMS: augmentation with a fitted generator; a + b/M, b = c_s - 2na, floor a ~ 1/n_gen."""

import dataclasses
import functools
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_aug2
from synthlaw.models.registry import GENERATORS, generator
from synthlaw.settings import at_least, one_of, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, replaced, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig, separation
from synthlaw.theory.experiments.augmentation import measure_augmentation
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.augmentation import excess_law, per_row_constant, plugin_floor
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, curve_ratio, loglog_slope
from synthlaw.theory.stats.scaling_law import bootstrap_inverse_quadratic, bootstrap_law, fit_law

RIVAL_GAMMA = 0.5


@dataclasses.dataclass(frozen=True)
class Aug2Config(SeededConfig):
    owner: ClassVar[str] = "AUG-2"
    d: int = at_least(1)
    separation: float = separation()
    n: tuple[int, ...] = rule(lambda v: v >= 4 and v % 2 == 0, ">= 4 and even (real rows of each regime)")
    n_gen: tuple[int, ...] = at_least(24, "generator-fit rows of each regime; n_gen/2 per class must exceed d")
    n_gen_floor: tuple[int, ...] = at_least(24, "generator-fit rows of the floor panel")
    generator: str = one_of(GENERATORS, "the claim is for 'plugin', fitted on n_gen rows")
    n_syn: tuple[int, ...] = rule(lambda v: v >= 2 and v % 2 == 0, ">= 2 and even (synthetic rows, half per class)")
    weight: float = rule(lambda v: v > 0, "> 0 (loss weight of a synthetic row)")

    def limits(self):
        if len(self.n) != len(self.n_gen):
            self.fail("n", f"must pair with n_gen = {list(self.n_gen)} (one n per regime)")


@functools.lru_cache(maxsize=64)
def gen_floor(d, separation, n_gen):
    """a for a plug-in fitted on n_gen real rows (n_gen/2 per class)."""
    return plugin_floor(d, separation, n_gen // 2)


def measure(config, *, key, options):
    """Panel 'curve': excess against N per regime (n, n_gen); panel 'floor': generator-only fits (n = 0)."""
    gen = generator(config.generator)
    law = {"d": config.d, "separation": config.separation, "weight": config.weight, "seeds": config.seeds}
    curve = [{"n": n, "n_syn": m, "n_gen": g} for n, g in zip(config.n, config.n_gen, strict=True)
             for m in config.n_syn]
    floor = [{"n": 0, "n_syn": config.n_syn[-1], "n_gen": g} for g in config.n_gen_floor]
    columns = measure_augmentation(gen, curve + floor, **law, key=key, options=options,
                                   name=config.owner)  # one sweep, one compiled program
    columns["panel"] = np.tile(["curve"] * len(curve) + ["floor"] * len(floor), config.seeds)
    return columns


def predict(config):
    """c, a(n_gen); per regime the law's curve on the grid, its b = c w - 2na in a + b/M + e/M^2
    (exact, so the grid needs no allowance), gamma of the exact curve fitted on the grid; the floors
    a(n_gen) + c/(wN) and their exact slope in n_gen."""
    d, sep, w = config.d, config.separation, config.weight
    c = per_row_constant(d, sep)
    n_syn = np.asarray(config.n_syn, float)
    out = {"c": c, "a": {}, "curve": {}, "b": {}, "gamma": {}, "no_augmentation": {}}
    for n, g in zip(config.n, config.n_gen, strict=True):
        a, m_g = gen_floor(d, sep, g), n + w * n_syn
        out["a"][g] = a
        out["curve"][g] = excess_law(n_syn, n, w, c, a)
        out["b"][g] = c * w - 2 * n * a
        out["gamma"][g] = fit_law(m_g, out["curve"][g]).gamma
        out["no_augmentation"][g] = c / n
    gens = np.asarray(config.n_gen_floor, float)
    out["floor"] = np.array([gen_floor(d, sep, int(g)) for g in gens]) + c / (w * n_syn[-1])
    out["floor_exponent"] = loglog_slope(gens, out["floor"])
    return out


def judge(columns, config, prediction):
    """Floor slope in n_gen; per regime b against c_s - 2na, the whole curve, and gamma where it falls."""
    m_cols = {**columns, "m": columns["n"] + config.weight * columns["n_syn"]}
    gens, floor_sg = by_seed(columns, "excess", "n_gen", mask=columns["panel"] == "floor")
    checks = [Check(label=f"n = 0, n_gen {gens[0]:g}..{gens[-1]:g}", quantity="log-log slope of floor in n_gen",
                    prediction=prediction["floor_exponent"], measured=bootstrap_slope(gens, floor_sg), rival=0.0,
                    error_kind="absolute")]
    for n, g in zip(config.n, config.n_gen, strict=True):
        rows = (columns["panel"] == "curve") & (columns["n_gen"] == g)
        m_g, excess_sg = by_seed(m_cols, "excess", "m", mask=rows)
        b = prediction["b"][g]
        label = f"n={n}, n_gen={g} ({'falls' if b > 0 else 'rises'})"
        checks += [
            Check(label=label, quantity="b = c_s - 2na in a + b/M + e/M^2", prediction=b,
                  measured=bootstrap_inverse_quadratic(m_g, excess_sg)["b"], error_kind="relative", rival=0.0),
            Check(label=label, quantity="whole curve: measured / predicted excess", prediction=1.0,
                  measured=curve_ratio(excess_sg, prediction["curve"][g]),
                  rival=float(np.mean(prediction["no_augmentation"][g] / prediction["curve"][g])),
                  error_kind="relative"),
        ]
        if b > 0:
            checks.append(Check(label=label, quantity="gamma in a + b M^-gamma", prediction=prediction["gamma"][g],
                                measured=bootstrap_law(m_g, excess_sg)["gamma"], rival=RIVAL_GAMMA,
                                error_kind="absolute"))
    return checks


CLAIM = Claim(
    id="AUG-2", note=Note("AUG-2.md"),
    source="CLAIMS.md AUG-2; derived analogue of the abstract's second result (a scaling law down to a floor)",
    quick=Aug2Config(d=5, separation=2.0, n=(2000, 500), n_gen=(400, 40000), n_gen_floor=(400, 800, 1600, 3200),
                     generator="plugin", n_syn=(512, 1024, 2048, 4096, 8192, 16384), weight=1.0, seeds=192),
    full=Aug2Config(d=5, separation=2.0, n=(2000, 500), n_gen=(400, 40000), n_gen_floor=(400, 800, 1600, 3200, 6400),
                    generator="plugin", n_syn=(512, 1024, 2048, 4096, 8192, 16384, 32768), weight=1.0, seeds=256),
    measure=measure, predict=predict, judge=judge, figure=figure_aug2,
    mutations=(Mutation("curves x 0.8", predict=scaled(0.8, "curve")),
               Mutation("curves x 1.2", predict=scaled(1.2, "curve")),
               Mutation("floor exponent + 0.2", predict=shifted(0.2, "floor_exponent")),
               Mutation("perfect generator measured", config=replaced(generator="perfect"))),
)
