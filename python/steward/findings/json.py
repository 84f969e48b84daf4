"""JSON: `{"findings": [...], "summary": {...}}`, the format of the design (each finding
with rule, severity, path, line, column, model, team and message)."""

from __future__ import annotations

import json

from steward.findings.report import Report


def write_json(report: Report) -> str:
    document = {
        "findings": [finding.as_dict() for finding in report.findings],
        "summary": dict(report.summary()),
    }
    return json.dumps(document, indent=2, default=str) + "\n"
