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
from synthlaw.models.logistic import fit_logistic
from synthlaw.models.registry import TrueLaw, generator
from synthlaw.models.tabular_transformer import TabularConfig, train_tabular
from synthlaw.models.transformer import TransformerConfig
from synthlaw.models.transformer_training import TrainConfig, train_generator
from synthlaw.sims.engine import progress
from synthlaw.sims.gaussian import draw, means_for_delta
from synthlaw.sims.engine.sweep import run_sweep
from synthlaw.theory.risks.gaussian import balanced_error, bayes_balanced_error
from synthlaw.theory.risks.generation_quality import frechet_distance, gaussian_fit_kl, memorisation_rate, mmd2
from synthlaw.theory.risks.in_context import expected_kl

EVAL_CHUNK = 4  # seeds evaluated at once: bounds the transformer's activations


def kl_columns(predictor, config, key) -> dict:
    """Tidy columns seed, t, kl: one fresh batch of eval_tasks tasks per seed, KL in closed form."""
    law = {"n_tasks": config.eval_tasks, "context": config.context, "d": config.d, "tau": config.tau,
           "sigma": config.sigma}
    replicate = lambda k, point: {"kl": expected_kl(predictor, k, **law)}
    wide = run_sweep(replicate, key=key, n_seeds=config.seeds, grid={"eval_tasks": np.array([config.eval_tasks])},
                     chunk_size=EVAL_CHUNK).columns
    kl_st = np.stack([wide[f"kl_{t}"] for t in range(config.context)], axis=1)
    return {"seed": np.repeat(wide["seed"], config.context), "t": np.tile(np.arange(config.context), config.seeds),
            "kl": kl_st.reshape(-1).astype(np.float64)}


def measure_in_context(config, key) -> dict:
    """GEN-1: train one generator on fresh tasks, then measure its KL at every context length."""
    key_train, key_eval = jax.random.split(key)
    model_config = TransformerConfig(d=config.d, context=config.context, layers=config.layers, width=config.width,
                                     heads=config.heads)
    train_config = TrainConfig(steps=config.steps, batch=config.batch, learning_rate=config.learning_rate,
                               tau=config.tau, sigma=config.sigma)
    model, _ = train_generator(model_config, train_config, key=key_train)
    graphdef, state = nnx.split(model)
    return kl_columns(lambda x_btd: nnx.merge(graphdef, state)(x_btd), config, key_eval)


GEN2_METRICS = ("kl", "frechet", "mmd2", "memorisation", "excess")


@jax.jit
def balanced_excess(x_min_nd, x_syn_nd, x_maj_nd, separation):
    """Balanced 0-1 excess, exact, of the logistic fit on minority + synthetic rows (class 0) and
    majority rows (class 1), Setting G with cov = I."""
    mu_0_d, mu_1_d = means_for_delta(x_min_nd.shape[1], separation)
    x_nd = jnp.concatenate([x_min_nd, x_syn_nd, x_maj_nd])
    y_n = jnp.concatenate([jnp.zeros(len(x_min_nd) + len(x_syn_nd)), jnp.ones(len(x_maj_nd))])
    w_d, b = fit_logistic(x_nd, y_n, jnp.ones_like(y_n))
    cov_dd = jnp.eye(x_min_nd.shape[1])
    return balanced_error(w_d, b, mu_0_d, mu_1_d, cov_dd) - bayes_balanced_error(separation)


@partial(jax.jit, static_argnames=("n_min", "n_maj", "d", "names"))
def real_and_baseline_rows(key_s, separation, *, n_min: int, n_maj: int, d: int, names: tuple):
    """Per seed (vmapped over key_s): the real rows x_min_nd, x_maj_nd, the reference rows x_ref_nd
    from the minority's law, each baseline's rows x_syn_gnd (generator g drawn with
    fold_in(key_syn, 1 + g)), the training key and the transformer's sampling key."""
    n_new = n_maj - n_min
    mu_0_d, mu_1_d = means_for_delta(d, separation)
    cov_dd = jnp.eye(d)
    law = TrueLaw(mu_0_d, cov_dd, jnp.zeros(d))

    def one_seed(key):
        key_0, key_1, key_train, key_ref, key_syn = jax.random.split(key, 5)
        x_min_nd, x_maj_nd = draw(key_0, n_min, mu_0_d, cov_dd), draw(key_1, n_maj, mu_1_d, cov_dd)
        x_syn_gnd = jnp.stack([generator(name).fn(jax.random.fold_in(key_syn, 1 + g), x_min_nd, n_new, n_real=n_min,
                                                  law=law).x_nd for g, name in enumerate(names)])
        return (x_min_nd, x_maj_nd, draw(key_ref, n_new, mu_0_d, cov_dd), x_syn_gnd, key_train,
                jax.random.fold_in(key_syn, 0))

    return jax.vmap(one_seed)(key_s)


excess_sg = jax.jit(jax.vmap(jax.vmap(balanced_excess, in_axes=(None, 0, None, None)), in_axes=(0, 0, 0, None)))


def oversampler_seeds(config, d: int, key_s) -> list[dict]:
    """GEN-2 at one d: draw every seed's real rows and baseline rows in one vmapped call, train one
    transformer per seed on its real rows (one seed after another, one compiled block for all), then
    score it and every registered generator named in config.generators. One dict of columns per seed."""
    n_min, n_maj = config.n_min, int(round(config.rho * config.n_min))
    x_min_snd, x_maj_snd, x_ref_snd, x_base_sgnd, key_train_s, key_sample_s = real_and_baseline_rows(
        key_s, config.separation, n_min=n_min, n_maj=n_maj, d=d, names=tuple(config.generators))
    y_n = jnp.concatenate([jnp.zeros(n_min, jnp.int32), jnp.ones(n_maj, jnp.int32)])
    model_config = TabularConfig(d=d, n_bins=config.n_bins, layers=config.layers, width=config.width,
                                 heads=config.heads)
    train_config = TrainConfig(steps=config.steps, batch=config.batch, learning_rate=config.learning_rate,
                               warmup=min(100, config.steps // 10))
    x_real_snd = np.concatenate([np.asarray(x_min_snd), np.asarray(x_maj_snd)], axis=1)
    fits = [train_tabular(x_real_snd[s], y_n, model_config, train_config, key=key_train_s[s])
            for s in range(len(key_s))]
    x_transformer_snd = np.stack([
        np.asarray(tabular_transformer.generate(key_sample_s[s], None, n_maj - n_min, fit=fit, label=0,
                                                temperature=config.temperature).x_nd)
        for s, fit in enumerate(fits)])
    x_syn_sgnd = np.concatenate([x_transformer_snd[:, None], np.asarray(x_base_sgnd, np.float64)], axis=1)
    excess_sg_ = np.asarray(excess_sg(x_min_snd, x_syn_sgnd.astype(x_min_snd.dtype), x_maj_snd, config.separation),
                            np.float64)
    mu_0_d, cov_dd = np.asarray(means_for_delta(d, config.separation)[0]), np.eye(d)
    columns = []
    for s in range(len(fits)):
        x_min_nd, x_syn_gnd = np.asarray(x_min_snd[s]), x_syn_sgnd[s]
        scores = {"kl": [gaussian_fit_kl(x, mu_0_d, cov_dd) for x in x_syn_gnd],
                  "frechet": [frechet_distance(x, mu_0_d, cov_dd) for x in x_syn_gnd],
                  "mmd2": [mmd2(x, np.asarray(x_ref_snd[s]), bandwidth=np.sqrt(d)) for x in x_syn_gnd],
                  "memorisation": [memorisation_rate(x, x_min_nd) for x in x_syn_gnd],
                  "excess": excess_sg_[s]}
        columns.append({"generator": np.array(["transformer", *config.generators]),
                        **{m: np.asarray(v, np.float64) for m, v in scores.items()}})
    return columns


def measure_oversamplers(config, key) -> dict:
    """GEN-2: tidy columns seed, d, generator and the GEN2_METRICS; one transformer per seed and d."""
    parts = []
    for d in config.d:
        key_s = jnp.stack([jax.random.fold_in(jax.random.fold_in(key, d), seed) for seed in range(config.seeds)])
        for seed, cols in enumerate(oversampler_seeds(config, d, key_s)):
            n = len(cols["generator"])
            parts.append({"seed": np.full(n, seed), "d": np.full(n, d), **cols})
        progress.report("transformers trained and scored", len(parts), len(config.d) * config.seeds)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
