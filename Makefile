# corridor — the two commands of the README's Quick start:
#   make run    set up .venv and run the main job on the built-in data
#   make test   set up .venv (with test tools) and the dashboard's npm packages, then lint (ruff, mypy)
#               and run the whole test suite
#   make web    install the dashboard's JavaScript libraries (web/package-lock.json) into web/node_modules
#   make docs   build the user guide into site/ (open site/index.html, offline); warnings are errors and
#               every command and code example in it runs during the build
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint clean data web docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"

# (the Cython source is a prerequisite: pip rebuilds the compiled module when it changes)
$(VENV)/.installed: pyproject.toml src/corridor/_kernels/ue.pyx | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-docs: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[docs]"
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# The dashboard's map libraries (Leaflet, topojson-client, world-atlas outlines), served at /vendor/.
WEB_VENDOR := web/node_modules/.package-lock.json

$(WEB_VENDOR): web/package.json web/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix web --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "warning: npm not found: the dashboard's map libraries are not installed (its tests will skip)" >&2; \
	fi

web: $(WEB_VENDOR)

run: $(VENV)/.installed
	$(BIN)/corridor demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/mypy
	$(BIN)/python -W error -c "import corridor"

test: lint $(WEB_VENDOR)
	$(BIN)/pytest
	$(MAKE) docs

# The commands in the guide run as `corridor ...`: the virtual environment's bin comes first on PATH.
docs: $(VENV)/.installed-docs $(WEB_VENDOR)
	PATH="$(abspath $(BIN)):$$PATH" NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# Rebuild the built-in dataset from tools/build_eurasia.py (needs the build-data extra).
data: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[build-data]"
	$(BIN)/python tools/build_eurasia.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis web/node_modules site
