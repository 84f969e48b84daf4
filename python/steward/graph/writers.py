"""The graph as text, JSON, Graphviz dot or Mermaid; the team graph and the build order."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from steward.graph.cycles import describe
from steward.graph.model import Cycle, DependencyGraph, Edge, GraphNode

_SHAPES = {"source": "cylinder", "exposure": "hexagon", "seed": "note", "snapshot": "folder"}


def _safe_id(text: str) -> str:
    return re.sub(r"\W", "_", text)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _node_json(node: GraphNode) -> dict[str, Any]:
    return {
        "id": node.unique_id,
        "name": node.label,
        "type": node.resource_type,
        "team": node.team,
        "layer": node.layer,
        "access": node.access,
        "relation": node.relation,
        "path": node.path,
    }


def _edge_json(edge: Edge) -> dict[str, Any]:
    return {
        "from": edge.upstream,
        "to": edge.downstream,
        "kind": edge.kind,
        "hard_coded": edge.hard_coded,
        "relation": edge.relation,
        "position": str(edge.position) if edge.position else None,
    }


def _cycle_json(graph: DependencyGraph, cycle: Cycle) -> dict[str, Any]:
    return {"kind": cycle.kind, "path": list(cycle.path), "text": describe(graph, cycle)}


def _ordered(graph: DependencyGraph) -> list[GraphNode]:
    return [graph.nodes[uid] for uid in graph.topological_order()]


# ---- the node graph ------------------------------------------------------------------
def nodes_text(graph: DependencyGraph) -> str:
    lines = []
    for node in _ordered(graph):
        owner = ", ".join(x for x in (node.resource_type, node.team, node.access) if x)
        reads = []
        for up in sorted(graph.upstream(node.unique_id)):
            edges = graph.edges_between(up, node.unique_id)
            mark = " (hard-coded)" if any(e.hard_coded for e in edges) else ""
            reads.append(graph.nodes[up].label + mark)
        lines.append(f"{node.label} [{owner}]" + (f" <- {', '.join(reads)}" if reads else ""))
    lines.extend(f"cycle ({c.kind}s): {describe(graph, c)}" for c in graph.cycles())
    return "\n".join(lines) + "\n"


def nodes_json(graph: DependencyGraph) -> str:
    return (
        json.dumps(
            {
                "nodes": [_node_json(n) for n in _ordered(graph)],
                "edges": [_edge_json(e) for e in graph.edges],
                "cycles": [_cycle_json(graph, c) for c in graph.cycles()],
                "problems": list(graph.problems),
            },
            indent=2,
        )
        + "\n"
    )


def _by_team(graph: DependencyGraph) -> dict[str, list[GraphNode]]:
    teams: dict[str, list[GraphNode]] = {}
    for node in _ordered(graph):
        teams.setdefault(node.team or "", []).append(node)
    return teams


def _edge_style(graph: DependencyGraph, up: str, down: str) -> tuple[bool, bool]:
    edges = graph.edges_between(up, down)
    return any(e.hard_coded for e in edges), any(e.kind == "exposure" for e in edges)


def nodes_dot(graph: DependencyGraph) -> str:
    lines = ["digraph steward {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
    for team, nodes in _by_team(graph).items():
        indent = "  "
        if team:
            lines.append(f"  subgraph {_quote('cluster_' + team)} {{")
            lines.append(f"    label={_quote(team)};")
            indent = "    "
        for node in nodes:
            attrs = [f"label={_quote(node.label)}"]
            if node.resource_type in _SHAPES:
                attrs.append(f"shape={_SHAPES[node.resource_type]}")
            if node.access == "public":
                attrs.append("penwidth=2")
            lines.append(f"{indent}{_quote(node.unique_id)} [{', '.join(attrs)}];")
        if team:
            lines.append("  }")
    for up, down in graph.digraph.edges:
        hard, exposure = _edge_style(graph, up, down)
        style = (
            ' [style=dashed, color=red, label="hard-coded"]'
            if hard
            else (" [style=dotted]" if exposure else "")
        )
        lines.append(f"  {_quote(up)} -> {_quote(down)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def nodes_mermaid(graph: DependencyGraph) -> str:
    shapes = {
        "source": ("[(", ")]"),
        "exposure": ("{{", "}}"),
        "seed": ("[/", "/]"),
        "snapshot": ("[[", "]]"),
    }
    lines = ["flowchart LR"]
    for team, nodes in _by_team(graph).items():
        if team:
            lines.append(f"  subgraph {_safe_id('team_' + team)}[{team}]")
        for node in nodes:
            left, right = shapes.get(node.resource_type, ("[", "]"))
            lines.append(f'    {_safe_id(node.unique_id)}{left}"{node.label}"{right}')
        if team:
            lines.append("  end")
    for up, down in graph.digraph.edges:
        hard, exposure = _edge_style(graph, up, down)
        arrow = "-. hard-coded .->" if hard else ("-.->" if exposure else "-->")
        lines.append(f"  {_safe_id(up)} {arrow} {_safe_id(down)}")
    return "\n".join(lines) + "\n"


# ---- the team graph ----------------------------------------------------------------------
def _team_edges(graph: DependencyGraph) -> list[tuple[str, str, list[Edge], bool]]:
    return [
        (up, down, data["edges"], data["hard_coded"])
        for up, down, data in sorted(graph.team_graph.edges(data=True))
    ]


def teams_text(graph: DependencyGraph) -> str:
    names = {uid: node.label for uid, node in graph.nodes.items()}
    lines = []
    for up, down, edges, hard in _team_edges(graph):
        pairs = ", ".join(f"{names[e.upstream]} -> {names[e.downstream]}" for e in edges)
        lines.append(f"{up} -> {down}{' (hard-coded)' if hard else ''}: {pairs}")
    for team in sorted(graph.team_graph):
        if graph.team_graph.degree(team) == 0:
            lines.append(f"{team} (no dependencies on other teams)")
    lines.extend(f"cycle: {describe(graph, c)}" for c in graph.cycles() if c.kind == "team")
    return "\n".join(lines) + "\n"


def teams_json(graph: DependencyGraph) -> str:
    registry = graph.registry
    teams = []
    for team in sorted(graph.team_graph):
        entry = registry.team(team) if registry else None
        teams.append(
            {
                "id": team,
                "name": entry.name if entry else None,
                "contact": entry.contact if entry else None,
                "channel": entry.channel if entry else None,
                "nodes": sum(1 for n in graph.nodes.values() if n.team == team),
            }
        )
    edges = [
        {
            "producer": up,
            "consumer": down,
            "hard_coded": hard,
            "models": [[e.upstream, e.downstream] for e in edges],
        }
        for up, down, edges, hard in _team_edges(graph)
    ]
    cycles = [_cycle_json(graph, c) for c in graph.cycles() if c.kind == "team"]
    return json.dumps({"teams": teams, "edges": edges, "cycles": cycles}, indent=2) + "\n"


def teams_dot(graph: DependencyGraph) -> str:
    lines = ["digraph teams {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
    lines.extend(f"  {_quote(team)};" for team in sorted(graph.team_graph))
    for up, down, edges, hard in _team_edges(graph):
        style = ", style=dashed, color=red" if hard else ""
        lines.append(f"  {_quote(up)} -> {_quote(down)} [label={_quote(str(len(edges)))}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def teams_mermaid(graph: DependencyGraph) -> str:
    lines = ["flowchart LR"]
    lines.extend(f"  {_safe_id(team)}[{team}]" for team in sorted(graph.team_graph))
    for up, down, edges, hard in _team_edges(graph):
        arrow = f"-. {len(edges)} hard-coded .->" if hard else f"-- {len(edges)} -->"
        lines.append(f"  {_safe_id(up)} {arrow} {_safe_id(down)}")
    return "\n".join(lines) + "\n"


def order_text(order: tuple[str, ...]) -> str:
    return "".join(f"{i}. {team}\n" for i, team in enumerate(order, 1))


def order_json(order: tuple[str, ...]) -> str:
    return json.dumps({"order": list(order)}, indent=2) + "\n"


NODE_WRITERS: dict[str, Callable[[DependencyGraph], str]] = {
    "text": nodes_text,
    "json": nodes_json,
    "dot": nodes_dot,
    "mermaid": nodes_mermaid,
}
TEAM_WRITERS: dict[str, Callable[[DependencyGraph], str]] = {
    "text": teams_text,
    "json": teams_json,
    "dot": teams_dot,
    "mermaid": teams_mermaid,
}
ORDER_WRITERS: dict[str, Callable[[tuple[str, ...]], str]] = {
    "text": order_text,
    "json": order_json,
}
