"""Loading a data folder: the real ones load, and every bad input is one TableError naming the file."""

from pathlib import Path

import numpy as np
import pytest

from synthlaw.tables.read import TableError, check_rows, discover_methods, load_tables, read_csv, write_csv

DATA = Path(__file__).parents[2] / ".." / "shared" / "data"
needs_data = pytest.mark.skipif(not (DATA / "gender").is_dir(), reason=f"shared data folder {DATA} missing")

HEADER = "a,b,y,s\n"
ROWS = "0.5,1,0,0\n1.5,2,1,1\n-0.5,3,0,1\n2.5,4,1,0\n"
STEMS = ("seed", "train", "train0", "train1", "test", "train_pos", "train_neg",
         "ros0", "ros1", "ros_pos", "ros_neg")


def tiny_folder(tmp_path: Path, **override) -> Path:
    """A folder of hand-made 4-row tables; override maps a stem to its full text."""
    folder = tmp_path / "tiny"
    folder.mkdir(parents=True)
    for stem in STEMS:
        (folder / f"{stem}.csv").write_text(override.get(stem, HEADER + ROWS))
    return folder


def test_tiny_folder_loads_with_and_without_spurious(tmp_path):
    folder = tiny_folder(tmp_path)
    tables = load_tables(folder, "y")
    assert tables.methods == ("ros",) and tables.features == ("a", "b", "s")
    assert tables.tables["test"].x_nd.shape == (4, 3) and tables.tables["test"].s_n is None
    tables = load_tables(folder, "y", spurious="s")
    np.testing.assert_array_equal(tables.tables["seed"].s_n, [0, 1, 1, 0])


def test_columns_in_another_order_are_reordered(tmp_path):
    folder = tiny_folder(tmp_path, test="y,a,s,b\n0,0.5,0,1\n")
    x = load_tables(folder, "y").tables["test"].x_nd
    np.testing.assert_array_equal(x, [[0.5, 1.0, 0.0]])


@pytest.mark.parametrize("stem,text,needle", [
    ("test", "a,b,s\n1,2,0\n", "test.csv: label column 'y' missing"),
    ("train0", "a,b,y,s,extra\n1,2,0,0,9\n", "train0.csv: columns differ from seed.csv (extra)"),
    ("ros1", HEADER + "1,abc,1,0\n", "ros1.csv: line 2, column 'b': 'abc' is not a number"),
    ("ros1", HEADER + "1,,1,0\n", "ros1.csv: line 2, column 'b': '' is not a number"),
    ("train", HEADER + "1,2,0,0\n1,nan,1,0\n", "train.csv: line 3, column 'b': nan is not a finite number"),
    ("test", HEADER + "1,2,2,0\n", "test.csv: label 'y' = 2 on line 2; allowed: 0, 1"),
    ("test", HEADER + "1,2,0.5,0\n", "test.csv: label 'y' = 0.5 on line 2; allowed: 0, 1"),
    ("seed", "", "seed.csv: empty file"),
])
def test_bad_cells_and_columns_name_the_file(tmp_path, stem, text, needle):
    folder = tiny_folder(tmp_path, **{stem: text})
    with pytest.raises(TableError) as err:
        load_tables(folder, "y")
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_missing_file_unknown_method_and_bad_spurious(tmp_path):
    folder = tiny_folder(tmp_path)
    (folder / "train_neg.csv").unlink()
    load_tables(folder, "y")  # only needed with a spurious column
    with pytest.raises(TableError, match=r"train_neg.csv: missing file"):
        load_tables(folder, "y", spurious="s")
    with pytest.raises(TableError, match=r"method 'smote' not found; methods in .*: ros"):
        load_tables(folder, "y", methods=["smote"])
    with pytest.raises(TableError, match=r"spurious column 'q' missing"):
        load_tables(tiny_folder(tmp_path / "b"), "y", spurious="q")
    folder = tiny_folder(tmp_path / "c", test=HEADER + "1,2,0,0\n1,2,0,1\n1,2,0,2\n")
    with pytest.raises(TableError, match=r"test.csv: spurious column 's' takes values 0, 1, 2"):
        load_tables(folder, "y", spurious="s")
    with pytest.raises(TableError, match=r"not a directory"):
        load_tables(tmp_path / "nowhere", "y")


def test_too_few_rows(tmp_path):
    tables = load_tables(tiny_folder(tmp_path), "y")
    check_rows(tables, {"ros1": 4}, "the ratio sweep")
    with pytest.raises(TableError, match=r"ros1.csv: 4 rows, the ratio sweep needs at least 5"):
        check_rows(tables, {"ros1": 5}, "the ratio sweep")


@needs_data
def test_the_shared_folders_load():
    gender = load_tables(DATA / "gender", "gender", spurious="long_hair")
    assert gender.methods == ("synthetic_allseed", "synthetic", "smote", "adasyn", "ros")
    assert len(gender.tables["seed"].y_n) == 200 and len(gender.tables["test"].y_n) == 1501
    assert len(gender.features) == 7
    craft = load_tables(DATA / "craft", "Target", methods=["smote"])
    assert craft.methods == ("smote",) and len(craft.tables["train"].y_n) == 5400
    assert discover_methods(DATA / "craft")[0] == "synthetic_allseed"


@pytest.mark.parametrize("text", [
    "\ufeffa,b,y,s\n0.5,1,0,0\n",  # a UTF-8 byte-order mark (Excel's "CSV UTF-8")
    "a;b;y;s\n0.5;1;0;0\n",  # semicolons
    "a\tb\ty\ts\n0.5\t1\t0\t0\n",  # tabs
    "a|b|y|s\n0.5|1|0|0\n",  # pipes
    '"a","b","y","s"\n"0.5","1","0","0"\n',  # every field quoted
    'a,b,y,s\n0.5," 1",0,0\n\n',  # a quoted cell with a space, a trailing blank line
])
def test_read_csv_handles_bom_delimiters_and_quotes(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    header, cells = read_csv(path)
    assert header == ["a", "b", "y", "s"]
    np.testing.assert_array_equal(cells, [[0.5, 1.0, 0.0, 0.0]])


@pytest.mark.parametrize("text,needle", [
    ("a,b,a,y\n1,2,3,0\n", "column name 'a' appears 2 times"),
    (",a,y\n0,1,0\n", "column 1 has an empty name"),
    ("a b y\n1 2 0\n", "cannot tell the delimiter from the first 20 lines; allowed: comma, semicolon, tab, |"),
    ("a,b,y\n1,2\n", "line 2 has 2 cells, header has 3"),
])
def test_read_csv_rejects_bad_headers_and_rows(tmp_path, text, needle):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(TableError) as err:
        read_csv(path)
    assert needle in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)


def test_write_csv_reads_back_exactly(tmp_path):
    cells = np.array([[0.1, 1.0 / 3.0, -2.0], [1e-12, 7.0, 0.0]])
    write_csv(tmp_path / "w.csv", ["a", "b", "y"], cells)
    header, back = read_csv(tmp_path / "w.csv")
    assert header == ["a", "b", "y"] and np.array_equal(back, cells)


def test_a_seed_with_one_class_or_one_group_side_is_an_error(tmp_path):
    folder = tiny_folder(tmp_path, seed=HEADER + "0.5,1,0,0\n1.5,2,0,1\n")
    with pytest.raises(TableError, match=r"seed.csv: label 'y' is 0 on every row; the seed needs both classes"):
        load_tables(folder, "y")
    folder = tiny_folder(tmp_path / "b", seed=HEADER + "0.5,1,0,0\n1.5,2,1,1\n")  # groups 00 and 11 only
    with pytest.raises(TableError, match=r"seed.csv: every row is in the pos groups"):
        load_tables(folder, "y", spurious="s")


def test_a_method_file_without_its_partner_is_a_warning_naming_it(tmp_path):
    folder = tiny_folder(tmp_path)
    (folder / "smote1.csv").write_text(HEADER + ROWS)
    (folder / "gan_neg.csv").write_text(HEADER + ROWS)
    tables = load_tables(folder, "y")
    assert tables.methods == ("ros",)
    assert len(tables.warnings) == 2
    assert any(f"{folder / 'smote1.csv'}: no smote0.csv beside it; method 'smote' is skipped" == w
               for w in tables.warnings), tables.warnings
    assert any("gan_neg.csv: no gan_pos.csv" in w for w in tables.warnings)
    assert load_tables(tiny_folder(tmp_path / "b"), "y").warnings == ()


def test_only_the_real_files_asked_for_are_read(tmp_path):
    folder = tiny_folder(tmp_path)
    for stem in ("train", "train1", "train_pos"):
        (folder / f"{stem}.csv").unlink()
    tables = load_tables(folder, "y", real=("seed", "test", "train0"))
    assert set(tables.tables) == {"seed", "test", "train0", "ros0", "ros1"}
    with pytest.raises(TableError, match=r"train.csv: missing file"):
        load_tables(folder, "y", real=("seed", "test", "train0", "train"))
