"""Every judged claim on its quick config, with the key `synthlaw verify --quick` uses (so the tables
are the quick verify run's): the correct prediction PASSes, and the whole claim FAILs under every
mutated prediction (which differs from the rival) and every negative control built from the data
side (a mutated experiment measured anew: a wrong generator, a shifted simulator, an undertrained
transformer). On other seeds how often a mutated prediction FAILs is a rate, not a certainty, and
`synthlaw calibrate` measures it (README, Calibration)."""

import numpy as np
import pytest

from synthlaw.sims.engine.options import SweepOptions
from synthlaw.theory.claims import registry
from synthlaw.theory.claims.check import Check, Mutation, replaced, scaled, verdict
from synthlaw.theory.claims.spec import SeededConfig
from synthlaw.theory.runner.verify import claim_key
from synthlaw.theory.stats.intervals import Estimate

SLOW = {"AUG-1", "AUG-2", "AUG-5", "GEN-1", "IMB-5", "IMB-6"}  # 18 s to minutes each on 2 cores: run with -m slow
FAST_EXPERIMENT_CONTROLS = {"IMB-3", "AUG-3", "AUG-4"}  # the others' data-side controls run with -m slow
JUDGED = [pytest.param(c, id=c.id, marks=[pytest.mark.slow] if c.id in SLOW else [])
          for c in registry().values() if not c.reported_only]


@pytest.fixture(scope="module", params=JUDGED)
def measured(request):
    claim = request.param
    columns = claim.measure(claim.quick, key=claim_key(claim.id, 0), options=SweepOptions())
    return claim, columns, claim.predict(claim.quick)


def test_the_correct_prediction_passes(measured):
    claim, columns, prediction = measured
    checks = claim.judge(columns, claim.quick, prediction)
    assert verdict(claim, checks) == "PASS", [c for c in checks if not c.passed]
    # calibrate rebuilds every interval at other levels: none may be written by hand
    assert all(c.measured.interval is not None for c in checks), [c.quantity for c in checks]


def test_every_prediction_mutation_makes_the_claim_fail_and_differs_from_the_rival(measured):
    claim, columns, prediction = measured
    right = claim.judge(columns, claim.quick, prediction)
    for mutation in (m for m in claim.mutations if m.predict):
        wrong = claim.judge(columns, claim.quick, mutation.predict(prediction))
        assert verdict(claim, wrong) == "FAIL", mutation.name
        changed = [w for r, w in zip(right, wrong, strict=True)
                   if (r.prediction, r.measured) != (w.prediction, w.measured)]
        # a control is not the rival: some changed check must still not predict its rival
        assert any(w.rival is None or not np.isclose(w.prediction, w.rival) for w in changed), mutation.name


@pytest.mark.parametrize("claim", [
    pytest.param(c, id=c.id, marks=[] if c.id in FAST_EXPERIMENT_CONTROLS else [pytest.mark.slow])
    for c in registry().values() if any(m.config for m in c.mutations) and not c.reported_only])
def test_every_experiment_mutation_fails(claim):
    for i, mutation in enumerate(m for m in claim.mutations if m.config):
        wrong = mutation.config(claim.quick)
        columns = claim.measure(wrong, key=claim_key(claim.id, 100 + i), options=SweepOptions())
        assert verdict(claim, claim.judge(columns, wrong, claim.predict(claim.quick))) == "FAIL", mutation.name


def test_every_judged_claim_has_controls_of_both_kinds_where_its_experiment_can_be_mutated():
    for claim in registry().values():
        if claim.reported_only:
            continue
        assert isinstance(claim.quick, SeededConfig) and isinstance(claim.full, SeededConfig), claim.id
        assert any(m.predict for m in claim.mutations), claim.id
        for m in claim.mutations:
            if m.config:
                assert m.config(claim.quick) != claim.quick, (claim.id, m.name)


def test_a_check_names_its_error_kind_and_a_mutation_changes_exactly_one_side():
    estimate = Estimate(1.0, 0.9, 1.1)
    with pytest.raises(ValueError, match=r"Check.error_kind = 'exponent': allowed: relative, absolute"):
        Check(label="n", quantity="log-log slope", prediction=1.0, measured=estimate, error_kind="exponent")
    for neither_or_both in ({}, {"predict": scaled(0.8, "excess"), "config": replaced(seeds=4)}):
        with pytest.raises(ValueError, match="exactly one of predict and config"):
            Mutation("wrong", **neither_or_both)
