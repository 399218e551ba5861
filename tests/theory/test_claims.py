"""Every judged claim on its quick config, with the key `synthlaw verify --quick` uses: the correct
prediction PASSes, every negative control built from the data side (a mutated experiment measured
anew: a wrong generator, a shifted simulator, an undertrained transformer) FAILs, and every
mutated prediction changes a check and differs from the rival. How often the mutated predictions
FAIL is a rate, not a certainty, and `synthlaw calibrate` measures it (README, Calibration)."""

import dataclasses

import numpy as np
import pytest

from synthlaw.theory.claims import REGISTRY
from synthlaw.theory.claims.check import verdict
from synthlaw.theory.runner.verify import claim_key

SLOW = {"AUG-1", "AUG-2", "GEN-1"}  # minutes each (AUG-1: 320 seeds, 50 s) on 2 cores: run with -m slow
FAST_EXPERIMENT_CONTROLS = {"IMB-3", "AUG-3", "AUG-4"}  # the others' data-side controls run with -m slow
JUDGED = [pytest.param(c, id=c.id, marks=[pytest.mark.slow] if c.id in SLOW else [])
          for c in REGISTRY.values() if not c.reported_only]


@pytest.fixture(scope="module", params=JUDGED)
def measured(request):
    claim = request.param
    columns = claim.measure(claim.quick, claim_key(claim.id, 0))
    return claim, columns, claim.predict(claim.quick)


def test_the_correct_prediction_passes(measured):
    claim, columns, prediction = measured
    checks = claim.judge(columns, claim.quick, prediction)
    assert verdict(claim, checks) == "PASS", [c for c in checks if not c.passed]


def test_every_prediction_mutation_is_live_and_differs_from_the_rival(measured):
    claim, columns, prediction = measured
    right = claim.judge(columns, claim.quick, prediction)
    for mutation in (m for m in claim.mutations if m.predict):
        wrong = claim.judge(columns, claim.quick, mutation.predict(prediction))
        changed = [(r, w) for r, w in zip(right, wrong) if (r.prediction, r.measured) != (w.prediction, w.measured)]
        assert changed, f"{mutation.name} changes no check"
        # a control is not the rival: some changed check must still not predict its rival
        assert any(w.rival is None or not np.isclose(w.prediction, w.rival) for _, w in changed), mutation.name


@pytest.mark.parametrize("claim", [
    pytest.param(c, id=c.id, marks=[] if c.id in FAST_EXPERIMENT_CONTROLS else [pytest.mark.slow])
    for c in REGISTRY.values() if any(m.config for m in c.mutations)])
def test_every_experiment_mutation_fails(claim):
    for i, mutation in enumerate(m for m in claim.mutations if m.config):
        wrong = mutation.config(claim.quick)
        columns = claim.measure(wrong, claim_key(claim.id, 100 + i))
        assert verdict(claim, claim.judge(columns, wrong, claim.predict(claim.quick))) == "FAIL", mutation.name


def test_every_judged_claim_has_controls_of_both_kinds_where_its_experiment_can_be_mutated():
    for claim in REGISTRY.values():
        if claim.reported_only:
            continue
        assert any(m.predict for m in claim.mutations), claim.id
        for m in claim.mutations:
            if m.config:
                assert m.config(claim.quick) != claim.quick, (claim.id, m.name)


def test_configs_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGISTRY["IMB-1"].quick.seeds = 3
