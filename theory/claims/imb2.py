"""IMB-2 of CLAIMS: oversampling with a perfect generator removes the bias; the rest is tr(HV)/2 ~ 1/n."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.claims import figure_imb2
from synthlaw.models.registry import GENERATORS, generator
from synthlaw.settings import at_least, one_of
from synthlaw.theory.claims.check import Check, Claim, Mutation, every_point, replaced, scaled, shifted
from synthlaw.theory.claims.spec import SeededConfig, imbalance_ratio, separation
from synthlaw.theory.experiments.oversampling import measure_oversampling
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.oversampling import fisher_variance, limit_imbalance_excess, oversampling_excess
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, curve_ratio, curve_share, loglog_slope


@dataclasses.dataclass(frozen=True)
class Imb2Config(SeededConfig):
    owner: ClassVar[str] = "IMB-2"
    d: int = at_least(1)
    separation: float = separation()
    rho: float = imbalance_ratio()
    n_min: tuple[int, ...] = at_least(2, "the minority needs two rows")
    generator: str = one_of(GENERATORS, "the generator that balances the classes; the claim is for 'perfect'")

    def limits(self):
        self.seeds_exceed_points("n_min")


def points(config):
    return [{"separation": config.separation, "n_min": n, "n_maj": int(round(config.rho * n)),
             "m": int(round(config.rho * n)) - n} for n in config.n_min]


def measure(config, *, key, options):
    return measure_oversampling(generator(config.generator), points(config), d=config.d, seeds=config.seeds, key=key,
                                options=options, name=config.owner)


def predict(config):
    """tr(HV)/2 at every n_min (the drift vanishes: the population minimiser is the Bayes rule), its
    exact log-log slope on the grid, the O(n^-2) estimate p/n for the slope, n = 2 rho n_min rows
    at the smallest n_min; the rival "reweighting", the excess of class-weighted ERM on the real rows
    alone; "fisher", tr(H A^{-1})/2, for the wrong theory below; and E(rho, Delta), what the fit pays
    without oversampling (drawn in the figure) (notes/IMB-2.md)."""
    excess = np.array([oversampling_excess(config.d, p["separation"], p["n_min"], p["n_maj"], p["m"]).total
                       for p in points(config)])
    reweighting = np.array([oversampling_excess(config.d, p["separation"], p["n_min"], p["n_maj"], 0,
                                                minority_weight=p["n_maj"] / p["n_min"]).total
                            for p in points(config)])
    fisher = np.array([fisher_variance(config.d, p["separation"], p["n_min"], p["n_maj"], p["m"])
                       for p in points(config)])
    n_g = np.asarray(config.n_min, float)
    return {"excess": excess, "n_exponent": loglog_slope(n_g, excess),
            "slope_remainder": (config.d + 1) / (2 * config.rho * n_g[0]),
            "reweighting": reweighting, "fisher": fisher,
            "no_oversampling": limit_imbalance_excess(config.rho, config.separation)}


def judge(columns, config, prediction):
    n_g, excess_sg = by_seed(columns, "excess", "n_min")
    return [
        Check(label=f"n_min {n_g[0]:g}..{n_g[-1]:g}", quantity="log-log slope in n",
              prediction=prediction["n_exponent"], measured=bootstrap_slope(n_g, excess_sg), rival=-0.5,
              error_kind="absolute",
              allowance=prediction["slope_remainder"], allowance_why="O(n^-2) on the smallest n: p/n"),
        Check(label=f"n_min {n_g[0]:g}..{n_g[-1]:g}", quantity="whole curve: measured / predicted excess",
              prediction=1.0, measured=curve_ratio(excess_sg, prediction["excess"]),
              error_kind="relative", rival=curve_share(prediction["reweighting"], prediction["excess"])),
        every_point(f"n_min {n_g[0]:g}..{n_g[-1]:g}", excess_sg, prediction["excess"], "excess"),
    ]


def fisher_information(prediction):
    """The wrong theory V = A^{-1} (rows taken as i.i.d.) in place of the sandwich A^{-1} B A^{-1}."""
    return {**prediction, "excess": prediction["fisher"]}


CLAIM = Claim(
    id="IMB-2", note=Note("IMB-2.md"),
    source="docs/claims.md IMB-2; derived analogue of the abstract's first result (the benefit of oversampling)",
    quick=Imb2Config(d=5, separation=2.0, rho=4.0, n_min=(125, 250, 500, 1000), generator="perfect", seeds=960),
    full=Imb2Config(d=5, separation=2.0, rho=4.0, n_min=(250, 500, 1000, 2000, 4000, 8000), generator="perfect",
                    seeds=400),
    measure=measure, predict=predict, judge=judge, figure=figure_imb2,
    mutations=(Mutation("excess x 0.8", predict=scaled(0.8, "excess")),
               Mutation("excess x 1.2", predict=scaled(1.2, "excess")),
               Mutation("n-exponent + 0.2", predict=shifted(0.2, "n_exponent")),
               Mutation("Fisher information A^-1 for the sandwich V", predict=fisher_information),
               Mutation("tr(HV) for tr(HV)/2", predict=scaled(2.0, "excess")),
               Mutation("plug-in generator measured", config=replaced(generator="plugin"))),
)
