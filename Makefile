# Set-up and the two quick-start commands of README.md. Needs only Python >= 3.11 (PYTHON=...).
PYTHON ?= python3
VENV := .venv

.PHONY: verify test check bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $@

verify: $(VENV)/.installed
	$(VENV)/bin/synthlaw verify --quick

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest

# ruff (lint and import order) and pyright (basic mode) over the package, as configured in pyproject.toml.
# pyright resolves `synthlaw` through build/typecheck/synthlaw, a link to the repository root.
check: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	mkdir -p build/typecheck && ln -sfn "$(CURDIR)" build/typecheck/synthlaw
	$(VENV)/bin/pyright

bench: $(VENV)/.installed
	$(VENV)/bin/python benchmarks/sweep_speed.py
