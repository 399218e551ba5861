"""SMOTE-NC and SMOTE-N on the codes representation (categorical columns as integer codes, no one-hot).

As imbalanced-learn 0.14 computes them (imblearn/over_sampling/_smote/base.py):
SMOTE-NC (SMOTENC._fit_resample, _generate_samples)
  - sigma = median over the numeric columns of their standard deviation (ddof 0) over the rows of
    the class being oversampled;
  - distance^2(a, b) = sum_numeric (a - b)^2 + sigma^2 (number of categorical columns where a and b
    differ): imblearn sets each one-hot entry to sigma / sqrt(2), so a differing category adds
    2 (sigma / sqrt 2)^2 = sigma^2;
  - a new row: base i uniform among the class rows, partner j uniform among i's k nearest class
    rows (i itself excluded), numeric columns x_i + u (x_j - x_i) with u ~ U(0, 1), each categorical
    column the most frequent value among i's k neighbours (i not counted), a tie broken uniformly
    at random, independently for each new row.
SMOTE-N (SMOTEN._fit_resample, _make_samples; imblearn/metrics/pairwise.py ValueDifferenceMetric)
  - p_j(c | v) = share of class c among the table's rows whose column j is v (0 for an absent v);
  - distance(a, b) = sum_j (sum_c |p_j(c | a_j) - p_j(c | b_j)|)^2 (the value difference metric,
    k = 1, r = 2);
  - a new row: base i uniform among the class rows, each column the most frequent value among i's
    k + 1 nearest class rows (i itself included), a tie going to the smallest code (scipy's mode).
Neighbours are searched one block of query rows at a time (memory n_block x n, never n x n or
n x levels); a tie at the k-th distance goes to the lower row index, which may differ from
scikit-learn's order, and distances are in float32.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from synthlaw.models.buckets import bucket, padded
from synthlaw.models.synthetic import Synthetic

QUERY_BATCH = 256  # query rows whose distances to the reference rows are held at once


def median_std(x_num_mp: np.ndarray) -> float:
    """sigma: the median over numeric columns of the standard deviation (ddof 0) of the rows, float64."""
    return float(np.median(np.std(np.asarray(x_num_mp, np.float64), axis=0)))


def k_nearest(distance_to, query_m, n: int, k: int, include_self: bool, n_real=None):
    """For each query index i, the k reference rows (of the first n_real of n: later rows are
    padding, never a neighbour) with the smallest distance_to(i) (n,), i itself excluded unless
    include_self: neighbours_mk."""
    index_n = jnp.arange(n)
    excluded_n = index_n >= (n if n_real is None else n_real)

    def near(i):
        dist_n = jnp.where(excluded_n if include_self else excluded_n | (index_n == i), jnp.inf, distance_to(i))
        return jax.lax.top_k(-dist_n, k)[1]

    return jax.lax.map(near, query_m, batch_size=QUERY_BATCH)


@partial(jax.jit, static_argnames=("k",))
def nc_neighbours(num_np, cat_nq, query_m, penalty, k: int, n_real=None):
    """k nearest rows of the table (num_np, cat_nq; its first n_real rows, all by default, later
    rows padding) to each row query_m[i], itself excluded, by sum (numeric differences)^2 +
    penalty (differing categorical columns): neighbours_mk."""
    num_np, cat_nq = jnp.asarray(num_np), jnp.asarray(cat_nq)
    def distance_to(i):
        return jnp.sum((num_np - num_np[i][None, :]) ** 2, axis=1) + penalty * jnp.sum(
            cat_nq != cat_nq[i][None, :], axis=1)

    return k_nearest(distance_to, query_m, num_np.shape[0], k, include_self=False, n_real=n_real)


def neighbour_mode(values_nkq, tie_nkq):
    """Per row and column, the most frequent of the k values; among the most frequent, the value
    at the position with the smallest tie score: mode_nq."""
    count_nkq = jnp.sum(values_nkq[:, :, None, :] == values_nkq[:, None, :, :], axis=2)
    top_nkq = count_nkq == jnp.max(count_nkq, axis=1, keepdims=True)
    pick_n1q = jnp.argmin(jnp.where(top_nkq, tie_nkq, jnp.inf), axis=1, keepdims=True)
    return jnp.take_along_axis(values_nkq, pick_n1q, axis=1)[:, 0, :]


@jax.jit
def nc_rows(num_mp, cat_mq, neighbours_mk, base_n, *, key):
    """SMOTE-NC rows from base rows base_n: numeric x_i + u (x_j - x_i), j uniform among i's
    neighbours, categories the mode of i's neighbours (ties uniform): (num_np, cat_nq, parents_n2)."""
    num_mp, cat_mq, neighbours_mk = jnp.asarray(num_mp), jnp.asarray(cat_mq), jnp.asarray(neighbours_mk)
    key_nb, key_u, key_tie = jax.random.split(key, 3)
    n_new, k = base_n.shape[0], neighbours_mk.shape[1]
    near_nk = neighbours_mk[base_n]
    partner_n = near_nk[jnp.arange(n_new), jax.random.randint(key_nb, (n_new,), 0, k)]
    u_n1 = jax.random.uniform(key_u, (n_new, 1), dtype=num_mp.dtype)
    num_new_np = num_mp[base_n] + u_n1 * (num_mp[partner_n] - num_mp[base_n])
    values_nkq = cat_mq[near_nk]
    cat_new_nq = neighbour_mode(values_nkq, jax.random.uniform(key_tie, values_nkq.shape))
    return num_new_np, cat_new_nq, jnp.stack([base_n, partner_n], axis=1)


def split_columns(x_nd: np.ndarray, categorical_d: np.ndarray):
    """(numeric float32, categorical int32) column blocks of x_nd."""
    return (np.asarray(x_nd[:, ~categorical_d], np.float32), np.asarray(x_nd[:, categorical_d], np.int32))


def join_columns(num_np, cat_nq, categorical_d: np.ndarray) -> np.ndarray:
    """x_nd (float64) with the numeric and categorical blocks back in their columns."""
    x_nd = np.empty((len(num_np), len(categorical_d)))
    x_nd[:, ~categorical_d], x_nd[:, categorical_d] = np.asarray(num_np), np.asarray(cat_nq)
    return x_nd


@partial(jax.jit, static_argnames=("n_new", "k"))
def nc_generate(num_mp, cat_mq, penalty, n_new: int, k: int, *, key, n_real):
    """n_new SMOTE-NC rows, base rows uniform among the first n_real (later rows padding):
    (num_np, cat_nq, parents_n2)."""
    neighbours_mk = nc_neighbours(num_mp, cat_mq, jnp.arange(num_mp.shape[0]), penalty, k, n_real=n_real)
    key_base, key_rows = jax.random.split(key)
    return nc_rows(num_mp, cat_mq, neighbours_mk, jax.random.randint(key_base, (n_new,), 0, n_real), key=key_rows)


def generate(x_md, categorical_d, n_new: int, k: int = 5, *, key) -> Synthetic:
    """n_new SMOTE-NC rows (module docstring) from the class rows x_md (codes representation, no
    NaN; categorical_d (d,) bool with some numeric and some categorical column). x_nd float64,
    parents_nk (base, partner) into x_md. Needs more than k rows. Rows and n_new are bucketed
    (models/buckets.py): bucket(n_new) rows are drawn and the first n_new kept."""
    categorical_d, x_md = np.asarray(categorical_d, bool), np.asarray(x_md)
    num_mp, cat_mq = split_columns(x_md, categorical_d)
    penalty = median_std(x_md[:, ~categorical_d]) ** 2
    rows = bucket(len(x_md))
    num_np, cat_nq, parents_n2 = (np.asarray(a)[:n_new] for a in nc_generate(
        padded(num_mp, rows), padded(cat_mq, rows), penalty, bucket(n_new), k, key=key, n_real=len(x_md)))
    return Synthetic(join_columns(num_np, cat_nq, categorical_d), jnp.asarray(parents_n2))


def vdm_profiles(cat_nq: np.ndarray, y_n: np.ndarray) -> np.ndarray:
    """p_j(c | row's value in column j) for every row: profile_nqc (float32), c over sorted classes."""
    classes, class_n = np.unique(y_n, return_inverse=True)
    n_class = len(classes)
    profile_nqc = np.empty(cat_nq.shape + (n_class,), np.float32)
    for j in range(cat_nq.shape[1]):
        codes_n = np.asarray(cat_nq[:, j], np.int64)
        count_lc = np.bincount(codes_n * n_class + class_n, minlength=(codes_n.max() + 1) * n_class)
        count_lc = count_lc.reshape(-1, n_class).astype(np.float64)
        share_lc = count_lc / np.maximum(count_lc.sum(axis=1, keepdims=True), 1.0)
        profile_nqc[:, j, :] = share_lc[codes_n]
    return profile_nqc


@partial(jax.jit, static_argnames=("n_new", "k"))
def generate_n(cat_mq, profile_mqc, n_new: int, k: int = 5, *, key, n_real=None) -> Synthetic:
    """n_new SMOTE-N rows (module docstring) from the class rows' codes cat_mq and their value
    difference profiles profile_mqc (vdm_profiles over the whole table), the first n_real of them
    real (all by default; later rows padding): x_nd the codes (int32), parents_nk (base,). Needs
    at least k + 1 real rows."""
    cat_mq, profile_mqc = jnp.asarray(cat_mq), jnp.asarray(profile_mqc)
    m = cat_mq.shape[0]
    n_real = m if n_real is None else n_real

    def distance_to(i):
        return jnp.sum(jnp.sum(jnp.abs(profile_mqc - profile_mqc[i][None]), axis=2) ** 2, axis=1)

    neighbours_mk = k_nearest(distance_to, jnp.arange(m), m, k + 1, include_self=True, n_real=n_real)
    base_n = jax.random.randint(key, (n_new,), 0, n_real)
    values_nkq = cat_mq[neighbours_mk[base_n]]
    return Synthetic(neighbour_mode(values_nkq, values_nkq.astype(jnp.float32)), base_n[:, None])
