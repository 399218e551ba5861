"""`synthlaw paper`: bad input is one line and exit 2 with nothing written; a run writes its report."""

from pathlib import Path

import numpy as np
import pytest

from synthlaw.cli import main
from synthlaw.sims.engine.store import read_table

DATA = Path(__file__).parents[1] / ".." / "shared" / "data"
HEADER = "a,b,y\n"


def tiny_folder(tmp_path: Path, n_rows: int = 4, **override) -> Path:
    """Hand-made tables with n_rows rows each (the seed size is then n_rows)."""
    folder = tmp_path / "tiny"
    folder.mkdir(parents=True)
    rows = "".join(f"{i * 0.5},{i % 3},{i % 2}\n" for i in range(n_rows))
    for stem in ("seed", "train", "train0", "train1", "test", "ros0", "ros1"):
        if override.get(stem, "") is not None:
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
    ({"test": HEADER + "1,nan,1\n"}, [], "test.csv: line 2, column 'b': nan is not a finite number"),
    ({"test": HEADER + "1,2,3\n"}, [], "test.csv: label 'y' = 3 on line 2; allowed: 0, 1"),
    ({}, [], "train0.csv: 4 rows, the imbalance ratio and augmentation sweeps (seed size 4) needs at least 20"),
    ({}, ["--methods", "smote"], "method 'smote' not found"),
    ({}, ["--spurious", "a"], "train_neg.csv: missing file"),
    ({}, ["--sweeps", "ratio,nope"], "--sweeps 'ratio,nope': unknown 'nope'; allowed: ratio, augmentation"),
    ({}, ["--generators", "ros,gan"], "--generators 'ros,gan': unknown 'gan'; allowed: ros, smote, plugin, adasyn, "
                                      "transformer, all, none"),
    ({}, ["--fit-on", "all"], "--fit-on 'all': unknown 'all'; allowed: seed, use"),
    ({}, ["--seed-size", "100"], "--seed-size: only with --csv"),
    ({"ros0": HEADER + "1,2,0\n", "ros1": None}, [], "no synthetic method: no stored"),
    ({}, ["--protocol", "pandas"], "invalid choice: 'pandas'"),
    ({}, ["--seed", "99999999999999999999"], "argument --seed: 99999999999999999999: allowed: an integer of absolute"),
    ({}, ["--positive", "1"], "--positive = '1': only with a csv table"),
    ({}, ["--categorical", "a"], "--categorical = ['a']: only with a csv table"),
    ({}, ["--weights", "0.5,x"], "--weights '0.5,x': 'x' is not a number; allowed: comma-separated numbers > 0 and "
                                 "finite"),
    ({}, ["--weights", "0.25,0"], "--weights = 0.0: must be a number, > 0 and finite"),
    ({}, ["--weights", "1,inf"], "--weights = inf: must be a number, > 0 and finite"),
    ({}, ["--weights", "0.5,1,0.50"], "--weights = [0.5, 1.0, 0.5]: each weight once"),
    ({}, ["--weights", "0.25,1", "--sweeps", "ratio"], "--weights = [0.25, 1.0]: only with the augmentation sweep "
                                                       "(the ratio sweep keeps 0.5)"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, override, extra, needle):
    folder = tiny_folder(tmp_path, **override)
    out_dir = tmp_path / "out"
    extra = extra if "--generators" in extra else ["--generators", "none", *extra]
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


@pytest.mark.parametrize("protocol", [pytest.param("paper", marks=pytest.mark.slow), "jax"])  # paper: 39 s
def test_a_small_folder_runs_both_sweeps_and_writes_the_report(tmp_path, capsys, protocol):
    # seed size 4: 20 majority rows, 5 * 4 + 36 synthetic minority rows, 36 synthetic majority rows
    seed = HEADER + "0,0,0\n1,1,1\n2,0,0\n3,1,1\n"
    folder = tiny_folder(tmp_path, n_rows=60, seed=seed)
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "paper", "--data", str(folder), "--label", "y", "--out", str(out_dir),
                         "--protocol", protocol, "--generators", "ros")
    assert code == 0, err
    for name in ("report.md", "meta.json", "imbalance_ratio.csv", "imbalance_ratio_summary.csv",
                 "imbalance_ratio_balanced.png", "imbalance_augmentation_min_ce.png", "imbalance_augmentation.csv",
                 "data/ros_seed0.csv", "data/ros_seed1.csv", "data/generated.json"):
        assert (out_dir / name).exists(), name
    methods = set(read_table(out_dir / "imbalance_ratio.csv")["method"].tolist())
    assert methods == {"ros", "ros_seed", "baseline"}  # the folder's stored rows beside synthlaw's, and no new rows
    assert not list(out_dir.glob("*vs_stored.csv"))  # no stored JSON in this folder
    report = (out_dir / "report.md").read_text()
    assert "No stored `log` results" in report
    assert not list(out_dir.rglob("*.tmp"))
    # the default weights: the paper's 0.5 on every augmented row (train_all has no synthetic rows)
    columns = read_table(out_dir / "imbalance_augmentation.csv")
    augmented = columns["arm"] == "augmented"
    assert (columns["weight"][augmented] == 0.5).all() and np.isnan(columns["weight"][~augmented]).all()
    assert "weight" not in read_table(out_dir / "imbalance_ratio.csv")
    assert "One weight was run (w = 0.5), so none is chosen" in report and "Which loss weight w," not in report


def test_ratio_sweep_needs_no_train_csv(tmp_path, capsys):
    folder = tiny_folder(tmp_path, n_rows=60, seed=HEADER + "0,0,0\n1,1,1\n2,0,0\n3,1,1\n")
    (folder / "train.csv").unlink()
    (folder / "train1.csv").unlink()  # no sweep reads the real minority rows
    base = ["paper", "--data", str(folder), "--label", "y", "--generators", "none"]
    code, _, err = run(capsys, *base, "--sweeps", "ratio", "--out", str(tmp_path / "ratio"))
    assert code == 0, err
    code, _, err = run(capsys, *base, "--sweeps", "augmentation", "--out", str(tmp_path / "aug"))
    assert code == 2 and "train.csv: missing file" in err and not (tmp_path / "aug").exists()
    code, _, err = run(capsys, *base[:-1], "ros", "--fit-on", "use", "--sweeps", "ratio",
                       "--out", str(tmp_path / "use"))
    assert code == 2 and "train.csv: missing file" in err  # fitting on use reads train.csv


def test_a_missing_method_half_is_a_warning_on_stderr_and_in_the_report(tmp_path, capsys):
    folder = tiny_folder(tmp_path, n_rows=60, seed=HEADER + "0,0,0\n1,1,1\n2,0,0\n3,1,1\n")
    (folder / "smote1.csv").write_text(HEADER + "1,2,1\n")
    code, _, err = run(capsys, "paper", "--data", str(folder), "--label", "y", "--generators", "none",
                       "--sweeps", "ratio", "--out", str(tmp_path / "out"))
    assert code == 0, err
    line = f"synthlaw: warning: {folder / 'smote1.csv'}: no smote0.csv beside it; method 'smote' is skipped"
    assert line in err.splitlines()
    assert "no smote0.csv beside it" in (tmp_path / "out" / "report.md").read_text()


def concatenated_csv(tmp_path: Path, name: str) -> Path:
    """seed + train + test of a shared folder as one CSV (the user's single table)."""
    lines = []
    for stem in ("seed", "train", "test"):
        text = (DATA / name / f"{stem}.csv").read_text().splitlines()
        lines += text if not lines else text[1:]
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


TWO_CLASSES = "a,b,y\n" + "1,2,0\n1,3,1\n" * 30
MANY_ROWS = "a,b,y\n" + "1,2,0\n1,3,1\n" * 200  # enough for every sweep at seed size 10


@pytest.mark.parametrize("text,extra,needle", [
    ("a,b,y\n" + "1,2,0\n" * 30, [], "label 'y' holds '0' on every non-blank row; it needs two classes"),
    (TWO_CLASSES, ["--seed-size", "7"], "--seed-size = 7: must be a multiple of 2"),
    (TWO_CLASSES, ["--seed-size", "1"], "--seed-size = 1: must be an integer, >= 2"),
    (TWO_CLASSES, ["--test-fraction", "1.5"], "--test-fraction = 1.5: must be a number, between 0 and 1"),
    (MANY_ROWS, ["--generators", "smote"], "--generators = 'smote': the imbalance task's conditioning label 0 "
                                            "has 5 rows with --fit-on = 'seed'; smote needs more than 5 (raise "
                                            "--seed-size or fit on use)"),
    (TWO_CLASSES, ["--solver", "newton"], "--solver = 'newton': allowed: exact, lbfgs-like-authors"),
])
def test_bad_csv_input_is_one_line_and_writes_nothing(tmp_path, capsys, text, extra, needle):
    path = tmp_path / "t.csv"
    path.write_text(text)
    out_dir = tmp_path / "out"
    flags = {"--seed-size": "10", "--generators": "ros", **dict(zip(extra[::2], extra[1::2], strict=True))}
    code, _, err = run(capsys, "paper", "--csv", str(path), "--label", "y", *[w for f in flags.items() for w in f],
                       "--out", str(out_dir))
    assert code == 2 and err.startswith("synthlaw: error:") and err.count("\n") == 1, err
    assert needle in err
    assert not out_dir.exists()


@pytest.mark.skipif(not (DATA / "gender").is_dir(), reason="shared data folder missing")
def test_csv_end_to_end_on_gender(tmp_path, capsys):
    csv_path = concatenated_csv(tmp_path, "gender")
    out_dir = tmp_path / "out"
    argv = ["paper", "--csv", str(csv_path), "--label", "gender", "--generators", "ros,smote", "--sweeps", "ratio",
            "--seed-size", "40", "--out", str(out_dir)]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "5001 rows (2500 with gender = 0, 2501 with gender = 1)" in err
    report = (out_dir / "report.md").read_text()
    assert "seed 40 rows (20 per class)" in report and "imbalanced" in report
    for metric in ("balanced", "min", "worst", "balanced_ce", "min_ce"):
        assert (out_dir / f"imbalance_ratio_{metric}.png").exists()
    data = out_dir / "data"
    seed = (data / "seed.csv").read_bytes()
    assert {p.name for p in data.glob("*.csv")} == {"seed.csv", "train.csv", "train0.csv", "train1.csv", "test.csv",
                                                      "ros_seed0.csv", "ros_seed1.csv", "smote_seed0.csv",
                                                      "smote_seed1.csv"}
    # rows_needed for seed size 40, ratio sweep: 5 * 40 + 1.5 * 40 minority rows, 1.5 * 40 majority rows
    assert len((data / "smote_seed1.csv").read_text().splitlines()) == 1 + 260
    assert len((data / "smote_seed0.csv").read_text().splitlines()) == 1 + 60
    methods = set(read_table(out_dir / "imbalance_ratio.csv")["method"].tolist())
    assert methods == {"ros_seed", "smote_seed", "baseline"}  # baseline: class weights and threshold, no new rows
    code, _, err = run(capsys, *argv)  # a rerun reuses the split and the generated rows
    assert code == 0 and err.count("reused") == 2 and (data / "seed.csv").read_bytes() == seed


def mixed_csv(tmp_path: Path) -> Path:
    """600 rows as practitioners have them: a number with blanks, a text category with blanks, a
    constant column, and a three-class text label with blanks."""
    rng = np.random.default_rng(0)
    label = rng.choice(["en", "fr", "other"], 600, p=[0.75, 0.1, 0.15])
    wage = np.where(rng.random(600) < 0.2, "NA", (10 + 3 * (label == "fr") + rng.normal(size=600)).round(2).astype(str))
    colour = np.where(label == "fr", rng.choice(["red", "blue"], 600), rng.choice(["red", "blue", "green", ""], 600))
    label[rng.random(600) < 0.03] = ""
    lines = ["wage,colour,same,lang"] + [f"{w},{c},k,{y}" for w, c, y in zip(wage, colour, label, strict=True)]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_mixed_table_runs_as_it_comes(tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, "paper", "--csv", str(mixed_csv(tmp_path)), "--label", "lang", "--generators",
                       "ros,smote", "--sweeps", "ratio", "--seed-size", "20", "--out", str(out_dir))
    assert code == 0, err
    assert "positive (1, oversampled) = 'fr' (the rarest class), 0 = the other 2 classes together" in err
    assert "warning:" in err and "column 'same' dropped: constant" in err
    report = (out_dir / "report.md").read_text()
    for needle in ("numeric (1): wage", "categorical (1): colour (4 levels)", "blank cells: wage",
                   "Is a synthetic row any good?", "| no new rows | class_weights |", "missing-indicator"):
        assert needle in report, needle
    header, *rows = (out_dir / "data" / "smote_seed1.csv").read_text().splitlines()
    assert header == "wage,colour,lang"
    assert {r.split(",")[1] for r in rows} <= {"red", "blue", "green", ""}  # only levels the column had
    assert {r.split(",")[2] for r in rows} == {"1"}


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "gender").is_dir(), reason="shared data folder missing")
def test_csv_with_every_generator_and_both_fit_on_modes(tmp_path, capsys):
    csv_path = concatenated_csv(tmp_path, "gender")
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, "paper", "--csv", str(csv_path), "--label", "gender", "--spurious", "long_hair",
                       "--fit-on", "seed,use", "--out", str(out_dir))
    assert code == 0, err
    for name in ("transformer_seed1", "transformer_use_pos", "adasyn_seed0", "plugin_use_neg"):
        assert (out_dir / "data" / f"{name}.csv").exists(), name
    assert (out_dir / "generator_loss.png").exists()
    report = (out_dir / "report.md").read_text()
    assert "N_rec" in report and "AUG-4" in report


@pytest.mark.parametrize("text,extra", [
    (TWO_CLASSES, ["--label", "q"]),  # a label the table does not have
    (TWO_CLASSES, ["--label", "y", "--seed-size", "100"]),  # too few rows for the split
    (TWO_CLASSES, ["--label", "y", "--fit-on", "both"]),  # a flag's value
    (TWO_CLASSES, ["--label", "y", "--weights", "0.5,-1"]),  # a weight out of range
])
def test_a_bad_input_is_answered_without_loading_jax(tmp_path, text, extra):
    """Flags, the table and its split are checked before JAX is imported (about 1 s on its own)."""
    import subprocess
    import sys

    (tmp_path / "t.csv").write_text(text)
    script = ("import sys; from synthlaw.cli import main; "
              f"code = main(['paper', '--csv', 't.csv', *{extra!r}, '--out', 'o']); print(code, 'jax' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout.split() == ["2", "False"], done.stderr
    assert not (tmp_path / "o").exists()
