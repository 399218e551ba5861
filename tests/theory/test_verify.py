"""The claim runner: it refuses a table with NaN or infinity, naming where it came from, predicts on another
thread while it measures, and reuses a saved table only under the same config, dtype, seed and source
fingerprint."""

import dataclasses
import shutil
import threading

import numpy as np
import pytest

from synthlaw.sims.engine.fingerprint import PACKAGE_ROOT, SOURCE, source_fingerprint
from synthlaw.sims.engine.options import SweepOptions
from synthlaw.sims.engine.store import read_json
from synthlaw.theory.claims import registry
from synthlaw.theory.runner import verify
from synthlaw.theory.runner.verify import NonFiniteResult, check_finite, run_claim


def test_a_non_finite_replicate_is_named_and_a_finite_table_passes():
    columns = {"seed": np.array([0, 1, 2]), "n": np.array([500, 500, 1000]), "excess": np.array([1e-3, 2e-3, 3e-3])}
    check_finite("AUG-2", columns)  # the control: finite, nothing raised
    columns["excess"][1] = np.nan
    message = r"AUG-2: 1 of 3 replicates gave a non-finite excess \(first: seed 1, n 500\)"
    with pytest.raises(NonFiniteResult, match=message):
        check_finite("AUG-2", columns)


def test_the_fingerprint_changes_with_any_measuring_source_file_or_stored_monte_carlo(tmp_path):
    for entry in SOURCE:
        copy = shutil.copy if entry.endswith(".py") else shutil.copytree
        copy(PACKAGE_ROOT / entry, tmp_path / entry)
    before = source_fingerprint.__wrapped__(tmp_path)
    assert before == source_fingerprint.__wrapped__(PACKAGE_ROOT)  # a copy of the same source, the same print
    for edited in ("sims/gaussian.py", "settings.py", "tables/generators.py", "theory/predictions/smote_table.json"):
        path = tmp_path / edited
        text = path.read_text()
        path.write_text(text + "\n# an edit\n")
        assert source_fingerprint.__wrapped__(tmp_path) != before, edited
        path.write_text(text)


def test_a_saved_table_is_reused_only_under_the_same_source_fingerprint(tmp_path, monkeypatch):
    claim = registry()["IMB-1"]
    config = claim.config(True, {"n_min": 200, "seeds": 4, "separation": [1.0], "rho": [4.0]})
    first = run_claim(claim, config, tmp_path, force=False, options=SweepOptions())
    assert not first.reused and run_claim(claim, config, tmp_path, force=False, options=SweepOptions()).reused
    monkeypatch.setattr(verify, "source_fingerprint", lambda: "0123456789abcdef")
    again = run_claim(claim, config, tmp_path, force=False, options=SweepOptions())
    assert not again.reused
    assert read_json(tmp_path / "IMB-1" / "meta.json")["source"] == "0123456789abcdef"


def test_the_prediction_runs_beside_the_measurement_and_its_error_reaches_the_caller(tmp_path):
    claim = registry()["IMB-1"]
    config = claim.config(True, {"n_min": 200, "seeds": 4, "separation": [1.0], "rho": [4.0]})
    threads = {}

    def on_thread(role, fn):
        def wrapped(*args, **kwargs):
            threads[role] = threading.get_ident()
            return fn(*args, **kwargs)
        return wrapped

    beside = dataclasses.replace(claim, measure=on_thread("measure", claim.measure),
                                 predict=on_thread("predict", claim.predict))
    outcome = run_claim(beside, config, tmp_path, force=False, options=SweepOptions())
    assert threads["measure"] == threading.get_ident() != threads["predict"]
    assert (tmp_path / "IMB-1" / "prediction.json").is_file() and outcome.checks

    def failing(config):
        raise ZeroDivisionError("in the prediction")

    with pytest.raises(ZeroDivisionError, match="in the prediction"):
        run_claim(dataclasses.replace(claim, predict=failing), config, tmp_path / "again", force=False,
                  options=SweepOptions())
    assert not (tmp_path / "again" / "IMB-1" / "prediction.json").exists()
