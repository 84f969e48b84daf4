"""Findings and their writers: every command that reports findings (lint, contracts)
hands a `Report` to one of `WRITERS`."""

from __future__ import annotations

from collections.abc import Callable

from steward.findings.finding import ERROR, WARNING, Finding
from steward.findings.github import write_github
from steward.findings.json import write_json
from steward.findings.junit import write_junit
from steward.findings.report import Counts, FindingsReport, Report, RuleInfo, count
from steward.findings.sarif import sarif_document, write_sarif
from steward.findings.text import write_text

WRITERS: dict[str, Callable[[Report], str]] = {
    "text": write_text,
    "json": write_json,
    "github": write_github,
    "sarif": write_sarif,
    "junit": write_junit,
}
FORMATS: tuple[str, ...] = tuple(WRITERS)
"""The `--format` choices of a command that reports findings, the default first."""

__all__ = [
    "ERROR",
    "FORMATS",
    "WARNING",
    "WRITERS",
    "Counts",
    "Finding",
    "FindingsReport",
    "Report",
    "RuleInfo",
    "count",
    "sarif_document",
    "write_github",
    "write_json",
    "write_junit",
    "write_sarif",
    "write_text",
]
