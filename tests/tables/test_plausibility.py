"""A generator's rows judged as members of their class (tables/plausibility.py, issue 21)."""

import warnings

import numpy as np
import pytest

from synthlaw.samplers import TransformerOversampler
from synthlaw.tables.plausibility import POOR_RATIO, Plausibility, resampled_shares, warn_if_poor


def two_gaussians(rng, n_per_class=(400, 80), shift=2.0):
    x_nd = np.vstack([rng.normal(shift * c, 1.0, (n, 3)) for c, n in enumerate(n_per_class)])
    return x_nd, np.repeat(np.arange(2), n_per_class)


def test_rows_from_the_class_law_are_plausible_and_rows_from_the_other_class_are_poor():
    rng = np.random.default_rng(0)
    x_nd, y_n = two_gaussians(rng)
    fresh_nd = rng.normal(2.0, 1.0, (400, 3))  # class 1's own law
    wrong_nd = rng.normal(0.0, 1.0, (400, 3))  # class 0's law, labelled 1
    good = resampled_shares(x_nd, y_n, fresh_nd, np.ones(400, int))[1]
    bad = resampled_shares(x_nd, y_n, wrong_nd, np.ones(400, int))[1]
    # same law: the two shares differ by sampling error only (4 standard errors of the difference)
    assert abs(good.synthetic - good.real) <= 4 * good.se and not good.poor
    # the other class's rows are assigned to class 1 about as often as class 0's real rows: about Phi(-1) = 0.16
    assert bad.synthetic < 0.3 < 0.8 < bad.real and bad.poor


def test_poor_needs_both_a_large_and_a_resolved_gap():
    assert Plausibility(1, 0.5, 0.9, 400, 400).poor
    assert not Plausibility(1, 0.5, 0.9, 4, 4).poor  # too few rows to resolve the gap
    assert not Plausibility(1, 0.8 * 0.9, 0.9, 10**6, 10**6).poor  # resolved, but above POOR_RATIO of real
    assert POOR_RATIO * 0.9 > 0.5
    with pytest.warns(UserWarning, match=r"gen: 50% of its class-1 rows are classed as 1 .* against 90% of held-out"):
        warn_if_poor([Plausibility(1, 0.5, 0.9, 400, 400)], "gen")


def test_the_transformer_sampler_reports_its_plausibility():
    x_nd, y_n = two_gaussians(np.random.default_rng(1), (120, 40))
    sampler = TransformerOversampler(random_state=0, options={"steps": 20, "width": 16, "heads": 2, "layers": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 20 steps may well be poor: the attribute is what is checked
        sampler.fit_resample(x_nd, y_n)
    assert list(sampler.plausibility_) == [1]
    share = sampler.plausibility_[1]
    assert share.n_synthetic == 80 and share.n_real == 20 and 0 <= share.synthetic <= 1
