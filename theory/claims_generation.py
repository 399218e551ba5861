"""GEN of CLAIMS. GEN-1: a transformer trained on fresh Gaussian tasks generates in context near the
Bayes limit. GEN-2: a tabular transformer as an oversampler, reported side by side with the baselines."""

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from synthlaw.models import gaussian_generators, random_oversampling, smote, tabular_transformer
from synthlaw.models.logistic import fit_logistic
from synthlaw.models.tabular_transformer import TabularConfig, train_tabular
from synthlaw.models.transformer import TransformerConfig
from synthlaw.models.transformer_training import TrainConfig, train_generator
from synthlaw.sims.gaussian import draw, means_for_delta
from synthlaw.theory.claim import Check, Claim
from synthlaw.theory.claims_imbalance import exact_imbalance_excess
from synthlaw.theory.fits import bootstrap_slope, by_seed, loglog_slope, mean_ci
from synthlaw.theory.gaussian_risk import balanced_error, bayes_balanced_error
from synthlaw.theory.generation_quality import frechet_distance, gaussian_fit_kl, memorisation_rate, mmd2
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


# GEN-2 --------------------------------------------------------------------------------------

GEN2_GENERATORS = ("transformer", "ros", "smote", "plugin", "perfect")
GEN2_METRICS = ("kl", "frechet", "mmd2", "memorisation", "excess")


def gen2_model_config(config, d: int) -> TabularConfig:
    """The tabular transformer named by a GEN-2 config, for d columns and two classes."""
    return TabularConfig(d=d, n_bins=config["n_bins"], layers=config["layers"], width=config["width"],
                         heads=config["heads"])


def gen2_train_config(config) -> TrainConfig:
    """Training length, batch of rows and peak learning rate named by a GEN-2 config."""
    return TrainConfig(steps=config["steps"], batch=config["batch"], learning_rate=config["learning_rate"],
                       warmup=min(100, config["steps"] // 10))


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


def gen2_replicate(config, d: int, key) -> dict:
    """One seed at one d: draw real rows, train one transformer on them, then score every generator."""
    key_0, key_1, key_train, key_ref, key_syn = jax.random.split(key, 5)
    n_min, n_maj = config["n_min"], int(round(config["rho"] * config["n_min"]))
    n_new = n_maj - n_min
    mu_0_d, mu_1_d = means_for_delta(d, config["separation"])
    cov_dd = jnp.eye(d)
    x_min_nd, x_maj_nd = draw(key_0, n_min, mu_0_d, cov_dd), draw(key_1, n_maj, mu_1_d, cov_dd)
    y_n = jnp.concatenate([jnp.zeros(n_min, jnp.int32), jnp.ones(n_maj, jnp.int32)])
    fit = train_tabular(jnp.concatenate([x_min_nd, x_maj_nd]), y_n, gen2_model_config(config, d),
                        gen2_train_config(config), key=key_train)
    generators = {
        "transformer": lambda k: tabular_transformer.generate(k, x_min_nd, n_new, fit=fit, label=0,
                                                              temperature=config["temperature"]),
        "ros": lambda k: random_oversampling.generate(k, x_min_nd, n_new),
        "smote": lambda k: smote.generate(k, x_min_nd, n_new),
        "plugin": lambda k: gaussian_generators.generate_plugin(k, x_min_nd, n_new),
        "perfect": lambda k: gaussian_generators.generate_perfect(k, x_min_nd, n_new, mu_d=mu_0_d, cov_dd=cov_dd),
    }
    x_ref_nd = draw(key_ref, n_new, mu_0_d, cov_dd)
    scores = {m: [] for m in GEN2_METRICS}
    for gi, name in enumerate(GEN2_GENERATORS):
        x_syn_nd = generators[name](jax.random.fold_in(key_syn, gi)).x_nd
        scores["kl"].append(gaussian_fit_kl(x_syn_nd, mu_0_d, cov_dd))
        scores["frechet"].append(frechet_distance(x_syn_nd, mu_0_d, cov_dd))
        scores["mmd2"].append(mmd2(x_syn_nd, x_ref_nd, bandwidth=np.sqrt(d)))
        scores["memorisation"].append(memorisation_rate(x_syn_nd, x_min_nd))
        scores["excess"].append(float(balanced_excess(x_min_nd, x_syn_nd, x_maj_nd, config["separation"])))
    return {"generator": np.array(GEN2_GENERATORS), **{m: np.array(v) for m, v in scores.items()}}


def gen2_measure(config, key):
    """Tidy columns seed, d, generator and the GEN2_METRICS: one transformer trained per seed and d."""
    parts = []
    for d in config["d"]:
        for seed in range(config["seeds"]):
            cols = gen2_replicate(config, d, jax.random.fold_in(jax.random.fold_in(key, d), seed))
            n = len(cols["generator"])
            parts.append({"seed": np.full(n, seed), "d": np.full(n, d), **cols})
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def gen2_predict(config):
    """Only a reference: E(rho, Delta), the large-n excess of no oversampling."""
    return {"no_oversampling": exact_imbalance_excess(config["rho"], config["separation"])}


def gen2_judge(columns, config, prediction):
    return []


GEN_2 = Claim(
    id="GEN-2", title="A tabular transformer as an oversampler, side by side with the baselines",
    paper_result="Analogue of the paper's LLM (GReaT) oversampler comparison (reported, not pass/fail)",
    quick={"separation": 2.0, "rho": 4.0, "n_min": 100, "d": [2, 4], "seeds": 3, "n_bins": 16, "layers": 2,
           "width": 32, "heads": 4, "steps": 600, "batch": 128, "learning_rate": 1e-2, "temperature": 1.0},
    full={"separation": 2.0, "rho": 4.0, "n_min": 100, "d": [2, 3, 4], "seeds": 10, "n_bins": 16, "layers": 2,
          "width": 32, "heads": 4, "steps": 1500, "batch": 128, "learning_rate": 1e-2, "temperature": 1.0},
    measure=gen2_measure, predict=gen2_predict, judge=gen2_judge, reported_only=True,
)

CLAIMS = (GEN_1, GEN_2)
