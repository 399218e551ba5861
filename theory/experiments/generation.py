"""The generation experiments (GEN-1, GEN-2 in CLAIMS): train a transformer, then score what it generates.

GEN-1 trains one in-context generator on fresh Gaussian tasks and measures its closed-form KL at
every context length, one replicate per seed through the sweep engine. GEN-2 trains a tabular
transformer on each seed's real rows and scores it beside the registered generators.
"""

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
from synthlaw.sims import progress
from synthlaw.sims.gaussian import draw, means_for_delta
from synthlaw.sims.sweep import run_sweep
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


def oversampler_replicate(config, d: int, key) -> dict:
    """GEN-2, one seed at one d: draw real rows, train one transformer on them, then score it and
    every registered generator named in config.generators."""
    key_0, key_1, key_train, key_ref, key_syn = jax.random.split(key, 5)
    n_min, n_maj = config.n_min, int(round(config.rho * config.n_min))
    n_new = n_maj - n_min
    mu_0_d, mu_1_d = means_for_delta(d, config.separation)
    cov_dd = jnp.eye(d)
    x_min_nd, x_maj_nd = draw(key_0, n_min, mu_0_d, cov_dd), draw(key_1, n_maj, mu_1_d, cov_dd)
    y_n = jnp.concatenate([jnp.zeros(n_min, jnp.int32), jnp.ones(n_maj, jnp.int32)])
    fit = train_tabular(jnp.concatenate([x_min_nd, x_maj_nd]), y_n,
                        TabularConfig(d=d, n_bins=config.n_bins, layers=config.layers, width=config.width,
                                      heads=config.heads),
                        TrainConfig(steps=config.steps, batch=config.batch, learning_rate=config.learning_rate,
                                    warmup=min(100, config.steps // 10)), key=key_train)
    law = TrueLaw(mu_0_d, cov_dd, jnp.zeros(d))
    samplers = {"transformer": lambda k: tabular_transformer.generate(k, x_min_nd, n_new, fit=fit, label=0,
                                                                      temperature=config.temperature)}
    for name in config.generators:
        samplers[name] = lambda k, gen=generator(name): gen.fn(k, x_min_nd, n_new, n_real=n_min, law=law)
    x_ref_nd = draw(key_ref, n_new, mu_0_d, cov_dd)
    scores = {m: [] for m in GEN2_METRICS}
    for gi, sample in enumerate(samplers.values()):
        x_syn_nd = sample(jax.random.fold_in(key_syn, gi)).x_nd
        scores["kl"].append(gaussian_fit_kl(x_syn_nd, mu_0_d, cov_dd))
        scores["frechet"].append(frechet_distance(x_syn_nd, mu_0_d, cov_dd))
        scores["mmd2"].append(mmd2(x_syn_nd, x_ref_nd, bandwidth=np.sqrt(d)))
        scores["memorisation"].append(memorisation_rate(x_syn_nd, x_min_nd))
        scores["excess"].append(float(balanced_excess(x_min_nd, x_syn_nd, x_maj_nd, config.separation)))
    return {"generator": np.array(list(samplers)), **{m: np.array(v) for m, v in scores.items()}}


def measure_oversamplers(config, key) -> dict:
    """GEN-2: tidy columns seed, d, generator and the GEN2_METRICS; one transformer per seed and d.
    Training is a Python loop of optimiser steps, so seeds run one after another, not in a sweep."""
    parts = []
    for d in config.d:
        for seed in range(config.seeds):
            cols = oversampler_replicate(config, d, jax.random.fold_in(jax.random.fold_in(key, d), seed))
            n = len(cols["generator"])
            parts.append({"seed": np.full(n, seed), "d": np.full(n, d), **cols})
            progress.report("transformers trained and scored", len(parts), len(config.d) * config.seeds)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
