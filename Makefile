# Two commands do all set-up from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DIST_STAMP := $(VENV)/.installed-dist

.PHONY: run test lint typecheck bench screenshots clean dist dist-test icons

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(DIST_STAMP): pyproject.toml $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dist]'
	touch $@

run: $(STAMP)
	$(BIN)/kanban $(ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check kanban tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy kanban

typecheck: $(TEST_STAMP)
	$(BIN)/mypy kanban

# Lint, every test, then the Linux bundle built and smoke-tested: what CI runs.
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	$(MAKE) --no-print-directory dist-test

# The PyInstaller bundle of this system in dist/ and its archive (packaging/README.md).
dist: $(DIST_STAMP)
	$(BIN)/python packaging/build.py

# Smoke-test the built bundle: --version, demo, a PDF report, the window offscreen.
dist-test: dist
	QT_QPA_PLATFORM=offscreen KANBAN_BUNDLE=dist/kanban/kanban $(BIN)/python -m pytest -p no:cacheprovider tests/packaging/test_bundle.py

# Re-render packaging/icons from kanban/resources/icons/kanban.svg.
icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/make_icons.py

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache build dist *.egg-info
