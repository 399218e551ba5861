"""IMB-6 of CLAIMS: SMOTE or random oversampling? The excess of each over the dimension d and SMOTE's
neighbours k, from SMOTE's row law (mean kept, spread shrunk, rows tied to shared parents) fed through
the sandwich; rivals 'SMOTE is a perfect generator' and 'SMOTE equals random oversampling'.

ROS's exact excess is judged over the whole grid; SMOTE's excess and the gap SMOTE - ROS up to
judged_up_to (d = 8), where the expansion holds for SMOTE; there SMOTE's law and its O(n^-2) term are read
from a stored Monte Carlo (predictions/smote_table.py) where it has the cell. Beyond it SMOTE's fit misses
by more than the gap's size (notes/IMB-6.md, "Where the first-order theory stops"), so those points are
measured, predicted and drawn, not judged."""

import dataclasses
from typing import ClassVar, NamedTuple

import numpy as np
from scipy import stats

from synthlaw.figures.smote import figure_imb6
from synthlaw.settings import at_least
from synthlaw.sims import geometry
from synthlaw.theory.claims.check import Check, Claim, Mutation, scaled
from synthlaw.theory.claims.spec import SeededConfig, imbalance_ratio, separation
from synthlaw.theory.experiments.oversampling import ROS_SMOTE_BASES, measure_oversampling, smote_generator
from synthlaw.theory.experiments.reference import score_columns
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions import smote_table
from synthlaw.theory.predictions.oversampling import (
    copy_score_control,
    gaussian_law,
    oversampling_excess,
    random_oversampling_excess,
    random_oversampling_second_order,
)
from synthlaw.theory.predictions.smote_law import smote_excess
from synthlaw.theory.stats.controls import regression_controlled
from synthlaw.theory.stats.intervals import (
    LEVEL,
    by_seed,
    crossing,
    curve_ratio,
    curve_share,
    mean_ci,
    positive_mean_ci,
)

ROS = "ros"


@dataclasses.dataclass(frozen=True)
class Imb6Config(SeededConfig):
    owner: ClassVar[str] = "IMB-6"
    separation: float = separation()
    rho: float = imbalance_ratio()
    n_min: int = at_least(2, "real minority rows")
    d: tuple[int, ...] = at_least(2, "the SMOTE row law's reduction needs d >= 2")
    k: tuple[int, ...] = at_least(1, "SMOTE's nearest neighbours")
    judged_up_to: int = at_least(2, "the largest d at which SMOTE's excess and the gap are judged and ROS's "
                                          "exact O(n^-2) term is computed")

    def limits(self):
        if any(b <= a for a, b in zip(self.d, self.d[1:], strict=False)):
            self.fail("d", "must be increasing (the crossing dimension is read along it)")
        if self.n_min <= max(self.k):
            self.fail("n_min", f"must exceed the largest k = {max(self.k)} (SMOTE's neighbours)")
        if self.judged_up_to < self.d[0]:
            self.fail("judged_up_to", f"must be at least the smallest d = {self.d[0]} (nothing would be judged)")


def generator_names(config):
    return [ROS, *(f"smote-k{k}" for k in config.k)]


def n_maj(config):
    return int(round(config.rho * config.n_min))


def measure(config, *, key, options, ros=ROS_SMOTE_BASES):
    """Per d, one sweep whose points are ROS and SMOTE for each k on the same real rows of a seed, ROS copying the
    rows SMOTE interpolates from (ROS_SMOTE_BASES; a paired comparison): column "generator" names them. Each fit
    also returns the score of its copies (its synthetic rows replaced by their bases) at the Bayes rule, kept as
    three controls with mean exactly 0: q(S) - E q (copy_score_control) and S's first and intercept coordinates
    (E S = 0 at the Bayes rule). With shared bases, ROS's score is every SMOTE fit's copy score. ros: the ROS
    generator (benchmarks/imb6_pairing.py passes the registry's, which draws its own bases)."""
    gens = (ros, *(smote_generator(k) for k in config.k))
    names = np.array(generator_names(config))
    parts = []
    for d in config.d:
        control = copy_score_control(d, config.separation, config.n_min, n_maj(config))
        theta_ref = geometry.bayes_rule_p(*gaussian_law(d, config.separation))
        points = [{"separation": config.separation, "n_min": config.n_min, "n_maj": n_maj(config),
                   "m": n_maj(config) - config.n_min, "generator": g, "theta_ref": theta_ref} for g in range(len(gens))]
        cols = measure_oversampling(gens, points, d=d, seeds=config.seeds, key=key, options=options,
                                    name=config.owner, copy_scores=True)
        _, score_rp = score_columns(cols, d + 1)
        parts.append({"seed": cols["seed"], "generator": names[np.asarray(cols["generator"], int)],
                      "d": np.full(len(cols["seed"]), d), "excess": cols["excess"],
                      "control_copy_q": control.deviation(score_rp), "control_copy_first": score_rp[:, 0],
                      "control_copy_intercept": score_rp[:, d]})
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def predict(config):
    """Per d: ROS's excess (exact) and, per k, SMOTE's (row law and score moments by Monte Carlo of
    the generator), the perfect generator's (the rival), SMOTE's under two wrong theories (its rows as
    independent draws of their law; the curvature of copies), the gap SMOTE - ROS and the crossing dimension where SMOTE
    stops helping (crossing_dimension: nan when it never helps on the grid); ROS's O(n^-2) term (exact, IMB-5's)
    up to judged_up_to, nan beyond. SMOTE's terms come from smote_table where it stores the cell (d <= judged_up_to):
    averaged over many runs, with SMOTE's O(n^-2) term (smote_second; 0 where not stored); else from one live run.
    The gap holds both fits' O(n^-2) terms where both are carried. Allowances: the O(n^-2) remainder
    (p/n) |drift + variance| where no O(n^-2) term is carried (smote_remainder: 0 where it is) and the Monte Carlo
    error at the checks' level (notes/IMB-6.md)."""
    d_g, n_rows = np.array(config.d), 2 * n_maj(config)  # rows fitted: n_min real + m new + n_maj
    m = n_maj(config) - config.n_min
    ros = [random_oversampling_excess(d, config.separation, config.n_min, n_maj(config)) for d in config.d]
    out = {"d": d_g, "ros": np.array([t.total for t in ros]),
           "ros_remainder": np.array([remainder(d, n_rows, t) for d, t in zip(config.d, ros, strict=True)]),
           "ros_second": np.array([random_oversampling_second_order(d, config.separation, config.n_min, n_maj(config))
                                   if d <= config.judged_up_to else np.nan for d in config.d]),
           "perfect": np.array([oversampling_excess(d, config.separation, config.n_min, n_maj(config), m).total
                                for d in config.d])}
    for key in ("smote", "smote_second", "smote_carried", "smote_bias", "smote_drift", "smote_variance",
                "smote_remainder", "smote_mc", "independent", "copy_curvature", "gap", "crossing", "shrinkage"):
        out[key] = {}
    for k in config.k:
        law = [smote_law_at(config, d, k) for d in config.d]
        out["smote"][k] = np.array([s.bias + s.drift + s.variance for s in law])
        out["smote_second"][k] = np.array([s.second for s in law])
        out["smote_carried"][k] = np.array([s.stored for s in law])
        out["smote_bias"][k] = np.array([s.bias for s in law])
        out["smote_drift"][k] = np.array([s.drift for s in law])
        out["smote_variance"][k] = np.array([s.variance for s in law])
        out["smote_remainder"][k] = np.array([0.0 if s.stored else remainder(d, n_rows, s)
                                              for d, s in zip(config.d, law, strict=True)])
        out["smote_mc"][k] = np.array([s.mc for s in law])
        out["independent"][k] = np.array([s.bias + s.drift + s.independent_variance for s in law])
        out["copy_curvature"][k] = np.array([s.bias + s.drift + s.copy_curvature_variance for s in law])
        out["shrinkage"][k] = np.array([s.shrinkage for s in law])
        # the gap carries both fits' O(n^-2) terms where SMOTE's is carried (ROS's is derived there), else neither
        ros_g = out["ros"] + np.where(out["smote_carried"][k], out["ros_second"], 0.0)
        out["gap"][k] = out["smote"][k] + out["smote_second"][k] - ros_g
        out["crossing"][k] = crossing_dimension(d_g, out["gap"][k], out["smote_mc"][k])
    return out


class SmoteLaw(NamedTuple):
    """SMOTE's prediction at one (d, k): first-order terms, the O(n^-2) term carried (0 if none), the Monte
    Carlo allowance at the checks' level (both terms' errors), the wrong theories' variance terms, the shrinkage
    and whether it came from smote_table."""

    bias: float
    drift: float
    variance: float
    second: float
    mc: float
    independent_variance: float
    copy_curvature_variance: float
    shrinkage: float
    stored: bool


def smote_law_at(config, d, k) -> SmoteLaw:
    """The stored cell where smote_table has it and d <= judged_up_to (its errors z(LEVEL) standard errors plus
    the law's Monte Carlo bias, its O(n^-2) term carried); else one live run of smote_excess, no O(n^-2) term."""
    stored = smote_table.lookup(config.separation, config.n_min, n_maj(config), d, k) if d <= config.judged_up_to \
        else None
    if stored is not None:
        return SmoteLaw(stored.bias, stored.drift, stored.variance, stored.second,
                        Z_LEVEL * np.hypot(stored.total_se, stored.second_se) + stored.mc_bias,
                        stored.independent_variance, stored.copy_curvature_variance, stored.shrinkage, True)
    live = smote_excess(d, config.separation, config.n_min, n_maj(config), k)
    return SmoteLaw(*live.terms, 0.0, mc_allowance(live), live.independent_variance, live.copy_curvature_variance,
                    live.shrinkage, False)


def crossing_dimension(d_g, gap_g, mc_g) -> float:
    """Where SMOTE stops helping: the first rise of the gap SMOTE - ROS through 0 (interpolated in log d)
    after a d where SMOTE is better by more than its Monte Carlo allowance; nan if it is better nowhere
    on the grid (it never helps), inf if it never stops helping."""
    helps = np.flatnonzero(gap_g < -mc_g)
    if len(helps) == 0:
        return float("nan")
    return crossing(d_g[helps[0]:], gap_g[helps[0]:], 0.0)


Z_LEVEL = float(stats.norm.ppf(0.5 + LEVEL / 2))  # the checks' z: a Monte Carlo error's allowance is this many SEs


def mc_allowance(smote) -> float:
    """SMOTE's Monte Carlo error at the checks' level: z(LEVEL) standard errors plus its bias."""
    return Z_LEVEL * smote.mc_se + smote.mc_bias


def remainder(d, n_rows, terms):
    """The O(n^-2) remainder's estimate (p/n) |drift + variance| of one fit (as IMB-1), n the rows fitted."""
    return (d + 1) / n_rows * abs(terms.drift + terms.variance)


def judge(columns, config, prediction):
    d_lo, d_hi = config.d[0], config.d[-1]
    # the excess less its regression on the copy score's controls, per d and generator: their means are exact, so
    # it keeps the excess's mean whatever SMOTE's law and loses the spread the real rows and the bases explain
    # (notes/IMB-6.md, "Measurement: a control variate"); the figure draws the same
    columns = {**columns, "excess": regression_controlled(columns, "excess", ("d", "generator"))}
    _, ros_sg = by_seed(columns, "excess", "d", mask=columns["generator"] == ROS)
    # ROS's own checks carry its exact O(n^-2) term where it is derived (d <= judged_up_to) and no allowance
    # there; the (p/n) estimate beyond. SMOTE's carry its O(n^-2) term where smote_table stores it, and the gap both
    derived = np.isfinite(prediction["ros_second"])
    ros_pred = prediction["ros"] + np.where(derived, prediction["ros_second"], 0.0)
    ros_allowance = np.where(derived, 0.0, prediction["ros_remainder"])
    why = f"O(n^-2): (p/n) x first-order terms beyond d = {config.judged_up_to}" if not derived.all() else ""
    checks = [Check(label=f"ROS, d {d_lo}..{d_hi}",
                    quantity="whole curve: measured / predicted ROS excess (exact to O(n^-2) up to judged_up_to)",
                    prediction=1.0, measured=curve_ratio(ros_sg, ros_pred), error_kind="relative",
                    rival=curve_share(prediction["perfect"], ros_pred), allowance=ros_allowance.sum() / ros_pred.sum(),
                    allowance_why=why)]
    checks += point_checks("ROS", config.d, ros_sg, ros_pred, ros_allowance, "ROS excess",
                           "O(n^-2): (p/n) x first-order terms")
    judged = np.array(config.d) <= config.judged_up_to
    d_judged = [d for d in config.d if d <= config.judged_up_to]
    d_top = d_judged[-1]
    for k in config.k:
        _, smote_sg = by_seed(columns, "excess", "d", mask=columns["generator"] == f"smote-k{k}")
        smote_sg, ros_judged_sg = smote_sg[:, judged], ros_sg[:, judged]
        smote_pred = (prediction["smote"][k] + prediction["smote_second"][k])[judged]
        remainder_g = prediction["smote_remainder"][k][judged]
        ros_remainder = np.where(prediction["smote_carried"][k], 0.0, prediction["ros_remainder"])[judged]
        widen = remainder_g + prediction["smote_mc"][k][judged]
        gap_pred = prediction["gap"][k][judged]
        smote_why, gap_why = smote_allowance_why(d_judged, prediction["smote_carried"][k][judged], remainder_g,
                                                 ros_remainder)
        checks += [
            Check(label=f"SMOTE k={k}, d {d_lo}..{d_top}",
                  quantity="whole curve: measured / predicted SMOTE excess" + CARRIED * (not remainder_g.any()),
                  prediction=1.0, measured=curve_ratio(smote_sg, smote_pred), error_kind="relative",
                  rival=curve_share(prediction["perfect"][judged], smote_pred),
                  allowance=widen.sum() / smote_pred.sum(), allowance_why=smote_why),
            Check(label=f"SMOTE k={k} - ROS, d {d_lo}..{d_top}",
                  quantity="whole curve: measured / predicted paired gap SMOTE - ROS"
                           + CARRIED * (not (remainder_g.any() or ros_remainder.any())),
                  prediction=1.0, measured=mean_ci((smote_sg - ros_judged_sg).sum(axis=1) / gap_pred.sum()),
                  error_kind="relative", rival=0.0,
                  allowance=(widen + ros_remainder).sum() / abs(gap_pred.sum()), allowance_why=gap_why),
        ]
        checks += point_checks(f"SMOTE k={k}", d_judged, smote_sg, smote_pred, widen, "SMOTE excess", smote_why)
        checks += point_checks(f"SMOTE k={k} - ROS", d_judged, smote_sg - ros_judged_sg, gap_pred,
                               widen + ros_remainder, "paired gap SMOTE - ROS", gap_why, positive=False)
    return checks


CARRIED = " (O(n^-2) carried)"


def smote_allowance_why(d_g, carried_g, smote_remainder_g, ros_remainder_g) -> tuple[str, str]:
    """What SMOTE's and the gap's allowances hold: the Monte Carlo of SMOTE's law (stored where carried_g, else one
    live run: smote_table), and the (p/n) O(n^-2) estimate of each fit whose O(n^-2) term is not carried."""
    stored = f"smote_table: {smote_table.provenance()}"
    source = (stored if carried_g.all() else "one live run" if not carried_g.any()
              else f"{stored} at d = {', '.join(str(d) for d, c in zip(d_g, carried_g, strict=True) if c)}; "
                   "one live run elsewhere")
    law = f"Monte Carlo of the SMOTE law ({source})"
    estimated = ["SMOTE"] * bool(smote_remainder_g.any()) + ["ROS"] * bool(ros_remainder_g.any())
    estimate = f"O(n^-2) of {' and '.join(estimated)}: (p/n) x first-order terms; " if estimated else ""
    return (("O(n^-2): (p/n) x first-order terms; " if smote_remainder_g.any() else "") + law, estimate + law)


def point_checks(label, d_g, values_sg, prediction_g, allowance_g, what, why, positive=True):
    """The curve judged at each d, each point with its own allowance, beside the whole-curve ratio of sums,
    so that errors of opposite sign over d cannot cancel. An excess (positive) has positive_mean_ci, the gap,
    which may cross 0, the t-interval (mean_ci); the whole-curve checks carry the rivals."""
    interval = positive_mean_ci if positive else mean_ci
    return [Check(label=f"{label}, d {d}", quantity=f"each d: measured / predicted {what}", prediction=1.0,
                  measured=interval(values_sg[:, g] / prediction_g[g]), error_kind="relative",
                  allowance=float(allowance_g[g] / abs(prediction_g[g])), allowance_why=why if allowance_g[g] else "")
            for g, d in enumerate(d_g)]


def smote_replaced(key):
    """The prediction with SMOTE's first-order excess (and so the gap) replaced by a wrong theory's, prediction[key]."""
    def wrong(prediction):
        gap = {k: prediction["gap"][k] + v - prediction["smote"][k] for k, v in prediction[key].items()}
        return {**prediction, "smote": prediction[key], "gap": gap}
    return wrong


CLAIM = Claim(
    id="IMB-6", note=Note("IMB-6.md"),
    source="synthlaw issue 22; Blagus and Lusa (BMC Bioinformatics 2013), Xia and Klusowski (arXiv 2601.10630)",
    quick=Imb6Config(separation=2.0, rho=4.0, n_min=100, d=(2, 4, 8), k=(1, 5), judged_up_to=8, seeds=8192),
    full=Imb6Config(separation=2.0, rho=4.0, n_min=100, d=(2, 4, 8, 16, 32, 64), k=(1, 5), judged_up_to=8,
                    seeds=8192),
    measure=measure, predict=predict, judge=judge, figure=figure_imb6,
    mutations=(Mutation("SMOTE excess x 0.8", predict=scaled(0.8, "smote")),
               Mutation("SMOTE excess x 1.2", predict=scaled(1.2, "smote")),
               Mutation("SMOTE rows as independent draws of their law", predict=smote_replaced("independent")),
               Mutation("SMOTE rows with the curvature of copies (spread not shrunk)",
                        predict=smote_replaced("copy_curvature"))),
)
