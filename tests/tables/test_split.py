"""`synthlaw paper --csv`'s split: drawn from its key, disjoint, sized as asked, seed balanced."""

import jax
import numpy as np
import pytest

from synthlaw.tables.read import TableError
from synthlaw.tables.split import split_table


def write_table(tmp_path, n=400, spurious=False):
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.25).astype(int)  # imbalanced: about a quarter are label 1
    s = rng.integers(0, 2, n) * 2 - 1  # a spurious column in {-1, 1}
    x = rng.normal(size=n).round(3)
    path = tmp_path / "t.csv"
    path.write_text("x,s,y\n" + "".join(f"{a},{b},{c}\n" for a, b, c in zip(x, s, y, strict=True)))
    return path, y, s


@pytest.mark.parametrize("spurious", [None, "s"])
def test_split_is_disjoint_balanced_sized_and_follows_its_key(tmp_path, spurious):
    path, y, s = write_table(tmp_path)
    split = split_table(path, "y", spurious, key=jax.random.key(3), seed_size=40, test_fraction=0.3)
    parts = split.parts
    seed, train, test = parts["seed"], parts["train"], parts["test"]
    assert len(np.intersect1d(seed, train)) == len(np.intersect1d(seed, test)) == len(np.intersect1d(train, test)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([seed, train, test])), np.arange(len(y)))
    g = y if spurious is None else 2 * (s == 1) + y
    n_groups = 2 if spurious is None else 4
    assert len(seed) == 40 and np.bincount(g[seed], minlength=n_groups).tolist() == [40 // n_groups] * n_groups
    for k in range(n_groups):  # round(0.3 n_g) test rows of each group
        assert np.sum(g[test] == k) == round(0.3 * np.sum(g == k))
    np.testing.assert_array_equal(np.sort(np.concatenate([parts["train0"], parts["train1"]])), train)
    assert (y[parts["train0"]] == 0).all() and (y[parts["train1"]] == 1).all()
    if spurious:
        assert ((s[parts["train_pos"]] == 1) == (y[parts["train_pos"]] == 1)).all()
        assert ((s[parts["train_neg"]] == 1) != (y[parts["train_neg"]] == 1)).all()
    other = split_table(path, "y", spurious, key=jax.random.key(4), seed_size=40, test_fraction=0.3)
    assert not np.array_equal(parts["seed"], other.parts["seed"])


def test_split_errors_name_the_group_and_the_option(tmp_path):
    path, y, _ = write_table(tmp_path, n=60)
    with pytest.raises(TableError, match=r"label 0 has 45 rows; .* need at least one test row and 50 seed rows"):
        split_table(path, "y", None, key=jax.random.key(0), seed_size=100)
    with pytest.raises(TableError, match=r"^seed_size = 10: must be a multiple of 4"):
        split_table(path, "y", "s", key=jax.random.key(0), seed_size=10)
    with pytest.raises(TableError, match=r"label column 'q' missing"):
        split_table(path, "q", None, key=jax.random.key(0))
