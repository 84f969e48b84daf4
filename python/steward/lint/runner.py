"""`lint`: render, analyse, run the rules, apply the exceptions, filter."""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from steward.findings import ERROR, Counts, Finding
from steward.lint.context import LintContext
from steward.lint.exceptions import apply_exceptions
from steward.lint.rule import Rule
from steward.lint.rules import all_rules
from steward.project.model import Project
from steward.render.model import Target
from steward.render.renderer import render_project

NO_REGISTRY_NOTE = (
    "no platform/teams.yml: the registry rules ({rules}) are skipped; add the registry to "
    "check namespaces, ownership, layers and writes"
)


@dataclass(frozen=True)
class LintResult(Counts):
    """What a lint found; a `steward.findings.Report`. `rules`: the rules run, and any
    other a finding names (EXC001, whose findings come from the exceptions)."""

    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    suppressed: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    nodes: int = 0
    models: int = 0
    seconds: float = 0.0
    scope: Mapping[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def summary(self) -> dict[str, Any]:
        return {
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": len(self.findings),
            "suppressed": len(self.suppressed),
            "models": self.models,
            "nodes": self.nodes,
            "by_rule": dict(sorted(Counter(f.rule for f in self.findings).items())),
            "notes": list(self.notes),
            "seconds": round(self.seconds, 3),
            **({"scope": dict(self.scope)} if self.scope else {}),
        }

    def summary_text(self) -> str:
        """The counts, then what was linted (the `scope` of `lint.scope.restrict`)."""
        counts = f"{self.errors} error(s), {self.warnings} warning(s)"
        suppressed = (
            f"{len(self.suppressed)} suppressed by platform/exceptions.yml"
            if self.suppressed
            else ""
        )
        if "text" in self.scope:
            return "; ".join(x for x in (counts, suppressed, str(self.scope["text"])) if x)
        return "; ".join(x for x in (f"{counts} in {self.models} model(s)", suppressed) if x)


def run_rules(ctx: LintContext, rules: Iterable[Rule]) -> list[Finding]:
    """Every rule's violations as findings with the rule's id and severity; a rule that
    crashes is one error finding, and the others still run."""
    findings: list[Finding] = []
    for rule in rules:
        try:
            findings.extend(
                ctx.finding(
                    rule.id,
                    violation.severity or rule.severity,
                    violation.position,
                    violation.message,
                    violation.node,
                    violation.team,
                )
                for violation in rule.check(ctx)
            )
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            findings.append(
                Finding(
                    rule.id,
                    ERROR,
                    "dbt_project.yml",
                    1,
                    1,
                    None,
                    None,
                    f"rule {rule.id} crashed: {type(exc).__name__}: {exc} "
                    f"({frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}); please report it",
                )
            )
    return findings


def lint(
    project: Project,
    *,
    rules: Iterable[Rule] | None = None,
    select: Collection[str] | None = None,
    target: Target | None = None,
    cli_vars: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
    context: LintContext | None = None,
) -> LintResult:
    """Lint the whole project; filter the result with `restrict` (team, paths, changes)."""
    started = time.perf_counter()
    ctx = context or LintContext(render_project(project, target, cli_vars))
    chosen = [r for r in (rules or all_rules()) if not select or r.id in select]
    notes: list[str] = []
    if project.registry is None:
        skipped = [r.id for r in chosen if r.needs_registry]
        if skipped:
            notes.append(NO_REGISTRY_NOTE.format(rules=", ".join(skipped)))
        chosen = [r for r in chosen if not r.needs_registry]
    findings = _dedupe(run_rules(ctx, chosen))
    applied = apply_exceptions(findings, project.exceptions, today)
    kept = sorted((*applied.kept, *applied.about_exceptions), key=lambda f: f.sort_key)
    named = {f.rule for f in kept} - {r.id for r in chosen}
    return LintResult(
        findings=tuple(kept),
        rules=(*chosen, *(r for r in all_rules() if r.id in named)),
        suppressed=applied.suppressed,
        notes=tuple(notes),
        nodes=len(ctx.facts),
        models=sum(1 for _ in ctx.models()),
        seconds=time.perf_counter() - started,
    )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))
