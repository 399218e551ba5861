"""GEN-1 of CLAIMS: a transformer trained on fresh Gaussian tasks generates in context near the Bayes limit."""

import dataclasses
from typing import ClassVar

import numpy as np

from synthlaw.figures.generation import figure_gen1
from synthlaw.models.transformer import TransformerConfig
from synthlaw.models.transformer_training import GaussianTasks, TrainConfig
from synthlaw.settings import above, at_least, rule
from synthlaw.theory.claims.check import Check, Claim, Mutation, replaced, shifted
from synthlaw.theory.claims.spec import SeededConfig, TransformerSize
from synthlaw.theory.experiments.generation import measure_in_context
from synthlaw.theory.notes import Note
from synthlaw.theory.predictions.in_context import kl_bayes, kl_prior
from synthlaw.theory.stats.intervals import bootstrap_slope, by_seed, loglog_slope, mean_ci


@dataclasses.dataclass(frozen=True)
class Gen1Config(TransformerSize, SeededConfig):
    owner: ClassVar[str] = "GEN-1"
    d: int = at_least(1)
    tau: float = above(0, "prior sd of the task mean")
    sigma: float = above(0, "sd of points around the task mean")
    context: int = at_least(3, "points the transformer reads")
    batch: int = at_least(1, "tasks per training step")
    eval_tasks: int = at_least(1, "fresh test tasks per seed")
    factor: float = rule(lambda v: v >= 1, ">= 1 (the stated bound on the KL ratio to Bayes)")


def measure(config, *, key, options):
    """Train one in-context generator of the configured size, then measure its KL at every t."""
    model = TransformerConfig(d=config.d, context=config.context, layers=config.layers, width=config.width,
                              heads=config.heads)
    train = TrainConfig(steps=config.steps, batch=config.batch, learning_rate=config.learning_rate)
    return measure_in_context(model, train, GaussianTasks(tau=config.tau, sigma=config.sigma),
                              eval_tasks=config.eval_tasks, seeds=config.seeds, key=key, options=options,
                              name=config.owner)


def slope_allowance(t_g, factor) -> float:
    """How far the log-log slope of a curve within [1, factor] x KL_Bayes can move from KL_Bayes's:
    the least-squares slope of log(ratio) in log t, with log(ratio) in [0, ln factor], is at most
    ln(factor) sum_{c_t > 0} c_t / sum c_t^2, c_t the centred log t (notes/GEN-1.md)."""
    c_g = np.log(t_g) - np.log(t_g).mean()
    return float(np.log(factor) * c_g[c_g > 0].sum() / (c_g @ c_g))


def predict(config):
    """KL_Bayes(t), its exact log-log slope over t = 1..context-1, the slope allowance that the stated
    factor implies, and the context-ignoring rival."""
    law = {"tau": config.tau, "sigma": config.sigma}
    t_g = np.arange(config.context)
    bayes_g = kl_bayes(t_g, config.d, **law)
    return {"kl_bayes": bayes_g, "factor": config.factor, "t_exponent": loglog_slope(t_g[1:], bayes_g[1:]),
            "slope_allowance": slope_allowance(t_g[1:].astype(float), config.factor),
            "kl_prior": kl_prior(config.d, **law)}


def judge(columns, config, prediction):
    """(a) the worst t >= 1 of the KL ratio model / Bayes is at most the factor; (b) the log-log slope."""
    t_g, kl_sg = by_seed(columns, "kl", "t", mask=columns["t"] >= 1)
    bayes_g = prediction["kl_bayes"][t_g]
    ratio_sg = kl_sg / bayes_g
    worst = int(np.argmax(ratio_sg.mean(axis=0)))
    return [
        Check(label=f"worst t = {t_g[worst]:g} of 1..{t_g[-1]:g}", quantity="KL ratio model / Bayes",
              prediction=prediction["factor"], measured=mean_ci(ratio_sg[:, worst]),
              error_kind="relative", rival=prediction["kl_prior"] / bayes_g[worst], upper_bound=True),
        Check(label=f"t {t_g[0]:g}..{t_g[-1]:g}", quantity="log-log slope of KL in t",
              prediction=prediction["t_exponent"], measured=bootstrap_slope(t_g, kl_sg), rival=0.0,
              error_kind="absolute",
              allowance=prediction["slope_allowance"], allowance_why="a KL within the stated factor of Bayes",
              tolerance=True),
    ]


CLAIM = Claim(
    id="GEN-1", note=Note("GEN-1.md"),
    source="docs/claims.md GEN-1; derived analogue of the abstract's third result (linear in d, see note)",
    quick=Gen1Config(d=2, tau=2.0, sigma=1.0, context=32, layers=2, width=32, heads=4, steps=1000, batch=64,
                     learning_rate=3e-3, eval_tasks=512, factor=1.26, seeds=16),
    full=Gen1Config(d=4, tau=2.0, sigma=1.0, context=64, layers=2, width=32, heads=4, steps=1500, batch=64,
                    learning_rate=2e-3, eval_tasks=1024, factor=1.22, seeds=32),
    measure=measure, predict=predict, judge=judge, figure=figure_gen1,
    mutations=(Mutation("t-exponent + 0.2", predict=shifted(0.2, "t_exponent")),
               Mutation("t-exponent - 0.2", predict=shifted(-0.2, "t_exponent")),
               Mutation("an undertrained generator (50 steps)", config=replaced(steps=50))),
)
