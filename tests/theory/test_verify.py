"""The claim runner refuses a table with NaN or infinity, naming where it came from."""

import numpy as np
import pytest

from synthlaw.theory.runner.verify import NonFiniteResult, check_finite


def test_a_non_finite_replicate_is_named_and_a_finite_table_passes():
    columns = {"seed": np.array([0, 1, 2]), "n": np.array([500, 500, 1000]), "excess": np.array([1e-3, 2e-3, 3e-3])}
    check_finite("AUG-2", columns)  # the control: finite, nothing raised
    columns["excess"][1] = np.nan
    with pytest.raises(NonFiniteResult, match=r"AUG-2: 1 of 3 replicates gave a non-finite excess \(first: seed 1, n 500\)"):
        check_finite("AUG-2", columns)
