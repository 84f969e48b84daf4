"""Text: one `path:line:column: RULE severity: message` line a finding, the notes, then
the summary."""

from __future__ import annotations

from steward.findings.report import Report


def write_text(report: Report) -> str:
    lines = [finding.describe() for finding in report.findings]
    lines.extend(f"note: {note}" for note in report.notes)
    lines.append(report.summary_text())
    return "\n".join(lines) + "\n"
