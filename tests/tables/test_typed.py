"""Tables as they come (issue 20): typing, blanks, text labels, classifier features, and the
baselines that add no rows, checked against scikit-learn."""

import jax
import numpy as np
import pytest

from synthlaw.sims.engine.options import SweepOptions
from synthlaw.tables.features import MAX_LEVELS, encode_features, fit_features
from synthlaw.tables.read import TableError, read_text
from synthlaw.tables.rows import Design
from synthlaw.tables.schema import BLANK_LEVEL, Column, Schema
from synthlaw.tables.split import split_table, split_tables, write_split
from synthlaw.tables.sweeps import pool_of, run_designs
from synthlaw.tables.typed import TypingOptions, read_typed

ROWS = ["size,colour,id,same,label",
        "1.5,red,a1,k,yes",
        "2,blue,a2,k,no",
        "NA,red,a3,k,no",
        "3.25,,a4,k,",
        "4,green,a5,k,no",
        "5,,a6,k,no"] + [f"{k % 7},{('red', 'blue')[k % 2]},b{k},k,{('no', 'no', 'yes')[k % 3]}" for k in range(30)]


def write(tmp_path, lines=ROWS, name="t.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_typing_blanks_drops_and_the_label(tmp_path):
    table = read_typed(write(tmp_path), "label")
    schema = table.typing.schema
    # 'id' has a distinct value on every row and 'same' one value: both dropped, with why
    assert [name for name, _ in table.typing.dropped] == ["id", "same"]
    assert schema.names == ("size", "colour")
    assert [c.kind for c in schema.columns] == ["numeric", "categorical"]
    assert schema.columns[1].levels == ("blue", "green", "red", BLANK_LEVEL)  # the blank is its own level
    # the blank-label row is dropped; 'yes' is the rarer class, so it is 1
    assert len(table.y_n) == len(ROWS) - 2
    assert table.y_n[:4].tolist() == [1, 0, 0, 0]
    assert "positive (1, oversampled) = 'yes' (the rarer class)" in table.label_line
    assert "1 rows with a blank label dropped" in table.label_line
    assert np.isnan(table.x_nd[2, 0]) and table.x_nd[2, 1] == 2 and table.x_nd[4, 1] == 3  # NA; red; blank
    assert table.typing.blanks == {"size": 1, "colour": 1}  # row 4's blank colour went with its blank label


def test_codes_decode_to_the_texts_read(tmp_path):
    table = read_typed(write(tmp_path), "label", options=TypingOptions(keep=("same",)))
    schema = table.typing.schema
    back = schema.decode(table.x_nd)
    assert back[0].tolist() == ["1.5", "red", "k"] and back[2].tolist() == ["", "red", "k"]
    np.testing.assert_array_equal(schema.encode(back), table.x_nd)  # NaN == NaN for assert_array_equal


def test_options_override_the_typing_and_pick_the_positive_class(tmp_path):
    table = read_typed(write(tmp_path), "label", options=TypingOptions(positive="no", categorical=("size",)))
    assert table.typing.schema.columns[0].kind == "categorical"
    assert table.y_n[:2].tolist() == [0, 1]


def test_a_zero_one_label_keeps_one_as_positive(tmp_path):
    lines = ["x,y"] + [f"{k % 5},{int(k < 30)}" for k in range(40)]  # 1 is the more frequent class here
    table = read_typed(write(tmp_path, lines), "y")
    assert table.y_n.sum() == 30 and "the paper's convention" in table.label_line


@pytest.mark.parametrize("lines, options, match", [
    (ROWS, TypingOptions(positive="maybe"), r"positive = 'maybe': not a value of label 'label'; values: 'no', 'yes'"),
    (ROWS, TypingOptions(categorical=("label",)), r"categorical = 'label': that is the label column"),
    (ROWS, TypingOptions(numeric=("nope",)), r"numeric = 'nope': no such column; columns: size, colour"),
    (ROWS, TypingOptions(keep=("nope",)), r"keep = 'nope': no such column"),
    (ROWS, TypingOptions(numeric=("colour",)), r"numeric = 'colour': data row 1 holds 'red', not a number"),
    (ROWS, TypingOptions(missing="error"), r"data row 4, label 'label': blank \(missing = 'error' refuses blanks\)"),
    (ROWS[:4], TypingOptions(missing="error"), r"data row 3, column 'size': blank cell 'NA'"),
    (["a,label", "1,", "x,y", "y,x", "?,y"], TypingOptions(missing="error", positive="y"), r"data row 1, label"),
    (["a,b,label", "1,2,", "3,4,x", "5,z,y"], TypingOptions(numeric=("b",)),
     r"numeric = 'b': data row 3 holds 'z'"),  # the file's third data row, though row 1 was dropped
    (["a,b,label", "1,,x", "2,NA,y", "3,?,"], TypingOptions(), r"column 'b': every cell is blank"),
    (["a,label", "1,x", "2,x", "3,"], TypingOptions(), r"label 'label' holds 'x' on every non-blank row"),
    (["a,label"] + [f"{k},{k % 2}" for k in range(30)], TypingOptions(), r"no feature column left \(a dropped"),
])
def test_bad_input_is_one_line_naming_it(tmp_path, lines, options, match):
    with pytest.raises(TableError, match=match):
        read_typed(write(tmp_path, lines), "label", options=options)


def test_features_match_scikit_learns_one_hot_and_median_imputer(tmp_path):
    from sklearn.impute import MissingIndicator, SimpleImputer
    from sklearn.preprocessing import OneHotEncoder

    table = read_typed(write(tmp_path), "label")
    x_nd, schema = table.x_nd, table.typing.schema
    features = fit_features(schema, x_nd[:20])
    f_nf = encode_features(features, x_nd)
    number_n1 = x_nd[:, :1]
    imputed = SimpleImputer(strategy="median").fit(number_n1[:20]).transform(number_n1)
    onehot = OneHotEncoder(categories=[np.arange(len(schema.columns[1].levels))]).fit(x_nd[:20, 1:2])
    indicator = MissingIndicator().fit(number_n1[:20]).transform(number_n1)
    expected = np.hstack([imputed, onehot.transform(x_nd[:, 1:2]).toarray(), indicator])
    np.testing.assert_array_equal(f_nf, expected)


def test_many_levels_fold_into_other_and_numbers_alone_encode_to_themselves():
    rng = np.random.default_rng(0)
    codes_n = rng.zipf(1.5, 5000) % 10_000  # 10 000 levels, a few frequent
    schema = Schema((Column("x", "numeric"), Column("c", "categorical", tuple(map(str, range(10_000))))))
    x_nd = np.column_stack([rng.normal(size=5000), codes_n])
    features = fit_features(schema, x_nd)
    f_nf = encode_features(features, x_nd)
    assert f_nf.shape == (5000, 1 + MAX_LEVELS) and (f_nf[:, 1:].sum(1) == 1).all()
    top = np.argsort(-np.bincount(codes_n, minlength=10_000), kind="stable")[:MAX_LEVELS - 1]
    assert f_nf[:, -1].sum() == (~np.isin(codes_n, top)).sum()  # every other level in the last column
    assert "fold into one 'other' column" in features.notes[0]
    numbers = Schema.numeric(["a", "b"])
    x_nd = rng.normal(size=(10, 2))
    assert encode_features(fit_features(numbers, x_nd), x_nd) is x_nd


def test_split_writes_text_back_and_reads_the_same_codes(tmp_path):
    texts = ("a b", '"c,d"', "")  # a space, a quoted delimiter, a blank
    lines = ["n,c,y"] + [f"{k / 3:.3f},{texts[k % 3]},{('p', 'q', 'q', 'q')[k % 4]}" for k in range(200)]
    split = split_table(write(tmp_path, lines), "y", None, key=jax.random.key(0), seed_size=20)
    write_split(split, tmp_path / "data")
    header, _, rows = read_text(tmp_path / "data" / "seed.csv")
    assert header == ["n", "c", "y"]
    schema = split.table.typing.schema
    cells_nd = np.array(rows, dtype=object)
    np.testing.assert_array_equal(schema.encode(cells_nd[:, :2]), split.table.x_nd[split.parts["seed"]])
    assert set(cells_nd[:, 2]) == {"0", "1"}


def scikit_logits(x_md, y_m, x_td, **kwargs):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000, **kwargs).fit(x_md, y_m)
    return model.decision_function(x_td)


def test_class_weights_and_threshold_baselines_agree_with_scikit_learn(tmp_path):
    """class_weights = sklearn's class_weight="balanced"; threshold = the plain fit's logits minus
    log(n_1 / n_0). Both scored by balanced accuracy on the test rows, to the fits' agreement
    (the exact fit and lbfgs at tol 1e-12 agree to 1e-6 in the logits, far inside any test row's margin)."""
    rng = np.random.default_rng(3)
    n = 600
    y = (rng.random(n) < 0.15).astype(int)
    x = rng.normal(size=(n, 2)) + 0.8 * y[:, None]
    lines = ["a,b,y"] + [f"{a},{b},{c}" for (a, b), c in zip(x, y, strict=True)]
    split = split_table(write(tmp_path, lines), "y", None, key=jax.random.key(1), seed_size=40)
    tables = split_tables(split, tmp_path / "data")
    rows = np.arange(len(tables.tables["train"].y_n))
    designs = [Design({"method": "m", "arm": arm, "i": 0, "seed": 0}, [("train", rows, 1.0)], adjust)
               for arm, adjust in (("imbalanced", ""), ("class_weights", "class_weights"), ("threshold", "threshold"))]
    with jax.enable_x64(True):
        ours = run_designs(tables, designs, "imbalance", options=SweepOptions(), name="baselines").columns["balanced"]
    train, test = tables.tables["train"], tables.tables["test"]
    log_odds = np.log(train.y_n.mean() / (1 - train.y_n.mean()))
    z = {"imbalanced": scikit_logits(train.x_nd, train.y_n, test.x_nd),
         "class_weights": scikit_logits(train.x_nd, train.y_n, test.x_nd, class_weight="balanced")}
    z["threshold"] = z["imbalanced"] - log_odds
    for r, arm in enumerate(("imbalanced", "class_weights", "threshold")):
        correct = (z[arm] > 0) == (test.y_n == 1)
        expected = 0.5 * (correct[test.y_n == 0].mean() + correct[test.y_n == 1].mean())
        assert ours[r] == pytest.approx(expected, abs=1e-12), arm
    assert ours[1] > ours[0] and ours[2] > ours[0]  # on a 15% minority both beat the plain fit


def test_the_pool_holds_train_once_when_train0_and_train1_are_its_class_rows(tmp_path):
    lines = ["a,b,y"] + [f"{k % 7},{k % 3},{int(k % 5 == 0)}" for k in range(300)]
    tables = split_tables(split_table(write(tmp_path, lines), "y", None, key=jax.random.key(0), seed_size=20),
                          tmp_path / "data")
    stems = ["seed", "test", "train", "train0", "train1"]
    x_nd, y_n, positions = pool_of(tables, stems)
    assert len(y_n) == sum(len(tables.tables[s].y_n) for s in ("seed", "test", "train"))  # no second copy
    for stem in stems:
        np.testing.assert_array_equal(x_nd[positions[stem]], tables.tables[stem].x_nd)
        np.testing.assert_array_equal(y_n[positions[stem]], tables.tables[stem].y_n)
    reordered = tables.tables["train0"]._replace(x_nd=tables.tables["train0"].x_nd[::-1])  # not train's order
    x_nd, y_n, positions = pool_of(tables._replace(tables={**tables.tables, "train0": reordered}), stems)
    assert len(y_n) == sum(len(tables.tables[s].y_n) for s in ("seed", "test", "train", "train0"))
    np.testing.assert_array_equal(x_nd[positions["train0"]], reordered.x_nd)
