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
GUARD := jvm/steward-guard
GUARD_JAR := $(GUARD)/target/steward-guard.jar

# The demo's data are the generator's default days (2026-03-28 to 30); the build is judged
# as of the morning after them, so the contracts' freshness SLAs hold as they did then.
DEMO_AS_OF ?= 2026-03-31T06:00

.PHONY: demo test setup bench bench-lint lint format clean postgres-server guard-test

demo: setup
	$(BIN)/steward data generate
	$(BIN)/steward build --all --as-of $(DEMO_AS_OF)
	$(BIN)/steward docs build
	@echo "The discovery site is in site/: open file://$(CURDIR)/site/index.html in a browser,"
	@echo "or serve it with: $(BIN)/steward docs serve   (http://127.0.0.1:8000/)"

test: setup guard-test
	$(BIN)/python -m pytest

# Python (the venv), Java and the Delta jars, the discovery site's browser libraries
# (npm, from the committed package-lock.json), Debian's chromium for its browser tests and
# Debian's PostgreSQL server for the cluster's metastore.
setup: $(JARS) $(WEB_INSTALLED) $(CHROMIUM) postgres-server $(GUARD_JAR)

$(WEB_INSTALLED): $(WEB)/package.json $(WEB)/package-lock.json
	command -v npm >/dev/null || (apt-get update && apt-get install -y nodejs npm)
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

# Debian's PostgreSQL server: the cluster's shared Hive metastore (`steward cluster up`).
# Checked on every run (Debian's server binaries live under a versioned folder).
postgres-server:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || \
		(apt-get update && apt-get install -y postgresql)

# The engine guard (a Spark session extension), compiled against the Spark jars pyspark
# ships; built again only when its sources change. Maven fetches only plugins and JUnit.
SPARK_JARS_DIR = $$($(CURDIR)/$(BIN)/python -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')
$(GUARD_JAR): $(INSTALLED) $(GUARD)/pom.xml $(shell find $(GUARD)/src/main -name '*.java' 2>/dev/null)
	command -v mvn >/dev/null || (apt-get update && apt-get install -y maven)
	cd $(GUARD) && mvn -q -B package -DskipTests -Dspark.jars.dir="$(SPARK_JARS_DIR)"
	touch $@

# Its unit tests (JUnit 5, Maven Surefire).
guard-test: $(GUARD_JAR)
	cd $(GUARD) && mvn -q -B test -Dspark.jars.dir="$(SPARK_JARS_DIR)"

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
$(JARS): $(INSTALLED) python/steward/lakehouse/jars.py
	$(BIN)/steward setup
	touch $@

clean:
	rm -rf .lakehouse target logs
