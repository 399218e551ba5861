"""Train a GaussianTransformer by next-point Gaussian NLL on fresh in-context tasks (GEN-1 in CLAIMS).

optax AdamW with linear warmup, cosine decay and global-norm clipping (TrainConfig, also used by
the tabular transformer); the tasks' law is apart (GaussianTasks). The step is functional
(nnx.split / nnx.merge) and jitted; a block of steps runs inside one jax.lax.scan, so Python
is visited once per block, not once per step.
"""

import dataclasses
from functools import partial
from typing import ClassVar

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from synthlaw.models.transformer import GaussianTransformer, TransformerConfig, gaussian_nll
from synthlaw.settings import Settings, above, at_least
from synthlaw.sims.engine import progress
from synthlaw.sims.gaussian_tasks import draw_tasks


@dataclasses.dataclass(frozen=True)
class TrainConfig(Settings):
    """The optimiser: steps (run in scans of block steps), batch (tasks or rows per step), the peak
    learning rate reached after warmup steps, AdamW's weight decay and the global-norm clip."""

    owner: ClassVar[str] = "TrainConfig"
    steps: int = at_least(1, "training steps", default=2000)
    batch: int = at_least(1, "tasks or rows per step", default=64)
    learning_rate: float = above(0, "peak of the schedule", default=3e-3)
    warmup: int = at_least(0, "steps of linear warmup", default=100)
    weight_decay: float = at_least(0, default=1e-4)
    clip: float = above(0, "largest global gradient norm", default=1.0)
    block: int = at_least(1, "steps per compiled scan", default=100)


@dataclasses.dataclass(frozen=True)
class GaussianTasks(Settings):
    """GEN-1's in-context task law: mu ~ N(0, tau^2 I_d), then points x_t ~ N(mu, sigma^2 I_d)
    (sims/gaussian_tasks.py). The point dimension d and the points per task are the model's
    (TransformerConfig.d and .context)."""

    owner: ClassVar[str] = "GaussianTasks"
    tau: float = above(0, "prior sd of the task mean", default=2.0)
    sigma: float = above(0, "sd of points around the task mean", default=1.0)


def optimizer(train: TrainConfig) -> optax.GradientTransformation:
    """clip_by_global_norm, then AdamW on a warmup + cosine schedule (decaying to 10% of the peak)."""
    schedule = optax.warmup_cosine_decay_schedule(
        0.0, train.learning_rate, train.warmup, max(train.steps, train.warmup + 1), train.learning_rate / 10)
    return optax.chain(optax.clip_by_global_norm(train.clip),
                       optax.adamw(schedule, weight_decay=train.weight_decay))


def task_loss(graphdef, params, x_btd):
    """Gaussian NLL of x_{t+1} given x_1..x_t, averaged over tasks and positions."""
    mean_btd, log_var_btd = nnx.merge(graphdef, params)(x_btd)
    return gaussian_nll(x_btd, mean_btd, log_var_btd)


@partial(jax.jit, static_argnames=("model", "config", "train"))
def init_state(*, key, model: type, config, train: TrainConfig):
    """A fresh model(config)'s params and optimiser state, and the key its training data comes
    from, in one compiled call (built op by op, the initialisers would compile one program each)."""
    key_init, key_data = jax.random.split(key)
    params = nnx.split(model(config, rngs=nnx.Rngs(params=key_init)), nnx.Param)[1]
    return params, optimizer(train).init(params), key_data


@partial(jax.jit, static_argnames=("graphdef", "model_config", "train", "tasks", "n_steps"))
def train_block(graphdef, params, opt_state, i, *, key, model_config: TransformerConfig, train: TrainConfig,
                tasks: GaussianTasks, n_steps: int):
    """Block i: n_steps AdamW steps, each on a fresh batch of tasks drawn from fold_in(key, i).
    Returns params, opt_state, loss_s."""
    tx = optimizer(train)

    def step(carry, key_step):
        params, opt_state = carry
        _, x_btd = draw_tasks(train.batch, model_config.context, model_config.d, key=key_step,
                              tau=tasks.tau, sigma=tasks.sigma)
        loss, grads = jax.value_and_grad(task_loss, argnums=1)(graphdef, params, x_btd)
        updates, opt_state = tx.update(grads, opt_state, params)
        return (optax.apply_updates(params, updates), opt_state), loss

    key_s = jax.random.split(jax.random.fold_in(key, i), n_steps)
    (params, opt_state), loss_s = jax.lax.scan(step, (params, opt_state), key_s)
    return params, opt_state, loss_s


def graph_of(build):
    """The graphdef of the module build() returns, without computing its parameters."""
    return nnx.split(nnx.eval_shape(build), nnx.Param)[0]


def train_generator(model_config: TransformerConfig, train: TrainConfig, tasks: GaussianTasks, *, key):
    """A freshly initialised GaussianTransformer trained for train.steps on tasks. Returns (model, loss_s)."""
    graphdef = graph_of(lambda: GaussianTransformer(model_config, rngs=nnx.Rngs(0)))
    params, opt_state, key_data = init_state(key=key, model=GaussianTransformer, config=model_config, train=train)

    def run(p, o, i, n):
        return train_block(graphdef, p, o, i, key=key_data, model_config=model_config, train=train, tasks=tasks,
                           n_steps=n)

    params, loss_s = train_in_blocks(run, params, opt_state, train)
    return nnx.merge(graphdef, params), loss_s


def train_in_blocks(run_block, params, opt_state, train: TrainConfig):
    """train.steps steps as jitted blocks of train.block steps (and one shorter rest block).

    run_block(params, opt_state, i, n_steps) -> (params, opt_state, loss_s) runs block i, whose
    keys come from fold_in(key, i). Returns the trained params and the loss of every step (on the
    last axis: params stacked over seeds give a loss per seed and step).
    """
    n_blocks, rest = divmod(train.steps, train.block)
    losses = []
    for i, n_steps in enumerate([train.block] * n_blocks + ([rest] if rest else [])):
        params, opt_state, loss_s = run_block(params, opt_state, i, n_steps)
        losses.append(loss_s)
        progress.report("training steps", min((i + 1) * train.block, train.steps), train.steps)
    return params, np.asarray(jnp.concatenate(losses, axis=-1))
