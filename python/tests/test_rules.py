"""Every rule's cases (python/tests/rules/<RULE>.yaml), run by one harness.

A `pass_*` case yields no finding of its rule; a `fail_*` case yields exactly the
findings listed under `expect` (path and line; column and a message fragment if given).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from steward.lint import lint
from steward.lint.rules import all_rules
from steward.project import load_project
from steward.project.model import Position
from tests.rulecases import load_cases, write_project

CASES = load_cases()


@pytest.mark.parametrize(("rule_id", "name", "case"), CASES, ids=[f"{r}-{n}" for r, n, _ in CASES])
def test_rule_case(tmp_path: Path, rule_id: str, name: str, case: dict[str, Any]) -> None:
    root = write_project(tmp_path, case.get("files"), base=case.get("base", True))
    result = lint(load_project(root), today=dt.date(2026, 6, 1))
    found = [f for f in result.findings if f.rule == rule_id]
    if name.startswith("pass"):
        assert found == [], found
        return
    expected = case["expect"]
    assert len(found) == len(expected), found
    for finding, want in zip(found, expected, strict=True):
        assert finding.path == want["path"], finding
        assert finding.line == want["line"], finding
        if "column" in want:
            assert finding.column == want["column"], finding
        if "message" in want:
            assert want["message"] in finding.message, finding
        if "model" in want:
            assert finding.model == want["model"], finding


def test_every_rule_has_cases_and_docs() -> None:
    with_cases = {rule for rule, _, _ in CASES}
    for rule in all_rules():
        assert rule.id in with_cases, f"{rule.id} has no cases file"
        for heading in ("What it does", "Why is this bad?", "Example", "Use instead"):
            assert heading in rule.doc, f"{rule.id} docstring lacks {heading}"


def test_base_project_is_clean(tmp_path: Path) -> None:
    result = lint(load_project(write_project(tmp_path, {})))
    assert result.findings == ()


def test_the_runner_gives_a_violation_its_rules_id_severity_and_team(tmp_path: Path) -> None:
    """A check yields violations; the id and severity come from `@rule`, the team from
    the node, and a rule that crashes is one error finding while the others still run."""
    from steward.findings import ERROR, WARNING
    from steward.lint import LintContext, Violation, rule

    @rule("TST001", "every model, as a warning", severity=WARNING)
    def every_model(ctx: LintContext) -> Iterator[Violation]:
        """What it does: a test."""
        for facts in ctx.models():
            yield Violation(facts.node.position, f"`{facts.node.name}`", facts.node)

    @rule("TST002", "yields one, then crashes")
    def crashing(ctx: LintContext) -> Iterator[Violation]:
        """What it does: a test."""
        yield Violation(Position("dbt_project.yml", 1), "before the crash", team="platform")
        raise RuntimeError("boom")

    project = load_project(write_project(tmp_path, {}))
    result = lint(project, rules=(every_model, crashing))
    models = [f for f in result.findings if f.rule == "TST001"]
    assert models and all(f.severity == WARNING and f.team and f.model for f in models)
    crashed = [f for f in result.findings if f.rule == "TST002"]
    assert {(f.severity, f.team) for f in crashed} == {(ERROR, "platform"), (ERROR, None)}
    assert any("crashed: RuntimeError: boom" in f.message for f in crashed)
    assert {r.id for r in result.rules} == {"TST001", "TST002"}
