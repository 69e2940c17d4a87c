# Two entry points that each build their own environment on a fresh machine:
#   make dashboard   serve notebooks/dashboard.ipynb with Voila on http://localhost:8866
#   make test        run the whole suite (unit, property, notebooks, browser)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dashboard lab test test-fast test-browser benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

dashboard: $(STAMP)
	$(BIN)/voila notebooks/dashboard.ipynb

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

test: $(STAMP)
	$(BIN)/python -m pytest --nbval -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" -p no:cacheprovider

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m browser tests -p no:cacheprovider

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/training_time.py

clean:
	rm -rf $(VENV)
