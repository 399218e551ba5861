"""GEN-1 of CLAIMS: a transformer trained on fresh Gaussian tasks generates in context near the Bayes limit."""

import jax
import numpy as np
from flax import nnx

from synthlaw.models.transformer import TransformerConfig
from synthlaw.models.transformer_training import TrainConfig, train_generator
from synthlaw.theory.claim import Check, Claim
from synthlaw.theory.fits import bootstrap_slope, by_seed, loglog_slope, mean_ci
from synthlaw.theory.in_context import expected_kl, kl_bayes, kl_prior


def gen1_model_config(config) -> TransformerConfig:
    """The transformer's size named by a GEN-1 config."""
    return TransformerConfig(d=config["d"], context=config["context"], layers=config["layers"],
                             width=config["width"], heads=config["heads"])


def gen1_train_config(config) -> TrainConfig:
    """Training length, batch, peak learning rate and task law named by a GEN-1 config."""
    return TrainConfig(steps=config["steps"], batch=config["batch"], learning_rate=config["learning_rate"],
                       tau=config["tau"], sigma=config["sigma"])


def kl_columns(predictor, config, key) -> dict:
    """Tidy columns seed, t, kl: one fresh batch of eval_tasks tasks per seed, KL in closed form."""
    law = {"n_tasks": config["eval_tasks"], "context": config["context"], "d": config["d"],
           "tau": config["tau"], "sigma": config["sigma"]}
    keys_s = jax.random.split(key, config["seeds"])
    kl_st = np.asarray(jax.jit(lambda k_s: jax.lax.map(lambda k: expected_kl(predictor, k, **law), k_s))(keys_s))
    n_seeds, context = kl_st.shape
    return {"seed": np.repeat(np.arange(n_seeds), context), "t": np.tile(np.arange(context), n_seeds),
            "kl": kl_st.reshape(-1).astype(np.float64)}


def gen1_measure(config, key):
    """Train one generator on fresh tasks, then measure its KL at every context length."""
    key_train, key_eval = jax.random.split(key)
    model, _ = train_generator(gen1_model_config(config), gen1_train_config(config), key=key_train)
    graphdef, state = nnx.split(model)
    return kl_columns(lambda x_btd: nnx.merge(graphdef, state)(x_btd), config, key_eval)


def gen1_predict(config):
    """KL_Bayes(t), its exact log-log slope over t = 1..context-1, and the context-ignoring rival."""
    law = {"tau": config["tau"], "sigma": config["sigma"]}
    t_g = np.arange(config["context"])
    bayes_g = kl_bayes(t_g, config["d"], **law)
    return {"t_exponent": -1.0, "kl_bayes": bayes_g, "grid_slope": loglog_slope(t_g[1:], bayes_g[1:]),
            "kl_prior": kl_prior(config["d"], **law)}


def gen1_judge(columns, config, prediction):
    """(a) the worst t >= 1 of the KL ratio model/Bayes; (b) the log-log slope of the KL in t."""
    t_g, kl_sg = by_seed(columns, "kl", "t", mask=columns["t"] >= 1)
    bayes_g = prediction["kl_bayes"][t_g]
    ratio_sg = kl_sg / bayes_g
    worst = int(np.argmax(ratio_sg.mean(axis=0)))
    return [
        Check(label=f"worst t = {t_g[worst]:g} of 1..{t_g[-1]:g}", quantity="KL ratio model / Bayes",
              prediction=config["factor"], measured=mean_ci(ratio_sg[:, worst]),
              rival=prediction["kl_prior"] / bayes_g[worst], upper_bound=True),
        Check(label=f"t {t_g[0]:g}..{t_g[-1]:g}", quantity="log-log slope of KL in t",
              prediction=prediction["t_exponent"], measured=bootstrap_slope(t_g, kl_sg), rival=0.0,
              tolerance=abs(prediction["grid_slope"] - prediction["t_exponent"]) + config["slope_slack"]),
    ]


GEN_1 = Claim(
    id="GEN-1", title="In-context generation near the Bayes limit",
    paper_result="Derived analogue of the paper's transformer generator result (linear in d, see note)",
    quick={"d": 2, "tau": 2.0, "sigma": 1.0, "context": 32, "layers": 2, "width": 64, "heads": 4,
           "steps": 1500, "batch": 64, "learning_rate": 3e-3, "seeds": 16, "eval_tasks": 512,
           "factor": 1.5, "slope_slack": 0.1},
    full={"d": 4, "tau": 2.0, "sigma": 1.0, "context": 64, "layers": 2, "width": 64, "heads": 4,
          "steps": 6000, "batch": 64, "learning_rate": 2e-3, "seeds": 32, "eval_tasks": 1024,
          "factor": 1.25, "slope_slack": 0.1},
    measure=gen1_measure, predict=gen1_predict, judge=gen1_judge,
)

CLAIMS = (GEN_1,)
