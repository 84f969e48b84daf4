"""Following lineage across the project: everything a column comes from, or everything
that depends on it (columns computed from it, nodes that filter, join, group or
partition on it, and the exposures reached).

A whole-node ref (`node.*`) stands for "every row and column of the node": a node that
uses a column in a join or filter depends on it as a whole, and so does every node that
reads it (downstream of a whole node, lineage is followed model by model); a column whose
lineage is unresolved depends on the whole of its inputs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from steward.lineage.model import WHOLE, ColumnRef
from steward.lineage.project import ProjectLineage

UPSTREAM = "upstream"
DOWNSTREAM = "downstream"


@dataclass(frozen=True, order=True)
class TraceEdge:
    """`target` is derived from (`kind` projection) or depends on (`kind` a use kind or
    `exposure`) `source`."""

    source: ColumnRef
    target: ColumnRef
    kind: str = "projection"


@dataclass(frozen=True)
class Trace:
    roots: tuple[ColumnRef, ...]
    direction: str
    edges: tuple[TraceEdge, ...]

    @property
    def refs(self) -> tuple[ColumnRef, ...]:
        seen = dict.fromkeys(self.roots)
        for edge in self.edges:
            seen.setdefault(edge.source)
            seen.setdefault(edge.target)
        return tuple(seen)

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref.node for ref in self.refs))

    def children(self, ref: ColumnRef) -> tuple[TraceEdge, ...]:
        """The next step away from the roots."""
        if self.direction == UPSTREAM:
            return tuple(e for e in self.edges if e.target == ref)
        return tuple(e for e in self.edges if e.source == ref)


def _upstream_steps(lineage: ProjectLineage, ref: ColumnRef) -> Iterator[TraceEdge]:
    graph = lineage.graph
    node = graph.nodes.get(ref.node)
    if node is not None and node.resource_type == "exposure":
        # an exposure has no columns: it depends on the whole of what it names
        for up in sorted(graph.upstream(ref.node)):
            yield TraceEdge(ColumnRef(up, WHOLE), ref, "exposure")
        return
    if ref.whole:
        model = lineage.models.get(ref.node)
        ups = {s.node for c in model.columns for s in c.sources} if model else set()
        ups |= {u.ref.node for u in model.uses} if model else set()
        for up in sorted(ups):
            yield TraceEdge(ColumnRef(up, WHOLE), ref)
        return
    column = lineage.column(ref)
    if column is None:
        return
    for source in column.sources:
        yield TraceEdge(source, ref)


def _downstream_steps(
    lineage: ProjectLineage, ref: ColumnRef, whole_models: bool = True
) -> Iterator[TraceEdge]:
    graph = lineage.graph
    if ref.node not in graph.digraph:
        return
    if ref.whole:
        # every row of the node may change: every node reading it is affected, as a whole
        for down in sorted(graph.downstream(ref.node)):
            kind = "exposure" if graph.nodes[down].resource_type == "exposure" else "model"
            if kind == "exposure" or whole_models:
                yield TraceEdge(ref, ColumnRef(down, WHOLE), kind)
        return
    for consumer in lineage.consumers.get(ref, ()):
        yield TraceEdge(ref, consumer)
    for consumer in lineage.consumers.get(ColumnRef(ref.node, WHOLE), ()):
        yield TraceEdge(ref, consumer)
    for user, kind in lineage.users.get(ref, ()):
        yield TraceEdge(ref, ColumnRef(user, WHOLE), kind)
    for down in graph.downstream(ref.node):
        if graph.nodes[down].resource_type == "exposure":
            yield TraceEdge(ref, ColumnRef(down, WHOLE), "exposure")


def trace(
    lineage: ProjectLineage,
    roots: Iterable[ColumnRef],
    direction: str,
    depth: int | None = None,
    whole_models: bool = True,
) -> Trace:
    """Every edge reachable from `roots` in `direction` (within `depth` steps if given).
    Downstream, `whole_models=False` stops at a node that depends on a column as a whole
    (by a filter or join) instead of following every node that reads it."""

    def step(lineage: ProjectLineage, ref: ColumnRef) -> Iterator[TraceEdge]:
        if direction == UPSTREAM:
            return _upstream_steps(lineage, ref)
        return _downstream_steps(lineage, ref, whole_models)

    roots = tuple(roots)
    edges: dict[TraceEdge, None] = {}
    seen = set(roots)
    queue = deque((root, 0) for root in roots)
    while queue:
        ref, level = queue.popleft()
        if depth is not None and level >= depth:
            continue
        for edge in step(lineage, ref):
            if edge.source == edge.target:
                continue
            edges.setdefault(edge)
            following = edge.source if direction == UPSTREAM else edge.target
            if following not in seen:
                seen.add(following)
                queue.append((following, level + 1))
    return Trace(roots, direction, tuple(edges))


def model_refs(lineage: ProjectLineage, unique_id: str) -> tuple[ColumnRef, ...]:
    """Every known column of a node, or the whole node when none is known."""
    names = lineage.columns_of(unique_id)
    return tuple(ColumnRef(unique_id, n) for n in names) or (ColumnRef(unique_id, WHOLE),)
