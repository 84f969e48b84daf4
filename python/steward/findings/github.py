"""GitHub Actions workflow commands: one annotation a finding, a notice a note."""

from __future__ import annotations

from steward.findings.finding import ERROR
from steward.findings.report import Report


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def write_github(report: Report) -> str:
    lines = []
    for f in report.findings:
        level = "error" if f.severity == ERROR else "warning"
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", f.path),
                ("line", f.line),
                ("col", f.column),
                ("title", f.rule),
            )
        )
        lines.append(f"::{level} {properties}::{_escape_data(f.message)}")
    lines.extend(f"::notice title=steward::{_escape_data(note)}" for note in report.notes)
    return "\n".join(lines) + ("\n" if lines else "")
