"""SPU-1 of CLAIMS: ERM under a spurious attribute; the minority-group error grows as its mass p falls."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.augmentation import figure_spu1
from synthlaw.models.registry import generator
from synthlaw.settings import at_least, rule
from synthlaw.sims.geometry import bayes_group_error
from synthlaw.theory.claims.check import Check, Claim, Mutation
from synthlaw.theory.claims.spec import SeededConfig
from synthlaw.theory.experiments.reference import point_rows, score_columns
from synthlaw.theory.experiments.spurious import measure_spu, mixture_rows
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions import spurious as ps
from synthlaw.theory.stats.intervals import mean_ci


@dataclasses.dataclass(frozen=True)
class Spu1Config(SeededConfig):
    owner: ClassVar[str] = "SPU-1"
    d_core: int = at_least(1)
    d_spur: int = at_least(1)
    core: float = rule(lambda v: v > 0, "> 0 (||mu_c||)")
    spur: float = rule(lambda v: v >= 0, ">= 0 (||mu_s||)")
    p: tuple[float, ...] = rule(lambda v: 0 < v <= 0.5, "in (0, 0.5] (minority-group mass)")
    n: int = at_least(4, "real training rows")


def measure(config, *, key, options):
    """One sweep over p; each fit also returns its score at theta* (the population minimiser at its group
    counts), and minority_controlled is the mean minority-group error less the control's deviation."""
    args = (config.d_core, config.d_spur, config.core, config.spur)
    rows = [{**mixture_rows(config.n, p, False), "theta_ref": ps.minority_fit(*args, p=p, n=config.n)}
            for p in config.p]
    columns = measure_spu(rows, generator("perfect"), d_core=config.d_core, d_spur=config.d_spur, core=config.core,
                          spur=config.spur, seeds=config.seeds, key=key, options=options, name=config.owner)
    return {**columns, "minority_controlled": controlled(columns, config)}


def controlled(columns, config):
    """Per row, the mean minority-group error - (q(S) - E q), q = ps.minority_control at the row's p and
    theta_ref: the error's mean, its first-order fluctuation in the score removed (notes/SPU-1.md)."""
    args = (config.d_core, config.d_spur, config.core, config.spur)
    reference_rp, score_rp = score_columns(columns, config.d_core + config.d_spur + 1)
    out = np.asarray(columns["minority"], np.float64).copy()
    for (p,), rows in point_rows(columns, ("p",)):
        control = ps.minority_control(*args, p=float(p), n=config.n, theta_ref_p=reference_rp[rows][0])
        out[rows] -= control.deviation(score_rp[rows])
    return out


def predict(config):
    """Per p: the population ERM minimiser's worst-group and group-balanced errors, the O(1/n) drift
    and variance terms of the mean minority-group error at n rows (notes/SPU-1.md), ||w_spur||, the
    rival: the worst-group error of the training mixture's LDA rule, and, for a wrong theory, the
    variance term with the inverse Fisher information (fisher)."""
    args = (config.d_core, config.d_spur, config.core, config.spur)
    mean_gp, _ = ps.law_s(*args)
    theta_gp = np.stack([ps.erm_minimiser(*args, p) for p in config.p])
    errors_gg = np.stack([ps.group_errors(t_p, mean_gp) for t_p in theta_gp])
    terms = [ps.minority_error(*args, p=p, n=config.n) for p in config.p]
    return {"worst": errors_gg.max(axis=1), "balanced": errors_gg.mean(axis=1),
            "drift": np.array([t.drift for t in terms]), "variance": np.array([t.variance for t in terms]),
            "fisher": np.array([ps.minority_fisher_variance(*args, p=p, n=config.n) for p in config.p]),
            "spur_norm": np.linalg.norm(theta_gp[:, config.d_core:-1], axis=1),
            "lda": np.array([ps.group_errors(ps.discriminant_rule(*args, p), mean_gp).max() for p in config.p]),
            "bayes": float(bayes_group_error(config.core))}


def expected_minority(prediction):
    """E[mean minority-group error] at n rows: population worst-group error + drift + tr(H V)/2."""
    return prediction["worst"] + prediction["drift"] + prediction["variance"]


def judge(columns, config, prediction):
    checks = []
    for p, pred, rival in zip(config.p, expected_minority(prediction), prediction["lda"], strict=True):
        rows = np.isclose(columns["p"], p)
        checks.append(Check(label=f"p={p:g}, n={config.n}", quantity="mean minority-group (worst) error",
                            prediction=pred, measured=mean_ci(columns["minority_controlled"][rows]),
                            error_kind="relative", rival=rival))
    return checks


def _variance_without_half(prediction):
    return {**prediction, "variance": 2.0 * prediction["variance"]}


def _balanced_for_worst(prediction):
    return {**prediction, "worst": prediction["balanced"]}


def _drift_dropped(prediction):
    return {**prediction, "drift": np.zeros_like(prediction["drift"])}


def _fisher_for_sandwich(prediction):
    return {**prediction, "variance": prediction["fisher"]}


CLAIM = Claim(
    id="SPU-1", note=Note("SPU-1.md"),
    source="docs/claims.md SPU-1 (Setting S); the authors' code scores worst-group quantities",
    quick=Spu1Config(d_core=2, d_spur=2, core=1.0, spur=1.0, p=(0.05, 0.1, 0.2, 0.5), n=1000, seeds=2048),
    full=Spu1Config(d_core=2, d_spur=2, core=1.0, spur=1.0, p=(0.02, 0.05, 0.1, 0.2, 0.3, 0.5), n=4000, seeds=8192),
    measure=measure, predict=predict, judge=judge, figure=figure_spu1,
    mutations=(Mutation("tr(HV) instead of tr(HV)/2 in the O(1/n) term", predict=_variance_without_half),
               Mutation("the group-balanced error of the ERM limit for its worst-group error",
                        predict=_balanced_for_worst),
               Mutation("drift dropped: R(theta*) + tr(HV)/2", predict=_drift_dropped),
               Mutation("inverse Fisher information A^-1 for the sandwich V (i.i.d. rows)",
                        predict=_fisher_for_sandwich)),
)
