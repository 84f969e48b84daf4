"""The red team through the lint gate: every attack of fixtures/redteam_cases.yaml is a
finding with the right rule, file and line. (The same attacks run for real, against the
guard, in test_redteam_spark.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from steward.access import CODEOWNERS_PATH
from steward.lint import lint
from steward.project import load_project

from .redteam import base_project, case_project, load_cases

CASES = load_cases()


@pytest.fixture(scope="module")
def base(project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return base_project(tmp_path_factory.mktemp("redteam") / "base", project_dir)


def test_the_playground_itself_is_clean(base: Path) -> None:
    assert lint(load_project(base)).findings == ()


@pytest.mark.parametrize("name", sorted(CASES))
def test_lint_reports_the_attack(base: Path, tmp_path: Path, name: str) -> None:
    case: dict[str, Any] = CASES[name]
    project = case_project(base, tmp_path / "project", case)
    found = {(f.rule, f.path, f.line) for f in lint(load_project(project)).findings}
    missing = [
        want for want in case["lint"] if (want["rule"], want["path"], want["line"]) not in found
    ]
    assert not missing, f"not reported: {missing}; found: {sorted(found)}"
    if case.get("routed_to"):
        rules = codeowner_rules((project / CODEOWNERS_PATH).read_text(encoding="utf-8"))
        handle = f"@redteam/{case['routed_to'].replace('_', '-')}"  # the project's name
        for path in case.get("files") or {}:
            assert review_of(rules, path) == handle, path


def codeowner_rules(text: str) -> list[tuple[str, str]]:
    return [
        (line.split()[0], line.split()[1])
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def review_of(rules: list[tuple[str, str]], path: str) -> str | None:
    """Who GitHub asks to review `path`: the last matching line (the patterns steward
    writes: `*`, `/folder/` and `/file`)."""
    owner = None
    for pattern, handle in rules:
        if pattern.endswith("/"):
            matches = ("/" + path).startswith(pattern)
        else:
            matches = pattern == "*" or "/" + path == pattern
        if matches:
            owner = handle
    return owner
