# corridor — the two commands of the README's Quick start:
#   make run    set up .venv and run the main job on the built-in data
#   make test   set up .venv (with test tools), then lint (ruff, mypy) and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint clean data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/corridor demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/mypy
	$(BIN)/python -W error -c "import corridor"

test: lint
	$(BIN)/pytest

# Rebuild the built-in dataset from tools/build_eurasia.py (needs the build-data extra).
data: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[build-data]"
	$(BIN)/python tools/build_eurasia.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
