"""IMB-4 of CLAIMS: random oversampling, SMOTE, plug-in and perfect generator side by side (reported)."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.claims import figure_imb4
from synthlaw.models.registry import GENERATORS, generator
from synthlaw.settings import at_least, one_of
from synthlaw.theory.claims.check import Claim
from synthlaw.theory.claims.spec import SeededConfig, imbalance_ratio, separation
from synthlaw.theory.experiments.oversampling import measure_oversampling
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.oversampling import limit_imbalance_excess

NO_OVERSAMPLING = "none"


@dataclasses.dataclass(frozen=True)
class Imb4Config(SeededConfig):
    owner: ClassVar[str] = "IMB-4"
    separation: float = separation()
    rho: float = imbalance_ratio()
    n_min: tuple[int, ...] = at_least(2, "real minority rows")
    d_for_n: int = at_least(1)
    d: tuple[int, ...] = at_least(1)
    n_min_for_d: int = at_least(2)
    generators: tuple[str, ...] = one_of((NO_OVERSAMPLING, *GENERATORS), "'none' is the unbalanced fit")

    def limits(self):
        need = max(5, self.d_for_n)
        if min(self.n_min) <= need:
            self.fail("n_min", f"must exceed {need} (SMOTE's 5 neighbours and the plug-in's covariance at d_for_n)")
        if self.n_min_for_d <= max(self.d):
            self.fail("n_min_for_d", f"must exceed the largest d = {max(self.d)} (the plug-in's covariance)")


def measure(config, *, key, options):
    """Excess for each generator against n_min (at d_for_n) and against d (at n_min_for_d).

    One sweep per dimension d serves every generator and both panels: a point's generator is an
    index into the sweep's generators ('none' adds no rows), so each seed's generators are
    compared on the same real rows, and the whole claim compiles one program per d.
    """
    names = [name for name in config.generators if name != NO_OVERSAMPLING]
    gens = tuple(generator(name) for name in names)
    parts = []
    for d in sorted(set(config.d) | {config.d_for_n}):
        panels = [("n_min", config.n_min)] * (d == config.d_for_n) + [("d", (config.n_min_for_d,))] * (d in config.d)
        sizes = sorted({n for _, panel_sizes in panels for n in panel_sizes})
        points = [{"separation": config.separation, "n_min": n, "n_maj": int(round(config.rho * n)),
                   "m": 0 if name == NO_OVERSAMPLING else int(round(config.rho * n)) - n,
                   "generator": 0 if name == NO_OVERSAMPLING else names.index(name)}
                  for name in config.generators for n in sizes]
        cols = measure_oversampling(gens, points, d=d, seeds=config.seeds, key=key, options=options,
                                    name=config.owner)
        generator_r = np.arange(len(cols["seed"])) // len(sizes) % len(config.generators)
        cols["generator"] = np.array(config.generators)[generator_r]
        for panel, panel_sizes in panels:
            keep = np.isin(cols["n_min"], panel_sizes)
            parts.append({**{k: v[keep] for k, v in cols.items()}, "panel": np.full(keep.sum(), panel),
                          "d": np.full(keep.sum(), d)})
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def predict(config):
    return {"no_oversampling": limit_imbalance_excess(config.rho, config.separation)}


def judge(columns, config, prediction):
    return []


CLAIM = Claim(
    id="IMB-4", note=Note("IMB-4.md"),
    source="docs/claims.md IMB-4; the authors' code compares these oversamplers (reported, not pass/fail)",
    quick=Imb4Config(separation=2.0, rho=4.0, n_min=(50, 100, 200, 400), d_for_n=5, d=(2, 5, 10, 20),
                     n_min_for_d=200, generators=("none", "ros", "smote", "plugin", "perfect"), seeds=32),
    full=Imb4Config(separation=2.0, rho=4.0, n_min=(25, 50, 100, 200, 400, 800), d_for_n=5, d=(2, 5, 10, 20, 40),
                    n_min_for_d=200, generators=("none", "ros", "smote", "plugin", "perfect"), seeds=128),
    measure=measure, predict=predict, judge=judge, figure=figure_imb4, reported_only=True,
)
