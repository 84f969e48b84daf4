"""From changes to consequences: everything downstream of each change, to the column,
grouped by the owning team, with the exposures reached, and which changes break
another team or an exposure.

Downstream is followed in the head revision: a consumer that still reads a column that
is gone *breaks*; one that was updated in the same change does not. A removed node's
consumers come from the base revision (the head no longer has the edges).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from steward.graph import BUILDABLE, DependencyGraph
from steward.impact.compare import ProjectState, compare
from steward.impact.model import (
    BreakingChange,
    ExposureImpact,
    Impact,
    ModelChange,
    Reached,
    TeamImpact,
)
from steward.lineage import DOWNSTREAM, WHOLE, ColumnRef, trace
from steward.sql.analyze import analyze


@dataclass
class _Found:
    how: dict[str, None] = field(default_factory=dict)
    via: dict[str, None] = field(default_factory=dict)


@dataclass(frozen=True)
class _Root:
    ref: ColumnRef
    change: str
    text: str
    breaking: bool
    team: str | None


def _roots(changes: Iterable[ModelChange]) -> list[_Root]:
    roots: list[_Root] = []
    for change in changes:
        if change.change == "removed":
            roots.append(
                _Root(
                    ColumnRef(change.unique_id, WHOLE),
                    "removed",
                    f"`{change.name}` removed",
                    True,
                    change.team,
                )
            )
            continue
        if change.change != "changed":
            continue
        for column in change.columns:
            if column.change == "added":
                continue
            roots.append(
                _Root(
                    ColumnRef(change.unique_id, column.column),
                    column.change,
                    f"`{change.name}`: {column.describe()}",
                    column.breaking,
                    change.team,
                )
            )
        if change.logic:
            roots.append(
                _Root(
                    ColumnRef(change.unique_id, WHOLE),
                    "logic",
                    f"`{change.name}`: filters, joins or grouping changed",
                    False,
                    change.team,
                )
            )
        if change.narrowed and change.access is not None:
            roots.append(
                _Root(
                    ColumnRef(change.unique_id, WHOLE),
                    "access",
                    f"`{change.name}`: access {change.access[0]} -> {change.access[1]}",
                    True,
                    change.team,
                )
            )
    return roots


def still_reads(head: ProjectState, consumer: str, name: str, relation: str | None) -> bool:
    """Whether `consumer` still reads the node `name` (by `ref()`) or `relation` in the
    head (a consumer updated in the same change no longer does)."""
    item = head.rendered.nodes.get(consumer)
    if item is None:
        return False
    if any(ref.args and ref.args[-1] == name for ref in item.refs):
        return True
    reads = {r.qualified for s in (*item.sql, *item.statements) for r in analyze(s.sql).reads}
    return relation is not None and relation in reads


def _direct_how(root: _Root, kind: str) -> str:
    if root.change in ("removed", "renamed", "access"):
        return "breaks"
    return "computed" if kind == "projection" else kind


def impact(base: ProjectState, head: ProjectState, base_ref: str) -> Impact:
    changes, _ = compare(base, head)
    graph = head.graph
    found: dict[tuple[str, str | None], _Found] = {}
    breaking: list[BreakingChange] = []
    labels = {uid: node.label for uid, node in (*base.graph.nodes.items(), *graph.nodes.items())}

    def reach(ref: ColumnRef, how: str, via: str) -> None:
        key = (ref.node, None if ref.whole else ref.column)
        entry = found.setdefault(key, _Found())
        entry.how.setdefault(how)
        entry.via.setdefault(via)

    for root in _roots(changes):
        starts: list[tuple[ColumnRef, str]] = []
        if root.change == "removed":
            old = base.graph.nodes[root.ref.node]
            for consumer in base.graph.downstream(root.ref.node):
                if consumer in graph.nodes and (
                    graph.nodes[consumer].resource_type == "exposure"
                    or still_reads(head, consumer, old.name, old.relation)
                ):
                    starts.append((ColumnRef(consumer, WHOLE), "breaks"))
        else:
            first = trace(head.lineage, [root.ref], DOWNSTREAM, depth=1)
            for edge in first.edges:
                target = graph.nodes.get(edge.target.node)
                if root.change == "access" and (
                    target is None
                    or target.team == root.team
                    or target.resource_type not in BUILDABLE
                ):
                    continue
                how = "exposure" if edge.kind == "exposure" else _direct_how(root, edge.kind)
                starts.append((edge.target, how))
        reached_teams: set[str] = set()
        reached_exposures: set[str] = set()
        for start, how in starts:
            reach(start, how, root.text)
            rest = trace(head.lineage, [start], DOWNSTREAM, whole_models=root.breaking)
            for edge in rest.edges:
                kind = {"projection": "computed"}.get(edge.kind, edge.kind)
                reach(edge.target, kind, root.text)
            for ref in (start, *rest.refs):
                node = graph.nodes.get(ref.node)
                if node is None:
                    continue
                if node.resource_type == "exposure":
                    reached_exposures.add(ref.node)
                elif node.team and node.team != root.team:
                    reached_teams.add(node.team)
        if root.breaking and (reached_teams or reached_exposures):
            breaking.append(
                BreakingChange(
                    root.text,
                    root.ref.node,
                    tuple(sorted(reached_teams)),
                    tuple(sorted(reached_exposures)),
                )
            )

    reached = [
        Reached(uid, column, tuple(entry.how), tuple(entry.via))
        for (uid, column), entry in found.items()
        if uid in graph.nodes and graph.nodes[uid].resource_type != "exposure"
    ]
    exposures = []
    for uid in sorted(
        u for u, _ in found if u in graph.nodes and graph.nodes[u].resource_type == "exposure"
    ):
        node = graph.nodes[uid]
        via = sorted(
            {labels[up] for up in graph.upstream(uid) if any(r.unique_id == up for r in reached)}
        )
        declared = head.lineage.exposures.get(uid)
        exposures.append(
            ExposureImpact(
                uid,
                node.name,
                node.materialized or "",
                node.team,
                _contact(graph, node.team),
                tuple(via),
                declared.label if declared else "",
                declared.url if declared else "",
            )
        )
    return Impact(
        base_ref,
        changes,
        _by_team(graph, reached, exposures),
        tuple(exposures),
        tuple(breaking),
        tuple(sorted(labels.items())),
    )


def _contact(graph: DependencyGraph, team: str | None) -> str:
    entry = graph.registry.team(team) if graph.registry and team else None
    return entry.contact if entry else ""


def _by_team(
    graph: DependencyGraph, reached: list[Reached], exposures: list[ExposureImpact]
) -> tuple[TeamImpact, ...]:
    teams: dict[str | None, list[Reached]] = {}
    for item in reached:
        teams.setdefault(graph.nodes[item.unique_id].team, []).append(item)
    for exposure in exposures:
        teams.setdefault(exposure.team, [])
    order = {uid: i for i, uid in enumerate(graph.topological_order())}
    result = []
    for team in sorted(teams, key=lambda t: (t is None, t or "")):
        entry = graph.registry.team(team) if graph.registry and team else None
        items = sorted(
            teams[team],
            key=lambda r: (order.get(r.unique_id, 0), r.column is not None, r.column or ""),
        )
        result.append(
            TeamImpact(
                team,
                entry.name if entry else (team or "no owner"),
                entry.contact if entry else "",
                entry.channel if entry else "",
                tuple(items),
                tuple(e.unique_id for e in exposures if e.team == team),
            )
        )
    return tuple(result)
