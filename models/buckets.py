"""Row counts rounded up to a few sizes (buckets), so that a jitted generator compiles once per bucket.

A jitted program is compiled for each shape it sees; cross-validation folds of one table, and
similar tables, differ by a few rows, so without buckets each compiles anew (about 1 s each on a
2-core CPU). The buckets are the multiples of 2^(b-3) in (2^(b-1), 2^b], four per doubling
(32, 40, 48, 56, 64, 80, 96, 112, 128, 160, ...): a padded table holds fewer than 1.25 n rows for
n > MIN_BUCKET (under 25% of the rows wasted; the n x n work of a neighbour search under 1.57x),
and n rows from 1 to N reach at most 4 log2(N / MIN_BUCKET) + 1 programs. Four steps rather than
two (2^j, 1.5 x 2^j) because at 100 000 rows the neighbour search, not the compile, is the cost:
there a 1.5x padding doubled SMOTE's time. Padding rows are zeros and the generators are told
n_real, the count of real rows: no padding row is ever a parent or a neighbour.

New-row counts are bucketed the same way: a generator draws bucket(n_new) rows and the first
n_new are kept. This keeps the law of the draws exactly because every generator here draws its
rows independently and identically (row r's base, partner and step depend only on row r's own
random numbers, or, for ADASYN, its base is fixed in advance by row position and only its partner
and step are drawn): any fixed n_new of them are n_new such draws.
"""

import numpy as np

MIN_BUCKET = 32  # smaller counts share the 32-row bucket: padding them costs less than a compile


def bucket(n: int) -> int:
    """The smallest bucket size >= n: MIN_BUCKET, or above it n rounded up to a multiple of 2^(b-3),
    where 2^(b-1) < n <= 2^b."""
    if n <= MIN_BUCKET:
        return MIN_BUCKET
    step = 1 << ((int(n) - 1).bit_length() - 3)
    return -(-int(n) // step) * step


def padded(x_n, rows: int) -> np.ndarray:
    """x_n (n, ...) with zero rows appended up to `rows` rows (rows >= n)."""
    x_n = np.asarray(x_n)
    return np.concatenate([x_n, np.zeros((rows - len(x_n),) + x_n.shape[1:], x_n.dtype)])


def to_bucket(x_n) -> np.ndarray:
    """x_n (n, ...) padded with zero rows up to bucket(n) rows."""
    return padded(x_n, bucket(len(x_n)))
