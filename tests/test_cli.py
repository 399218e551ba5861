"""The command line: user mistakes give one line and exit 2, leave nothing on disk; results are reused."""

import os
import subprocess
import sys

import pytest

from synthlaw.cli import main

TINY_IMB_1 = '[IMB-1]\nn_min = 400\nseeds = 8\nseparation = [1.0]\nrho = [1.0, 4.0]\n'


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("toml,needle", [
    ("[IMB-1]\nrho = [0.5, 4.0]\n", "IMB-1.rho = 0.5: must be a number, >= 1"),
    ("[IMB-2]\nn_min = [1, 100]\n", "IMB-2.n_min = 1: must be an integer, >= 2"),
    ("[IMB-3]\nshift = [-0.1, 0.2]\n", "IMB-3.shift = -0.1: must be a number, > 0"),
    ("[IMB-3]\nd = [2, 3]\n", "IMB-3.d = [2, 3]: must be one value, >= 1, not a list"),
    ("[IMB-2]\ngenerator = \"gan\"\n", "IMB-2.generator = 'gan': must be a string, one of ros, smote"),
    ("[IMB-3]\nd = 1\n", "IMB-3.d = 1: an orthogonal shift direction needs d >= 2"),
    ("[AUG-4]\nn_syn = [100, 200]\n", "AUG-4.n_syn = [100, 200]: must have values below and above balance"),
    ("[IMB-1]\nrhoo = 2\n", "IMB-1.rhoo: unknown field"),
    ("[IMB-9]\n", "[IMB-9] is not a claim table"),
    ("[IMB-1\n", "not valid TOML"),
])
def test_bad_config_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, toml, needle):
    config = tmp_path / "bad.toml"
    config.write_text(toml)
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "verify", "--quick", "--config", str(config), "--out", str(out_dir))
    assert code == 2
    assert err.count("\n") == 1 and needle in err and err.startswith("synthlaw: error:")
    assert not out_dir.exists()


@pytest.mark.parametrize("argv,needle", [
    (["--runs", "1"], "--runs = 1: must be an integer >= 2"),
    (["--claims", "IMB-9"], "unknown claim id 'IMB-9'"),
])
def test_bad_calibrate_arguments_are_one_line_exit_2(tmp_path, capsys, argv, needle):
    code, _, err = run(capsys, "calibrate", "--quick", *argv, "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and needle in err
    assert not (tmp_path / "o").exists()


def test_unknown_claim_and_bad_flag(tmp_path, capsys):
    code, _, err = run(capsys, "verify", "--claims", "IMB-1,NOPE", "--out", str(tmp_path / "o"))
    assert code == 2 and "unknown claim id 'NOPE'" in err and err.count("\n") == 1
    code, _, err = run(capsys, "verify", "--bogus")
    assert code == 2 and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("argv", [
    ["verify", "--claims", "IMB-1,NOPE"],
    ["verify", "--quick", "--config", "missing.toml"],
    ["verify", "--memory-gb", "0"],
    ["calibrate", "--runs", "1"],
    ["calibrate", "--mutation-runs", "-1"],
])
def test_bad_verify_and_calibrate_flags_are_answered_without_loading_jax(tmp_path, argv):
    """Claim ids (from the catalogue), the --config file's tables and the counts are checked before JAX
    is imported (about 1-3 s on its own)."""
    script = ("import sys; from synthlaw.cli import main; "
              f"code = main([*{argv!r}, '--out', 'o']); print(code, 'jax' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout.split() == ["2", "False"], done.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("spec", ["127.0.0.1:1234,2", "127.0.0.1:1234,2,2", "127.0.0.1:1234,two,0", "1234,2,0"])
def test_bad_distributed_spec_is_one_line_exit_2(tmp_path, capsys, spec):
    code, _, err = run(capsys, "verify", "--quick", "--distributed", spec, "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and f"--distributed = {spec!r}" in err
    assert not (tmp_path / "o").exists()


def test_distributed_auto_without_a_cluster_is_one_line_exit_2(tmp_path):
    """In a fresh process, as a user runs it: JAX must not have started before --distributed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "OMPI_", "JAX_COORDINATOR"))}
    done = subprocess.run([sys.executable, "-m", "synthlaw.cli", "verify", "--quick", "--distributed", "auto",
                           "--out", str(tmp_path / "o")], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("synthlaw: error: --distributed = 'auto': no cluster detected")
    assert not (tmp_path / "o").exists()


def test_explain_prints_the_note(capsys):
    code, out, _ = run(capsys, "explain", "IMB-1")
    assert code == 0 and "ln(rho)" in out and "Negative controls" in out


def test_verify_writes_report_and_reuses_results(tmp_path, capsys, compile_cache):
    config = tmp_path / "tiny.toml"
    config.write_text(TINY_IMB_1)
    argv = ["verify", "--quick", "--claims", "IMB-1", "--config", str(config), "--out", str(tmp_path)]
    code, out, err = run(capsys, *argv)
    assert code == 0 and "PASS" in out and "measured" in err
    for name in ("report.md", "IMB-1.png", "IMB-1/table.csv", "IMB-1/meta.json"):
        assert (tmp_path / name).exists(), name
    assert not list(tmp_path.rglob("*.tmp"))
    assert any(compile_cache.iterdir())  # the compiled sweep is kept for the next run
    code, out2, err = run(capsys, *argv)
    assert "reused" in err and out2.splitlines()[:-1] == out.splitlines()[:-1]
    code, _, err = run(capsys, *argv, "--force")
    assert "measured" in err


def test_rng_picks_the_bit_generator_and_is_part_of_the_saved_identity(tmp_path, capsys):
    import jax

    from synthlaw.sims.engine.store import read_json, read_table

    config = tmp_path / "tiny.toml"
    config.write_text(TINY_IMB_1)
    tables = {}
    try:
        for rng in ("threefry2x32", "rbg"):
            out = tmp_path / rng
            code, _, err = run(capsys, "verify", "--quick", "--claims", "IMB-1", "--config", str(config),
                               "--out", str(out), "--rng", rng)
            assert code == 0, err
            assert read_json(out / "IMB-1" / "meta.json")["rng"] == rng
            tables[rng] = read_table(out / "IMB-1" / "table.csv")["excess"]
    finally:
        jax.config.update("jax_default_prng_impl", "threefry2x32")
    assert not (tables["rbg"] == tables["threefry2x32"]).all()  # another stream
    code, _, err = run(capsys, "verify", "--rng", "philox", "--out", str(tmp_path / "o"))
    assert code == 2 and "--rng" in err and "philox" in err and len(err.strip().splitlines()) == 1


def test_compile_cache_folder(monkeypatch, tmp_path):
    from synthlaw.sims.engine.compile_cache import cache_folder

    monkeypatch.setenv("SYNTHLAW_COMPILE_CACHE", "off")
    assert cache_folder() is None
    monkeypatch.setenv("SYNTHLAW_COMPILE_CACHE", str(tmp_path))
    assert cache_folder() == tmp_path
    monkeypatch.delenv("SYNTHLAW_COMPILE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "synthlaw" / "xla"


def test_calibrate_writes_its_tables(tmp_path, capsys):
    config = tmp_path / "tiny.toml"
    config.write_text("[AUG-4]\nn_min = 200\nn_syn = [100, 300, 600, 900]\nseeds = 6\n")
    code, out, err = run(capsys, "calibrate", "--quick", "--runs", "2", "--mutation-runs", "2", "--claims", "AUG-4",
                         "--config", str(config), "--out", str(tmp_path / "cal"))
    assert "AUG-4" in out and "generator off by 1.5 delta" in out
    assert err.count("AUG-4: 2 runs x 6 seeds") == 1
    for name in ("calibration.csv", "mutations.csv", "calibration.md"):
        assert (tmp_path / "cal" / name).exists(), name
    # Two runs say little about coverage: the exit code is 1 exactly when a check is marked so.
    flagged = "MISCALIBRATED" in (tmp_path / "cal" / "calibration.md").read_text()
    assert code == (1 if flagged else 0) and ("miscalibrated: AUG-4" in err) == flagged
