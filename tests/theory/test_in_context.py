"""GEN-1: the closed-form KL against independent references, and the judge's PASS and FAIL."""

import dataclasses
from functools import partial
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from synthlaw.models.transformer_training import GaussianTasks
from synthlaw.settings import ConfigError
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.theory.claims import registry
from synthlaw.theory.claims.check import verdict
from synthlaw.theory.claims.gen1 import judge, predict
from synthlaw.theory.experiments.generation import kl_columns
from synthlaw.theory.predictions.in_context import bayes_predictor, kl_bayes, prior_predictor
from synthlaw.theory.risks.in_context import expected_kl, kl_true_to_model

jax.config.update("jax_numpy_rank_promotion", "raise")

LAW = {"tau": 2.0, "sigma": 1.0}
GEN_1 = registry()["GEN-1"]
TINY = dataclasses.replace(GEN_1.quick, context=8, width=32, steps=400, eval_tasks=256, factor=1.5)


def test_closed_form_kl_matches_monte_carlo():
    """KL(N(mu, sigma^2 I) || N(m, diag v)) against an average of scipy log-density differences."""
    rng = np.random.default_rng(0)
    d, sigma = 3, 1.3
    mu_d, mean_d, var_d = rng.normal(size=d), rng.normal(size=d), rng.uniform(0.5, 3.0, size=d)
    x_nd = mu_d + sigma * rng.normal(size=(200_000, d))
    log_ratio_n = (stats.norm.logpdf(x_nd, mu_d, sigma) - stats.norm.logpdf(x_nd, mean_d, np.sqrt(var_d))).sum(1)
    closed = kl_true_to_model(jnp.asarray(mu_d)[None], sigma, jnp.asarray(mean_d)[None, None],
                              jnp.log(jnp.asarray(var_d))[None, None])
    se = log_ratio_n.std() / np.sqrt(len(log_ratio_n))
    assert abs(float(closed[0, 0]) - log_ratio_n.mean()) < 4 * se


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_bayes_predictive_attains_kl_bayes(jit):
    """E KL of the exact posterior predictive equals (d/2) ln(1 + s_t^2/sigma^2), within 4 SE over seeds."""
    d, context = 3, 6
    run = partial(expected_kl, partial(bayes_predictor, **LAW), n_tasks=4000, context=context, d=d, **LAW)
    run = jax.jit(run) if jit else run
    kl_st = np.stack([np.asarray(run(key=jax.random.key(s))) for s in range(16)])
    se_t = kl_st.std(axis=0, ddof=1) / np.sqrt(len(kl_st))
    assert np.all(np.abs(kl_st.mean(axis=0) - kl_bayes(np.arange(context), d, **LAW)) < 4 * se_t)


def test_kl_bayes_falls_like_d_over_2t():
    t = np.array([1e3, 1e4])
    np.testing.assert_allclose(kl_bayes(t, 4, **LAW), 4 / (2 * t), rtol=2e-3)


def measured_kl(predictor, config):
    """GEN-1's KL columns of a fixed predictor (tau and sigma given) at config's sizes."""
    return kl_columns(predictor, GaussianTasks(tau=config.tau, sigma=config.sigma), d=config.d,
                      context=config.context, eval_tasks=config.eval_tasks, seeds=config.seeds,
                      key=jax.random.key(5), options=SweepOptions(), name="test")


def judged(predictor, config):
    columns = measured_kl(partial(predictor, tau=config.tau, sigma=config.sigma), config)
    return verdict(GEN_1, judge(columns, config, predict(config)))


def test_exact_posterior_predictive_passes():
    assert judged(bayes_predictor, dataclasses.replace(GEN_1.quick, eval_tasks=256)) == "PASS"


def test_negative_control_context_ignoring_generator_fails():
    """N(0, (tau^2 + sigma^2) I) at every t: ratio far above the factor and slope 0."""
    config = dataclasses.replace(GEN_1.quick, eval_tasks=256)
    columns = measured_kl(partial(prior_predictor, **LAW), config)
    checks = judge(columns, config, predict(config))
    assert verdict(GEN_1, checks) == "FAIL"
    assert not any(c.passed for c in checks)


def test_a_small_trained_generator_passes_and_draws_its_figure():
    columns = GEN_1.measure(TINY, key=jax.random.key(0), options=SweepOptions())
    prediction = GEN_1.predict(TINY)
    checks = GEN_1.judge(columns, TINY, prediction)
    assert verdict(GEN_1, checks) == "PASS"
    outcome = SimpleNamespace(columns=columns, config=TINY, prediction=prediction, checks=checks)
    assert GEN_1.figure(outcome).axes


@pytest.mark.slow
def test_quick_config_passes():
    columns = GEN_1.measure(GEN_1.quick, key=jax.random.key(0), options=SweepOptions())
    assert verdict(GEN_1, GEN_1.judge(columns, GEN_1.quick, GEN_1.predict(GEN_1.quick))) == "PASS"


def test_registered_and_configs_validated():
    assert registry()["GEN-1"] is GEN_1
    assert GEN_1.config(True) == GEN_1.quick and GEN_1.config(False) == GEN_1.full
    with pytest.raises(ConfigError, match="heads"):
        GEN_1.config(True, {"heads": 5})
    with pytest.raises(ConfigError, match="tau"):
        GEN_1.config(True, {"tau": -1.0})
