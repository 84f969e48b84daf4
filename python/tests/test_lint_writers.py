"""The writers: text, json, github annotations, and SARIF valid against the 2.1.0 schema
(vendored from oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker

from steward.findings import write_github, write_json, write_sarif, write_text
from steward.lint import LintResult, lint
from steward.project import load_project

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(violations_dir: Path) -> LintResult:
    return lint(load_project(violations_dir), today=dt.date(2026, 6, 1))


def test_sarif_is_valid(result: LintResult) -> None:
    document = json.loads(write_sarif(result))
    Draft4Validator(SCHEMA, format_checker=FormatChecker()).validate(document)
    run = document["runs"][0]
    assert len(run["results"]) == len(result.findings)
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for entry in run["results"]:
        assert rules[entry["ruleIndex"]] == entry["ruleId"]
    first = run["results"][0]["locations"][0]["physicalLocation"]
    assert first["region"]["startLine"] >= 1


def test_sarif_of_a_clean_run_is_valid() -> None:
    clean = lint(load_project(FIXTURES / "gridlite"))
    document = json.loads(write_sarif(clean))
    Draft4Validator(SCHEMA).validate(document)
    assert document["runs"][0]["results"] == []


def test_json_shape(result: LintResult) -> None:
    document = json.loads(write_json(result))
    assert document["summary"]["errors"] == result.errors
    assert document["summary"]["by_rule"]["REF001"] == 2
    assert all(
        set(f) == {"rule", "severity", "path", "line", "column", "model", "team", "message"}
        for f in document["findings"]
    )


def test_text(result: LintResult) -> None:
    text = write_text(result)
    assert "models/gold/finance/gold_finance__costs.sql:1:1: NS002 error:" in text
    assert text.rstrip().endswith("in 12 model(s)")


def test_github_escapes(result: LintResult) -> None:
    lines = write_github(result).splitlines()
    assert len(lines) == len(result.findings)
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    assert all("\n" not in line for line in lines)
