import jax
import jax.numpy as jnp
import numpy as np
from sklearn.linear_model import Ridge

from synthlaw.models.ridge import fit_ridge


def test_matches_scikit_learn_weighted_ridge_on_signed_targets():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4))
    y = (x[:, 0] + rng.normal(size=300) > 0).astype(int)
    weight = rng.uniform(0.5, 2.0, size=300)
    reference = Ridge(alpha=3.0).fit(x, 2 * y - 1, sample_weight=weight)
    with jax.enable_x64(True):
        w, b = fit_ridge(jnp.asarray(x), jnp.asarray(y), jnp.asarray(weight), l2=3.0)
    np.testing.assert_allclose(np.asarray(w), reference.coef_, atol=1e-8)
    np.testing.assert_allclose(float(b), reference.intercept_, atol=1e-8)
