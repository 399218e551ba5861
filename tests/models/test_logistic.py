import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import log_expit
from sklearn.linear_model import LogisticRegression

from synthlaw.models.logistic import (
    STEPS_GAUSSIAN,
    STEPS_GROUPS,
    bfgs_update,
    conjugate_gradient,
    converged,
    fit_logistic,
)


def data(seed, n=600, d=5):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    y = (x @ rng.normal(size=d) + rng.logistic(size=n) > 0.4).astype(int)
    return x, y, rng.uniform(0.2, 3.0, size=n)


@pytest.mark.parametrize("C", [0.05, 1.0, 100.0])
def test_matches_scikit_learn_to_1e_4_in_float64(C):
    x, y, weight = data(0)
    reference = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(x, y, sample_weight=weight)
    with jax.enable_x64(True):
        w, b, _ = fit_logistic(jnp.asarray(x), jnp.asarray(y), jnp.asarray(weight), l2=1.0 / C)
    np.testing.assert_allclose(np.asarray(w), reference.coef_[0], atol=1e-4)
    assert float(b) == pytest.approx(reference.intercept_[0], abs=1e-4)


def test_zero_weight_rows_are_padding():
    x, y, weight = data(1)
    with jax.enable_x64(True):
        w_a, b_a, _ = fit_logistic(jnp.asarray(x[:400]), jnp.asarray(y[:400]), jnp.asarray(weight[:400]))
        padded_weight = np.concatenate([weight[:400], np.zeros(200)])
        w_b, b_b, _ = fit_logistic(jnp.asarray(x), jnp.asarray(y), jnp.asarray(padded_weight))
    np.testing.assert_allclose(w_a, w_b, atol=1e-10)
    assert float(b_a) == pytest.approx(float(b_b), abs=1e-10)


def test_jit_and_no_jit_agree():
    x, y, weight = map(jnp.asarray, data(2))
    w_jit, b_jit, _ = fit_logistic(x, y, weight, l2=0.5)
    with jax.disable_jit():
        w_eager, b_eager, _ = fit_logistic(x, y, weight, l2=0.5)
    np.testing.assert_allclose(w_jit, w_eager, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(b_jit, b_eager, rtol=1e-4, atol=1e-5)


def test_separable_data_gives_finite_weights_that_separate():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] > 0).astype(int)
    w, b, _ = fit_logistic(jnp.asarray(x, jnp.float32), jnp.asarray(y), jnp.ones(200))
    assert np.all(np.isfinite(np.asarray(w))) and np.isfinite(float(b))
    predicted = (x @ np.asarray(w) + float(b) > 0).astype(int)
    assert (predicted == y).all()


def test_vmaps_over_replicates():
    x, y, weight = data(4)
    xs = jnp.stack([jnp.asarray(x, jnp.float32)] * 3)
    ws, bs, _ = jax.vmap(lambda a: fit_logistic(a, jnp.asarray(y), jnp.asarray(weight, jnp.float32)))(xs)
    assert ws.shape == (3, 5) and bs.shape == (3,)
    np.testing.assert_allclose(ws[0], ws[2], rtol=1e-6)  # batch position may round differently


def objective(theta, x, y, weight, l2):
    """sum_i weight_i ce(y_i, w.x_i + b) + (l2 / 2) ||w||^2 in float64, by SciPy's log_expit."""
    z = x @ theta[:-1] + theta[-1]
    return -(weight * (y * log_expit(z) + (1 - y) * log_expit(-z))).sum() + 0.5 * l2 * theta[:-1] @ theta[:-1]


def gradient_per_weight(x, y, weight, l2, w, b):
    """The objective's gradient in float64 NumPy, divided by the total weight."""
    residual = weight * (1.0 / (1.0 + np.exp(-(x @ w + b))) - y)
    return np.r_[x.T @ residual + l2 * w, residual.sum()] / weight.sum()


def far_from_gaussian(seed):
    """1% positives and heavy-tailed, offset features: the LDA start is poor here."""
    rng = np.random.default_rng(seed)
    x = rng.standard_t(3, size=(4000, 6)) * np.arange(1, 7) + 5.0
    y = (rng.uniform(size=4000) < 0.01).astype(float)
    x[y == 1] += 1.5
    return x, y, rng.uniform(0.2, 3.0, size=4000)


@pytest.mark.parametrize("make, n_steps", [(data, 6), (far_from_gaussian, 12)])
def test_gradient_vanishes_in_float64_where_the_lda_start_alone_does_not(make, n_steps):
    x, y, weight = make(5)
    with jax.enable_x64(True):
        fit = {steps: fit_logistic(jnp.asarray(x), jnp.asarray(y), jnp.asarray(weight), l2=0.5, n_steps=steps)
               for steps in (0, n_steps)}
    start, done = (np.abs(gradient_per_weight(x, y, weight, 0.5, np.asarray(w), float(b))).max()
                   for w, b, _ in fit.values())
    assert done < 1e-9
    assert start > 1e-4  # negative control: the same check fails the unrefined start


def test_conjugate_gradient_stays_finite_without_positive_curvature():
    """An indefinite system (a BFGS matrix broken by rounding) must not give inf or NaN: a NaN
    direction once turned one fit of a 1152-replicate AUG-2 sweep into NaN."""
    u = conjugate_gradient(jnp.diag(jnp.array([1.0, -1.0])), jnp.array([1.0, 2.0]), n_iter=4)
    assert np.all(np.isfinite(np.asarray(u)))


def test_bfgs_update_skips_a_step_whose_gradient_change_is_rounding_noise():
    b = jnp.diag(jnp.array([4.0, 2.0, 1.0]))
    s = jnp.array([1e-6, -2e-6, 1e-6])
    exact = bfgs_update(b, s, b @ s)  # the quadratic's own gradient change: accepted, B unchanged
    np.testing.assert_allclose(exact, b, rtol=1e-5)
    noise = jnp.array([3e-3, 1e-3, 2e-3])  # y's / s'Bs = 230: noise, not curvature
    np.testing.assert_array_equal(bfgs_update(b, s, noise), b)
    curved = bfgs_update(b, s, 2.0 * (b @ s))  # twice the modelled curvature along s: accepted
    assert float(s @ curved @ s) == pytest.approx(2.0 * float(s @ b @ s), rel=1e-4)


@pytest.mark.parametrize("n_steps", [0, 1, STEPS_GAUSSIAN])
def test_the_reported_gradient_norm_is_the_objectives_at_the_returned_point(n_steps):
    """grad_norm against the gradient of SciPy's objective: by finite differences where it is
    large (0 or 1 step from the LDA start), in closed form at the optimum, where it is ~1e-10."""
    x, y, weight = far_from_gaussian(6)
    with jax.enable_x64(True):
        fit = fit_logistic(jnp.asarray(x), jnp.asarray(y), jnp.asarray(weight), l2=0.5, n_steps=n_steps)
    theta = np.r_[np.asarray(fit.w_d), float(fit.b)]
    exact = np.linalg.norm(gradient_per_weight(x, y, weight, 0.5, theta[:-1], theta[-1])) * weight.sum()
    assert float(fit.grad_norm) == pytest.approx(exact, rel=1e-6, abs=1e-9 * weight.sum())
    if n_steps < STEPS_GAUSSIAN:
        numeric = approx_fprime(theta, objective, 1e-6 * np.maximum(np.abs(theta), 1.0), x, y, weight, 0.5)
        assert float(fit.grad_norm) == pytest.approx(np.linalg.norm(numeric), rel=1e-3)


def test_too_few_steps_report_a_large_gradient_and_the_policys_steps_converge_in_float32():
    """Data far from Gaussian: one step leaves the gradient far from zero, and converged() says
    so; the regime's STEPS_GROUPS steps reach float32 rounding, and converged() says that too."""
    x, y, weight = (jnp.asarray(a, jnp.float32) for a in far_from_gaussian(7))
    short, enough = (fit_logistic(x, y, weight, l2=0.5, n_steps=s) for s in (1, STEPS_GROUPS))
    assert float(short.grad_norm) > 1e-2 * float(weight.sum()) and not converged(short, weight)
    assert converged(enough, weight)
    assert float(enough.grad_norm) < 1e-3 * float(short.grad_norm)
