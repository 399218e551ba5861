"""The value every generator returns."""

from typing import NamedTuple

import jax
import numpy as np


class Synthetic(NamedTuple):
    """Synthetic rows and the real rows they came from.

    x_nd: the n_new synthetic rows.
    parents_nk: indices into the real minority rows that each synthetic row was built from
        (k = 1 for duplication, 2 for SMOTE's pair, 0 for generators that sample a law).
    """

    x_nd: jax.Array | np.ndarray
    parents_nk: jax.Array
