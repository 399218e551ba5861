"""SMOTE: interpolate uniformly between a minority row and one of its k nearest minority neighbours."""

from functools import partial

import jax
import jax.numpy as jnp

from synthlaw.models.smote_nc import k_nearest
from synthlaw.models.synthetic import Synthetic


def nearest_neighbours(x_nd, k: int, n_real):
    """Indices of the k nearest other rows among the first n_real (Euclidean), shape n x k. The
    squared distances |x_i|^2 + |x_j|^2 - 2 x_i.x_j are held one block of query rows at a time
    (smote_nc.k_nearest): memory QUERY_BATCH x n, not n x n."""
    x_nd = jnp.asarray(x_nd)
    sq_n = jnp.sum(x_nd**2, axis=1)
    n = x_nd.shape[0]
    return k_nearest(lambda i: sq_n[i] + sq_n - 2.0 * (x_nd @ x_nd[i]), jnp.arange(n), n, k, include_self=False,
                     n_real=n_real)


def bases(n_new: int, n_real, *, key):
    """The first parents generate draws for this key: n_new indices uniform on the first n_real rows, as random
    oversampling's. Copies of these rows are random oversampling paired with SMOTE's rows (IMB-6's measurement)."""
    return jax.random.randint(jax.random.split(key, 3)[0], (n_new,), 0, n_real)


@partial(jax.jit, static_argnames=("n_new", "k"))
def generate(x_min_nd, n_new: int, k: int = 5, *, key, n_real=None) -> Synthetic:
    """n_new rows x_i + u (x_j - x_i), i uniform, j uniform among i's k neighbours, u ~ U(0, 1).

    Only the first n_real rows are real (all by default; later rows are padding). parents_nk has
    2 columns: (i, j). Needs more than k real rows.
    """
    n_real = x_min_nd.shape[0] if n_real is None else n_real
    _, key_nb, key_u = jax.random.split(key, 3)
    neighbours_nk = nearest_neighbours(x_min_nd, k, n_real)
    base_n = bases(n_new, n_real, key=key)
    pick_n = jax.random.randint(key_nb, (n_new,), 0, k)
    partner_n = neighbours_nk[base_n, pick_n]
    u_n1 = jax.random.uniform(key_u, (n_new, 1), dtype=x_min_nd.dtype)
    x_new_nd = x_min_nd[base_n] + u_n1 * (x_min_nd[partner_n] - x_min_nd[base_n])
    return Synthetic(x_new_nd, jnp.stack([base_n, partner_n], axis=1))
