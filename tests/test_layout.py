"""The house's import rules (README, Layout): every folder imports only the layers below it, there
is no import cycle between modules, and no command-line flag is named below cli/."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("settings.py", "samplers.py", "cli", "sims", "models", "theory", "tables", "figures")

# What each part of the package may import from synthlaw (a module matches its longest prefix).
ALLOWED = {
    "settings": set(),
    "theory": set(),  # theory/__init__.py
    "sims.engine": {"settings", "sims.engine"},
    "sims": {"settings", "sims"},
    "models": {"settings", "sims", "models"},
    "theory.stats": {"settings", "theory.stats"},
    "theory.risks": {"settings", "sims", "theory.risks"},
    "theory.predictions": {"settings", "sims.geometry", "theory.stats", "theory.risks", "theory.predictions"},
    "theory.experiments": {"settings", "sims", "models", "theory.risks", "theory.experiments"},
    "figures": {"settings", "sims", "theory.stats", "theory.risks", "theory.notes", "figures"},
    "theory.notes": {"theory.notes"},
    "theory.claims": {"settings", "sims", "models", "theory.stats", "theory.risks", "theory.predictions",
                      "theory.experiments", "theory.notes", "theory.claims", "figures"},
    "theory.runner": {"settings", "sims", "models", "theory", "figures"},
    "tables": {"settings", "sims", "models", "theory.stats", "theory.risks", "figures", "tables"},
    "samplers": {"settings", "sims", "models", "tables"},
    "cli": {"settings", "sims", "models", "theory", "figures", "tables", "samplers", "cli"},
}


def modules() -> dict[str, Path]:
    """Dotted module name (without 'synthlaw.') -> file, for every module of the package."""
    found = {}
    for entry in PACKAGES:
        path = ROOT / entry
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            parts = file.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = file
    return found


def synthlaw_imports(file: Path) -> set[str]:
    """Every synthlaw module a file imports, anywhere in it (functions included), without 'synthlaw.'."""
    names = set()
    for node in ast.walk(ast.parse(file.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("synthlaw"):
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.startswith("synthlaw")}
    return {name.removeprefix("synthlaw").lstrip(".") for name in names}


def part_of(name: str) -> str:
    """The ALLOWED key a module belongs to: its longest matching prefix."""
    matches = [key for key in ALLOWED if name == key or name.startswith(key + ".")]
    return max(matches, key=len)


def within(name: str, prefixes: set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def resolve(imported: str, known: dict) -> str:
    """`from a.b import c` names module a.b.c if it exists, else the module a.b."""
    return imported if imported in known else imported.rsplit(".", 1)[0]


MODULES = modules()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_imports_only_the_layers_below_it(name):
    allowed = ALLOWED[part_of(name)]
    wrong = sorted(m for m in synthlaw_imports(MODULES[name]) if m and not within(resolve(m, MODULES), allowed))
    assert not wrong, f"{name} imports {wrong}; {part_of(name)} may import only {sorted(allowed)}"


def test_the_rules_catch_an_upward_import(tmp_path):
    """Control: a sims module importing theory breaks the rule the test above applies."""
    file = tmp_path / "bad.py"
    file.write_text("def f():\n    from synthlaw.theory.runner.verify import run_claim\n")
    found = {resolve(m, MODULES) for m in synthlaw_imports(file)}
    assert found == {"theory.runner.verify"}
    assert not within("theory.runner.verify", ALLOWED["sims"])


def test_no_import_cycle():
    graph = {name: {resolve(m, MODULES) for m in synthlaw_imports(file)} & set(MODULES) - {name}
             for name, file in MODULES.items()}
    graph = {name: {m for m in targets if not name.startswith(m + ".") and m != ""}
             for name, targets in graph.items()}  # a module may import its own package's __init__
    state, cycle = {}, []

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                cycle.extend(path[path.index(target):] + [target] if target in path else [node, target])
                return True
            if target not in state and visit(target, path + [target]):
                return True
        state[node] = "done"
        return False

    assert not any(visit(name, [name]) for name in sorted(graph) if name not in state), f"cycle: {' -> '.join(cycle)}"


def flags() -> set[str]:
    """Every option the command line declares (add_argument("--name", ...) in cli/)."""
    found = set()
    for file in (ROOT / "cli").glob("*.py"):
        found |= set(re.findall(r"add_argument\(\s*\"(--[a-z][a-z0-9-]*)\"", file.read_text()))
    return found


def strings_outside_docstrings(file: Path) -> list[str]:
    tree = ast.parse(file.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_command_line_flag_is_named_below_cli():
    declared = flags()
    assert {"--classifier", "--seed-size", "--distributed", "--memory-gb"} <= declared  # the scan works
    pattern = re.compile(r"(--[a-z][a-z0-9-]*)")
    found = {f"{name}: {flag}" for name, file in MODULES.items() if not name.startswith("cli")
             for text in strings_outside_docstrings(file) for flag in pattern.findall(text) if flag in declared}
    assert not found, sorted(found)
