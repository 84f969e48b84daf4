"""Cycles between models and between teams (rule DEP001), and the team build order.

A cycle is reported once per strongly connected component, starting at its smallest
name so the same cycle always reads the same way.
"""

from __future__ import annotations

from steward.errors import UserError
from steward.graph.model import BUILDABLE, Cycle, DependencyGraph


def _rotated(cycle: list[tuple[str, str]], key: dict[str, str]) -> list[tuple[str, str]]:
    start = min(range(len(cycle)), key=lambda i: key.get(cycle[i][0], cycle[i][0]))
    return cycle[start:] + cycle[:start]


def model_cycles(graph: DependencyGraph) -> tuple[Cycle, ...]:
    import networkx as nx

    buildable = graph.digraph.subgraph(
        uid for uid, node in graph.nodes.items() if node.resource_type in BUILDABLE
    )
    names = {uid: node.name for uid, node in graph.nodes.items()}
    found = []
    for component in nx.strongly_connected_components(buildable):
        if len(component) < 2:
            continue
        hops = _rotated(list(nx.find_cycle(buildable.subgraph(component))), names)
        path = (*(up for up, _ in hops), hops[0][0])
        edges = tuple(graph.edges_between(up, down)[0] for up, down in hops)
        found.append(Cycle("model", path, edges))
    return tuple(sorted(found, key=lambda c: [names[u] for u in c.path]))


def team_cycles(graph: DependencyGraph) -> tuple[Cycle, ...]:
    import networkx as nx

    teams = graph.team_graph
    found = []
    for component in nx.strongly_connected_components(teams):
        if len(component) < 2:
            continue
        hops = _rotated(list(nx.find_cycle(teams.subgraph(component))), {})
        path = (*(up for up, _ in hops), hops[0][0])
        edges = tuple(teams.edges[up, down]["edges"][0] for up, down in hops)
        found.append(Cycle("team", path, edges))
    return tuple(sorted(found, key=lambda c: c.path))


def find_cycles(graph: DependencyGraph) -> tuple[Cycle, ...]:
    return (*model_cycles(graph), *team_cycles(graph))


def describe(graph: DependencyGraph, cycle: Cycle) -> str:
    """`a -> b -> a` for models; `t1 -> t2 (m1 -> m2); t2 -> t1 (m3 -> m4)` for teams."""
    name = {uid: node.name for uid, node in graph.nodes.items()}
    if cycle.kind == "model":
        return " -> ".join(name[uid] for uid in cycle.path)
    return "; ".join(
        f"{up} -> {down} ({name[edge.upstream]} -> {name[edge.downstream]}"
        f"{', hard-coded' if edge.hard_coded else ''})"
        for up, down, edge in zip(cycle.path[:-1], cycle.path[1:], cycle.edges, strict=True)
    )


def team_order(graph: DependencyGraph) -> tuple[str, ...]:
    """Teams, producers before consumers, ties by name; a cycle is a `UserError` naming it."""
    cycles = team_cycles(graph)
    if cycles:
        raise UserError(
            f"the teams depend on each other in a cycle: {describe(graph, cycles[0])} "
            "(rule DEP001); no build order exists"
        )
    import networkx as nx

    return tuple(nx.lexicographical_topological_sort(graph.team_graph))
