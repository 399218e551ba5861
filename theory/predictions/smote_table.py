"""IMB-6's large, separate Monte Carlo of SMOTE's law, stored (smote_table.json, beside this module).

SMOTE's prediction is a Monte Carlo of the generator alone (smote_law, smote_second_order). One run of it
(seed 0) carries an error of 0.2-0.5% of SMOTE's excess, which is a fifth of the gap SMOTE - ROS, and the
quick verify cannot afford more. So for the cells that IMB-6's configs judge, the prediction is averaged
over many independent runs of smote_law.smote_excess (its standard error from their spread) and of
smote_second_order, and stored with how it was made. Regenerate it with

    python -m synthlaw.theory.runner.store_smote_table

(about 20 minutes on the 2-core VM); tests/theory/test_smote_table.py checks that a fresh run of today's
code agrees with the stored cell within their errors, so a change to the law's code cannot go unseen.
Cells not stored are computed live, one run, with that run's error (claims/imb6.py says which it used).
"""

import functools
import json
from pathlib import Path
from typing import NamedTuple

TABLE_PATH = Path(__file__).with_name("smote_table.json")


class StoredSmote(NamedTuple):
    """One cell's SMOTE prediction, averaged over independent runs: the first-order terms, their total's
    standard error (spread over runs / sqrt(runs)) and Monte Carlo bias (smote_law.SmoteExcess.mc_bias,
    which averaging keeps), the wrong theories' variance terms and the shrinkage; the O(n^-2) term and its
    standard error."""

    bias: float
    drift: float
    variance: float
    total_se: float
    mc_bias: float
    independent_variance: float
    copy_curvature_variance: float
    shrinkage: float
    second: float
    second_se: float
    runs: int

    @property
    def total(self) -> float:
        return self.bias + self.drift + self.variance


def cell_key(separation, n_min, n_maj, d, k) -> str:
    return f"separation={float(separation):g} n_min={int(n_min)} n_maj={int(n_maj)} d={int(d)} k={int(k)}"


def lookup(separation, n_min, n_maj, d, k) -> StoredSmote | None:
    """The stored cell, or None if the table has none for these inputs."""
    cell = _table()["cells"].get(cell_key(separation, n_min, n_maj, d, k))
    return None if cell is None else StoredSmote(**cell)


def provenance() -> str:
    """How the table was made, in one line (for the checks' allowance text and the note)."""
    made = _table()["made"]
    return (f"{made['seeds']} runs of the law x {made['second_order_seeds']} of its O(n^-2) term, "
            f"at {made['commit']} on {made['date']}")


@functools.cache
def _table() -> dict:
    """The stored table, read once per process; a missing file is an error (it ships with the package), not a
    silent switch to live runs."""
    if not TABLE_PATH.exists():
        raise FileNotFoundError(f"{TABLE_PATH} is missing: it ships with synthlaw; "
                                "python -m synthlaw.theory.runner.store_smote_table rebuilds it")
    return json.loads(TABLE_PATH.read_text())
