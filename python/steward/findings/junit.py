"""JUnit XML, as CI systems (GitLab, Jenkins, Azure Pipelines) read test reports: one
testcase a finding, named by its rule and place; an error is a failure, a warning passes
with the finding in its output, and the notes go to the suite's output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from steward.findings.finding import ERROR, Finding
from steward.findings.report import Report, count

# XML 1.0 cannot hold these characters, not even escaped
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _case(suite: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=finding.rule,
        name=_clean(finding.location),
        file=_clean(finding.path),
        line=str(finding.line),
    )
    who = ", ".join(
        f"{key} {value}"
        for key, value in (("model", finding.model), ("team", finding.team))
        if value
    )
    text = _clean(finding.describe() + (f"\n({who})" if who else ""))
    if finding.severity == ERROR:
        failure = ET.SubElement(case, "failure", type=finding.rule, message=_clean(finding.message))
        failure.text = text
    else:
        ET.SubElement(case, "system-out").text = text


def write_junit(report: Report) -> str:
    tests = len(report.findings)
    failures = count(report.findings, ERROR)
    counts = {"tests": str(tests), "failures": str(failures), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": "steward", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "steward", **counts})
    for finding in report.findings:
        _case(suite, finding)
    if report.notes:
        ET.SubElement(suite, "system-out").text = _clean("\n".join(report.notes))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
