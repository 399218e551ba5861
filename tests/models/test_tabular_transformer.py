"""The tabular transformer of GEN-2: quantile tokenisation, masked sampling, and training."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from synthlaw.models import tabular_transformer as tt
from synthlaw.models.table_tokens import fit_codebook
from synthlaw.models.transformer_training import TrainConfig

CONFIG = tt.TabularConfig(d=2, n_bins=8, layers=1, width=16, heads=2)
TRAIN = TrainConfig(steps=150, batch=64, learning_rate=1e-2, warmup=10, block=150)


def two_classes(key, n_per_class=200, d=2):
    """Class 0 around -2 e_1, class 1 around +2 e_1, unit covariance."""
    x_nd = jax.random.normal(key, (2 * n_per_class, d))
    y_n = jnp.repeat(jnp.arange(2), n_per_class)
    return x_nd.at[:, 0].add(4.0 * y_n - 2.0), y_n


@pytest.fixture(scope="module")
def fit():
    x_nd, y_n = two_classes(jax.random.key(0))
    return tt.train_tabular(x_nd, y_n, CONFIG, TRAIN, key=jax.random.key(1))


def test_bins_are_quantiles_holding_equal_counts():
    x_nd = np.random.default_rng(0).normal(size=(400, 3))
    book = fit_codebook(x_nd, 8)
    edges_dk = np.concatenate([book.lo_dk[:, :1], book.hi_dk], axis=1)
    np.testing.assert_allclose(edges_dk, np.quantile(x_nd, np.linspace(0, 1, 9), axis=0).T, rtol=1e-12)
    config = tt.TabularConfig(d=3, n_bins=8)
    bin_nd = np.asarray(tt.encode(jnp.asarray(x_nd), jnp.zeros(400, jnp.int32), book, config))[:, 1:]
    for j in range(3):
        counts_k = np.bincount(bin_nd[:, j] - config.n_classes, minlength=8)
        assert np.all(np.abs(counts_k - 400 / 8) <= 1)


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_encode_decode_stays_in_the_bin(jit):
    x_nd, y_n = two_classes(jax.random.key(2))
    book = fit_codebook(np.asarray(x_nd), CONFIG.n_bins)
    encode = jax.jit(tt.encode, static_argnums=3) if jit else tt.encode
    tokens_nt = encode(x_nd, y_n, book, CONFIG)
    x_back_nd = tt.decode(tokens_nt, book, CONFIG, key=jax.random.key(3))
    bin_nd = np.asarray(tokens_nt[:, 1:]) - CONFIG.n_classes
    for x in (np.asarray(x_nd), x_back_nd):
        lo_nd, hi_nd = book.lo_dk[np.arange(2)[None, :], bin_nd], book.hi_dk[np.arange(2)[None, :], bin_nd]
        assert np.all((lo_nd <= x) & (x <= hi_nd))
    np.testing.assert_array_equal(np.asarray(tokens_nt[:, 0]), np.asarray(y_n))


def test_training_lowers_the_loss(fit):
    """A zero-initialised head starts at the uniform loss ln(n_bins); the class token is informative."""
    assert abs(fit.loss_s[0] - np.log(CONFIG.n_bins)) < 1e-4
    assert fit.loss_s[-20:].mean() < np.log(CONFIG.n_bins) - 0.2


def test_sampling_follows_its_key_and_emits_only_valid_tokens(fit):
    graphdef, state = nnx.split(fit.model)
    def draw(key):
        return np.asarray(tt.sample_tokens(graphdef, state, 0, 256, key=key, temperature=1.0))

    tokens_nt = draw(jax.random.key(4))
    assert np.any(tokens_nt != draw(jax.random.key(5)))
    assert np.all(tokens_nt[:, 0] == 0)
    assert tokens_nt.shape == (256, CONFIG.length)
    bins = tokens_nt[:, 1:]
    assert np.all((bins >= CONFIG.n_classes) & (bins < CONFIG.vocab))


def test_generated_minority_follows_its_class(fit):
    """Conditioned on class 0, rows sit around -2 e_1 inside the training range; parents_nk is (n, 0)."""
    syn = tt.generate(None, 512, key=jax.random.key(6), fit=fit, label=0)
    assert syn.parents_nk.shape == (512, 0)
    x_nd = np.asarray(syn.x_nd)
    assert np.all((x_nd >= fit.book.lo_dk[:, 0][None, :]) & (x_nd <= fit.book.hi_dk[:, -1][None, :]))
    assert x_nd[:, 0].mean() < -1.0
