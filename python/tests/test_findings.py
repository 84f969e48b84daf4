"""The findings writers every findings command shares; here the JUnit XML (the other
formats: test_lint_writers.py)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from steward.cli.main import build_parser
from steward.findings import ERROR, FORMATS, WARNING, Finding, FindingsReport, write_junit
from steward.lint import LintResult, lint
from steward.project import load_project

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def result(violations_dir: Path) -> LintResult:
    return lint(load_project(violations_dir), today=dt.date(2026, 6, 1))


def test_junit_has_a_testcase_a_finding_and_a_failure_an_error(result: LintResult) -> None:
    root = ET.fromstring(write_junit(result))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(result.findings)
    failures = root.findall("./testsuite/testcase/failure")
    assert len(failures) == result.errors > 0
    assert int(root.get("tests", "")) == len(result.findings)
    assert int(root.get("failures", "")) == result.errors
    for case, finding in zip(cases, result.findings, strict=True):
        assert case.get("classname") == finding.rule
        assert case.get("file") == finding.path
        assert case.get("line") == str(finding.line)
        failure = case.find("failure")
        if finding.severity == ERROR:
            assert failure is not None
            assert failure.get("type") == finding.rule
            assert failure.get("message") == finding.message
        else:
            assert failure is None
            assert finding.message in (case.findtext("system-out") or "")


def test_junit_of_a_clean_run() -> None:
    root = ET.fromstring(write_junit(lint(load_project(FIXTURES / "gridlite"))))
    assert root.get("tests") == "0" and root.get("failures") == "0"
    assert root.findall("./testsuite/testcase") == []


def test_junit_escapes_what_xml_cannot_hold() -> None:
    message = 'reads `a<b` & "c"\x01 >'
    report = FindingsReport(
        (
            Finding("REF001", ERROR, "models/a.sql", 3, 7, "a", "platform", message),
            Finding("YML001", WARNING, "models/_a.yml", 1, 1, None, None, "a typo"),
        ),
        "2 finding(s)",
        notes=("a note",),
    )
    root = ET.fromstring(write_junit(report))
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == 'reads `a<b` & "c" >'
    assert "(model a, team platform)" in (failure.text or "")
    assert root.get("failures") == "1" and root.get("tests") == "2"
    assert root.findtext("./testsuite/system-out") == "a note"


def _format_choices(*command: str) -> tuple[str, ...]:
    parser = build_parser(list(command))
    for word in command:
        action = next(a for a in parser._actions if a.dest.endswith("command"))
        parser = action.choices[word]  # type: ignore[index]
    option = next(a for a in parser._actions if "--format" in a.option_strings)
    return tuple(option.choices or ())


@pytest.mark.parametrize(
    "command", [("lint",), ("contracts", "generate"), ("contracts", "breaking")]
)
def test_every_findings_command_offers_every_findings_format(command: tuple[str, ...]) -> None:
    assert set(FORMATS) == {"text", "json", "github", "sarif", "junit"}
    assert set(FORMATS) <= set(_format_choices(*command))
