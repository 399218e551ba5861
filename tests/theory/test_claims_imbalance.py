"""Each IMB claim on its quick config: the prediction PASSes and a deliberately wrong one FAILs."""

import jax
import numpy as np
import pytest

from synthlaw.theory.claim import Check, verdict
from synthlaw.theory.claims_imbalance import IMB_1, IMB_2, IMB_3, IMB_4, exact_imbalance_excess
from synthlaw.theory.fits import Estimate


@pytest.fixture(scope="module", params=[IMB_1, IMB_2, IMB_3], ids=lambda c: c.id)
def measured(request):
    claim = request.param
    columns = claim.measure(claim.quick, jax.random.key(11))
    return claim, columns, claim.predict(claim.quick)


def test_prediction_passes(measured):
    claim, columns, prediction = measured
    assert verdict(claim, claim.judge(columns, claim.quick, prediction)) == "PASS"


def wrong_prediction(claim_id, config, prediction):
    """The negative controls of CLAIMS: ln(rho) -> 0; n-exponent -1/2; delta-exponent 1."""
    if claim_id == "IMB-1":
        pts = [(s, r) for s in config["separation"] for r in config["rho"]]
        return {"excess": np.array([exact_imbalance_excess(1.0, s) for s, _ in pts])}
    if claim_id == "IMB-2":
        return {**prediction, "n_exponent": -0.5}
    return {**prediction, "delta_exponent": 1.0}


def test_negative_control_fails(measured):
    claim, columns, prediction = measured
    wrong = wrong_prediction(claim.id, claim.quick, prediction)
    assert verdict(claim, claim.judge(columns, claim.quick, wrong)) == "FAIL"


def test_check_passes_only_when_the_interval_holds_the_prediction_and_not_the_rival():
    est = Estimate(1.0, 0.9, 1.1)
    assert Check("x", "q", 1.0, est, rival=0.5).passed
    assert not Check("x", "q", 1.3, est, rival=0.5).passed
    assert not Check("x", "q", 1.0, est, rival=1.05).passed
    assert Check("x", "q", 1.15, est, rival=0.5, tolerance=0.1).passed
    # an "at most" prediction holds only when the whole interval lies below it
    assert Check("x", "q", 1.5, est, rival=40.0, upper_bound=True).passed
    assert not Check("x", "q", 1.05, est, rival=40.0, upper_bound=True).passed
    assert not Check("x", "q", 1.5, est, rival=1.0, upper_bound=True).passed


def test_imb4_is_reported_on_every_generator():
    config = {**IMB_4.quick, "n_min": [20, 40], "d": [2, 3], "n_min_for_d": 20, "seeds": 3}
    columns = IMB_4.measure(config, jax.random.key(0))
    assert set(columns["generator"]) == set(config["generators"])
    assert np.all(np.isfinite(columns["excess"])) and np.all(columns["excess"] >= -1e-6)
    assert verdict(IMB_4, IMB_4.judge(columns, config, IMB_4.predict(config))) == "REPORTED"
