# The two commands: `make demo` runs the whole platform on embedded Spark + Delta,
# `make test` runs every test. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
JARS := .cache/jars/.fetched
WEB := python/steward/docs/web
WEB_INSTALLED := $(WEB)/node_modules/.installed
CHROMIUM := /usr/bin/chromium

# The demo's data are the generator's default days (2026-03-28 to 30); the build is judged
# as of the morning after them, so the contracts' freshness SLAs hold as they did then.
DEMO_AS_OF ?= 2026-03-31T06:00

.PHONY: demo test setup bench bench-lint lint format clean

demo: setup
	$(BIN)/steward data generate
	$(BIN)/steward build --all --as-of $(DEMO_AS_OF)
	$(BIN)/steward docs build
	@echo "The discovery site is in site/: open file://$(CURDIR)/site/index.html in a browser,"
	@echo "or serve it with: $(BIN)/steward docs serve   (http://127.0.0.1:8000/)"

test: setup
	$(BIN)/python -m pytest

# Python (the venv), Java and the Delta jars, the discovery site's browser libraries
# (npm, from the committed package-lock.json) and Debian's chromium for its browser tests.
setup: $(JARS) $(WEB_INSTALLED) $(CHROMIUM)

$(WEB_INSTALLED): $(WEB)/package.json $(WEB)/package-lock.json
	command -v npm >/dev/null || (apt-get update && apt-get install -y nodejs npm)
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

# Debian's chromium, driven by Playwright in the tests (never `playwright install`).
$(CHROMIUM):
	apt-get update
	apt-get install -y chromium

bench: $(JARS)
	$(BIN)/steward bench pipeline

# The lint gate on a generated 1,000-model project against sqlfluff (no Spark needed).
# sqlfluff comes from the `bench` extra, installed only here; the constraints keep every
# package the project already pins at its version, and sqlfluff's own few dependencies
# (not in constraints.txt) resolve freely next to them.
bench-lint: $(INSTALLED)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[bench]'
	$(BIN)/steward bench lint

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
