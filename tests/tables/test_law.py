"""The augmentation law a + b / N of `synthlaw paper`: recovered from seeds drawn around a known curve."""

import numpy as np
import pytest

from synthlaw.figures.paper_report import direction, law_text
from synthlaw.tables.law import fit_augmentation


def columns_around(a, b, sd, n_seeds=40, seed=0):
    """Seed columns of an augmented arm whose balanced error is a + b / N plus N(0, sd^2) per seed."""
    rng = np.random.default_rng(seed)
    n_g = np.arange(1, 10) * 400.0
    n, s = np.meshgrid(n_g, np.arange(n_seeds))
    error = a + b / n + rng.normal(0, sd, n.shape)
    m = n.size
    return {"method": np.full(m, "g"), "arm": np.full(m, "augmented"), "n_synthetic": n.ravel(),
            "seed": s.ravel(), "balanced": 1 - error.ravel()}


@pytest.mark.parametrize("b", [20.0, -20.0])
def test_fit_recovers_a_and_b_and_says_which_way(b):
    # 95% intervals on one fixed draw (seed 0): a check that a correct fit passes 95% of draws
    fit = fit_augmentation(columns_around(0.05, b, 0.002), "g", "balanced")
    assert fit.a.lo < 0.05 < fit.a.hi and fit.b.lo < b < fit.b.hi
    assert ("falls" if b > 0 else "rises") in direction(fit)
    if b > 0:  # N_rec = b / se, se the median standard error of the means = sd / sqrt(40) here
        assert fit.n_rec == pytest.approx(fit.b.value / fit.se) and 0.7 < fit.se / (0.002 / np.sqrt(40)) < 1.3
    else:
        assert fit.n_rec == 0
    assert law_text(fit).count("[") == 2 and "+ -" not in law_text(fit)
