"""A lint rule: a stable id, a severity and a function over the `LintContext`.

The function yields `Violation`s; the runner makes each a `Finding` with the rule's id
and severity, said once, in `@rule(...)`. The function's docstring is the rule's
documentation, with the headings *What it does*, *Why is this bad?*, *Example* and
*Use instead*; the rule pages are generated from it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from steward.findings import ERROR
from steward.project.model import Node, Position

if TYPE_CHECKING:
    from steward.lint.context import LintContext


@dataclass(frozen=True)
class Violation:
    """One place a rule is broken. `team` defaults to the team of `node`; `severity` to
    the rule's (a rule may grade one violation lower, as CON003 does a version past its
    deprecation date)."""

    position: Position
    message: str
    node: Node | None = None
    team: str | None = None
    severity: str | None = None


Check = Callable[["LintContext"], Iterable[Violation]]


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

    @property
    def name(self) -> str:
        """The check function's name, or the id when it is just `check`."""
        name = getattr(self.check, "__name__", "check")
        return self.id if name == "check" else name


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
