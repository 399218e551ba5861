"""IMB-6's stored Monte Carlo (theory/predictions/smote_table.py): it covers every cell the configs judge, and a
fresh run of today's code agrees with a stored cell within their errors, so a change to the law's code that
moves the prediction cannot go unseen behind the table."""

import numpy as np
import pytest

from synthlaw.theory.claims import registry
from synthlaw.theory.claims.imb6 import n_maj, predict, smote_allowance_why
from synthlaw.theory.predictions import smote_law, smote_table
from synthlaw.theory.predictions.smote_second_order import smote_second_order

CLAIM = registry()["IMB-6"]


@pytest.mark.parametrize("config", [CLAIM.quick, CLAIM.full], ids=["quick", "full"])
def test_the_table_stores_every_cell_the_configs_judge(config):
    for d in (d for d in config.d if d <= config.judged_up_to):
        for k in config.k:
            assert smote_table.lookup(config.separation, config.n_min, n_maj(config), d, k) is not None, (d, k)


def test_a_fresh_run_agrees_with_the_stored_cell():
    """d = 2, k = 1 (the cheapest cell): one run of smote_excess and one of smote_second_order at seeds the
    table did not use, each within 4 combined standard errors of the stored mean (and the first-order total's
    tolerance is tight enough to see a 1% change in the law: 4 x 7.2e-6 / 1.53e-3 = 1.9%)."""
    config = CLAIM.quick
    stored = smote_table.lookup(config.separation, config.n_min, n_maj(config), 2, 1)
    assert stored is not None
    fresh = smote_law.smote_excess(2, config.separation, config.n_min, n_maj(config), 1, seed=1000)
    assert abs(fresh.terms.total - stored.total) <= 4 * np.hypot(fresh.mc_se, stored.total_se)
    second = smote_second_order(2, config.separation, config.n_min, n_maj(config), 1, fresh.theta_star, 4000, 1000)
    assert abs(second.total - stored.second) <= 4 * np.hypot(second.se, stored.second_se)
    assert stored.second > 8 * stored.second_se  # the term is resolved: the check can fail


def test_the_quick_prediction_carries_both_fits_o_n_minus_2_terms_where_the_table_stores_smote():
    prediction = predict(CLAIM.quick)
    for k in CLAIM.quick.k:
        assert prediction["smote_carried"][k].all()
        assert not prediction["smote_remainder"][k].any()
        np.testing.assert_allclose(prediction["gap"][k], prediction["smote"][k] + prediction["smote_second"][k]
                                   - prediction["ros"] - prediction["ros_second"])


def test_a_cell_the_table_lacks_is_one_live_run_at_first_order_with_the_p_over_n_estimate():
    """n_min = 60 is not stored: SMOTE's law is one live run, no O(n^-2) term is carried in it or in the gap,
    and the allowance holds the (p/n) estimate and says it used a live run."""
    config = CLAIM.config(True, {"n_min": 60, "d": [2], "k": [1], "judged_up_to": 2})
    prediction = predict(config)
    assert not prediction["smote_carried"][1].any() and not prediction["smote_second"][1].any()
    assert prediction["smote_remainder"][1][0] > 0
    np.testing.assert_allclose(prediction["gap"][1], prediction["smote"][1] - prediction["ros"])
    smote_why, gap_why = smote_allowance_why([2], prediction["smote_carried"][1], prediction["smote_remainder"][1],
                                             prediction["ros_remainder"])
    assert "one live run" in smote_why and "(p/n)" in smote_why and "SMOTE and ROS" in gap_why
