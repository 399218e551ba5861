"""Generators fitted on a table for `synthlaw paper`: exact row counts, groups set right, a keyed cache."""

import jax
import numpy as np
import pytest

from synthlaw.tables.generate import generate
from synthlaw.tables.generators import METHODS
from synthlaw.tables.methods import GeneratorRun
from synthlaw.tables.split import split_table, split_tables


@pytest.fixture
def tables(tmp_path):
    rng = np.random.default_rng(1)
    n = 400
    y, s = rng.integers(0, 2, n), rng.integers(0, 2, n) * 2 - 1
    x = rng.normal(size=n) + y
    path = tmp_path / "t.csv"
    path.write_text("x,s,y\n" + "".join(f"{a},{b},{c}\n" for a, b, c in zip(x, s, y, strict=True)))
    split = split_table(path, "y", "s", key=jax.random.key(0), seed_size=40)
    return split_tables(split, tmp_path / "data")


@pytest.mark.parametrize("method", ["ros", "smote", "adasyn"])
def test_spurious_files_hold_their_groups_and_the_rows_asked(tables, tmp_path, method):
    fit = generate(tables, GeneratorRun(METHODS[method], "seed"), "spurious", {"_pos": 31, "_neg": 12}, seed=0,
                   data_dir=tmp_path / "d", checkpoint_dir=tmp_path / "c")
    pos, neg = fit.tables[f"{method}_seed_pos"], fit.tables[f"{method}_seed_neg"]
    assert len(pos.y_n) == 31 and len(neg.y_n) == 12
    assert set(np.unique(pos.s_n)) <= {-1.0, 1.0} and set(np.unique(neg.s_n)) <= {-1.0, 1.0}
    assert ((pos.s_n == 1) == (pos.y_n == 1)).all() and ((neg.s_n == 1) != (neg.y_n == 1)).all()
    assert np.bincount(2 * (pos.s_n == 1) + pos.y_n, minlength=4).tolist() == [15, 0, 0, 16]


ROS_USE = GeneratorRun(METHODS["ros"], "use")


def test_imbalance_files_and_the_cache(tables, tmp_path):
    kw = dict(seed=0, data_dir=tmp_path / "d", checkpoint_dir=tmp_path / "c")
    first = generate(tables, ROS_USE, "imbalance", {"1": 50, "0": 20}, **kw)
    assert not first.reused and (first.tables["ros_use1"].y_n == 1).all() and len(first.tables["ros_use0"].y_n) == 20
    # ros copies real rows exactly: every drawn minority row is a label-1 row of seed + train
    use_x = np.concatenate([tables.tables["seed"].x_nd, tables.tables["train"].x_nd])
    use_y = np.concatenate([tables.tables["seed"].y_n, tables.tables["train"].y_n])
    real = {tuple(r) for r in use_x[use_y == 1]}
    assert all(tuple(r) in real for r in first.tables["ros_use1"].x_nd)
    again = generate(tables, ROS_USE, "imbalance", {"1": 50, "0": 20}, **kw)
    assert again.reused and np.array_equal(again.tables["ros_use1"].x_nd, first.tables["ros_use1"].x_nd)
    other = generate(tables, ROS_USE, "imbalance", {"1": 50, "0": 20}, **{**kw, "seed": 1})
    assert not other.reused  # the key covers the seed


def test_a_generator_that_gives_few_of_the_rows_asked_is_asked_for_more():
    """adasyn gives sum_i rint(w_i m) rows for m asked, as few as 688 of 1800 on hi.csv; one that gives
    none is an error naming it."""
    from types import SimpleNamespace

    from synthlaw.tables.generate import draw_rows

    asked = []

    def sample(label, m, *, key):
        asked.append(m)
        return np.zeros((int(0.04 * m), 2))  # 4% of the rows asked

    rows = draw_rows(SimpleNamespace(sample=sample, method=METHODS["adasyn"]), 0, 1800, key=jax.random.key(0),
                     at_least=2500)
    assert rows.shape == (1800, 2) and len(asked) <= 3 and asked[0] == 2500 and asked[1] >= (1800 - 100) * 25
    nothing = SimpleNamespace(sample=lambda label, m, *, key: np.zeros((0, 2)), method=METHODS["adasyn"])
    with pytest.raises(RuntimeError, match=r"generator 'adasyn' gave 0 rows of label 0 for 1800 asked"):
        draw_rows(nothing, 0, 1800, key=jax.random.key(0))
