import os
import stat

import numpy as np
import pytest

from synthlaw.sims.engine import store


def test_table_round_trip_keeps_full_precision(tmp_path):
    cols = {"seed": np.arange(3), "x": np.array([0.1, 1 / 3, 1e-17]), "name": np.array(["a", "b", "c"])}
    store.write_table(tmp_path / "t.csv", cols)
    back = store.read_table(tmp_path / "t.csv")
    np.testing.assert_array_equal(back["seed"], cols["seed"])
    np.testing.assert_array_equal(back["x"], cols["x"])
    np.testing.assert_array_equal(back["name"], cols["name"])


def test_failed_write_leaves_neither_file_nor_temporary(tmp_path):
    class Boom:
        def __len__(self):
            raise RuntimeError("interrupted")

    with pytest.raises(TypeError):
        store.write_atomic(tmp_path / "out.txt", Boom())
    assert list(tmp_path.iterdir()) == []


def test_config_hash_is_stable_and_sensitive():
    assert store.config_hash({"a": 1, "b": [1, 2]}) == store.config_hash({"b": [1, 2], "a": 1})
    assert store.config_hash({"a": 1}) != store.config_hash({"a": 2})


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_files_honour_the_umask_not_mkstemps_0600(tmp_path, umask):
    before = os.umask(umask)
    try:
        store.write_atomic(tmp_path / "t.txt", "x")
        store.write_table(tmp_path / "t.csv", {"a": np.arange(2)})
    finally:
        os.umask(before)
    for name in ("t.txt", "t.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name
