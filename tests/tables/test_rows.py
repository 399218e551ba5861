"""The authors' row choices: pandas DataFrame.sample(n, random_state=s) is RandomState(s).choice."""

import jax
import numpy as np
import pytest

from synthlaw.tables.rows import (
    SWEEPS,
    augmentation_designs,
    jax_take_from,
    paper_take,
    ratio_designs,
    rows_needed,
    split_pools,
)

# Recorded with pandas 3.1.1 in a throwaway venv (not a dependency), on ../shared/data/gender:
#   train0 = pd.read_csv("train0.csv"); use = train0.sample(n=1000, random_state=42)
#   use.index[:12]; use.sample(n=300, random_state=6).index[:12]
#   syn1 = pd.read_csv("synthetic_allseed1.csv"); bal = syn1.sample(n=1000, random_state=42)
#   syn1.drop(bal.index).sample(n=300, random_state=8).index[:12]
# (len(train0) = 1677, len(syn1) = 24673). pandas' sample returns
# random_state.choice(obj_len, size=n, replace=False, p=None) with random_state = RandomState(s).
PANDAS_USE_42 = [1600, 482, 203, 49, 1289, 481, 1665, 611, 1622, 518, 1315, 886]
PANDAS_USE_THEN_6 = [1085, 588, 541, 1160, 380, 542, 450, 1399, 433, 1575, 171, 765]
PANDAS_REMAIN_8 = [9810, 12916, 2436, 12065, 4519, 16774, 11885, 17604, 16056, 6935, 17233, 23467]


def test_paper_take_reproduces_pandas_sample():
    use = paper_take(1677, 1000, 42, "major_use")
    assert use[:12].tolist() == PANDAS_USE_42
    assert use[paper_take(1000, 300, 6, "major")][:12].tolist() == PANDAS_USE_THEN_6
    _, _, remain = split_pools(1677, 24673, 200)
    assert remain[paper_take(len(remain), 300, 8, "syn_remain")][:12].tolist() == PANDAS_REMAIN_8


def test_subsets_are_nested_and_distinct_in_both_modes():
    take = jax_take_from(key=jax.random.key(0))
    for chooser in (paper_take, take):
        small, large = chooser(500, 50, 2, "x"), chooser(500, 200, 2, "x")
        assert small.tolist() == large[:50].tolist() and len(set(large.tolist())) == 200
    assert take(500, 50, 2, "x").tolist() != take(500, 50, 2, "y").tolist()


def test_design_sizes_and_weights():
    n_rows = {"seed": 200, "train": 3300, "train0": 1677, "m0": 25000, "m1": 24000}
    designs = ratio_designs(n_rows, "m", "imbalance", 200, (1, 2), paper_take)
    assert len(designs) == 10 * 2 * 3
    last = {d.tags["arm"]: d for d in designs if d.tags["i"] == 9 and d.tags["seed"] == 2}
    size = {arm: sum(len(rows) for _, rows, _ in d.parts) for arm, d in last.items()}
    assert size == {"imbalanced": 1100, "balanced": 2000, "augmented": 2600}
    assert [w for _, _, w in last["augmented"].parts] == [1.0, 1.0, 1.0, 0.5, 0.5]
    assert last["imbalanced"].tags["ratio"] == 10.0
    designs = augmentation_designs(n_rows, "m", "imbalance", 200, (1, 2), paper_take)
    assert len(designs) == 10 * 2 + 1 and designs[-1].tags["arm"] == "train_all"
    assert sum(len(rows) for _, rows, _ in designs[-2].parts) == 200 + 800 + 800 + 3600
    assert rows_needed("m", "spurious", 200) == {"train_neg": 1000, "m_pos": 2800, "m_neg": 1800, "train": 1}
    assert rows_needed("m", "imbalance", 200, ("ratio",)) == {"train0": 1000, "m1": 1300, "m0": 300}


def test_a_caller_cannot_change_the_rows_a_later_draw_takes():
    take = jax_take_from(key=jax.random.key(0))
    rows = take(500, 50, 2, "x")
    before = rows.copy()
    with pytest.raises(ValueError, match="read-only"):
        rows[0] = rows[1]
    np.testing.assert_array_equal(take(500, 50, 2, "x"), before)
    np.testing.assert_array_equal(take(500, 200, 2, "x")[:50], before)


@pytest.mark.parametrize("sweep", ["ratio", "augmentation"])
def test_rows_needed_is_exactly_what_a_sweep_reads(sweep):
    needs = rows_needed("m", "imbalance", 20, (sweep,))
    n_rows = {"seed": 20, **needs}
    designs = SWEEPS[sweep](n_rows, "m", "imbalance", 20, (1, 2, 6), paper_take)
    read = {}
    for d in designs:
        for stem, rows, _ in d.parts:
            read[stem] = read.get(stem, set()) | set(rows.tolist())
    assert set(read) == {"seed", *needs}
    assert all(max(read[stem]) < n for stem, n in needs.items())
    for stem in ("train0", "m0", "m1"):  # one row fewer and the sweep cannot draw its rows
        with pytest.raises(ValueError):
            SWEEPS[sweep]({**n_rows, stem: needs[stem] - 1}, "m", "imbalance", 20, (1, 2, 6), paper_take)


def test_augmentation_weights_set_only_the_added_synthetic_rows():
    n_rows = {"seed": 200, "train": 3300, "train0": 1677, "m0": 25000, "m1": 24000}
    default = augmentation_designs(n_rows, "m", "imbalance", 200, (1, 2), paper_take)
    three = augmentation_designs(n_rows, "m", "imbalance", 200, (1, 2), paper_take, weights=(0.25, 0.5, 1.0))
    assert len(three) == 3 * 10 * 2 + 1 and [d.tags["arm"] for d in three].count("train_all") == 1
    assert np.isnan(three[-1].tags["weight"]) and [w for _, _, w in three[-1].parts] == [1.0]
    base = 200 + 800 + 800  # seed, major_use, syn_balance: real parts and balancing rows at weight 1
    for d in three[:-1]:
        weight_k = np.concatenate([np.full(len(rows), w) for _, rows, w in d.parts])
        assert set(weight_k[:base]) == {1.0} and len(weight_k) == base + d.tags["n_synthetic"]
        assert set(weight_k[base:]) <= {d.tags["weight"]}  # every added synthetic row, and only those
        assert {stem for stem, _, w in d.parts if w != 1.0} <= {"m0", "m1"}
    # a seed draws the same rows at every weight (weights compare paired by seed), and the default
    # is the paper's single weight 0.5
    by_weight = {w: [d for d in three if d.tags["weight"] == w] for w in (0.25, 0.5, 1.0)}
    for d in default[:-1]:
        assert d.tags["weight"] == 0.5
    for designs in by_weight.values():
        assert len(designs) == len(default) - 1
        for d, ref in zip(designs, default, strict=False):
            assert {k: v for k, v in d.tags.items() if k != "weight"} == \
                {k: v for k, v in ref.tags.items() if k != "weight"}
            assert all(s == t and np.array_equal(a, b) for (s, a, _), (t, b, _) in zip(d.parts, ref.parts, strict=True))
    assert [w for _, _, w in by_weight[0.25][-1].parts] == [1.0, 1.0, 1.0, 0.25, 0.25]
