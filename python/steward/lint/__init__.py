"""The lint gate: rules over the rendered project, exceptions and scopes; the findings
go to the writers of `steward.findings`."""

from __future__ import annotations

from steward.findings import Finding
from steward.lint.context import LintContext
from steward.lint.rule import Rule, Violation, rule
from steward.lint.runner import LintResult, lint
from steward.lint.scope import restrict

__all__ = ["Finding", "LintContext", "LintResult", "Rule", "Violation", "lint", "restrict", "rule"]
