"""DEP001: a cycle, between models or between teams."""

from __future__ import annotations

from collections.abc import Iterator

from steward.graph import Edge, describe
from steward.lint.context import LintContext
from steward.lint.rule import Violation, rule
from steward.project.model import Position


def _position(ctx: LintContext, edge: Edge) -> Position | None:
    """Where the downstream node reads the upstream one: the read lint located (a `ref()`
    call or the hard-coded name), else the edge's own position."""
    facts = ctx.facts.get(edge.downstream)
    if facts is None:
        return edge.position
    reads = [r for r in facts.reads if r.target == edge.upstream]
    preferred = [r for r in reads if (r.ref is None) == edge.hard_coded] or reads
    return preferred[0].position if preferred else edge.position or facts.node.position


@rule(
    "DEP001",
    "a cycle, between models or between teams (hard-coded references included)",
    graph=True,
)
def check(ctx: LintContext) -> Iterator[Violation]:
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
    graph = ctx.dependency_graph
    for cycle in graph.cycles():
        closing = cycle.edges[-1]
        facts = ctx.facts.get(closing.downstream)
        position = _position(ctx, closing)
        if facts is None or position is None:
            continue
        what = "models" if cycle.kind == "model" else "teams"
        yield Violation(
            position,
            f"{what} form a cycle: {describe(graph, cycle)}",
            facts.node,
        )


RULE = check
