"""The impact as Markdown for a pull-request comment, or as JSON for machines."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from steward.impact.model import Impact, ModelChange, Reached

_HOW = {
    "breaks": "**breaks**: reads a column or model that is gone (fails to build)",
    "computed": "computed from it",
    "join": "joins on it",
    "filter": "filters on it",
    "group_by": "groups by it",
    "window": "partitions a window by it",
    "model": "reads an affected model",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _column_counts(impact: Impact) -> str:
    counts: dict[str, int] = {}
    for change in impact.changes:
        for column in change.columns:
            counts[column.change] = counts.get(column.change, 0) + 1
    order = ("removed", "renamed", "retyped", "changed", "added")
    parts = [f"{counts[k]} {k}" for k in order if counts.get(k)]
    return f" (columns: {', '.join(parts)})" if parts else ""


def summary(impact: Impact) -> str:
    if not impact.changes:
        return f"No model changed against `{impact.base}`."
    by_kind: dict[str, int] = {}
    for change in impact.changes:
        by_kind[change.change] = by_kind.get(change.change, 0) + 1
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(by_kind.items()))
    nodes = {r.unique_id for team in impact.teams for r in team.reached}
    teams = [t for t in impact.teams if t.reached or t.exposures]
    text = (
        f"{_plural(len(impact.changes), 'model')} ({kinds}) against `{impact.base}`"
        f"{_column_counts(impact)}; downstream: {_plural(len(nodes), 'model')} of "
        f"{_plural(len(teams), 'team')}, {_plural(len(impact.exposures), 'exposure')}."
    )
    if impact.is_breaking:
        broken = [f"`{t.team}`" for t, _ in impact.breaking_teams()]
        exposures = [f"`{e.name}`" for e, _ in impact.breaking_exposures()]
        who = [
            f"{_plural(len(names), word)} ({', '.join(names)})"
            for names, word in ((broken, "team"), (exposures, "exposure"))
            if names
        ]
        text += f" **Breaking** for {' and '.join(who)}."
    return text


def _link(label: str, url: str) -> str:
    """`[label](url)`, the one of them there is, or `-`."""
    if label and url:
        return f"[{label}]({url})"
    return label or (f"<{url}>" if url else "-")


def _breaking_for(impact: Impact) -> list[str]:
    """The teams and the exposures the breaking changes reach, in two tables."""
    lines: list[str] = []
    teams = impact.breaking_teams()
    if teams:
        lines += [
            "### Breaking for teams",
            "",
            "| team | contact | breaking changes |",
            "|---|---|---|",
        ]
        for team, changes in teams:
            contact = " · ".join(x for x in (team.contact, team.channel) if x) or "-"
            name = f"`{team.team}` ({team.name})" if team.name != team.team else f"`{team.team}`"
            lines.append(f"| {name} | {contact} | {'<br>'.join(changes)} |")
        lines.append("")
    exposures = impact.breaking_exposures()
    if exposures:
        lines += [
            "### Breaking for exposures",
            "",
            "| exposure | label | type | owning team | contact | breaking changes |",
            "|---|---|---|---|---|---|",
        ]
        for exposure, changes in exposures:
            lines.append(
                f"| `{exposure.name}` | {_link(exposure.label, exposure.url)} | "
                f"{exposure.type or '-'} | {exposure.team or '-'} | {exposure.contact or '-'} | "
                f"{'<br>'.join(changes)} |"
            )
        lines.append("")
    return lines


def _change_details(change: ModelChange) -> str:
    parts = [c.describe() for c in change.columns]
    if change.logic:
        parts.append("filters, joins or grouping changed")
    if change.access:
        parts.append(f"access {change.access[0]} -> {change.access[1]}")
    if change.edits and not parts:
        parts.append(f"SQL changed ({_plural(change.edits, 'edit')})")
    return "; ".join(parts) or "-"


def _reached_row(impact: Impact, item: Reached) -> str:
    column = f"`{item.column}`" if item.column else "*(whole model)*"
    how = "; ".join(_HOW.get(h, h) for h in item.how)
    via = "<br>".join(item.via)
    return f"| `{impact.label(item.unique_id)}` | {column} | {how} | {via} |"


def markdown(impact: Impact) -> str:
    lines = ["## steward impact", "", summary(impact), ""]
    if not impact.changes:
        return "\n".join(lines)
    lines += _breaking_for(impact)
    lines += ["### Changes", "", "| model | team | change | details |", "|---|---|---|---|"]
    for change in impact.changes:
        lines.append(
            f"| `{change.name}` | {change.team or '-'} | {change.change} | "
            f"{_change_details(change)} |"
        )
    lines.append("")
    if impact.exposures:
        lines += [
            "### Exposures reached",
            "",
            "| exposure | type | team | contact | through | label |",
            "|---|---|---|---|---|---|",
        ]
        for exposure in impact.exposures:
            through = ", ".join(f"`{v}`" for v in exposure.via) or "-"
            lines.append(
                f"| `{exposure.name}` | {exposure.type or '-'} | "
                f"{exposure.team or '-'} | {exposure.contact or '-'} | {through} | "
                f"{_link(exposure.label, exposure.url)} |"
            )
        lines.append("")
    for team in impact.teams:
        if not team.reached:
            continue
        contact = " · ".join(x for x in (team.contact, team.channel) if x)
        title = f"`{team.team}` ({team.name})" if team.team else team.name
        lines += [
            f"### Team {title}" + (f" — {contact}" if contact else ""),
            "",
            "| model | column | impact | because of |",
            "|---|---|---|---|",
        ]
        lines.extend(_reached_row(impact, item) for item in team.reached)
        lines.append("")
    return "\n".join(lines)


def as_json(impact: Impact) -> str:
    data = dataclasses.asdict(impact)
    data.pop("labels")
    data["summary"] = summary(impact)
    data["breaking"] = [dataclasses.asdict(b) for b in impact.breaking]
    data["breaking_for"] = {
        "teams": [
            {
                "team": team.team,
                "name": team.name,
                "contact": team.contact,
                "channel": team.channel,
                "changes": list(changes),
            }
            for team, changes in impact.breaking_teams()
        ],
        "exposures": [
            {**dataclasses.asdict(exposure), "changes": list(changes)}
            for exposure, changes in impact.breaking_exposures()
        ],
    }
    data["is_breaking"] = impact.is_breaking
    for team in data["teams"]:
        for item in team["reached"]:
            item["name"] = impact.label(item["unique_id"])
    return json.dumps(data, indent=2) + "\n"


WRITERS: dict[str, Callable[[Impact], str]] = {"markdown": markdown, "json": as_json}
