# The two commands: `make demo` runs the whole platform on embedded Spark + Delta,
# `make test` runs every test. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
JARS := .cache/jars/.fetched

.PHONY: demo test setup bench lint format clean

demo: $(JARS)
	$(BIN)/steward data generate
	$(BIN)/steward build --all

test: $(JARS)
	$(BIN)/python -m pytest

setup: $(JARS)

bench: $(JARS)
	$(BIN)/steward bench pipeline

lint: $(INSTALLED)
	$(BIN)/ruff check python
	$(BIN)/ruff format --check python
	$(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff format python
	$(BIN)/ruff check --fix python

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@

# Java checked, Delta jars fetched once from Maven Central and verified; offline after.
$(JARS): $(INSTALLED)
	$(BIN)/steward setup
	touch $@

clean:
	rm -rf .lakehouse target logs
