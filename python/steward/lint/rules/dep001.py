"""DEP001: a cycle, between models or between teams."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext, Read
from steward.lint.finding import Finding
from steward.lint.rule import rule


def _name(ctx: LintContext, unique_id: str) -> str:
    facts = ctx.facts.get(unique_id)
    return facts.node.name if facts else unique_id.split(".", 2)[-1]


@rule("DEP001", "a cycle, between models or between teams (hard-coded references included)",
      graph=True)
def check(ctx: LintContext) -> Iterator[Finding]:
    """What it does:
        Builds the dependency graph from `ref()`, `source()` and hard-coded relation names
        and reports every cycle between models, and every cycle between teams (team A
        reads team B which reads team A), with the path of the cycle.

    Why is this bad?
        dbt refuses a cycle of `ref()`s, but a cycle through a hard-coded name builds in an
        arbitrary order and reads stale data. A cycle between teams means neither team
        can build, change or recover alone: their schedules are welded together.

    Example:
        ```text
        silver_platform__meters -> gold_commercial_analytics__tariffs -> silver_platform__meters
        ```

    Use instead:
        Move the shared logic down a layer (both read one silver model), so dependencies
        point one way: bronze -> silver -> gold, producer -> consumer.
    """
    import networkx as nx

    graph = ctx.graph
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        cycle = nx.find_cycle(graph.subgraph(component))
        start = min(range(len(cycle)), key=lambda i: _name(ctx, cycle[i][0]))
        cycle = cycle[start:] + cycle[:start]
        path = " -> ".join([_name(ctx, u) for u, _ in cycle] + [_name(ctx, cycle[0][0])])
        upstream, downstream = cycle[-1]
        read: Read = graph.edges[upstream, downstream]["read"]
        node = ctx.facts[downstream].node
        yield ctx.finding("DEP001", "error", read.position,
                          f"models form a cycle: {path}", node)

    teams = nx.DiGraph()
    for edge in ctx.edges:
        up, down = ctx.team_of(edge.upstream), ctx.team_of(edge.downstream)
        if up and down and up != down and not teams.has_edge(up, down):
            teams.add_edge(up, down, edge=edge)
    for component in nx.strongly_connected_components(teams):
        if len(component) < 2:
            continue
        cycle = nx.find_cycle(teams.subgraph(component))
        start = min(range(len(cycle)), key=lambda i: cycle[i][0])
        cycle = cycle[start:] + cycle[:start]
        hops = []
        for up, down in cycle:
            edge = teams.edges[up, down]["edge"]
            hops.append(f"{up} -> {down} ({_name(ctx, edge.upstream)} -> "
                        f"{_name(ctx, edge.downstream)})")
        last = teams.edges[cycle[-1][0], cycle[-1][1]]["edge"]
        node = ctx.facts[last.downstream].node
        yield ctx.finding("DEP001", "error", last.read.position,
                          f"teams form a cycle: {'; '.join(hops)}", node)


RULE = check
