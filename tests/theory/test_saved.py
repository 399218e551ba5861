"""Saved results: predictions survive the JSON round trip with their key and array types, and a
cached prediction is used only for the same claim, config and source."""

import dataclasses

import numpy as np

from synthlaw.theory.claims import registry
from synthlaw.theory.runner import saved
from synthlaw.theory.runner.saved import cached_prediction, decode, encode, saved_chunks


def test_a_prediction_round_trips_with_its_types():
    prediction = {"excess": np.array([1e-3, 1 / 3]), "n_exponent": -1.0000000000000002, "none": None,
                  "break_even": {"parallel": 0.5, "orthogonal": np.float64(np.inf)}, "b": {400: 0.1, 40000: -0.2},
                  "by_shift": {0.0: np.array([1, 2], np.int32), 0.5: np.zeros((2, 2), np.float32)}, "grid": (1, 2)}
    back = decode(encode(prediction))
    assert back.keys() == prediction.keys() and list(back["b"]) == [400, 40000] and list(back["by_shift"]) == [0.0, 0.5]
    np.testing.assert_array_equal(back["excess"], prediction["excess"])
    assert back["by_shift"][0.0].dtype == np.int32 and back["by_shift"][0.5].shape == (2, 2)
    assert back["n_exponent"] == prediction["n_exponent"] and back["break_even"]["orthogonal"] == np.inf


def test_a_cached_prediction_is_used_only_for_the_same_config_and_source(tmp_path, monkeypatch):
    calls = []
    claim = registry()["IMB-1"]
    counting = dataclasses.replace(claim, predict=lambda config: calls.append(config) or {"excess": np.ones(2)})
    config = claim.config(True)
    first = cached_prediction(counting, config, tmp_path)
    again = cached_prediction(counting, config, tmp_path)
    assert len(calls) == 1 and np.array_equal(first["excess"], again["excess"])
    cached_prediction(counting, config.with_overrides({"n_min": 999}), tmp_path)
    assert len(calls) == 2
    monkeypatch.setattr(saved, "source_fingerprint", lambda: "0123456789abcdef")
    cached_prediction(counting, config.with_overrides({"n_min": 999}), tmp_path)
    assert len(calls) == 3


def test_saved_chunks_counts_finished_chunk_files_only(tmp_path):
    folder = tmp_path / "IMB-1" / "chunks" / "0123" / "000-45"
    folder.mkdir(parents=True)
    for name in ("00000.npz", "00001.npz", ".00002.npz.x.tmp"):
        (folder / name).write_bytes(b"")
    (tmp_path / "IMB-1" / "other.npz").write_bytes(b"")  # not a chunk
    assert saved_chunks(tmp_path) == 2 and saved_chunks(tmp_path / "IMB-1" / "chunks" / "0123") == 2
