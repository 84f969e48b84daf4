"""The graphs of a page: a node's neighbourhood (upstream and downstream, by hops, with
counts) and a column's upstream lineage with the columns used in filters and joins on
the way. Both are laid out here (`steward.docs.layout`); the browser only draws them."""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from steward.docs.layout import layered
from steward.docs.model import ColumnTrace, GraphEdge, GraphItem, GraphView
from steward.graph import DependencyGraph
from steward.lineage import UPSTREAM, ColumnRef, ColumnUse, ProjectLineage, TraceEdge, trace

MAX_NODES = 300
"""Nodes a neighbourhood shows at most (half upstream, half downstream)."""
MAX_COLUMNS = 160
"""Column items a column trace shows at most."""


def _reach(
    start: str, step: Callable[[str], Iterator[str]], limit: int
) -> tuple[dict[str, int], int]:
    """Hops of the nodes reached from `start` (at most `limit` kept), and how many there
    are in all."""
    hops: dict[str, int] = {}
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        node, hop = queue.popleft()
        for other in sorted(step(node)):
            if other in seen:
                continue
            seen.add(other)
            if len(hops) < limit:
                hops[other] = hop + 1
            queue.append((other, hop + 1))
    return hops, len(seen) - 1


def neighbourhood(
    graph: DependencyGraph, unique_id: str, pages: Mapping[str, str], limit: int = MAX_NODES
) -> GraphView:
    up, up_total = _reach(unique_id, graph.upstream, limit // 2)
    down, down_total = _reach(unique_id, graph.downstream, limit // 2)
    # sorted: the graph's edge order follows what the SQL analysis yields, which may
    # vary between runs; the page's bytes must not
    hops = dict(sorted({unique_id: 0, **{n: -h for n, h in up.items()}, **down}.items()))
    edges = [
        GraphEdge(a, b, graph.digraph.edges[a, b]["edges"][0].kind)
        for a in hops
        for b in sorted(graph.digraph.successors(a))
        if b in hops and (hops[a] < hops[b] or (hops[a] == hops[b] == 0))
    ]
    positions = layered(
        hops, [(e.source, e.target) for e in edges], lambda n: str(n), fixed_columns=hops
    )
    items = []
    for node_id, hop in hops.items():
        node = graph.nodes[node_id]
        x, y = positions[node_id]
        items.append(
            GraphItem(
                node_id,
                node.label,
                node.resource_type,
                x,
                y,
                pages.get(node_id),
                node.team,
                node.layer,
                hop,
            )
        )
    return GraphView(
        tuple(items),
        tuple(edges),
        up_total,
        down_total,
        truncated=len(up) < up_total or len(down) < down_total,
    )


def _key(ref: ColumnRef) -> str:
    return f"{ref.node}|{ref.column}"


def _ref_order(ref: ColumnRef) -> tuple[str, str]:
    """`ColumnRef`'s own order, as a key (comparing the records is many times slower)."""
    return ref.node, ref.column


def _edge_order(edge: TraceEdge) -> tuple[str, str, str, str, str]:
    return edge.source.node, edge.source.column, edge.target.node, edge.target.column, edge.kind


Use = tuple[ColumnRef, str, str]
"""A use of a column: the column, its key, the kind of use."""
_SORTED_USES: weakref.WeakKeyDictionary[ProjectLineage, dict[str, list[Use]]] = (
    weakref.WeakKeyDictionary()
)


def _sorted_uses(lineage: ProjectLineage, model_id: str) -> list[Use]:
    """The uses of a model, sorted once per lineage (every trace through it asks)."""
    by_model = _SORTED_USES.setdefault(lineage, {})
    found = by_model.get(model_id)
    if found is None:
        model = lineage.models.get(model_id)
        uses: tuple[ColumnUse, ...] = model.uses if model is not None else ()
        ordered = sorted(uses, key=lambda u: (*_ref_order(u.ref), u.kind))
        found = by_model[model_id] = [(u.ref, _key(u.ref), u.kind) for u in ordered]
    return found


def _columns(
    roles: Mapping[ColumnRef, str], edges: Mapping[tuple[str, str], str]
) -> dict[str, int]:
    """Columns of a trace's items: the longest projection path from the root, leftwards;
    a used column just left of the column it is used for."""
    depth = {_key(ref): 0 for ref, role in roles.items() if role == "root"}
    projections = [(a, b) for (a, b), kind in edges.items() if kind == "projection"]
    changed = True
    while changed:
        changed = False
        for source, target in projections:
            if target in depth and depth.get(source, -1) < depth[target] + 1 <= len(roles):
                depth[source] = depth[target] + 1
                changed = True
    for (source, target), kind in edges.items():
        if kind != "projection" and source not in depth:
            depth[source] = depth.get(target, 0) + 1
    deepest = max(depth.values(), default=0)
    return {key: deepest - depth.get(key, deepest) for key in map(_key, roles)}


def _nearest_first(edges: Iterable[TraceEdge], root: ColumnRef) -> list[TraceEdge]:
    """`edges` of an upstream trace from `root`, step by step away from it and sorted
    within a step: what a cut keeps must not depend on the order lineage found them."""
    into: dict[ColumnRef, list[TraceEdge]] = {}
    for edge in edges:
        into.setdefault(edge.target, []).append(edge)
    ordered: list[TraceEdge] = []
    seen = {root}
    level = [root]
    while level:
        step = sorted((e for ref in level for e in into.get(ref, ())), key=_edge_order)
        ordered.extend(step)
        level = sorted({e.source for e in step} - seen, key=_ref_order)
        seen.update(level)
    return ordered


def _trace(
    lineage: ProjectLineage, root: ColumnRef, limit: int
) -> tuple[dict[ColumnRef, str], dict[tuple[str, str], str], bool]:
    """The items of one column's trace with their role, its edges, and whether some were
    left out (past `limit`)."""
    found = trace(lineage, (root,), UPSTREAM)
    roles: dict[ColumnRef, str] = {root: "root"}
    edges: dict[tuple[str, str], str] = {}
    for edge in _nearest_first(found.edges, root):
        if len(roles) >= limit and (edge.source not in roles or edge.target not in roles):
            continue
        roles.setdefault(edge.source, "upstream")
        roles.setdefault(edge.target, "upstream")
        edges[(_key(edge.source), _key(edge.target))] = edge.kind
    firsts: dict[str, ColumnRef] = {}
    for ref in roles:
        firsts.setdefault(ref.node, ref)
    for model_id, into in firsts.items():
        if model_id not in lineage.models:
            continue
        into_key = _key(into)
        for ref, key, kind in _sorted_uses(lineage, model_id):
            if len(roles) >= limit and ref not in roles:
                break
            roles.setdefault(ref, "used")
            edges.setdefault((key, into_key), kind)
    return roles, edges, len(found.edges) > len(edges)


def column_traces(
    lineage: ProjectLineage,
    unique_id: str,
    columns: Sequence[str],
    pages: Mapping[str, str],
    limit: int = MAX_COLUMNS,
) -> tuple[GraphView, dict[str, ColumnTrace]]:
    """Each column of `unique_id` and everything it comes from, with the columns its
    model and the models it comes through use in filters, joins, group by and windows.
    One graph holds them all, laid out once; each column's trace names its items."""
    everything: dict[ColumnRef, str] = {}
    edges: dict[tuple[str, str], str] = {}
    traces: dict[str, tuple[dict[ColumnRef, str], bool]] = {}
    for column in columns:
        roles, found, cut = _trace(lineage, ColumnRef(unique_id, column), limit)
        for ref, role in roles.items():
            if everything.get(ref) != "root":
                everything[ref] = "root" if role == "root" else everything.get(ref, role)
        edges.update(found)
        traces[column] = roles, cut
    # sorted: what lineage yields in a varying order must not change the page's bytes
    everything = dict(sorted(everything.items(), key=lambda item: _ref_order(item[0])))
    edges = dict(sorted(edges.items()))
    keys = {_key(ref): ref for ref in everything}
    positions = layered(keys, list(edges), sort_key=str, fixed_columns=_columns(everything, edges))
    graph = lineage.graph
    items = []
    labels: dict[ColumnRef, str] = {}
    for key, ref in keys.items():
        node = graph.nodes.get(ref.node)
        labels[ref] = f"{node.label if node else ref.node}.{ref.column}"
        x, y = positions[key]
        items.append(
            GraphItem(
                key,
                labels[ref],
                node.resource_type if node else "column",
                x,
                y,
                pages.get(ref.node),
                node.team if node else None,
                node.layer if node else None,
            )
        )
    view = GraphView(tuple(items), tuple(GraphEdge(a, b, k) for (a, b), k in edges.items()))
    return view, {
        column: ColumnTrace(
            column,
            tuple(sorted(labels[r] for r, role in roles.items() if role == "upstream")),
            tuple(sorted(labels[r] for r, role in roles.items() if role == "used")),
            {_key(r): role for r, role in sorted(roles.items(), key=lambda i: _ref_order(i[0]))},
            cut,
        )
        for column, (roles, cut) in traces.items()
    }
