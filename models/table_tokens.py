"""Per-column codebooks: table values <-> level tokens, and back to values (GEN-2; real tables).

A numeric column with at most n_bins distinct values gets one level per value, which decodes to
exactly that value (binary features, {-1, 1}, short integer scales). Any other numeric column gets
quantile bins (edges at levels 0, 1/n_bins, ..., 1 of the training values), merged where ties leave
a bin empty, so that every level holds training values. A categorical column (codes 0 .. L - 1,
the codes representation of a mixed table) gets one level per code it holds, however many: level k
is its k-th code in training (code k when every code occurs), and decodes to that code. A numeric
column with blank (NaN) cells in training gets one more level, its last, that decodes to NaN.
Decoding a level either draws uniformly inside its bin ("uniform"; a one-value level gives its
value) or draws one of the training values that fell in it ("empirical"), which keeps rounding and
discreteness.
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

DECODINGS = ("empirical", "uniform")


class Codebook(NamedTuple):
    """cuts_dk: inner cut points, +inf padded (level = cuts <= x); lo_dk, hi_dk: a level's range
    (NaN for the blank level); values_dn: each column's sorted training values (NaN last), level k
    of column j being values_dn[j, start_dk[j, k] : start_dk[j, k] + count_dk[j, k]]; levels_d:
    levels per column; blank_level_d: the level of a blank cell (the extra level of a column with
    blanks in training; its top level otherwise, where only a held-out row can have one)."""

    cuts_dk: np.ndarray
    lo_dk: np.ndarray
    hi_dk: np.ndarray
    values_dn: np.ndarray
    start_dk: np.ndarray
    count_dk: np.ndarray
    levels_d: np.ndarray
    blank_level_d: np.ndarray


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


def fit_codebook(x_nd: np.ndarray, n_bins: int, categorical_d=None) -> Codebook:
    """The codebook of every column of x_nd: at most n_bins levels per numeric column (plus its
    blank level), one per code held by a categorical column (categorical_d: (d,) bool; None: none).
    The level axis k is as long as the column with the most levels, and at least n_bins."""
    x_nd = np.asarray(x_nd, np.float64)
    n, d = x_nd.shape
    categorical_d = np.zeros(d, bool) if categorical_d is None else np.asarray(categorical_d, bool)
    seen_d = [x_nd[~np.isnan(x_nd[:, j]), j] for j in range(d)]
    cuts_d = [column_cuts(x_n, max(n_bins, len(x_n)) if categorical_d[j] else n_bins) for j, x_n in enumerate(seen_d)]
    seen_levels_d = np.array([len(cuts_k) + 1 if len(x_n) else 0
                              for (cuts_k, _), x_n in zip(cuts_d, seen_d, strict=True)])
    levels_d = seen_levels_d + np.array([len(x_n) < n for x_n in seen_d])
    k = max(n_bins, int(levels_d.max()))
    cuts_dk = np.full((d, k - 1), np.inf)
    lo_dk, hi_dk = np.zeros((d, k)), np.zeros((d, k))
    start_dk, count_dk = np.zeros((d, k), np.int64), np.zeros((d, k), np.int64)
    values_dn = np.sort(x_nd, axis=0).T
    blank_level_d = levels_d - 1
    for j, ((cuts_k, discrete), x_n) in enumerate(zip(cuts_d, seen_d, strict=True)):
        seen = seen_levels_d[j]
        cuts_dk[j, :len(cuts_k)] = cuts_k
        level_n = np.where(np.isnan(values_dn[j]), blank_level_d[j],
                           np.searchsorted(cuts_k, values_dn[j], side="right"))
        count_dk[j, :levels_d[j]] = np.bincount(level_n, minlength=levels_d[j])
        start_dk[j, :levels_d[j]] = np.concatenate([[0], np.cumsum(count_dk[j, :levels_d[j]])[:-1]])
        if discrete:
            lo_dk[j, :seen] = hi_dk[j, :seen] = np.unique(x_n)
        else:
            edges = np.concatenate([[x_n.min()], cuts_k, [x_n.max()]])
            lo_dk[j, :seen], hi_dk[j, :seen] = edges[:-1], edges[1:]
        lo_dk[j, seen:levels_d[j]] = hi_dk[j, seen:levels_d[j]] = np.nan
    return Codebook(cuts_dk, lo_dk, hi_dk, values_dn, start_dk, count_dk, levels_d, blank_level_d)


def encode_levels(x_nd, book: Codebook):
    """x_nd -> level_nd: the number of a column's cut points <= x (values beyond the training range
    fall into the outer levels), or its blank level where x is NaN."""
    level_nd = jax.vmap(lambda c_k, x_n: jnp.searchsorted(c_k, x_n, side="right"), in_axes=(0, 1),
                        out_axes=1)(jnp.asarray(book.cuts_dk, x_nd.dtype), x_nd)
    return jnp.where(jnp.isnan(x_nd), jnp.asarray(book.blank_level_d, level_nd.dtype)[None, :], level_nd)


def decode_levels(level_nd, book: Codebook, decoding: str, *, key):
    """level_nd -> x_nd (float64 numpy), by `decoding` (DECODINGS); a blank level gives NaN."""
    level_nd = np.asarray(level_nd)
    column_d = np.arange(level_nd.shape[1])[None, :]
    u_nd = np.asarray(jax.random.uniform(key, level_nd.shape, jnp.float32), np.float64)
    if decoding == "uniform":
        lo_nd, hi_nd = book.lo_dk[column_d, level_nd], book.hi_dk[column_d, level_nd]
        return lo_nd + u_nd * (hi_nd - lo_nd)
    count_nd = book.count_dk[column_d, level_nd]
    pick_nd = book.start_dk[column_d, level_nd] + np.minimum((u_nd * count_nd).astype(np.int64), count_nd - 1)
    return book.values_dn[column_d, pick_nd]
