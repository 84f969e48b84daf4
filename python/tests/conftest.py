"""Shared fixtures.

Spark runs inside the test process, once: the first dbt invocation starts the JVM with
the warehouse and metastore of the session's lakehouse folder, and every later one reuses
that session. Test modules keep apart by environment (each builds into its own `<env>_`
namespaces), not by separate lakehouses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def lakehouse_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lakehouse")
