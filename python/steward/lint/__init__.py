"""The lint gate: rules over the rendered project, exceptions, scopes and writers."""

from __future__ import annotations

from steward.lint.context import LintContext
from steward.lint.finding import Finding
from steward.lint.rule import Rule, rule
from steward.lint.runner import LintResult, lint
from steward.lint.scope import restrict

__all__ = ["Finding", "LintContext", "LintResult", "Rule", "lint", "restrict", "rule"]
