"""AUG-2 of CLAIMS: augmentation with a fitted generator; (c n + c w^2 N)/M^2 + (wN/M)^2 a, b = c w - 2na,
floor a ~ 1/n_gen."""

import dataclasses
import functools
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_aug2
from synthlaw.models.registry import GENERATORS, generator
from synthlaw.settings import at_least, one_of, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, every_point, replaced, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig, separation
from synthlaw.theory.experiments.augmentation import measure_augmentation
from synthlaw.theory.experiments.reference import point_rows
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.augmentation import (
    per_row_constant,
    plugin_floor,
    plugin_floor_control,
    plugin_moment_errors,
)
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, curve_ratio, curve_share, loglog_slope
from synthlaw.theory.stats.scaling_law import bootstrap_inverse_quadratic, bootstrap_law, fit_inverse_quadratic, fit_law

RIVAL_GAMMA = 0.5
RIVAL_FLOOR_EXPONENT = -0.5  # a generator error at the uniform-convergence rate n_gen^-1/2


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
    weight: tuple[float, ...] = rule(lambda v: v > 0, "> 0 (loss weight of a synthetic row, one per regime)")

    def limits(self):
        self.seeds_exceed_points("n_syn", "n_gen_floor")
        if len(self.n) != len(self.n_gen):
            self.fail("n", f"must pair with n_gen = {list(self.n_gen)} (one n per regime)")
        if len(self.weight) != len(self.n_gen):
            self.fail("weight", f"must pair with n_gen = {list(self.n_gen)} (one w per regime)")


@functools.lru_cache(maxsize=64)
def gen_floor(d, separation, n_gen):
    """a for a plug-in fitted on n_gen real rows (n_gen/2 per class)."""
    return plugin_floor(d, separation, n_gen // 2)


def measure(config, *, key, options):
    """Panel 'curve': excess against N per regime (n, n_gen, w); panel 'floor': generator-only fits
    (n = 0, w = 1: with no real rows w cancels). excess_controlled is the excess less the generator control's
    deviation (controlled)."""
    gen = generator(config.generator)
    curve = [{"n": n, "n_syn": m, "n_gen": g, "weight": w}
             for n, g, w in zip(config.n, config.n_gen, config.weight, strict=True) for m in config.n_syn]
    floor = [{"n": 0, "n_syn": config.n_syn[-1], "n_gen": g, "weight": 1.0} for g in config.n_gen_floor]
    columns = measure_augmentation(gen, curve + floor, d=config.d, separation=config.separation, seeds=config.seeds,
                                   key=key, options=options, name=config.owner, moments=True)  # one sweep, one program
    columns["panel"] = np.tile(["curve"] * len(curve) + ["floor"] * len(floor), config.seeds)
    return {**columns, "excess_controlled": controlled(columns, config)}


def controlled(columns, config):
    """Per row, excess - s^2 (q - a) with q - a the plug-in generators' control (plugin_floor_control) at the
    row's n_gen and s = wN/M the synthetic rows' share of the fit (1 on the floor panel): the excess's mean,
    the spread of the generators' fitting error removed (its pull on the fit is s dtheta_gen to first order;
    notes/AUG-2.md)."""
    d = config.d
    mean_skd = np.stack([columns[f"gen_mean_{j}"] for j in range(2 * d)], axis=1).reshape(-1, 2, d)
    cov_skdd = np.stack([columns[f"gen_cov_{j}"] for j in range(2 * d * d)], axis=1).reshape(-1, 2, d, d)
    synthetic = columns["weight"] * columns["n_syn"]
    share = synthetic / (columns["n"] + synthetic)
    errors_sx = plugin_moment_errors(d, config.separation, mean_skd, cov_skdd)
    out = np.asarray(columns["excess"], np.float64).copy()
    for (g,), rows in point_rows(columns, ("n_gen",)):
        control = plugin_floor_control(d, config.separation, int(g) // 2)
        out[rows] -= share[rows] ** 2 * control.deviation(errors_sx[rows])
    return out


def predict(config):
    """c, a(n_gen) and, per regime, the three terms of the law on the grid: real-row noise c n/M^2,
    synthetic-row noise c w^2 N/M^2 and the pull s^2 a with s = wN/M the synthetic rows' share of the
    fit, M = n + wN; the floor panel's a(n_gen)
    and c/N (n = 0). with_laws adds the curves, b, gamma and the floor's slope."""
    d, sep = config.d, config.separation
    c = per_row_constant(d, sep)
    n_syn = np.asarray(config.n_syn, float)
    out = {"c": c, "weight": {}, "m": {}, "share": {}, "a": {}, "real_noise": {}, "synthetic_noise": {}, "pull": {},
           "no_augmentation": {}}
    for n, g, w in zip(config.n, config.n_gen, config.weight, strict=True):
        a, m_g = gen_floor(d, sep, g), n + w * n_syn
        out["weight"][g], out["m"][g], out["a"][g], out["no_augmentation"][g] = w, m_g, a, c / n
        out["share"][g] = w * n_syn / m_g
        out["real_noise"][g] = c * n / m_g**2
        out["synthetic_noise"][g] = c * w**2 * n_syn / m_g**2
        out["pull"][g] = out["share"][g] ** 2 * a
    out["floor_gens"] = np.asarray(config.n_gen_floor, float)
    out["floor_a"] = np.array([gen_floor(d, sep, g) for g in config.n_gen_floor])
    out["floor_noise"] = np.full(len(config.n_gen_floor), c / n_syn[-1])
    return with_laws(out)


def with_laws(terms):
    """curve: the sum of the three terms; b: the 1/M coefficient of the exact a + b/M + e/M^2 through
    the curve (c w - 2na); gamma of the exact curve fitted on the grid; the rival per regime: the law
    a + b/N with b = 0 (the b check's rival), the floor a at every N; the floor panel a + c/N, its
    exact slope in n_gen and its rival, a
    floor falling at the uniform-convergence rate n_gen^-1/2 from the smallest n_gen."""
    out = {**terms, "curve": {}, "b": {}, "gamma": {}, "rival": {}}
    for g, m_g in terms["m"].items():
        curve = terms["real_noise"][g] + terms["synthetic_noise"][g] + terms["pull"][g]
        out["curve"][g], out["b"][g] = curve, fit_inverse_quadratic(m_g, curve)[1]
        out["gamma"][g] = fit_law(m_g, curve).gamma
        out["rival"][g] = curve_share(np.full(len(curve), terms["a"][g]), curve)
    gens = terms["floor_gens"]
    out["floor"] = terms["floor_a"] + terms["floor_noise"]
    out["floor_exponent"] = loglog_slope(gens, out["floor"])
    out["floor_rival"] = curve_share(out["floor"][0] * np.sqrt(gens[0] / gens), out["floor"])
    return out


def judge(columns, config, prediction):
    """Floor panel: slope in n_gen and measured / predicted; per regime b against c w - 2na, the whole
    curve, and gamma where it falls."""
    gens, floor_sg = by_seed(columns, "excess_controlled", "n_gen", mask=columns["panel"] == "floor")
    label = f"n = 0, N = {config.n_syn[-1]}, n_gen {gens[0]:g}..{gens[-1]:g}"
    checks = [Check(label=label, quantity="log-log slope of floor in n_gen", prediction=prediction["floor_exponent"],
                    measured=bootstrap_slope(gens, floor_sg), rival=RIVAL_FLOOR_EXPONENT, error_kind="absolute"),
              Check(label=label, quantity="floor: measured / predicted a(n_gen) + c/N (rival n_gen^-1/2)",
                    prediction=1.0, measured=curve_ratio(floor_sg, prediction["floor"]),
                    rival=prediction["floor_rival"], error_kind="relative"),
              every_point(label, floor_sg, prediction["floor"], "floor")]
    for n, g, w in zip(config.n, config.n_gen, config.weight, strict=True):
        rows = (columns["panel"] == "curve") & (columns["n_gen"] == g)
        m_g, excess_sg = by_seed({**columns, "m": columns["n"] + w * columns["n_syn"]}, "excess_controlled", "m",
                                 mask=rows)
        b = prediction["b"][g]
        label = f"n={n}, n_gen={g}, w={w:g} ({'falls' if b > 0 else 'rises'})"
        checks += [
            Check(label=label, quantity="b = c w - 2na in a + b/M + e/M^2", prediction=b,
                  measured=bootstrap_inverse_quadratic(m_g, excess_sg)["b"], error_kind="relative", rival=0.0),
            Check(label=label, quantity="whole curve: measured / predicted excess (rival: the floor a, b = 0)",
                  prediction=1.0,
                  measured=curve_ratio(excess_sg, prediction["curve"][g]), rival=prediction["rival"][g],
                  error_kind="relative"),
            every_point(label, excess_sg, prediction["curve"][g], "excess"),
        ]
        if b > 0:
            checks.append(Check(label=label, quantity="gamma in a + b M^-gamma", prediction=prediction["gamma"][g],
                                measured=bootstrap_law(m_g, excess_sg)["gamma"], rival=RIVAL_GAMMA,
                                error_kind="absolute"))
    return checks


def noise_weight_w(prediction):
    """The wrong theory B = sum count * w Cov (w, not w^2, per synthetic row): c w N / M^2."""
    noise = {g: v / prediction["weight"][g] for g, v in prediction["synthetic_noise"].items()}
    return with_laws({**prediction, "synthetic_noise": noise})


def linear_pull(prediction):
    """The wrong theory (wN/M) a for (wN/M)^2 a: the generator's excess paid in proportion to the
    fit's share of the way to theta_gen, not in its square (the risk's bowl)."""
    return with_laws({**prediction, "pull": {g: s * prediction["a"][g] for g, s in prediction["share"].items()}})


def floor_without_sampling(prediction):
    """The wrong theory: the floor panel's excess is the generator's a(n_gen) alone, the fit's own sampling
    term c/N forgotten (N = 16384 rows taken for infinitely many): 9% below the quick floor panel."""
    return with_laws({**prediction, "floor_noise": np.zeros_like(prediction["floor_noise"])})


CLAIM = Claim(
    id="AUG-2", note=Note("AUG-2.md"),
    source="docs/claims.md AUG-2; derived analogue of the abstract's second result (a scaling law down to a floor)",
    quick=Aug2Config(d=5, separation=2.0, n=(2000, 500), n_gen=(400, 40000), n_gen_floor=(400, 800, 1600, 3200),
                     generator="plugin", n_syn=(512, 1024, 2048, 4096, 8192, 16384), weight=(1.0, 0.5), seeds=192),
    full=Aug2Config(d=5, separation=2.0, n=(2000, 500), n_gen=(400, 40000), n_gen_floor=(400, 800, 1600, 3200, 6400),
                    generator="plugin", n_syn=(512, 1024, 2048, 4096, 8192, 16384, 32768), weight=(1.0, 0.5),
                    seeds=256),
    measure=measure, predict=predict, judge=judge, figure=figure_aug2,
    mutations=(Mutation("c w N instead of c w^2 N (synthetic noise weighted by w)", predict=noise_weight_w),
               Mutation("pull (wN/M) a instead of (wN/M)^2 a", predict=linear_pull),
               Mutation("floor a(n_gen) without its sampling term c/N", predict=floor_without_sampling),
               Mutation("curves x 0.8", predict=scaled(0.8, "curve", "floor")),
               Mutation("curves x 1.2", predict=scaled(1.2, "curve", "floor")),
               Mutation("floor exponent + 0.2", predict=shifted(0.2, "floor_exponent")),
               Mutation("perfect generator measured", config=replaced(generator="perfect"))),
)
