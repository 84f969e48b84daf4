"""SARIF 2.1.0, as code scanning reads it: a rule descriptor for every rule of the report,
a result a finding, the notes as notifications."""

from __future__ import annotations

import json
from typing import Any

from steward import __version__
from steward.findings.finding import ERROR
from steward.findings.report import Report, RuleInfo

RULES_URL = "https://github.com/gridunion/steward/blob/main/docs/rules/{id}.md"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _level(severity: str) -> str:
    return "error" if severity == ERROR else "warning"


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    doc = rule.doc or rule.summary
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc.split("\n\n")[0]},
        "help": {"text": doc, "markdown": doc},
        "helpUri": RULES_URL.format(id=rule.id),
        "defaultConfiguration": {"level": _level(rule.severity)},
    }


def sarif_document(report: Report) -> dict[str, Any]:
    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in report.findings:
        entry: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _level(f.severity),
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
                        "rules": [_descriptor(r) for r in rules],
                    }
                },
                "originalUriBaseIds": {"PROJECTROOT": {"uri": "./"}},
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"message": {"text": note}, "level": "note"} for note in report.notes
                        ],
                    }
                ],
            }
        ],
    }


def write_sarif(report: Report) -> str:
    return json.dumps(sarif_document(report), indent=2) + "\n"
