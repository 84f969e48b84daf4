"""Output writers for a `LintResult`: text, json, github annotations and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from steward import __version__
from steward.lint.finding import ERROR
from steward.lint.runner import LintResult

RULES_URL = "https://github.com/gridunion/steward/blob/main/docs/rules/{id}.md"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def write_text(result: LintResult) -> str:
    lines = [
        f"{f.path}:{f.line}:{f.column}: {f.rule} {f.severity}: {f.message}" for f in result.findings
    ]
    lines.extend(f"note: {note}" for note in result.notes)
    summary = f"{result.errors} error(s), {result.warnings} warning(s) in {result.models} model(s)"
    if result.suppressed:
        summary += f"; {len(result.suppressed)} suppressed by platform/exceptions.yml"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def write_json(result: LintResult) -> str:
    document = {
        "findings": [f.as_dict() for f in result.findings],
        "summary": result.summary(),
    }
    return json.dumps(document, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def write_github(result: LintResult) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for f in result.findings:
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
    for note in result.notes:
        lines.append(f"::notice title=steward::{_escape_data(note)}")
    return "\n".join(lines) + ("\n" if lines else "")


def sarif_document(result: LintResult) -> dict[str, Any]:
    rules = sorted({r.id: r for r in result.rules}.values(), key=lambda r: r.id)
    for finding in result.findings:
        if all(r.id != finding.rule for r in rules):
            from steward.lint.rules import rule_by_id

            extra = rule_by_id(finding.rule)
            if extra is not None:
                rules.append(extra)
    index = {r.id: i for i, r in enumerate(rules)}
    driver_rules = [
        {
            "id": r.id,
            "name": r.check.__name__ if r.check.__name__ != "check" else r.id,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.doc.split("\n\n")[0] if r.doc else r.summary},
            "help": {"text": r.doc or r.summary, "markdown": r.doc or r.summary},
            "helpUri": RULES_URL.format(id=r.id),
            "defaultConfiguration": {"level": "error" if r.severity == ERROR else "warning"},
        }
        for r in rules
    ]
    results = []
    for f in result.findings:
        entry: dict[str, Any] = {
            "ruleId": f.rule,
            "level": "error" if f.severity == ERROR else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "PROJECTROOT"},
                        "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                    }
                }
            ],
            "properties": {"model": f.model, "team": f.team},
        }
        if f.rule in index:
            entry["ruleIndex"] = index[f.rule]
        results.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "steward",
                        "version": __version__,
                        "informationUri": "https://github.com/gridunion/steward",
                        "rules": driver_rules,
                    }
                },
                "originalUriBaseIds": {"PROJECTROOT": {"uri": "./"}},
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"message": {"text": note}, "level": "note"} for note in result.notes
                        ],
                    }
                ],
            }
        ],
    }


def write_sarif(result: LintResult) -> str:
    return json.dumps(sarif_document(result), indent=2) + "\n"


WRITERS: dict[str, Callable[[LintResult], str]] = {
    "text": write_text,
    "json": write_json,
    "github": write_github,
    "sarif": write_sarif,
}
