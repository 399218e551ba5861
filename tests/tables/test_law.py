"""The augmentation law a + b / N of `synthlaw paper`: recovered from seeds drawn around a known curve."""

import numpy as np
import pytest

from synthlaw.figures.paper_report import direction, law_text, weight_table
from synthlaw.tables.law import Laws, augmentation_fits, fit_augmentation, weight_choice


def columns_around(a, b, sd, n_seeds=40, seed=0, weight=0.5, seed_sd=0.0):
    """Seed columns of an augmented arm at one weight whose balanced error is a + b / N plus
    N(0, sd^2) per (seed, N) and N(0, seed_sd^2) per seed, the same in every call (as weights that
    train on the same rows share their seeds' effect)."""
    rng = np.random.default_rng(seed)
    n_g = np.arange(1, 10) * 400.0
    n, s = np.meshgrid(n_g, np.arange(n_seeds))
    shared = np.random.default_rng(1000).normal(0, seed_sd, (n_seeds, 1))
    error = a + b / n + rng.normal(0, sd, n.shape) + shared
    m = n.size
    return {"method": np.full(m, "g"), "arm": np.full(m, "augmented"), "n_synthetic": n.ravel(),
            "seed": s.ravel(), "weight": np.full(m, weight), "balanced": 1 - error.ravel()}


def stacked(*tables):
    return {k: np.concatenate([t[k] for t in tables]) for k in tables[0]}


@pytest.mark.parametrize("b", [20.0, -20.0])
def test_fit_recovers_a_and_b_and_says_which_way(b):
    # 95% intervals on one fixed draw (seed 0): a check that a correct fit passes 95% of draws
    fit = fit_augmentation(columns_around(0.05, b, 0.002), "g", "balanced", 0.5)
    assert fit.a.lo < 0.05 < fit.a.hi and fit.b.lo < b < fit.b.hi
    assert ("falls" if b > 0 else "rises") in direction(fit)
    if b > 0:  # N_rec = b / se, se the median standard error of the means = sd / sqrt(40) here
        assert fit.n_rec == pytest.approx(fit.b.value / fit.se) and 0.7 < fit.se / (0.002 / np.sqrt(40)) < 1.3
    else:
        assert fit.n_rec == 0
    assert law_text(fit).count("[") == 2 and "+ -" not in law_text(fit)


def test_fits_are_per_weight():
    columns = stacked(columns_around(0.05, 20.0, 0.002, weight=0.25), columns_around(0.08, 20.0, 0.002, weight=1.0))
    fits = augmentation_fits(columns, ("balanced",))
    assert set(fits) == {("g", 0.25, "balanced"), ("g", 1.0, "balanced")}
    assert fits["g", 0.25, "balanced"].a.hi < 0.06 < fits["g", 1.0, "balanced"].a.lo


def test_a_weight_is_called_best_only_when_its_paired_excess_separates():
    # 5 seeds whose shared seed effect (sd 0.02) dwarfs the gap between weights (0.01): each
    # weight's own interval at the largest N is about +- 2.78 x 0.02 / sqrt(5) = +- 0.025 and they
    # overlap, but paired by seed the excess is 0.01 +- 2.78 x 0.002 sqrt(2) / sqrt(5) = +- 0.0035
    low, high = (columns_around(a, 20.0, 0.002, n_seeds=5, weight=w, seed_sd=0.02, seed=s)
                 for a, w, s in ((0.05, 0.25, 0), (0.06, 1.0, 2)))
    choice = weight_choice(stacked(high, low), "g", "balanced")
    assert choice.weights == (1.0, 0.25) and choice.lowest == 0.25 and choice.best == 0.25
    assert choice.loss_w[0].lo < choice.loss_w[1].hi  # unpaired, the intervals overlap
    assert choice.excess_w[1] is None and 0 < choice.excess_w[0].lo < 0.01 < choice.excess_w[0].hi
    laws = Laws(augmentation_fits(stacked(high, low), ("balanced",)), {("g", "balanced"): choice})
    assert "- g: best w on this table: 0.25." in weight_table(laws, "balanced", None)


def test_equal_weights_are_not_resolved_and_the_report_says_so_with_the_numbers():
    same = [columns_around(0.05, 20.0, 0.002, n_seeds=5, weight=w, seed=s) for w, s in ((0.5, 0), (1.0, 3))]
    choice = weight_choice(stacked(*same), "g", "balanced")
    assert choice.best is None and choice.lowest in (0.5, 1.0)
    text = "\n".join(weight_table(Laws({}, {("g", "balanced"): choice}), "balanced", None))
    assert "- g: best w not resolved at these seeds (lowest mean at w = " in text
    assert "w = 0.5: " in text and "w = 1: " in text and "No class-weight or threshold baseline" in text
    assert weight_choice(same[0], "g", "balanced") is None  # one weight
