"""AUG-5, the weight of synthetic rows: the prediction's curves and argmins, its config rules, its wrong
theories and (slow) the verify key's measurement against each of them."""

import functools

import numpy as np
import pytest

from synthlaw.settings import ConfigError
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.theory.claims import aug5, registry
from synthlaw.theory.claims.check import verdict
from synthlaw.theory.predictions.augmentation import augmented_excess, excess_law, per_row_constant
from synthlaw.theory.predictions.oversampling import balanced_second_order
from synthlaw.theory.runner.verify import claim_key

CLAIM = registry()["AUG-5"]
QUICK = CLAIM.quick


@functools.cache
def quick_prediction():
    return CLAIM.predict(QUICK)


def perfect_and_shifted():
    return [s for s in QUICK.shift if s == 0], [s for s in QUICK.shift if s > 0]


def test_the_quick_config_has_a_perfect_and_a_shifted_generator_at_two_n():
    perfect, shifted = perfect_and_shifted()
    assert perfect and shifted and len(QUICK.n_syn) == 2
    assert QUICK.weight[0] == 0 and QUICK.weight[-1] >= 2  # the grid: w from 0 to 2 at least


def test_a_perfect_generators_curve_is_the_law_c_n_plus_w2_n_over_m2_and_its_best_w_is_1():
    """AUG-2's law with a = 0, c = tr(H V_1)/2 of one balanced row, for the O(1/n) terms: Newton and quadrature
    are exact to about 1e-10, so 1e-8 relative; the continuous argmin is searched to 1e-4 (best_weight)."""
    c, prediction = per_row_constant(QUICK.d, QUICK.separation), quick_prediction()
    for n_syn in QUICK.n_syn:
        key = aug5.panel(0.0, n_syn)
        law = [float(excess_law(n_syn, QUICK.n, w, c, 0.0)) for w in QUICK.weight]
        first_order = prediction["excess"][key] - prediction["terms"][key]["second_order"]
        np.testing.assert_allclose(first_order, law, rtol=1e-8)
        assert abs(prediction["best_w_continuous"][key] - 1.0) < 1e-3


def test_a_perfect_generators_n_minus_2_term_at_w_0_and_1_is_the_balanced_fits():
    """At w = 0 the fit is the n real rows', at w = 1 (a perfect generator) that of n + N balanced rows: the
    O(n^-2) term of AUG-5's prediction there is balanced_second_order of those fits (one source per class,
    where the prediction sums a real and a synthetic source), and it falls as (n + N)^-2 between them."""
    prediction = quick_prediction()
    at_0 = balanced_second_order(QUICK.d, QUICK.separation, QUICK.n // 2, QUICK.n // 2, 0)
    for n_syn in QUICK.n_syn:
        term_g = prediction["terms"][aug5.panel(0.0, n_syn)]["second_order"]
        pooled = (QUICK.n + n_syn) // 2
        assert np.isclose(term_g[QUICK.weight.index(0.0)], at_0, rtol=1e-9)
        assert np.isclose(term_g[QUICK.weight.index(1.0)],
                          balanced_second_order(QUICK.d, QUICK.separation, pooled, pooled, 0), rtol=1e-9)
        assert np.isclose(term_g[QUICK.weight.index(1.0)], at_0 * (QUICK.n / (QUICK.n + n_syn)) ** 2, rtol=1e-9)


def test_a_shifted_generator_is_best_below_w_1_and_lower_still_at_the_larger_n():
    """The pull towards the generator's error grows with the synthetic share wN/(n + wN), so the best
    w falls with N (w* = 1/(1 + N a/c) to first order, notes/AUG-5.md)."""
    prediction = quick_prediction()
    for shift in perfect_and_shifted()[1]:
        best = [prediction["best_w_continuous"][aug5.panel(shift, n_syn)] for n_syn in sorted(QUICK.n_syn)]
        assert 0 < best[1] < best[0] < 1, best


def test_the_continuous_argmin_is_no_higher_than_any_grid_point_and_the_rivals_lose():
    prediction = quick_prediction()
    for shift in QUICK.shift:
        for n_syn in QUICK.n_syn:
            key = aug5.panel(shift, n_syn)
            lowest = augmented_excess(QUICK.d, QUICK.separation, QUICK.n, n_syn,
                                      prediction["best_w_continuous"][key], shift).total
            assert lowest <= prediction["excess"][key].min() * (1 + 1e-9)
            assert all(loss >= -1e-9 for loss in prediction["loss_at_rival"][key].values())


def test_w_1_is_a_rival_only_for_a_shifted_generator():
    assert aug5.rivals(0.0) == (0.5,) and aug5.rivals(0.2) == (0.5, 1.0)


@pytest.mark.parametrize("weight, message", [
    ((0.0, 1.0, 0.5), r"^AUG-5.weight = \[0.0, 1.0, 0.5\]: must be at least 3 increasing values"),
    ((0.5, 1.0), r"^AUG-5.weight = \[0.5, 1.0\]: must be at least 3 increasing values"),
    ((-0.5, 0.0, 1.0), r"^AUG-5.weight = -0.5: must be a number, >= 0"),
])
def test_a_bad_weight_grid_is_one_line_naming_the_field(weight, message):
    with pytest.raises(ConfigError, match=message):
        CLAIM.config(True, {"weight": list(weight)})


def test_the_seeds_must_exceed_the_weight_grid():
    with pytest.raises(ConfigError, match=r"^AUG-5.seeds = 10: must exceed the 10 points of weight by at least 2"):
        CLAIM.config(True, {"seeds": 10})


def test_anchors_are_the_ends_and_the_lowest_inner_point():
    assert aug5.anchors(np.array([3.0, 2.0, 1.0, 2.0])) == [0, 2, 3]
    assert aug5.anchors(np.array([1.0, 2.0, 3.0])) == [0, 1, 2]  # lowest at an end: the inner point next to it


def test_weighting_the_noise_by_w_makes_a_perfect_generator_best_at_the_largest_w():
    """c (n + w N)/(n + w N)^2 = c/(n + w N) falls in w: the wrong theory's grid argmin is the grid's end."""
    wrong = aug5.noise_weight_w(quick_prediction())
    for n_syn in QUICK.n_syn:
        assert wrong["best_w"][aug5.panel(0.0, n_syn)] == QUICK.weight[-1]


def test_a_linear_pull_leaves_the_perfect_generator_and_raises_the_shifted_bias():
    """(wN/M) a >= (wN/M)^2 a: the linear pull only adds bias, and none where a = 0."""
    right = quick_prediction()
    wrong = aug5.pull_linear(right)
    for shift in QUICK.shift:
        for n_syn in QUICK.n_syn:
            key = aug5.panel(shift, n_syn)
            if shift == 0:
                np.testing.assert_array_equal(wrong["excess"][key], right["excess"][key])
            else:
                assert np.all(wrong["excess"][key][1:] > right["excess"][key][1:])
                # its slope in the share alpha is a, against 2 alpha a: w* moves down where alpha* < 1/2, up above
                assert abs(wrong["best_w"][key] - right["best_w"][key]) > 0.02


@pytest.fixture(scope="module")
def measured():
    return CLAIM.measure(QUICK, key=claim_key(CLAIM.id, 0), options=SweepOptions())


@pytest.mark.slow
def test_on_the_verify_key_the_prediction_passes_and_each_wrong_theory_fails_where_it_should(measured):
    """The correct prediction PASSes every check; each wrong theory FAILs the checks its error reaches:
    the w for w^2 control the perfect generators' argmins, the linear pull a shifted panel, the first-order
    w* a shifted argmin and nothing else."""
    right = quick_prediction()
    checks = CLAIM.judge(measured, QUICK, right)
    assert verdict(CLAIM, checks) == "PASS", [(c.label, c.quantity) for c in checks if not c.passed]

    def failing(mutated):
        return {(c.label.split(", w ")[0], c.quantity.split(" (")[0].split(":")[0])
                for c in CLAIM.judge(measured, QUICK, mutated) if not c.passed}

    noise_w = failing(aug5.noise_weight_w(right))
    for n_syn in QUICK.n_syn:
        assert (f"n={QUICK.n}, {aug5.panel(0.0, n_syn)}", "best w") in noise_w, noise_w
    pull = failing(aug5.pull_linear(right))
    assert pull and all("delta=0," not in label for label, _ in pull), pull
    first_order = failing(aug5.first_order_best_w(right))
    assert first_order and all(quantity == "best w" and "delta=0," not in label for label, quantity in first_order)
