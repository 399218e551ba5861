"""sims/gaussian.py: the draw of Setting G follows its law, traced or not."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from synthlaw.sims.gaussian import draw


@pytest.mark.parametrize("jit", [True, False], ids=["jit", "eager"])
def test_draw_moments_match_the_law_within_sampling_error(jit):
    n = 20000
    mu = np.array([2.0, -1.0])
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    run = jax.jit(draw, static_argnames="n") if jit else draw
    x = np.asarray(run(n, jnp.asarray(mu), jnp.linalg.cholesky(jnp.asarray(cov)), key=jax.random.key(0)))
    assert x.shape == (n, 2) and x.dtype == np.float32
    # 5 standard errors: a false alarm has probability below 1e-5 per coordinate
    assert np.all(np.abs(x.mean(0) - mu) < 5 * np.sqrt(np.diag(cov) / n))
    # covariance entries: standard error about sqrt(2/n) * scale
    np.testing.assert_allclose(np.cov(x.T), cov, atol=5 * np.sqrt(2 / n) * 2.0)


def test_draw_takes_a_numpy_mean_in_the_working_precision():
    """A float64 NumPy mean (sims.geometry's) draws the rows of its float32 copy without x64, and
    float64 rows with x64."""
    mu, chol = np.array([0.5, -0.3]), np.eye(2)
    np.testing.assert_array_equal(draw(3, mu, chol, key=jax.random.key(1)),
                                  draw(3, jnp.asarray(mu, jnp.float32), chol, key=jax.random.key(1)))
    with jax.enable_x64(True):
        assert draw(3, mu, chol, key=jax.random.key(1)).dtype == jnp.float64
