"""ADASYN: SMOTE whose base rows are weighted by how many other-class rows surround them.

He et al. (2008), as imbalanced-learn 0.14 computes it (imblearn/over_sampling/_adasyn.py):
  1. r_i = (other-class rows among row i's k nearest rows of the whole table, i excluded) / k,
     for each row i of the class (one-vs-rest, as imblearn);
  2. w_i = r_i / sum_j r_j, and row i is the base of g_i = rint(w_i n_new) new rows (NumPy's
     round half to even, in float64 with imblearn's order of operations), so the total
     sum_i g_i may differ from n_new by rounding, exactly as in imblearn;
  3. each new row is x_i + u (x_j - x_i), j uniform among i's k nearest rows of the class,
     u ~ U(0, 1).
imblearn fits its neighbour search with k + 1 neighbours and drops the first (the row itself);
this module excludes the row itself, which is the same unless another row sits at distance 0.
Distances are computed in the rows' dtype (float32 from fit_table_generator), so a near-tie at
the k-th neighbour (relative gap below about 1e-6) may resolve otherwise than imblearn's float64.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models.smote import nearest_neighbours
from synthlaw.models.synthetic import Synthetic

QUERY_BATCH = 256  # class rows whose distances to the whole table are held at once


@partial(jax.jit, static_argnames=("k",))
def other_class_counts(x_nd, is_class_n, class_m, k: int):
    """For each class row class_m[i] (indices into x_nd), how many of its k nearest other rows
    (Euclidean) are not of the class: other_m."""
    index_n = jnp.arange(x_nd.shape[0])

    def count(i):
        dist_n = jnp.sum((x_nd - x_nd[i][None, :]) ** 2, axis=1)
        near_k = jax.lax.top_k(-jnp.where(index_n == i, jnp.inf, dist_n), k)[1]
        return jnp.sum(~is_class_n[near_k])

    return jax.lax.map(count, class_m, batch_size=QUERY_BATCH)


def rows_per_parent(other_m: np.ndarray, n_new: int, k: int) -> np.ndarray:
    """g_i = rint(w_i n_new), w_i = r_i / sum r, r_i = other_i / k: imblearn's float64 rule.

    Raises ValueError when no class row has another class among its neighbours (w is 0/0) or when
    every g_i rounds to 0."""
    ratio_m = np.asarray(other_m) / k
    if not np.sum(ratio_m):
        raise ValueError(f"ADASYN: no row of the class has another class among its {k} nearest neighbours, "
                         "so its weights are 0/0; use SMOTE for this table")
    ratio_m /= np.sum(ratio_m)
    count_m = np.rint(ratio_m * n_new).astype(int)
    if not count_m.sum():
        raise ValueError(f"ADASYN: n_new = {n_new} rounds to 0 new rows for every row of the class")
    return count_m


@partial(jax.jit, static_argnames=("n_total", "k"))
def interpolate(x_class_md, count_m, n_total: int, k: int, *, key) -> Synthetic:
    """Row i is the base of count_m[i] new rows (n_total = count_m.sum()), each towards a partner
    uniform among its k nearest class rows. parents_nk has 2 columns: (base, partner)."""
    key_nb, key_u = jax.random.split(key)
    neighbours_mk = nearest_neighbours(x_class_md, k, x_class_md.shape[0])
    base_n = jnp.repeat(jnp.arange(x_class_md.shape[0]), count_m, total_repeat_length=n_total)
    partner_n = neighbours_mk[base_n, jax.random.randint(key_nb, (n_total,), 0, k)]
    u_n1 = jax.random.uniform(key_u, (n_total, 1), dtype=x_class_md.dtype)
    x_new_nd = x_class_md[base_n] + u_n1 * (x_class_md[partner_n] - x_class_md[base_n])
    return Synthetic(x_new_nd, jnp.stack([base_n, partner_n], axis=1))


def generate(x_nd, y_n, label, n_new: int, k: int = 5, *, key) -> Synthetic:
    """ADASYN rows of class `label` from the table (x_nd, y_n): sum_i rint(w_i n_new) rows (the
    module's docstring), parents indexing the class rows in table order. The class needs more
    than k rows and the table more than k rows."""
    is_class_n = np.asarray(y_n) == label
    class_m = np.flatnonzero(is_class_n)
    x_nd = jnp.asarray(x_nd)
    other_m = other_class_counts(x_nd, jnp.asarray(is_class_n), jnp.asarray(class_m), k)
    count_m = rows_per_parent(np.asarray(other_m), n_new, k)
    return interpolate(x_nd[class_m], jnp.asarray(count_m), int(count_m.sum()), k, key=key)
