"""A lint rule: a stable id, a severity and a function over the `LintContext`.

The function's docstring is the rule's documentation, with the headings *What it does*,
*Why is this bad?*, *Example* and *Use instead*; the rule pages are generated from it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from steward.lint.finding import ERROR, Finding

if TYPE_CHECKING:
    from steward.lint.context import LintContext

Check = Callable[["LintContext"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    severity: str
    check: Check
    needs_registry: bool = False
    graph: bool = False
    """A graph rule's findings can change when an upstream model changes."""

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")


def rule(
    rule_id: str,
    summary: str,
    *,
    severity: str = ERROR,
    needs_registry: bool = False,
    graph: bool = False,
) -> Callable[[Check], Rule]:
    """Declare a rule: `RULE = rule("NS001", "...")(check)` or as a decorator."""

    def wrap(check: Check) -> Rule:
        return Rule(rule_id, summary, severity, check, needs_registry, graph)

    return wrap
