"""The team graph and build order, from dbt's manifest.

A team depends on another when one of its models reads one of the other's. Teams are
built producers first; ties are broken by name so the order is stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from steward.errors import UserError


def node_team(node: Mapping[str, Any]) -> str | None:
    """The owning team of a manifest node: its group, else the team folder of its path."""
    group = node.get("group") or (node.get("config") or {}).get("group")
    if group:
        return str(group)
    fqn = node.get("fqn") or []
    return str(fqn[2]) if len(fqn) >= 4 else None


def team_graph(manifest: Mapping[str, Any]) -> nx.DiGraph:
    """Edges producer -> consumer between teams, each labelled with the model pairs."""
    nodes = manifest.get("nodes", {})
    graph: nx.DiGraph = nx.DiGraph()
    for node in nodes.values():
        if node.get("resource_type") != "model":
            continue
        consumer = node_team(node)
        if consumer is None:
            continue
        graph.add_node(consumer)
        for parent_id in node.get("depends_on", {}).get("nodes", []):
            parent = nodes.get(parent_id)
            if parent is None or parent.get("resource_type") != "model":
                continue
            producer = node_team(parent)
            if producer is None or producer == consumer:
                continue
            graph.add_node(producer)
            if graph.has_edge(producer, consumer):
                graph[producer][consumer]["models"].append((parent_id, node["unique_id"]))
            else:
                graph.add_edge(producer, consumer, models=[(parent_id, node["unique_id"])])
    return graph


def build_order(graph: nx.DiGraph) -> list[str]:
    """Teams, producers before consumers; a cycle is a clear error naming it."""
    try:
        return list(nx.lexicographical_topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = nx.find_cycle(graph)
        path = " -> ".join([edge[0] for edge in cycle] + [cycle[0][0]])
        raise UserError(
            f"the teams depend on each other in a cycle: {path} (rule DEP001)"
        ) from None
