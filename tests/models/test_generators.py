import importlib
import inspect
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from synthlaw import models
from synthlaw.models import gaussian_generators, random_oversampling, smote
from synthlaw.models.registry import TrueLaw, UnknownGenerator, generator


def minority(n=40, d=3, seed=0):
    return jnp.asarray(np.random.default_rng(seed).normal(size=(n, d)), jnp.float32)


def test_random_oversampling_copies_real_rows_and_respects_padding():
    x = minority()
    out = random_oversampling.generate(x, 500, key=jax.random.key(0), n_real=10)
    np.testing.assert_array_equal(out.x_nd, x[out.parents_nk[:, 0]])
    assert int(out.parents_nk.max()) < 10 and out.parents_nk.shape == (500, 1)


def test_smote_interpolates_between_a_row_and_one_of_its_k_nearest_neighbours():
    x = minority(n=60)
    n_real, k = 50, 5
    out = smote.generate(x, 400, k, key=jax.random.key(1), n_real=n_real)
    base, partner = np.asarray(out.parents_nk).T
    assert base.max() < n_real and partner.max() < n_real
    reference = NearestNeighbors(n_neighbors=k + 1).fit(np.asarray(x[:n_real]))
    neighbours = reference.kneighbors(np.asarray(x[:n_real]), return_distance=False)[:, 1:]
    assert all(p in neighbours[b] for b, p in zip(base, partner, strict=True))
    xs, xb, xp = np.asarray(out.x_nd), np.asarray(x)[base], np.asarray(x)[partner]
    u = ((xs - xb) * (xp - xb)).sum(1) / ((xp - xb) ** 2).sum(1)
    np.testing.assert_allclose(xs, xb + u[:, None] * (xp - xb), atol=1e-5)
    assert u.min() >= -1e-6 and u.max() <= 1 + 1e-6


def test_plugin_samples_the_fitted_gaussian_of_the_real_rows_only():
    x = minority(n=300, d=2)
    x = x.at[200:].set(100.0)  # padding rows that must be ignored
    out = gaussian_generators.generate_plugin(x, 40000, key=jax.random.key(2), n_real=200)
    real = np.asarray(x[:200])
    se = np.sqrt(np.diag(np.cov(real.T)) / 40000)
    assert np.all(np.abs(np.asarray(out.x_nd).mean(0) - real.mean(0)) < 5 * se)
    np.testing.assert_allclose(np.cov(np.asarray(out.x_nd).T), np.cov(real.T), atol=0.05)
    assert out.parents_nk.shape == (40000, 0)


def test_shifted_generator_moves_the_mean_by_delta_along_the_direction():
    mu, offset = jnp.array([1.0, -1.0]), 0.5 * jnp.array([0.0, 1.0])
    law = TrueLaw(mu, jnp.eye(2), offset)
    out = generator("shifted").fn(minority(d=2), 40000, key=jax.random.key(3), n_real=30, law=law)
    assert np.all(np.abs(np.asarray(out.x_nd).mean(0) - np.array([1.0, -0.5])) < 5 / np.sqrt(40000))


def test_an_unknown_generator_name_raises_and_names_what_is_allowed():
    with pytest.raises(UnknownGenerator, match=r"generator = 'gan': unknown; allowed: ros, smote, plugin"):
        generator("gan")


def test_every_key_in_models_is_keyword_only():
    """Keys are passed as key=..., never by position (one convention, as equinox does)."""
    with_key, positional = [], []
    for path in sorted(Path(models.__file__).parent.glob("*.py")):
        module = importlib.import_module(f"synthlaw.models.{path.stem}")
        for name, fn in vars(module).items():
            fn = inspect.unwrap(fn) if callable(fn) else None  # jitted functions too
            if inspect.isfunction(fn) and fn.__module__ == module.__name__:
                key = inspect.signature(fn).parameters.get("key")
                if key is not None:
                    with_key.append(f"{path.stem}.{name}")
                    if key.kind is not inspect.Parameter.KEYWORD_ONLY:
                        positional.append(with_key[-1])
    assert positional == []
    assert {"smote.generate", "registry._ros", "transformer_training.train_block"} <= set(with_key)
