"""GEN-2 of CLAIMS: a tabular transformer as an oversampler, side by side with the baselines (reported)."""

import dataclasses
from typing import ClassVar

from synthlaw.figures.generation import figure_gen2
from synthlaw.models.registry import GENERATORS, generator
from synthlaw.models.tabular_transformer import TabularConfig
from synthlaw.models.transformer_training import TrainConfig
from synthlaw.settings import above, at_least, one_of
from synthlaw.theory.claims.check import Claim
from synthlaw.theory.claims.spec import TransformerSize, imbalance_ratio, separation
from synthlaw.theory.experiments.generation import measure_oversamplers
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.oversampling import limit_imbalance_excess


@dataclasses.dataclass(frozen=True)
class Gen2Config(TransformerSize):
    owner: ClassVar[str] = "GEN-2"
    separation: float = separation()
    rho: float = imbalance_ratio()
    n_min: int = at_least(2)
    d: tuple[int, ...] = at_least(1)
    generators: tuple[str, ...] = one_of(GENERATORS, "baselines scored beside the transformer")
    n_bins: int = at_least(2, "quantile bins per column")
    batch: int = at_least(1, "rows per training step")
    temperature: float = above(0, "softmax temperature of sampling")
    seeds: int = at_least(1)

    def limits(self):
        super().limits()
        if self.n_min <= max(5, max(self.d)):
            self.fail("n_min", f"must exceed {max(5, max(self.d))} (SMOTE's 5 neighbours and the plug-in's covariance)")


def measure(config, *, key, options):
    """One tabular transformer per seed and d beside the named generators (no sweep: options unused)."""
    models = tuple(TabularConfig(d=d, n_bins=config.n_bins, layers=config.layers, width=config.width,
                                 heads=config.heads) for d in config.d)
    train = TrainConfig(steps=config.steps, batch=config.batch, learning_rate=config.learning_rate,
                        warmup=min(100, config.steps // 10))
    return measure_oversamplers(models, train, tuple(generator(name) for name in config.generators),
                                separation=config.separation, n_min=config.n_min,
                                n_maj=int(round(config.rho * config.n_min)), temperature=config.temperature,
                                seeds=config.seeds, key=key)


def predict(config):
    """Only a reference: E(rho, Delta), the large-n excess of no oversampling."""
    return {"no_oversampling": limit_imbalance_excess(config.rho, config.separation)}


def judge(columns, config, prediction):
    return []


GENERATORS_SCORED = ("ros", "smote", "plugin", "perfect")
CLAIM = Claim(
    id="GEN-2", note=Note("GEN-2.md"),
    source="docs/claims.md GEN-2; analogue of the authors' LLM (GReaT) oversampler comparison (reported, not "
           "pass/fail)",
    quick=Gen2Config(separation=2.0, rho=4.0, n_min=100, d=(2, 4), generators=GENERATORS_SCORED, n_bins=16, layers=2,
                     width=32, heads=4, steps=600, batch=128, learning_rate=1e-2, temperature=1.0, seeds=3),
    full=Gen2Config(separation=2.0, rho=4.0, n_min=100, d=(2, 3, 4), generators=GENERATORS_SCORED, n_bins=16,
                    layers=2, width=32, heads=4, steps=600, batch=128, learning_rate=1e-2, temperature=1.0, seeds=10),
    measure=measure, predict=predict, judge=judge, figure=figure_gen2, reported_only=True,
)
