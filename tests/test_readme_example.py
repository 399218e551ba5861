"""README.md's ```python examples (Use the samplers) run as written, in order, in one namespace, and the
first prints the counts its comment states.

Running them compiles the SMOTE program and fits it six times (once, then in each fold of a 5-fold
cross_val_score): 9 s on the 2-core AMD EPYC VM shared with other jobs (2026-12-03), so the run is slow;
that the blocks are there and compile is checked in the default run. The block helpers are the tutorial
test's (tests/test_tutorial.py), loaded from its file.
"""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_spec = importlib.util.spec_from_file_location("tutorial_blocks", Path(__file__).with_name("test_tutorial.py"))
assert _spec is not None and _spec.loader is not None
tutorial_blocks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tutorial_blocks)
STATED_OUTPUT = re.compile(r"^print\(.*\)\s+#\s*(.+?):", flags=re.M)  # print(...)  # 1000 103 -> ...: words


def readme_blocks() -> list[str]:
    blocks = tutorial_blocks.python_blocks(README.read_text())
    assert len(blocks) >= 2, f"README.md has {len(blocks)} python blocks, expected the sampler and pipeline examples"
    return blocks


def test_readme_examples_compile_and_state_their_output():
    blocks = readme_blocks()
    for i, code in enumerate(blocks, start=1):
        compile(code, tutorial_blocks.label(i, code), "exec")
    assert STATED_OUTPUT.search(blocks[0]), "the first README example no longer states what it prints"


@pytest.mark.slow
def test_readme_examples_run_and_print_what_they_state(capsys):
    blocks = readme_blocks()
    namespace = {"__name__": "readme"}
    tutorial_blocks.run_blocks(blocks, namespace)
    stated = STATED_OUTPUT.search(blocks[0])
    assert stated is not None
    assert capsys.readouterr().out.splitlines()[0] == stated.group(1)
    assert len(namespace["scores"]) == 5
