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

On mixed rows (generate_mixed; imblearn's ADASYN takes numeric rows only) both neighbour searches
use the SMOTE-NC distance with the class's sigma (models/smote_nc.py), and each new row is a
SMOTE-NC row from its base row: numeric columns interpolated, categories the mode of the base
row's k nearest class rows.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models import smote_nc
from synthlaw.models.buckets import bucket, padded, to_bucket
from synthlaw.models.smote import nearest_neighbours
from synthlaw.models.synthetic import Synthetic


def other_class_counts(x_nd, is_class_n, class_m, k: int, cat_nq=None, penalty=0.0) -> np.ndarray:
    """For each class row class_m[i] (indices into the table), how many of its k nearest other
    rows are not of the class: other_m. Euclidean on x_nd, or with categorical codes cat_nq the
    SMOTE-NC distance (x_nd then the numeric columns; smote_nc.nc_neighbours). The table and the
    queries are padded to their buckets (models/buckets.py); padding rows are never neighbours."""
    x_nd = np.asarray(x_nd)
    n, m = len(x_nd), len(class_m)
    cat_nq = np.zeros((n, 0), np.int32) if cat_nq is None else np.asarray(cat_nq)
    rows = bucket(n)
    near_mk = np.asarray(smote_nc.nc_neighbours(padded(x_nd, rows), padded(cat_nq, rows), padded(class_m, bucket(m)),
                                                penalty, k, n_real=n))[:m]
    return np.sum(~np.asarray(is_class_n)[near_mk], axis=1)


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


@partial(jax.jit, static_argnames=("k",))
def interpolate(x_class_md, base_n, k: int, *, key, n_real) -> Synthetic:
    """A new row from each base row base_n[r], towards a partner uniform among its k nearest class
    rows (the first n_real rows are real, later rows padding). parents_nk has 2 columns: (base, partner)."""
    key_nb, key_u = jax.random.split(key)
    neighbours_mk = nearest_neighbours(x_class_md, k, n_real)
    partner_n = neighbours_mk[base_n, jax.random.randint(key_nb, base_n.shape, 0, k)]
    u_n1 = jax.random.uniform(key_u, (base_n.shape[0], 1), dtype=x_class_md.dtype)
    x_new_nd = x_class_md[base_n] + u_n1 * (x_class_md[partner_n] - x_class_md[base_n])
    return Synthetic(x_new_nd, jnp.stack([base_n, partner_n], axis=1))


def generate(x_nd, y_n, label, n_new: int, k: int = 5, *, key) -> Synthetic:
    """ADASYN rows of class `label` from the table (x_nd, y_n): sum_i rint(w_i n_new) rows (the
    module's docstring), parents indexing the class rows in table order. The class needs more
    than k rows and the table more than k rows. The class rows and the row count are bucketed
    (models/buckets.py): the bases are fixed by position (row i repeated g_i times), padded with
    row 0 to the bucket, and only the first sum_i g_i new rows are kept."""
    is_class_n = np.asarray(y_n) == label
    class_m = np.flatnonzero(is_class_n)
    x_nd = np.asarray(x_nd)
    other_m = other_class_counts(x_nd, is_class_n, class_m, k)
    base_n = np.repeat(np.arange(len(class_m)), rows_per_parent(other_m, n_new, k))
    out = interpolate(to_bucket(x_nd[class_m]), to_bucket(base_n), k, key=key, n_real=len(class_m))
    return Synthetic(np.asarray(out.x_nd)[: len(base_n)], jnp.asarray(np.asarray(out.parents_nk)[: len(base_n)]))


def generate_mixed(x_nd, y_n, categorical_d, label, n_new: int, k: int = 5, *, key) -> Synthetic:
    """ADASYN on mixed rows (codes representation, no NaN, some numeric column): imblearn's
    weights with the SMOTE-NC distance, then SMOTE-NC rows (module docstring); x_nd float64,
    parents (base, partner) indexing the class rows in table order. Bucketed as generate."""
    categorical_d = np.asarray(categorical_d, bool)
    is_class_n = np.asarray(y_n) == label
    class_m = np.flatnonzero(is_class_n)
    num_np, cat_nq = smote_nc.split_columns(np.asarray(x_nd), categorical_d)
    penalty = smote_nc.median_std(np.asarray(x_nd)[class_m][:, ~categorical_d]) ** 2
    other_m = other_class_counts(num_np, is_class_n, class_m, k, cat_nq, penalty)
    m = len(class_m)
    base_n = np.repeat(np.arange(m), rows_per_parent(other_m, n_new, k))
    n_total = len(base_n)
    num_mp, cat_mq = padded(num_np[class_m], bucket(m)), padded(cat_nq[class_m], bucket(m))
    neighbours_mk = smote_nc.nc_neighbours(num_mp, cat_mq, np.arange(bucket(m)), penalty, k, n_real=m)
    base_n = padded(base_n, bucket(n_total))  # rows past n_total: base row 0, dropped
    num_new_np, cat_new_nq, parents_n2 = (np.asarray(a)[:n_total] for a in smote_nc.nc_rows(
        num_mp, cat_mq, neighbours_mk, base_n, key=key))
    return Synthetic(smote_nc.join_columns(num_new_np, cat_new_nq, categorical_d), jnp.asarray(parents_n2))
