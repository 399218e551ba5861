"""synthlaw oversample: the CSV comes back with its header and rows, then the new rows; mistakes give
one line, exit 2 and no file."""

import numpy as np
import pytest

from synthlaw.cli import main


def write_table(path, n_per_class=(40, 10), seed=0):
    rng = np.random.default_rng(seed)
    x_nd = np.vstack([rng.normal(c, 1.0, (n, 2)) for c, n in enumerate(n_per_class)])
    y_n = np.repeat(np.arange(len(n_per_class)), n_per_class)
    lines = ["a,label,b"] + [f"{float(a)!r},{label},{float(b)!r}" for (a, b), label in zip(x_nd, y_n, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return np.column_stack([x_nd[:, 0], y_n, x_nd[:, 1]])


def read_table(path):
    lines = path.read_text().splitlines()
    return lines[0], np.array([[float(c) for c in line.split(",")] for line in lines[1:]])


def run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_smote_writes_the_rows_then_the_new_rows_and_says_what_it_did(tmp_path, capsys):
    cells = write_table(tmp_path / "in.csv")
    code, err = run(capsys, "oversample", "--csv", str(tmp_path / "in.csv"), "--label", "label", "--method", "smote",
                    "--out", str(tmp_path / "out.csv"))
    assert code == 0
    header, out = read_table(tmp_path / "out.csv")
    assert header == "a,label,b"
    np.testing.assert_array_equal(out[:50], cells)  # the rows read back exactly
    assert np.bincount(out[:, 1].astype(int)).tolist() == [40, 40]
    assert "rows per label 0: 40 -> 40, 1: 10 -> 40" in err and "(80 rows)" in err


def test_ros_with_a_float_strategy_adds_exact_copies_and_a_seed_repeats(tmp_path, capsys):
    cells = write_table(tmp_path / "in.csv")
    argv = ["oversample", "--csv", str(tmp_path / "in.csv"), "--label", "label", "--method", "ros",
            "--sampling-strategy", "0.75", "--seed", "3"]
    assert run(capsys, *argv, "--out", str(tmp_path / "a.csv"))[0] == 0
    assert run(capsys, *argv, "--out", str(tmp_path / "b.csv"))[0] == 0
    _, out = read_table(tmp_path / "a.csv")
    assert np.bincount(out[:, 1].astype(int)).tolist() == [40, 30]
    minority = cells[cells[:, 1] == 1]
    assert all((minority == row).all(axis=1).any() for row in out[50:])
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


@pytest.mark.parametrize("argv,needle", [
    (["--csv", "missing.csv"], "missing.csv: cannot read"),
    (["--label", "lab"], "--label = 'lab': no such column in"),
    (["--sampling-strategy", "most"], "--sampling-strategy 'most': allowed: auto or a float in (0, 1]"),
    (["--sampling-strategy", "1.5"], "sampling_strategy = 1.5: a float must be in (0, 1]"),
    (["--label", "a"], "a number that is not an integer; class labels are text or integers"),
    (["--out", "in.csv"], "--out 'in.csv': the same file as --csv"),
    (["--out", "."], "--out '.': is a folder"),
    (["--method", "ros", "--k-neighbors", "3"], "--k-neighbors: only with --method smote or adasyn, not ros"),
    (["--categorical", "label"], "--categorical = 'label': that is the label column, not a feature"),
    (["--numeric", "nope"], "--numeric = 'nope': no such column"),
    (["--method", "gan"], "argument --method: invalid choice: 'gan'"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, monkeypatch, argv, needle):
    monkeypatch.chdir(tmp_path)
    write_table(tmp_path / "in.csv")
    base = {"--csv": "in.csv", "--label": "label", "--method": "smote", "--out": "out.csv"}
    base.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    code, err = run(capsys, "oversample", *[s for pair in base.items() for s in pair])
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("synthlaw: error:") and needle in err
    assert not (tmp_path / "out.csv").exists()


def test_a_table_of_one_class_is_an_error(tmp_path, capsys):
    (tmp_path / "one.csv").write_text("a,label\n0.5,1\n0.7,1\n")
    code, err = run(capsys, "oversample", "--csv", str(tmp_path / "one.csv"), "--label", "label", "--method", "ros",
                    "--out", str(tmp_path / "out.csv"))
    assert code == 2 and err.count("\n") == 1 and "y has 1 class (1); oversampling needs at least 2" in err
    assert not (tmp_path / "out.csv").exists()


def test_a_mixed_table_keeps_its_text_blanks_and_classes(tmp_path, capsys):
    """Text categories, numeric blanks, a three-class text label with a blank: every class is brought to
    the majority's count (imblearn's "auto"), the input rows come back as written, the new rows hold
    only levels their column had, and float32 results are written as float32's shortest text."""
    rng = np.random.default_rng(0)
    lines = ["wage,colour,lang"]
    for k in range(90):
        lang = ("en", "en", "en", "en", "fr", "other")[k % 6]
        wage = "NA" if k % 5 < 2 else f"{10 + (lang == 'fr') * 3 + rng.normal():.1f}"
        lines.append(f"{wage},{('red', 'blue', '')[k % 3]},{lang}")
    lines.append("11.4,red,")
    (tmp_path / "in.csv").write_text("\n".join(lines) + "\n")
    code, err = run(capsys, "oversample", "--csv", str(tmp_path / "in.csv"), "--label", "lang", "--method", "smote",
                    "--k-neighbors", "3", "--out", str(tmp_path / "out.csv"))
    assert code == 0, err
    assert "smote (smote-nc)" in err and "en: 60 -> 60, fr: 15 -> 60, other: 15 -> 60" in err
    assert "1 rows with a blank label dropped" in err
    out = (tmp_path / "out.csv").read_text().splitlines()
    assert out[:91] == lines[:91]  # the rows exactly as read
    new = [line.split(",") for line in out[91:]]
    assert len(new) == 90 and {r[1] for r in new} <= {"red", "blue", ""} and {r[2] for r in new} == {"fr", "other"}
    numbers = [r[0] for r in new if r[0]]
    assert all(len(n.split(".")[-1]) <= 8 for n in numbers)  # float32 texts, not 11.399999618530273
    assert any(r[0] == "" for r in new)  # 40% blank: the neighbours' blank flags give blanks too


def test_a_bad_input_is_answered_without_loading_jax(tmp_path):
    """The input is read and checked before JAX is imported (about 1 s on its own)."""
    import subprocess
    import sys

    script = ("import sys; from synthlaw.cli import main; "
              f"code = main(['oversample', '--csv', {str(tmp_path / 'missing.csv')!r}, '--label', 'y', "
              "'--method', 'smote', '--out', 'o.csv']); print(code, 'jax' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout.split() == ["2", "False"], done.stderr
