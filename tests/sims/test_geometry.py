"""sims/geometry.py: Settings G and S, and the same floats from NumPy and from traced JAX code."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from synthlaw.sims.geometry import (
    DIRECTIONS,
    GROUP_A,
    GROUP_Y,
    MINORITY,
    bayes_balanced_error,
    bayes_rule_p,
    group_counts,
    group_means,
    imbalance_excess,
    means_for,
    means_for_delta,
    shift_direction,
)
from synthlaw.theory.risks.gaussian import balanced_error


def test_means_have_the_requested_mahalanobis_separation():
    mu_0, mu_1 = means_for_delta(4, 1.7)
    assert mu_0.dtype == np.float64
    assert np.sqrt((mu_1 - mu_0) @ (mu_1 - mu_0)) == pytest.approx(1.7, rel=1e-15)
    np.testing.assert_array_equal(mu_0 + mu_1, np.zeros(4))


def test_traced_means_are_the_numpy_means_in_float32():
    """The simulators trace delta, core and spur; their means must be the NumPy float64 ones rounded."""
    delta, core, spur = np.float32(1.7), np.float32(0.9), np.float32(0.3)
    means = jax.jit(lambda t, c, s: (means_for_delta(3, t), group_means(*means_for(2, 3, c, s))))(delta, core, spur)
    want = (means_for_delta(3, float(delta)), group_means(*means_for(2, 3, float(core), float(spur))))
    for got_d, want_d in zip(jax.tree.leaves(means), jax.tree.leaves(want), strict=True):
        assert got_d.dtype == jnp.float32
        np.testing.assert_array_equal(got_d, want_d.astype(np.float32))


@pytest.mark.parametrize("traced", [False, True], ids=["numpy", "traced"])
def test_directions_are_unit_and_orthogonal(traced):
    direction = jax.jit(shift_direction, static_argnums=0) if traced else shift_direction
    par, orth = direction(3, DIRECTIONS["parallel"]), direction(3, DIRECTIONS["orthogonal"])
    np.testing.assert_array_equal(par, [1.0, 0.0, 0.0])
    np.testing.assert_allclose([par @ par, orth @ orth, par @ orth, orth[1]], [1.0, 1.0, 0.0, 1.0], atol=1e-7)
    np.testing.assert_array_equal(direction(1, DIRECTIONS["parallel"]), [1.0])


def test_the_bayes_rule_attains_the_bayes_balanced_error_and_no_other_rule_does():
    """For a general Gaussian pair, the balanced error of bayes_rule_p (risks' closed form) is
    Phi(-Delta/2) with Delta the Mahalanobis distance, and moving the rule only raises it."""
    rng = np.random.default_rng(0)
    mu_0, mu_1 = rng.normal(size=3), rng.normal(size=3)
    root = rng.normal(size=(3, 3))
    cov = root @ root.T + np.eye(3)
    delta = np.sqrt((mu_1 - mu_0) @ np.linalg.solve(cov, mu_1 - mu_0))
    theta_p = bayes_rule_p(mu_0, mu_1, cov)

    def error(t):
        return float(balanced_error(jnp.asarray(t[:-1]), t[-1], mu_0, mu_1, cov))

    with jax.enable_x64(True):
        assert error(theta_p) == pytest.approx(bayes_balanced_error(delta), abs=1e-14)
        assert all(error(theta_p + 0.05 * e) > error(theta_p) for e in rng.normal(size=(8, 4)))


def test_imbalance_excess_is_zero_at_balance_and_symmetric_in_log_rho():
    """E(1) = 0 and E(rho) = E(1/rho); in traced code, the NumPy value in float32."""
    assert imbalance_excess(1.0, 1.3) == 0.0
    assert imbalance_excess(4.0, 1.3) == pytest.approx(imbalance_excess(0.25, 1.3), abs=1e-15)
    assert imbalance_excess(4.0, 1.3) > 0.0
    traced = jax.jit(imbalance_excess)(jnp.float32(4.0), jnp.float32(1.3))
    assert float(traced) == pytest.approx(imbalance_excess(4.0, float(np.float32(1.3))), abs=1e-6)
    assert float(jax.jit(bayes_balanced_error)(jnp.float32(1.3))) == pytest.approx(stats.norm.cdf(-0.65), abs=1e-7)


def test_minority_groups_are_those_where_a_differs_from_y():
    assert MINORITY == tuple(y != a for y, a in zip(GROUP_Y, GROUP_A, strict=True)) == (False, True, True, False)
    counts = group_counts(1000, 0.1)
    assert counts == (450, 50, 50, 450)
    assert counts[0] + counts[1] == counts[2] + counts[3]


def test_group_means_put_y_on_core_and_a_on_spur():
    mean_gp = group_means(*means_for(1, 1, 2.0, 3.0))
    np.testing.assert_array_equal(mean_gp, [[-2, -3], [-2, 3], [2, -3], [2, 3]])
