"""theory/ by concern: experiments never import a prediction; predictions never draw data (they may
use the simulators' geometry, such as the class means, but no sampler and no sweep)."""

import ast
from pathlib import Path

import pytest

THEORY = Path(__file__).resolve().parents[2] / "theory"
SAMPLERS = {"draw", "sample", "draw_groups", "draw_tasks", "run_sweep"}


def imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every `from module import name` in a file."""
    tree = ast.parse(path.read_text())
    return [(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            for alias in node.names]


@pytest.mark.parametrize("path", sorted((THEORY / "experiments").glob("*.py")), ids=lambda p: p.name)
def test_experiments_import_no_prediction(path):
    assert not [m for m, _ in imports(path) if m.startswith("synthlaw.theory.predictions")]


@pytest.mark.parametrize("path", sorted((THEORY / "predictions").glob("*.py")), ids=lambda p: p.name)
def test_predictions_draw_nothing(path):
    found = imports(path)
    assert not [n for m, n in found if n in SAMPLERS]
    assert not [m for m, _ in found if m.startswith(("synthlaw.theory.experiments", "synthlaw.sims.engine.sweep"))]


def test_the_layout_has_exactly_the_concerns():
    folders = {p.name for p in THEORY.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders == {"stats", "risks", "predictions", "experiments", "claims", "runner", "notes"}
