"""What the writers take: the findings of a command, its notes, the rules it applied
and its summary. `steward.lint.LintResult` is one; `FindingsReport` serves the rest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from steward.findings.finding import ERROR, WARNING, Finding


class RuleInfo(Protocol):
    """What a report says about a rule (SARIF's rule descriptors): `steward.lint.Rule`."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def severity(self) -> str: ...

    @property
    def doc(self) -> str: ...


class Report(Protocol):
    @property
    def findings(self) -> Sequence[Finding]: ...

    @property
    def notes(self) -> Sequence[str]: ...

    @property
    def rules(self) -> Sequence[RuleInfo]:
        """The rules the findings come from (a finding may name one that is not here)."""
        ...

    def summary(self) -> Mapping[str, Any]:
        """The `summary` object of the JSON output: `errors` and `warnings` first."""
        ...

    def summary_text(self) -> str:
        """The last line (or lines) of the text output."""
        ...


def count(findings: Iterable[Finding], severity: str) -> int:
    return sum(1 for f in findings if f.severity == severity)


class Counts:
    """The `errors` and `warnings` among a report's `findings`."""

    findings: Sequence[Finding]

    @property
    def errors(self) -> int:
        return count(self.findings, ERROR)

    @property
    def warnings(self) -> int:
        return count(self.findings, WARNING)


@dataclass(frozen=True)
class FindingsReport(Counts):
    """A report built from parts: `facts` follow the counts in the JSON summary,
    `details` are text lines between the findings and the `headline`."""

    findings: tuple[Finding, ...]
    headline: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    details: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rules: tuple[RuleInfo, ...] = ()

    def summary(self) -> dict[str, Any]:
        return {"errors": self.errors, "warnings": self.warnings, **self.facts}

    def summary_text(self) -> str:
        return "\n".join((*self.details, self.headline))
