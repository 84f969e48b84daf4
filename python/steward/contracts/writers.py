"""Output of the `steward contracts` commands: the findings of `generate --check` and
`breaking` as reports for `steward.findings`, the consumers, breaking changes as Markdown."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from steward.contracts.changes import BreakingReport
from steward.contracts.consumers import Consumers
from steward.contracts.generate import Stale
from steward.findings import ERROR, Finding, FindingsReport, RuleInfo
from steward.lineage import WHOLE
from steward.project.contracts import Contract


# ---- findings (generate --check, breaking): written by steward.findings ----------------
def stale_report(
    problems: Sequence[Stale], files: int, rules: Sequence[RuleInfo] = ()
) -> FindingsReport:
    """`contracts generate --check`: a CON002 finding a stale generated file."""
    findings = tuple(
        Finding(
            "CON002",
            ERROR,
            p.position.path,
            p.position.line,
            p.position.column,
            p.model,
            None,
            p.message,
        )
        for p in problems
    )
    headline = (
        f"{len(findings)} stale generated file(s) of {files}"
        if findings
        else f"{files} generated file(s) up to date"
    )
    return FindingsReport(findings, headline, {"files": files}, rules=tuple(rules))


def breaking_report(report: BreakingReport, rules: Sequence[RuleInfo] = ()) -> FindingsReport:
    """`contracts breaking`: a CON003 finding a breaking change, the safe changes listed."""
    safe = [f"  {c.model} v{c.version}: {c.detail}" for c in report.changes if not c.breaking]
    errors = sum(1 for v in report.violations if v.severity == ERROR)
    return FindingsReport(
        report.findings,
        f"{errors} breaking change(s) against {report.base}; "
        f"{len(report.changes)} contract change(s) in all",
        {
            "base": report.base,
            "breaking": report.breaking,
            "changes": [dataclasses.asdict(c) | {"breaking": c.breaking} for c in report.changes],
        },
        details=("non-breaking:", *safe) if safe else (),
        rules=tuple(rules),
    )


# ---- consumers ------------------------------------------------------------------------
def _usage(computes: Sequence[str], uses: Sequence[str]) -> str:
    parts = [f"computes {', '.join(computes)}"] if computes else []
    parts += [
        {
            "group_by": "groups by it",
            "join": "joins on it",
            "filter": "filters on it",
            "window": "partitions by it",
        }.get(u, u)
        for u in uses
    ]
    return "; ".join(parts) or "reads it"


def consumers_text(found: Consumers, columns: Sequence[str], contract: Contract | None) -> str:
    producer = found.model
    head = f"{producer} (team {found.team or '-'}"
    if contract is not None:
        head += f", contract {contract.path} {contract.version}"
    head += ")"
    teams = found.teams
    lines = [
        head,
        f"used by {len(found.models)} model(s) of {len(teams)} team(s)"
        f"{': ' + ', '.join(teams) if teams else ''}, {len(found.exposures)} "
        "exposure(s)",
        "",
    ]
    if found.models:
        width = max(len(m.name) for m in found.models)
        lines.append("models (team, the columns they use):")
        for model in found.models:
            version = ""
            if model.version is not None:
                version = f" [v{model.version}{', pinned' if model.pinned else ''}]"
            lines.append(
                f"  {model.name:<{width}}  {model.team or '-'}{version}: "
                f"{', '.join(model.columns_used) or '*'}"
            )
        lines.append("")
    if found.exposures:
        lines.append("exposures:")
        for exposure in found.exposures:
            lines.append(
                f"  {exposure.name} ({exposure.type or '-'}, {exposure.team or '-'}) "
                f"via {', '.join(exposure.via)}"
            )
        lines.append("")
    if columns:
        direct = [e.name for e in found.exposures if set(e.via) & set(found.producer_names)]
        verb = "reads" if len(direct) == 1 else "read"
        unused = (
            f"- (no model; {', '.join(direct)} {verb} the whole model)"
            if direct
            else "- (no consumer)"
        )
        lines.append("by column:")
        width = max(len(c) for c in columns)
        for column in columns:
            users = [(m, u) for m in found.models for u in m.columns if u.column in (column, WHOLE)]
            if not users:
                lines.append(f"  {column:<{width}}  {unused}")
                continue
            for index, (model, usage) in enumerate(users):
                label = column if index == 0 else ""
                lines.append(
                    f"  {label:<{width}}  {model.name}: {_usage(usage.computes, usage.uses)}"
                )
    return "\n".join(lines).rstrip() + "\n"


def consumers_json(found: Consumers, columns: Sequence[str], contract: Contract | None) -> str:
    by_column: dict[str, list[dict[str, Any]]] = {c: [] for c in columns}
    for model in found.models:
        for usage in model.columns:
            targets = columns if usage.column == WHOLE else [usage.column]
            for column in targets:
                by_column.setdefault(column, []).append(
                    {
                        "model": model.name,
                        "team": model.team,
                        "computes": list(usage.computes),
                        "uses": list(usage.uses),
                    }
                )
    document = {
        "model": found.model,
        "team": found.team,
        "contract": None
        if contract is None
        else {"path": contract.path, "version": contract.version},
        "teams": list(found.teams),
        "models": [dataclasses.asdict(m) for m in found.models],
        "exposures": [dataclasses.asdict(e) for e in found.exposures],
        "columns": by_column,
    }
    return json.dumps(document, indent=2) + "\n"


# ---- breaking ---------------------------------------------------------------------------
def breaking_markdown(report: BreakingReport) -> str:
    lines = ["## steward contracts breaking", ""]
    if not report.violations:
        lines.append(f"No breaking change to a contracted model against `{report.base}`.")
    for violation in report.violations:
        flag = "**breaking**" if violation.severity == ERROR else "warning"
        lines.append(f"- {flag} `{violation.model}` v{violation.version}: {violation.message}")
        found = violation.consumers
        if found is not None and (found.models or found.exposures):
            for model in found.models:
                lines.append(
                    f"  - team `{model.team}`: `{model.name}` uses "
                    f"{', '.join(f'`{c}`' for c in model.columns_used) or 'it'}"
                )
            for exposure in found.exposures:
                lines.append(f"  - team `{exposure.team}`: exposure `{exposure.name}`")
    safe = [c for c in report.changes if not c.breaking]
    if safe:
        lines += ["", "Non-breaking:", ""]
        lines.extend(f"- `{c.model}` v{c.version}: {c.detail}" for c in safe)
    return "\n".join(lines) + "\n"
