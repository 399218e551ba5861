# Set-up and the two quick-start commands of README.md. Needs only Python >= 3.11 (PYTHON=...).
PYTHON ?= python3
VENV := .venv

.PHONY: verify test bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $@

verify: $(VENV)/.installed
	$(VENV)/bin/synthlaw verify --quick

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest

bench: $(VENV)/.installed
	$(VENV)/bin/python benchmarks/sweep_speed.py
