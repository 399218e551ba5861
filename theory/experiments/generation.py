"""The generation experiments (GEN-1, GEN-2 in CLAIMS): train a transformer, then score what it generates.

GEN-1 trains one in-context generator on fresh Gaussian tasks and measures its closed-form KL at
every context length, one replicate per seed through the sweep engine. GEN-2 trains a tabular
transformer on each seed's real rows and scores it beside the registered generators.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from synthlaw.models import tabular_transformer
from synthlaw.models.logistic import STEPS_GAUSSIAN, fit_logistic
from synthlaw.models.registry import Generator, TrueLaw
from synthlaw.models.tabular_transformer import TabularConfig, train_tabular
from synthlaw.models.transformer import TransformerConfig
from synthlaw.models.transformer_training import GaussianTasks, TrainConfig, train_generator
from synthlaw.sims.engine import progress
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.sweep import run_sweep
from synthlaw.sims.gaussian import draw
from synthlaw.sims.geometry import bayes_balanced_error, means_for_delta
from synthlaw.theory.risks.gaussian import balanced_error
from synthlaw.theory.risks.generation_quality import frechet_distance, gaussian_fit_kl, memorisation_rate, mmd2
from synthlaw.theory.risks.in_context import expected_kl

EVAL_CHUNK = 4  # seeds evaluated at once: bounds the transformer's activations


def kl_columns(predictor, tasks: GaussianTasks, *, d: int, context: int, eval_tasks: int, seeds: int, key,
               options: SweepOptions, name: str) -> dict:
    """Tidy columns seed, t, kl: one fresh batch of eval_tasks tasks (points of dimension d, context
    per task) per seed, the KL of predictor in closed form. name: the caller's label of the sweep."""
    law = {"n_tasks": eval_tasks, "context": context, "d": d, "tau": tasks.tau, "sigma": tasks.sigma}

    def replicate(point, *, key):
        return {"kl": expected_kl(predictor, key=key, **law)}

    wide = run_sweep(replicate, key=key, n_seeds=seeds, grid={"eval_tasks": np.array([eval_tasks])}, options=options,
                     name=f"{name}: in-context KL", chunk_size=EVAL_CHUNK).columns
    kl_st = np.stack([wide[f"kl_{t}"] for t in range(context)], axis=1)
    return {"seed": np.repeat(wide["seed"], context), "t": np.tile(np.arange(context), seeds),
            "kl": kl_st.reshape(-1).astype(np.float64)}


def measure_in_context(model: TransformerConfig, train: TrainConfig, tasks: GaussianTasks, *, eval_tasks: int,
                       seeds: int, key, options: SweepOptions, name: str) -> dict:
    """GEN-1: train one generator on fresh tasks, then measure its KL at every context length."""
    key_train, key_eval = jax.random.split(key)
    trained, _ = train_generator(model, train, tasks, key=key_train)
    graphdef, state = nnx.split(trained)
    return kl_columns(lambda x_btd: nnx.merge(graphdef, state)(x_btd), tasks, d=model.d, context=model.context,
                      eval_tasks=eval_tasks, seeds=seeds, key=key_eval, options=options, name=name)


GEN2_METRICS = ("kl", "frechet", "mmd2", "memorisation", "excess")


@jax.jit
def balanced_excess(x_min_nd, x_syn_nd, x_maj_nd, separation):
    """Balanced 0-1 excess, exact, of the logistic fit on minority + synthetic rows (class 0) and
    majority rows (class 1), Setting G with cov = I."""
    mu_0_d, mu_1_d = means_for_delta(x_min_nd.shape[1], separation)
    x_nd = jnp.concatenate([x_min_nd, x_syn_nd, x_maj_nd])
    y_n = jnp.concatenate([jnp.zeros(len(x_min_nd) + len(x_syn_nd)), jnp.ones(len(x_maj_nd))])
    w_d, b, _ = fit_logistic(x_nd, y_n, jnp.ones_like(y_n), n_steps=STEPS_GAUSSIAN)
    cov_dd = jnp.eye(x_min_nd.shape[1])
    return balanced_error(w_d, b, mu_0_d, mu_1_d, cov_dd) - bayes_balanced_error(separation)


@partial(jax.jit, static_argnames=("n_min", "n_maj", "d", "gens"))
def real_and_baseline_rows(separation, *, key_s, n_min: int, n_maj: int, d: int, gens: tuple[Generator, ...]):
    """Per seed (vmapped over key_s): the real rows x_min_nd, x_maj_nd, the reference rows x_ref_nd
    from the minority's law, each baseline's rows x_syn_gnd (generator g drawn with
    fold_in(key_syn, 1 + g)), the training key and the transformer's sampling key."""
    n_new = n_maj - n_min
    mu_0_d, mu_1_d = means_for_delta(d, separation)
    cov_dd = jnp.eye(d)
    law = TrueLaw(mu_0_d, cov_dd, jnp.zeros(d))

    def one_seed(key):
        key_0, key_1, key_train, key_ref, key_syn = jax.random.split(key, 5)
        x_min_nd, x_maj_nd = draw(n_min, mu_0_d, cov_dd, key=key_0), draw(n_maj, mu_1_d, cov_dd, key=key_1)
        x_syn_gnd = jnp.stack([gen.fn(x_min_nd, n_new, key=jax.random.fold_in(key_syn, 1 + g), n_real=n_min,
                                      law=law).x_nd for g, gen in enumerate(gens)])
        return (x_min_nd, x_maj_nd, draw(n_new, mu_0_d, cov_dd, key=key_ref), x_syn_gnd, key_train,
                jax.random.fold_in(key_syn, 0))

    return jax.vmap(one_seed)(key_s)


excess_sg = jax.jit(jax.vmap(jax.vmap(balanced_excess, in_axes=(None, 0, None, None)), in_axes=(0, 0, 0, None)))


def oversampler_seeds(model: TabularConfig, train: TrainConfig, gens: tuple[Generator, ...], *, separation: float,
                      n_min: int, n_maj: int, temperature: float, key_s) -> list[dict]:
    """GEN-2 at one d = model.d: draw every seed's real rows (n_min minority, n_maj majority, Setting
    G at separation, cov = I) and baseline rows in one vmapped call, train one transformer per seed
    on its real rows (one seed after another, one compiled block for all), sample it at
    temperature, then score it and every generator of gens. One dict of columns per seed."""
    d = model.d
    x_min_snd, x_maj_snd, x_ref_snd, x_base_sgnd, key_train_s, key_sample_s = real_and_baseline_rows(
        separation, key_s=key_s, n_min=n_min, n_maj=n_maj, d=d, gens=gens)
    y_n = jnp.concatenate([jnp.zeros(n_min, jnp.int32), jnp.ones(n_maj, jnp.int32)])
    x_real_snd = np.concatenate([np.asarray(x_min_snd), np.asarray(x_maj_snd)], axis=1)
    fits = [train_tabular(x_real_snd[s], y_n, model, train, key=key_train_s[s]) for s in range(len(key_s))]
    x_transformer_snd = np.stack([
        np.asarray(tabular_transformer.generate(None, n_maj - n_min, key=key_sample_s[s], fit=fit, label=0,
                                                temperature=temperature).x_nd)
        for s, fit in enumerate(fits)])
    x_syn_sgnd = np.concatenate([x_transformer_snd[:, None], np.asarray(x_base_sgnd, np.float64)], axis=1)
    excess_sg_ = np.asarray(excess_sg(x_min_snd, x_syn_sgnd.astype(x_min_snd.dtype), x_maj_snd, separation),
                            np.float64)
    mu_0_d, cov_dd = np.asarray(means_for_delta(d, separation)[0]), np.eye(d)
    columns = []
    for s in range(len(fits)):
        x_min_nd, x_syn_gnd = np.asarray(x_min_snd[s]), x_syn_sgnd[s]
        scores = {"kl": [gaussian_fit_kl(x, mu_0_d, cov_dd) for x in x_syn_gnd],
                  "frechet": [frechet_distance(x, mu_0_d, cov_dd) for x in x_syn_gnd],
                  "mmd2": [mmd2(x, np.asarray(x_ref_snd[s]), bandwidth=np.sqrt(d)) for x in x_syn_gnd],
                  "memorisation": [memorisation_rate(x, x_min_nd) for x in x_syn_gnd],
                  "excess": excess_sg_[s]}
        columns.append({"generator": np.array(["transformer", *(gen.name for gen in gens)]),
                        **{m: np.asarray(v, np.float64) for m, v in scores.items()}})
    return columns


def measure_oversamplers(models: tuple[TabularConfig, ...], train: TrainConfig, gens: tuple[Generator, ...], *,
                         separation: float, n_min: int, n_maj: int, temperature: float, seeds: int, key) -> dict:
    """GEN-2: tidy columns seed, d, generator and the GEN2_METRICS; one transformer per seed and
    model (one model config per dimension d), trained with train, beside the generators gens."""
    parts = []
    for model in models:
        key_s = jnp.stack([jax.random.fold_in(jax.random.fold_in(key, model.d), seed) for seed in range(seeds)])
        per_seed = oversampler_seeds(model, train, gens, separation=separation, n_min=n_min, n_maj=n_maj,
                                     temperature=temperature, key_s=key_s)
        for seed, cols in enumerate(per_seed):
            n = len(cols["generator"])
            parts.append({"seed": np.full(n, seed), "d": np.full(n, model.d), **cols})
        progress.report("transformers trained and scored", len(parts), len(models) * seeds)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
