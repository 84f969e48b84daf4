"""The demo platform's generated review routing is committed and current. (How steward
writes CODEOWNERS and grants: test_access.py, on fixtures/gridlite.)"""

from __future__ import annotations

from pathlib import Path

from steward.access import CODEOWNERS_PATH, codeowners, stale_line
from steward.project import load_project


def test_the_committed_codeowners_is_current(project_dir: Path) -> None:
    project = load_project(project_dir)
    committed = (project.root / CODEOWNERS_PATH).read_text(encoding="utf-8")
    assert stale_line(committed, codeowners(project)) is None
