# Two entry points that each build their own environment on a fresh machine:
#   make dashboard   serve notebooks/dashboard.ipynb with Voila on http://localhost:8866
#   make test        run the whole suite (unit, property, notebooks, browser)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: dashboard lab test test-fast test-browser benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The dashboard needs only the package; the tests add pytest, Playwright and PyTorch.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

dashboard: $(STAMP)
	$(BIN)/voila notebooks/dashboard.ipynb

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

test: $(TEST_STAMP)
	$(BIN)/python -m pytest --nbval -p no:cacheprovider

test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -m "not browser" -p no:cacheprovider

test-browser: $(TEST_STAMP)
	$(BIN)/python -m pytest -m browser tests -p no:cacheprovider

benchmarks: $(TEST_STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV)
