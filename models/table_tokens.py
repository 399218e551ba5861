"""Per-column codebooks: table values <-> level tokens, and back to values (GEN-2; real tables).

A column with at most n_bins distinct values gets one level per value, which decodes to exactly
that value (binary features, {-1, 1}, short integer scales). Any other column gets quantile bins
(edges at levels 0, 1/n_bins, ..., 1 of the training values), merged where ties leave a bin
empty, so that every level holds training values. Decoding a level either draws uniformly inside
its bin ("uniform"; a one-value level gives its value) or draws one of the training values that
fell in it ("empirical"), which keeps rounding and discreteness.
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

DECODINGS = ("empirical", "uniform")


class Codebook(NamedTuple):
    """cuts_dk: inner cut points, +inf padded (level = cuts <= x); lo_dk, hi_dk: a level's range;
    values_dn: each column's sorted training values, level k of column j being
    values_dn[j, start_dk[j, k] : start_dk[j, k] + count_dk[j, k]]; levels_d: levels per column."""

    cuts_dk: np.ndarray
    lo_dk: np.ndarray
    hi_dk: np.ndarray
    values_dn: np.ndarray
    start_dk: np.ndarray
    count_dk: np.ndarray
    levels_d: np.ndarray


def column_cuts(x_n: np.ndarray, n_bins: int) -> tuple[np.ndarray, bool]:
    """Cut points of one column, and whether it is discrete (one level per distinct value)."""
    u_m = np.unique(x_n)
    if len(u_m) <= n_bins:
        return (u_m[:-1] + u_m[1:]) / 2, True
    kept, prev = [], -np.inf
    for c in np.quantile(x_n, np.linspace(0.0, 1.0, n_bins + 1))[1:-1]:
        if np.any((prev <= x_n) & (x_n < c)):
            kept.append(c)
            prev = c
    return np.asarray(kept), False


def fit_codebook(x_nd: np.ndarray, n_bins: int) -> Codebook:
    """The codebook of every column of x_nd (n_bins levels at most per column)."""
    x_nd = np.asarray(x_nd, np.float64)
    n, d = x_nd.shape
    cuts_dk = np.full((d, n_bins - 1), np.inf)
    lo_dk, hi_dk = np.zeros((d, n_bins)), np.zeros((d, n_bins))
    start_dk, count_dk = np.zeros((d, n_bins), np.int64), np.zeros((d, n_bins), np.int64)
    values_dn = np.sort(x_nd, axis=0).T
    levels_d = np.zeros(d, np.int64)
    for j in range(d):
        cuts_k, discrete = column_cuts(x_nd[:, j], n_bins)
        levels = len(cuts_k) + 1
        levels_d[j] = levels
        cuts_dk[j, :levels - 1] = cuts_k
        level_n = np.searchsorted(cuts_k, values_dn[j], side="right")
        count_dk[j, :levels] = np.bincount(level_n, minlength=levels)
        start_dk[j, :levels] = np.concatenate([[0], np.cumsum(count_dk[j, :levels])[:-1]])
        if discrete:
            lo_dk[j, :levels] = hi_dk[j, :levels] = np.unique(x_nd[:, j])
        else:
            edges = np.concatenate([[values_dn[j, 0]], cuts_k, [values_dn[j, -1]]])
            lo_dk[j, :levels], hi_dk[j, :levels] = edges[:-1], edges[1:]
    return Codebook(cuts_dk, lo_dk, hi_dk, values_dn, start_dk, count_dk, levels_d)


def encode_levels(x_nd, cuts_dk):
    """x_nd -> level_nd: the number of a column's cut points <= x (values beyond the training range
    fall into the outer levels)."""
    return jax.vmap(lambda c_k, x_n: jnp.searchsorted(c_k, x_n, side="right"), in_axes=(0, 1),
                    out_axes=1)(jnp.asarray(cuts_dk, x_nd.dtype), x_nd)


def decode_levels(level_nd, book: Codebook, decoding: str, *, key):
    """level_nd -> x_nd (float64 numpy), by `decoding` (DECODINGS)."""
    level_nd = np.asarray(level_nd)
    column_d = np.arange(level_nd.shape[1])[None, :]
    u_nd = np.asarray(jax.random.uniform(key, level_nd.shape, jnp.float32), np.float64)
    if decoding == "uniform":
        lo_nd, hi_nd = book.lo_dk[column_d, level_nd], book.hi_dk[column_d, level_nd]
        return lo_nd + u_nd * (hi_nd - lo_nd)
    count_nd = book.count_dk[column_d, level_nd]
    pick_nd = book.start_dk[column_d, level_nd] + np.minimum((u_nd * count_nd).astype(np.int64), count_nd - 1)
    return book.values_dn[column_d, pick_nd]
