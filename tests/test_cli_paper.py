"""`synthlaw paper`: bad input is one line and exit 2 with nothing written; a run writes its report."""

from pathlib import Path

import pytest

from synthlaw.cli import main

DATA = Path(__file__).parents[1] / ".." / "shared" / "data"
HEADER = "a,b,y\n"


def tiny_folder(tmp_path: Path, n_rows: int = 4, **override) -> Path:
    """Hand-made tables with n_rows rows each (the seed size is then n_rows)."""
    folder = tmp_path / "tiny"
    folder.mkdir(parents=True)
    rows = "".join(f"{i * 0.5},{i % 3},{i % 2}\n" for i in range(n_rows))
    for stem in ("seed", "train", "train0", "train1", "test", "ros0", "ros1"):
        (folder / f"{stem}.csv").write_text(override.get(stem, HEADER + rows))
    return folder


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("override,extra,needle", [
    ({"ros1": "a,b\n1,2\n"}, [], "ros1.csv: label column 'y' missing"),
    ({"test": "a,b,y,c\n1,2,0,3\n"}, [], "test.csv: columns differ from seed.csv (c)"),
    ({"train0": HEADER + "1,x,0\n"}, [], "train0.csv: line 2, column 'b': 'x' is not a number"),
    ({"train1": HEADER + "1,nan,1\n"}, [], "train1.csv: line 2, column 'b': nan is not a finite number"),
    ({"test": HEADER + "1,2,3\n"}, [], "test.csv: label 'y' = 3 on line 2; allowed: 0, 1"),
    ({}, [], "train0.csv: 4 rows, the imbalance sweeps (seed size 4) needs at least 20"),
    ({}, ["--methods", "smote"], "method 'smote' not found"),
    ({}, ["--spurious", "a"], "train_pos.csv: missing file"),
    ({}, ["--sweeps", "ratio,nope"], "--sweeps 'ratio,nope': allowed: ratio, augmentation"),
    ({}, ["--protocol", "pandas"], "invalid choice: 'pandas'"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, override, extra, needle):
    folder = tiny_folder(tmp_path, **override)
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "paper", "--data", str(folder), "--label", "y", "--out", str(out_dir), *extra)
    assert code == 2 and err.startswith("synthlaw: error:") and err.count("\n") == 1, err
    assert needle in err, err
    assert not out_dir.exists()


def test_missing_folder_and_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, "paper", "--data", str(tmp_path / "none"), "--label", "y",
                       "--out", str(tmp_path / "out"))
    assert code == 2 and "not a directory" in err
    folder = tiny_folder(tmp_path)
    (folder / "test.csv").unlink()
    code, _, err = run(capsys, "paper", "--data", str(folder), "--label", "y", "--out", str(tmp_path / "out"))
    assert code == 2 and "test.csv: missing file" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("protocol", ["paper", "jax"])
def test_a_small_folder_runs_both_sweeps_and_writes_the_report(tmp_path, capsys, protocol):
    # seed size 4: 20 majority rows, 5 * 4 + 36 synthetic minority rows, 36 synthetic majority rows
    seed = HEADER + "0,0,0\n1,1,1\n2,0,0\n3,1,1\n"
    folder = tiny_folder(tmp_path, n_rows=60, seed=seed)
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "paper", "--data", str(folder), "--label", "y", "--out", str(out_dir),
                         "--protocol", protocol)
    assert code == 0, err
    for name in ("report.md", "meta.json", "imbalance_ratio.csv", "imbalance_ratio_summary.csv",
                 "imbalance_ratio.png", "imbalance_augmentation.png", "imbalance_augmentation.csv"):
        assert (out_dir / name).exists(), name
    assert not list(out_dir.glob("*vs_stored.csv"))  # no stored JSON in this folder
    assert "No stored `log` results" in (out_dir / "report.md").read_text()
    assert not list(out_dir.rglob("*.tmp"))
