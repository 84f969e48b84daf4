"""Reviewed exceptions (`platform/exceptions.yml`): suppress matching findings; an expired
or unused exception, or one without an expiry date, is itself an `EXC001` finding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from steward.findings import ERROR, WARNING, Finding
from steward.project.model import RuleException

RULE_ID = "EXC001"


@dataclass(frozen=True)
class Applied:
    kept: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    about_exceptions: tuple[Finding, ...]


def _matches(exception: RuleException, finding: Finding) -> bool:
    if exception.rule != finding.rule:
        return False
    subject = finding.model or finding.path
    return fnmatchcase(subject, exception.model) or fnmatchcase(finding.path, exception.model)


def _finding(exception: RuleException, severity: str, message: str) -> Finding:
    position = exception.position
    return Finding(
        RULE_ID, severity, position.path, position.line, position.column, None, None, message
    )


def apply_exceptions(
    findings: Iterable[Finding], exceptions: Iterable[RuleException], today: dt.date | None = None
) -> Applied:
    today = today or dt.date.today()
    active = []
    about: list[Finding] = []
    for exception in exceptions:
        label = f"exception for {exception.rule} on `{exception.model}` (owner {exception.owner})"
        if exception.expires is None:
            about.append(
                _finding(
                    exception, WARNING, f"{label} has no `expires` date; every exception expires"
                )
            )
            active.append(exception)
        elif exception.expires < today:
            about.append(
                _finding(
                    exception,
                    ERROR,
                    f"{label} expired on {exception.expires.isoformat()}; fix the "
                    "findings or renew it after review",
                )
            )
        else:
            active.append(exception)
    used: set[int] = set()
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        hit = next((i for i, e in enumerate(active) if _matches(e, finding)), None)
        if hit is None:
            kept.append(finding)
        else:
            used.add(hit)
            suppressed.append(finding)
    for index, exception in enumerate(active):
        if index not in used:
            about.append(
                _finding(
                    exception,
                    WARNING,
                    f"exception for {exception.rule} on `{exception.model}` (owner "
                    f"{exception.owner}) matches no finding; remove it",
                )
            )
    return Applied(tuple(kept), tuple(suppressed), tuple(about))
