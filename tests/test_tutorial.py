"""docs/tutorial.md: its ```python blocks run in order, in one namespace, from the repository root.

Running them all compiles about a dozen JAX programs, writes a simulated CSV table and runs
`synthlaw paper`'s augmentation sweep on it: 46 s on the 2-core machine shared with other jobs
(2026-12-03), in the default run so that the tutorial cannot rot. It needs nothing outside the
repository. The other tests check that the tutorial still has its blocks, that each compiles, that
its figures are in docs/, and that a failing block is named.
"""

import re
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.md"
MIN_BLOCKS = 10  # the tutorial has 14; an emptied or truncated tutorial fails
OUT_VARIABLE = "SYNTHLAW_TUTORIAL_OUT"  # the first block writes its figures there
FIGURES = ["choosing_n_table.png", "how_many_rows.png", "imbalance_cost.png"]


def python_blocks(text: str) -> list[str]:
    """The bodies of the ```python fenced blocks, in order."""
    return re.findall(r"^```python\n(.*?)^```\s*$", text, flags=re.S | re.M)


def label(i: int, code: str) -> str:
    first = next((line for line in code.splitlines() if line.strip()), "")
    return f"tutorial block {i} (first line: {first!r})"


def run_blocks(blocks: list[str], namespace: dict) -> None:
    """exec every block in order in namespace; the first that raises is named by number and first line."""
    for i, code in enumerate(blocks, start=1):
        try:
            exec(compile(code, label(i, code), "exec"), namespace)
        except Exception as err:
            raise AssertionError(f"{label(i, code)} raised {type(err).__name__}: {err}") from err


def test_tutorial_has_its_blocks_and_each_compiles():
    blocks = python_blocks(TUTORIAL.read_text())
    assert len(blocks) >= MIN_BLOCKS, f"docs/tutorial.md has {len(blocks)} python blocks, expected >= {MIN_BLOCKS}"
    for i, code in enumerate(blocks, start=1):
        try:
            compile(code, label(i, code), "exec")
        except SyntaxError as err:
            pytest.fail(f"{label(i, code)} does not compile: {err}")


def test_tutorial_figures_are_the_ones_it_writes():
    text = TUTORIAL.read_text()
    shown = sorted(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text))
    assert shown == FIGURES
    for name in shown:
        assert (ROOT / "docs" / name).is_file(), f"docs/{name} is shown in the tutorial but missing"
        assert f'OUT / "{name}"' in text, f"docs/{name} is not written by a tutorial block"


def test_a_failing_block_is_named():
    blocks = python_blocks("```python\nx = 1\n```\n\ntext\n\n```python\ny = x + 1\nraise ValueError(y)\n```\n")
    namespace = {}
    with pytest.raises(AssertionError, match=r"block 2 \(first line: 'y = x \+ 1'\) raised ValueError: 2"):
        run_blocks(blocks, namespace)
    assert namespace["y"] == 2


def test_tutorial_runs_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the tutorial runs from the repository root
    monkeypatch.setenv(OUT_VARIABLE, str(tmp_path))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # the table's mkdtemp, removed with tmp_path
    blocks = python_blocks(TUTORIAL.read_text())
    assert len(blocks) >= MIN_BLOCKS
    run_blocks(blocks, {"__name__": "tutorial"})
    assert sorted(p.name for p in tmp_path.glob("*.png")) == FIGURES
