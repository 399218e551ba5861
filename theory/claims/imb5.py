"""IMB-5 of CLAIMS: weights or new rows? Class-weighted ERM, random oversampling and a perfect generator,
each balancing the classes; random oversampling pays class weights' excess plus a closed-form extra variance."""

import dataclasses
import itertools
from typing import ClassVar

import numpy as np

from synthlaw.figures.weights import figure_imb5
from synthlaw.models.registry import generator
from synthlaw.settings import at_least, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, every_point, scaled
from synthlaw.theory.claims.spec import SeededConfig, separation
from synthlaw.theory.experiments.oversampling import CLASS_WEIGHTS, measure_oversampling
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.oversampling import (
    balanced_second_order,
    fisher_variance,
    oversampling_excess,
    random_oversampling_excess,
    random_oversampling_second_order,
    random_weights_excess,
)
from synthlaw.theory.stats.intervals import by_seed, curve_ratio, curve_share, mean_ci

ARMS = ("weights", "ros", "perfect")  # the sweep's generator index: CLASS_WEIGHTS, "ros", "perfect"
ARM_NAMES = {"weights": "class weights", "ros": "random oversampling", "perfect": "perfect generator"}


@dataclasses.dataclass(frozen=True)
class Imb5Config(SeededConfig):
    owner: ClassVar[str] = "IMB-5"
    d: int = at_least(1)
    separation: float = separation()
    rho: tuple[float, ...] = rule(lambda v: v > 1 and float(v).is_integer(),
                                  "an integer > 1 (rho = n_maj / n_min: the class weight is measured as rho - 1 "
                                  "exact copies of each minority row)")
    n_min: tuple[int, ...] = at_least(2, "the minority needs two rows")

    def limits(self):
        points = len(self.rho) * len(self.n_min)
        if self.seeds <= points:
            self.fail("seeds", f"must exceed the {points} points of rho x n_min (the point-by-point T^2 check)")


def points(config):
    """The grid (rho outer, n_min inner), each point with its index."""
    return [{"point": i, "rho": r, "n_min": n, "n_maj": int(r) * n}
            for i, (r, n) in enumerate(itertools.product(config.rho, config.n_min))]


def measure(config, *, key, options):
    """One sweep: every grid point for each arm, all three arms of a seed on the same real rows."""
    grid = [{"separation": config.separation, "n_min": p["n_min"], "n_maj": p["n_maj"], "m": p["n_maj"] - p["n_min"],
             "generator": arm} for arm in range(len(ARMS)) for p in points(config)]
    columns = measure_oversampling((CLASS_WEIGHTS, generator("ros"), generator("perfect")), grid, d=config.d,
                                   seeds=config.seeds, key=key, options=options, name=config.owner)
    columns["arm"] = np.array(ARMS)[columns["generator"]]
    columns["rho"] = columns["n_maj"] / columns["n_min"]
    index = {(p["n_min"], p["n_maj"]): p["point"] for p in points(config)}
    columns["point"] = np.array([index[n, m] for n, m in zip(columns["n_min"], columns["n_maj"], strict=True)])
    return columns


def predict(config):
    """Per arm, E[excess] at every grid point to O(n^-2): the sandwich's O(1/n) term (oversampling_excess;
    random oversampling as ERM with Multinomial copy weights, random_oversampling_excess) plus the O(n^-2)
    term (balanced_second_order; random_oversampling_second_order), every arm's limit being the Bayes rule;
    "gap", random oversampling's excess minus class weights'; the wrong theories' "fisher" (class weights
    with V = A^{-1}) and "bootstrap" (random oversampling as n_maj rows drawn with replacement, the
    originals resampled too), each with the same O(n^-2) term as the arm it replaces (notes/IMB-5.md)."""
    d, sep, grid = config.d, config.separation, points(config)

    def per_point(term):
        return np.array([term(p["n_min"], p["n_maj"], p["rho"]) for p in grid])

    weights_second = per_point(lambda n, big, rho: balanced_second_order(d, sep, n, big, 0, rho))
    ros_second = per_point(lambda n, big, rho: random_oversampling_second_order(d, sep, n, big))
    excess = {
        "weights": weights_second + per_point(
            lambda n, big, rho: oversampling_excess(d, sep, n, big, 0, minority_weight=rho).total),
        "ros": ros_second + per_point(lambda n, big, rho: random_oversampling_excess(d, sep, n, big).total),
        "perfect": per_point(lambda n, big, rho: oversampling_excess(d, sep, n, big, big - n).total
                             + balanced_second_order(d, sep, n, big, big - n))}
    bootstrap = ros_second + per_point(
        lambda n, big, rho: random_weights_excess(d, sep, n, big, rho, rho**2 + rho * (1 - 1 / n)).total)
    fisher = weights_second + per_point(
        lambda n, big, rho: fisher_variance(d, sep, n, big, 0, minority_weight=rho))
    return {"excess": excess, "gap": excess["ros"] - excess["weights"], "fisher": fisher, "bootstrap": bootstrap}


RIVALS = {"ros": ("weights", "random oversampling = reweighting"),
          "perfect": ("weights", "new rows add nothing that reweighting does not")}


def judge(columns, config, prediction):
    grid = f"rho {'/'.join(f'{r:g}' for r in config.rho)} x n_min {'/'.join(str(n) for n in config.n_min)}"
    checks, paired = [], {}
    for arm in ARMS:
        _, paired[arm] = by_seed(columns, "excess", "point", mask=columns["arm"] == arm)
        predicted = prediction["excess"][arm]
        rival = RIVALS.get(arm)
        checks += [
            Check(label=f"{ARM_NAMES[arm]}, {grid}", quantity="whole curve: measured / predicted excess",
                  prediction=1.0, measured=curve_ratio(paired[arm], predicted), error_kind="relative",
                  rival=None if rival is None else curve_share(prediction["excess"][rival[0]], predicted)),
            every_point(f"{ARM_NAMES[arm]}, {grid}", paired[arm], predicted, "excess"),
        ]
    gap_s = (paired["ros"] - paired["weights"]).sum(axis=1) / prediction["gap"].sum()
    checks.append(Check(
        label=f"random oversampling - class weights, same rows, {grid}",
        quantity="whole curve: measured / predicted extra variance of the copies", prediction=1.0,
        measured=mean_ci(gap_s), error_kind="relative", rival=0.0))
    return checks


def ros_as_new_rows(prediction):
    """The wrong theory: the m copies counted as m independent rows (random oversampling = the perfect generator)."""
    ros = prediction["excess"]["perfect"]
    return {**prediction, "excess": {**prediction["excess"], "ros": ros}, "gap": ros - prediction["excess"]["weights"]}


def weights_fisher(prediction):
    """The wrong theory: class-weighted ERM's variance V = A^{-1}, the weighted loss taken as a likelihood."""
    return {**prediction, "excess": {**prediction["excess"], "weights": prediction["fisher"]}}


def ros_bootstrap(prediction):
    """The wrong theory: random oversampling as a bootstrap, n_maj minority rows drawn with replacement
    (weights ~ Multinomial(n_maj, 1/n_min): the originals resampled too, E[w^2] = rho^2 + rho (1 - 1/n_min))."""
    ros = prediction["bootstrap"]
    return {**prediction, "excess": {**prediction["excess"], "ros": ros}, "gap": ros - prediction["excess"]["weights"]}


CLAIM = Claim(
    id="IMB-5", note=Note("IMB-5.md"),
    source="docs/claims.md IMB-5; synthlaw issue 22 (random oversampling, class weights and new rows compared)",
    quick=Imb5Config(d=5, separation=2.0, rho=(2.0, 4.0), n_min=(100, 200), seeds=2048),
    full=Imb5Config(d=5, separation=2.0, rho=(2.0, 4.0, 8.0), n_min=(100, 200, 400), seeds=4096),
    measure=measure, predict=predict, judge=judge, figure=figure_imb5,
    mutations=(Mutation("every excess and the gap x 0.8", predict=scaled(0.8, "excess", "gap")),
               Mutation("every excess and the gap x 1.2", predict=scaled(1.2, "excess", "gap")),
               Mutation("random oversampling counted as m new rows (the perfect generator)", predict=ros_as_new_rows),
               Mutation("class weights with the Fisher variance A^-1", predict=weights_fisher),
               Mutation("random oversampling as a bootstrap of n_maj rows", predict=ros_bootstrap)),
)
