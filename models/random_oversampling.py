"""Random oversampling: duplicate minority rows chosen uniformly with replacement."""

from functools import partial

import jax

from synthlaw.models.synthetic import Synthetic


@partial(jax.jit, static_argnames=("n_new",))
def generate(x_min_nd, n_new: int, *, key, n_real=None) -> Synthetic:
    """n_new copies of rows drawn uniformly from the first n_real rows of x_min_nd (all by default;
    later rows are padding). parents_nk has k = 1."""
    n_real = x_min_nd.shape[0] if n_real is None else n_real
    parent_n = jax.random.randint(key, (n_new,), 0, n_real)
    return Synthetic(x_min_nd[parent_n], parent_n[:, None])
