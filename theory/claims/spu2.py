"""SPU-2 of CLAIMS: balancing the groups with a perfect generator; excess ~ 1/(n + N), spurious weight -> 0."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_spu2
from synthlaw.models.registry import GENERATORS, generator
from synthlaw.settings import at_least, one_of, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, every_point, replaced, scaled
from synthlaw.theory.claims.spec import SeededConfig
from synthlaw.theory.experiments.reference import point_rows, score_columns
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

    def limits(self):
        self.seeds_exceed_points("n")


def measure(config, *, key, options):
    """One sweep over n; each fit also returns its score at theta* (the Bayes rule), and excess_controlled and
    spur_sq_controlled are the excess and ||w_spur||^2 less their controls' deviations (controlled)."""
    theta_p = ps.balanced_fit(config.d_core, config.d_spur, config.core, config.spur)
    columns = measure_spu([{**mixture_rows(n, config.p, True), "theta_ref": theta_p} for n in config.n],
                          generator(config.generator), d_core=config.d_core, d_spur=config.d_spur, core=config.core,
                          spur=config.spur, seeds=config.seeds, key=key, options=options, name=config.owner)
    return {**columns, **controlled(columns, config)}


def controlled(columns, config):
    """Per row, the excess and ||w_spur||^2 less q(S) - E q of their controls (ps.balanced_controls at the row's
    n and theta_ref): their means, the first-order fluctuation in the score removed (notes/SPU-2.md)."""
    args = (config.d_core, config.d_spur, config.core, config.spur)
    reference_rp, score_rp = score_columns(columns, config.d_core + config.d_spur + 1)
    excess = np.asarray(columns["excess"], np.float64).copy()
    spur_sq = np.asarray(columns["spur_norm"], np.float64) ** 2
    for (n,), rows in point_rows(columns, ("n",)):
        excess_control, spur_control = ps.balanced_controls(*args, p=config.p, n=int(n),
                                                            theta_ref_p=reference_rp[rows][0])
        excess[rows] -= excess_control.deviation(score_rp[rows])
        spur_sq[rows] -= spur_control.deviation(score_rp[rows])
    return {"excess_controlled": excess, "spur_sq_controlled": spur_sq}


def predict(config):
    """tr(HV)/2 and E||w_spur||^2 = tr(V_spur) at every n (V the sandwich), each with its O(n^-2) term
    (predictions.spurious.balanced_terms), and the same with the inverse Fisher information for V
    (a wrong theory, kept for the mutation)."""
    terms = [ps.balanced_terms(config.d_core, config.d_spur, config.core, config.spur, p=config.p, n=n)
             for n in config.n]

    def curve(covariance, field):  # covariance: "sandwich" or "fisher"; field: "excess" or "spur_sq"
        return np.array([getattr(getattr(t, covariance), field) + getattr(t.second, field) for t in terms])

    return {"excess": curve("sandwich", "excess"), "spur_sq": curve("sandwich", "spur_sq"),
            "excess_fisher": curve("fisher", "excess"), "spur_sq_fisher": curve("fisher", "spur_sq")}


def judge(columns, config, prediction):
    """Rival of the curves: the synthetic rows carry no information, variance ~ 1/n instead of
    1/(n + N), i.e. the prediction times (n + N)/n."""
    n_g, excess_sg = by_seed(columns, "excess_controlled", "n")
    _, spur_sg = by_seed(columns, "spur_sq_controlled", "n")
    label = f"n {n_g[0]:g}..{n_g[-1]:g}, balanced"
    real_only = float(np.mean([4 * r["n_major"] / r["n"] for r in (mixture_rows(n, config.p, True) for n in config.n)]))
    return [
        Check(label=label, quantity="log-log slope in n + N",
              prediction=loglog_slope(np.asarray(config.n, float), prediction["excess"]),
              measured=bootstrap_slope(n_g, excess_sg), error_kind="absolute", rival=-0.5),
        Check(label=label, quantity="whole curve: measured / predicted excess", prediction=1.0,
              measured=curve_ratio(excess_sg, prediction["excess"]), error_kind="relative", rival=real_only),
        Check(label=label, quantity="whole curve: measured / predicted ||w_spur||^2", prediction=1.0,
              measured=curve_ratio(spur_sg, prediction["spur_sq"]), error_kind="relative", rival=real_only),
        # ||w_spur||^2 is not judged point by point: a squared norm over d_spur = 2 coordinates is
        # chi^2-like per seed, and its T^2 region (which assumes near-Gaussian seeds) covered 96% at
        # 99% and 98% at 99.9% over 100 calibration runs, pivot mean -0.33 (0.11): miscalibrated.
        # Measured before the T^2 cut's centre was jackknifed (a7c7815) and not remeasured since.
        every_point(label, excess_sg, prediction["excess"], "excess"),
    ]


def _fisher(prediction):
    return {**prediction, "excess": prediction["excess_fisher"], "spur_sq": prediction["spur_sq_fisher"]}


CLAIM = Claim(
    id="SPU-2", note=Note("SPU-2.md"),
    source="docs/claims.md SPU-2 (Setting S); derived analogue of the abstract's second result for groups",
    quick=Spu2Config(d_core=2, d_spur=2, core=1.0, spur=1.0, p=0.1, n=(500, 1000, 2000, 4000), generator="perfect",
                     seeds=192),
    full=Spu2Config(d_core=2, d_spur=2, core=1.0, spur=1.0, p=0.1, n=(250, 500, 1000, 2000, 4000, 8000),
                    generator="perfect", seeds=400),
    measure=measure, predict=predict, judge=judge, figure=figure_spu2,
    mutations=(Mutation("tr(HV) instead of tr(HV)/2", predict=scaled(2.0, "excess")),
               Mutation("inverse Fisher information A^-1 instead of the sandwich A^-1 B A^-1 (i.i.d. rows)",
                        predict=_fisher),
               Mutation("plug-in generator measured", config=replaced(generator="plugin"))),
)
