"""The rule catalogue: one module per rule, each exposing `RULE`.

New rules (the contract rules `CON*` come with the contracts) are added to
`RULE_MODULES`, or at run time with `register`.
"""

from __future__ import annotations

import importlib

from steward.lint.rule import Rule

RULE_MODULES: tuple[str, ...] = (
    "sql001",
    "ns001",
    "ns002",
    "ns003",
    "own001",
    "own002",
    "ref001",
    "ref002",
    "lay001",
    "wrt001",
    "dep001",
    "con001",
    "con002",
    "con003",
    "yml001",
    "exc001",
    "cfg001",
    "cfg002",
    "pkg001",
)

_extra: list[Rule] = []


def register(rule: Rule) -> None:
    """Add a rule defined outside this package (a plugin, a later catalogue entry)."""
    if all(r.id != rule.id for r in _extra):
        _extra.append(rule)


def all_rules() -> tuple[Rule, ...]:
    rules = [importlib.import_module(f"{__name__}.{name}").RULE for name in RULE_MODULES]
    rules.extend(r for r in _extra if all(r.id != known.id for known in rules))
    return tuple(rules)


def rule_by_id(rule_id: str) -> Rule | None:
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    return None
