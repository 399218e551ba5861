import jax
import jax.numpy as jnp
import numpy as np
import pytest

from synthlaw.sims.gaussian import DIRECTIONS, means_for_delta, sample, shift_direction
from synthlaw.theory.risks.gaussian import mahalanobis


def test_means_have_the_requested_mahalanobis_separation():
    mu_0, mu_1 = means_for_delta(4, 1.7)
    assert float(mahalanobis(mu_0, mu_1, jnp.eye(4))) == pytest.approx(1.7, rel=1e-6)


def test_directions_are_unit_and_orthogonal():
    par, orth = shift_direction(3, DIRECTIONS["parallel"]), shift_direction(3, DIRECTIONS["orthogonal"])
    np.testing.assert_allclose([par @ par, orth @ orth, par @ orth], [1.0, 1.0, 0.0], atol=1e-7)


@pytest.mark.parametrize("jit", [True, False])
def test_sample_moments_match_the_law_within_sampling_error(jit):
    n = 20000
    mu_0, mu_1 = jnp.array([0.0, 1.0]), jnp.array([2.0, -1.0])
    cov = jnp.array([[2.0, 0.6], [0.6, 1.0]])
    run = sample if jit else sample.__wrapped__
    with jax.disable_jit(not jit):
        x, y = run(jax.random.key(0), n, n, mu_0, mu_1, cov)
    x, y = np.asarray(x), np.asarray(y)
    assert x.shape == (2 * n, 2) and (y[:n] == 0).all() and (y[n:] == 1).all()
    for label, mu in ((0, mu_0), (1, mu_1)):
        xs = x[y == label]
        # 5 standard errors: a false alarm has probability below 1e-5 per coordinate
        se = np.sqrt(np.diag(cov) / n)
        assert np.all(np.abs(xs.mean(0) - np.asarray(mu)) < 5 * se)
        # covariance entries: standard error about sqrt(2/n) * scale
        assert np.allclose(np.cov(xs.T), np.asarray(cov), atol=5 * np.sqrt(2 / n) * 2.0)


def test_same_key_same_draws():
    args = (jax.random.key(3), 5, 7, jnp.zeros(2), jnp.ones(2), jnp.eye(2))
    np.testing.assert_array_equal(sample(*args)[0], sample(*args)[0])
