"""The generic command line: --version, list, explain, usage, claim ids in any case, empty --claims,
--out checked first, Ctrl-C, closed pipes, the default output folder, the package metadata."""

import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from synthlaw.cli import main
from synthlaw.cli.claims import pick_claims
from synthlaw.theory.claims import registry

ROOT = Path(__file__).resolve().parents[1]
TINY = '[imb-1]\nn_min = 400\nseeds = 8\nseparation = [1.0]\nrho = [1.0, 4.0]\n'


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_is_the_installed_distributions(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"synthlaw {metadata.version('synthlaw')}\n"


def test_no_command_prints_usage_and_exits_2(capsys):
    code, out, err = run(capsys)
    assert code == 2 and out == "" and err.startswith("usage: synthlaw") and "report" in err and "list" in err


def test_list_names_every_claim_with_its_measured_times(capsys):
    code, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["claim", "quick", "full", "title"]
    rows = {line.split()[0]: line.split() for line in lines[1:len(registry()) + 1]}
    assert list(rows) == list(registry())
    stored = tomllib.loads((Path(__file__).parents[1] / "theory" / "claims" / "catalogue.toml").read_text())

    def expected(claim_id, name):
        return ["-"] if name not in stored[claim_id] else [f"{stored[claim_id][name]:g}", "s"]

    for claim_id, (_, quick, *rest) in rows.items():  # a time as "12.8 s", an unmeasured one as "-"
        shown = [quick] if quick == "-" else [quick, rest.pop(0)]
        assert shown == expected(claim_id, "quick_seconds")
        full = rest[:1] if rest[0] == "-" else rest[:2]
        assert full == expected(claim_id, "full_seconds")
    assert stored["measured"] in lines[-1]


def test_list_prints_a_dash_for_an_unmeasured_time(capsys, monkeypatch):
    from synthlaw.theory.claims import catalogue

    read = catalogue._read()
    unmeasured = {k: ({} if k == "IMB-1" else v) for k, v in read.items()}
    monkeypatch.setattr(catalogue, "_read", lambda: unmeasured)
    code, out, _ = run(capsys, "list")
    assert code == 0 and out.splitlines()[1].split()[:3] == ["IMB-1", "-", "-"]


def test_explain_ignores_case_and_without_an_id_lists_the_claims(capsys):
    code, lower, _ = run(capsys, "explain", "imb-1")
    assert code == 0 and lower.startswith("# IMB-1:")
    assert run(capsys, "explain", "IMB-1")[1] == lower
    code, out, _ = run(capsys, "explain")
    assert code == 0 and [line.split()[0] for line in out.splitlines()[1:]] == list(registry())
    code, _, err = run(capsys, "explain", "IMB-9")
    assert code == 2 and err.count("\n") == 1 and "unknown claim id 'IMB-9'" in err


def test_claim_ids_ignore_case_and_no_claims_flag_means_all():
    assert [c.id for c in pick_claims("imb-1, Aug-2", registry())] == ["IMB-1", "AUG-2"]
    assert [c.id for c in pick_claims(None, registry())] == list(registry())


@pytest.mark.parametrize("text", ["", ",", " , "])
def test_an_empty_claims_list_is_an_error_not_all(tmp_path, capsys, text):
    for command in ("verify", "calibrate"):
        code, _, err = run(capsys, command, "--quick", "--claims", text, "--out", str(tmp_path / "o"))
        assert code == 2 and err.count("\n") == 1 and f"--claims = {text!r}: names no claim" in err
    assert not (tmp_path / "o").exists()


def test_out_that_is_a_file_or_lies_under_one_fails_first(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("keep")
    for command in ("verify", "calibrate"):
        code, _, err = run(capsys, command, "--quick", "--claims", "IMB-1", "--out", str(afile))
        assert code == 2 and err == f"synthlaw: error: --out {afile}: is a file; give a folder\n"
        code, _, err = run(capsys, command, "--quick", "--out", str(afile / "sub"))
        assert code == 2 and f"lies under the file {afile}" in err and err.count("\n") == 1
    assert afile.read_text() == "keep"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere, so no folder is unwritable")
def test_out_that_is_not_writable_fails_first(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = run(capsys, "verify", "--quick", "--out", str(locked / "run"))
    assert code == 2 and f"{locked} is not writable" in err and err.count("\n") == 1


def test_explain_does_not_import_jax():
    code = "import sys; from synthlaw.cli import main; main(['explain','IMB-1']); assert 'jax' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "ln(rho)" in done.stdout


@pytest.mark.parametrize("argv", [["explain", "IMB-1"], ["list"], ["explain"]])
def test_a_closed_pipe_is_quiet(argv):
    """The reader closes before the command writes (as `| head -1` may), so the write meets EPIPE."""
    child = subprocess.Popen([sys.executable, "-m", "synthlaw.cli", *argv], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141 and err == ""


def test_the_license_is_an_spdx_string_that_setuptools_77_reads():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    assert "setuptools>=77" in project["build-system"]["requires"]
    assert not any("License ::" in c for c in project["project"].get("classifiers", []))


INTERRUPT_DURING_A_CLAIM = r"""
import os, signal, sys, time
from pathlib import Path
import synthlaw.theory.runner.verify as verify
# as a terminal's Ctrl-C meets it, even if started with & (SIG_IGN)
signal.signal(signal.SIGINT, signal.default_int_handler)
from synthlaw.cli import main

def measure_then_ctrl_c(claim, config, out_dir, **kwargs):
    for name in ("00000.npz", "00001.npz", ".00002.npz.tmp"):  # two chunks done, one being written
        path = Path(out_dir) / claim.id / "chunks" / "0123456789abcdef" / "000-0123" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(60)
verify.run_claim = measure_then_ctrl_c
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_is_one_line_with_the_saved_chunks_and_exit_130(tmp_path):
    child = subprocess.run([sys.executable, "-c", INTERRUPT_DURING_A_CLAIM, "verify", "--quick", "--claims", "IMB-1",
                            "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert child.returncode == 130, child.stderr[-2000:]
    assert child.stderr.splitlines()[-1] == "interrupted; 2 chunks saved; rerun the same command to resume"
    assert "Traceback" not in child.stderr


INTERRUPT_AFTER_TWO_CHUNKS = r"""
import os, signal, sys
import synthlaw.sims.engine.sweep as sweep
# as a terminal's Ctrl-C meets it, even if started with & (SIG_IGN)
signal.signal(signal.SIGINT, signal.default_int_handler)
from synthlaw.cli import main

written = []
def write_then_interrupt(path, data):
    sweep.write_atomic_real(path, data)
    written.append(path)
    if len(written) == 2:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C once two chunks are on disk
sweep.write_atomic_real, sweep.write_atomic = sweep.write_atomic, write_then_interrupt
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_ctrl_c_in_a_real_sweep_saves_its_chunks_and_a_rerun_resumes(tmp_path, capsys):
    config = tmp_path / "tiny.toml"
    config.write_text(TINY)
    out = tmp_path / "out"
    argv = ["verify", "--quick", "--claims", "imb-1", "--config", str(config), "--memory-gb", "1e-5", "--out", str(out)]
    child = subprocess.run([sys.executable, "-c", INTERRUPT_AFTER_TWO_CHUNKS, *argv], capture_output=True, text=True,
                           timeout=600)
    assert child.returncode == 130, child.stderr[-2000:]
    assert child.stderr.splitlines()[-1] == "interrupted; 2 chunks saved; rerun the same command to resume"
    assert "Traceback" not in child.stderr and len(list(out.rglob("*.npz"))) == 2
    code, stdout, err = run(capsys, *argv)
    assert code == 0 and "resuming from the 2 chunks an interrupted run saved" in err and "PASS" in stdout
    assert not list(out.rglob("*.npz"))


def test_default_folder_has_no_date_and_force_says_it_discards_saved_chunks(tmp_path, capsys, monkeypatch):
    config = tmp_path / "tiny.toml"
    config.write_text(TINY)
    monkeypatch.chdir(tmp_path)
    chunk = tmp_path / "runs" / "quick" / "IMB-1" / "chunks" / "0123456789abcdef" / "000-0123" / "00000.npz"
    chunk.parent.mkdir(parents=True)
    chunk.write_bytes(b"not a chunk of this config")
    code, _, err = run(capsys, "verify", "--quick", "--claims", "imb-1", "--config", str(config), "--force")
    assert code == 0 and "--force: discarding the 1 chunks an interrupted run saved" in err
    assert not chunk.exists() and (tmp_path / "runs" / "quick" / "IMB-1" / "table.csv").exists()
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["quick"]
