"""Shared fixtures.

Spark runs inside the test process, once: the first dbt invocation starts the JVM with
the warehouse and metastore of the session's lakehouse folder, and every later one reuses
that session. Test modules keep apart by environment (each builds into its own `<env>_`
namespaces), not by separate lakehouses.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .fixture_projects import FIXTURES, OVERLAYS, build_fixture

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def project_dir() -> Path:
    """The GridUnion demo platform (the repository root): for tests about the demo only."""
    return PROJECT_DIR


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A fixture project by name: the checked-in folder, or the one built (once) from its
    overlay (`tests.fixture_projects`). Read it only; copy it to change it."""
    built: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in OVERLAYS:
            return FIXTURES / name
        if name not in built:
            built[name] = build_fixture(name, tmp_path_factory.mktemp("fixtures") / name)
        return built[name]

    return get


@pytest.fixture(scope="session")
def violations_dir(fixture_dir: Callable[[str], Path]) -> Path:
    """`violations`: gridlite with one planted violation per rule."""
    return fixture_dir("violations")


@pytest.fixture(scope="session")
def lakehouse_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lakehouse")
