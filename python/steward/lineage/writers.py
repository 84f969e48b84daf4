"""Lineage as text (a tree), JSON, Mermaid or Graphviz dot; and a node's or column's own
lineage (what it is computed from, what it uses) as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from steward.lineage.model import WHOLE, ColumnLineage, ColumnRef
from steward.lineage.project import ProjectLineage
from steward.lineage.trace import UPSTREAM, Trace


def ref_label(lineage: ProjectLineage, ref: ColumnRef) -> str:
    node = lineage.graph.nodes.get(ref.node)
    name = node.label if node else ref.node
    if node is not None and node.resource_type == "exposure":
        return name
    return name if ref.whole else f"{name}.{ref.column}"


def exposure_title(lineage: ProjectLineage, unique_id: str) -> str:
    """An exposure's label and URL as a person reads them: `LU dashboard <https://...>`
    ('' for a node that is not an exposure, or one that declares neither)."""
    exposure = lineage.exposures.get(unique_id)
    if exposure is None:
        return ""
    return " ".join(x for x in (exposure.label, f"<{exposure.url}>" if exposure.url else "") if x)


def _exposure_fields(lineage: ProjectLineage, unique_id: str) -> dict[str, str | None]:
    """`label` and `url` of an exposure (None for other nodes, and when not declared)."""
    exposure = lineage.exposures.get(unique_id)
    if exposure is None:
        return {"label": None, "url": None}
    return {"label": exposure.label or None, "url": exposure.url or None}


def _annotation(lineage: ProjectLineage, ref: ColumnRef, kind: str | None = None) -> str:
    node = lineage.graph.nodes.get(ref.node)
    parts: list[str] = []
    if node is not None and node.resource_type == "exposure":
        parts.append(f"exposure: {node.materialized or 'unknown type'}")
    elif node is not None and node.resource_type == "source":
        parts.append("source")
    if node is not None and node.team:
        parts.append(node.team)
    title = exposure_title(lineage, ref.node)
    if title:
        parts.append(title)
    shown = [
        k.replace("_", " ")
        for k in (kind or "").split(", ")
        if k and k not in ("projection", "exposure", "model")
    ]
    if shown:
        parts.append(", ".join(shown))
    column = lineage.column(ref) if not ref.whole else None
    if column is not None and (node is None or node.resource_type != "source"):
        parts.append(column.transform)
        if column.data_type:
            parts.append(column.data_type)
        if not column.resolved:
            parts.append("unresolved")
    if ref.whole and (node is None or node.resource_type != "exposure"):
        parts.append("whole node")
    return f"  [{' · '.join(parts)}]" if parts else ""


# ---- traces ------------------------------------------------------------------------------
def trace_text(lineage: ProjectLineage, trace: Trace) -> str:
    lines: list[str] = []
    expanded: set[ColumnRef] = set()

    def walk(ref: ColumnRef, prefix: str, kind: str | None) -> None:
        children = trace.children(ref)
        again = ref in expanded and children
        lines.append(
            f"{ref_label(lineage, ref)}{_annotation(lineage, ref, kind)}"
            f"{'  (see above)' if again else ''}"
        )
        if again:
            return
        expanded.add(ref)
        kinds: dict[ColumnRef, list[str]] = {}
        for edge in children:
            child = edge.source if trace.direction == UPSTREAM else edge.target
            kinds.setdefault(child, []).append(edge.kind)
        following = sorted(
            ((child, ", ".join(k)) for child, k in kinds.items()),
            key=lambda item: ref_label(lineage, item[0]),
        )
        for index, (child, child_kind) in enumerate(following):
            last = index == len(following) - 1
            lines.append(prefix + ("└── " if last else "├── "))
            start = len(lines) - 1
            walk(child, prefix + ("    " if last else "│   "), child_kind)
            lines[start] += lines.pop(start + 1)

    for root in trace.roots:
        walk(root, "", None)
    roots = {r.node for r in trace.roots}
    exposures = sorted(
        {
            r.node
            for r in trace.refs
            if r.node not in roots
            and lineage.graph.nodes.get(r.node) is not None
            and lineage.graph.nodes[r.node].resource_type == "exposure"
        }
    )
    if exposures:
        lines.append(f"exposures reached: {_exposure_names(lineage, exposures)}")
    notes = _notes(lineage, trace)
    lines.extend(f"note: {n}" for n in notes)
    return "\n".join(lines) + "\n"


def _exposure_names(lineage: ProjectLineage, exposures: Iterable[str]) -> str:
    """`lu_dashboard (LU dashboard <https://...>), ...`"""
    named = []
    for unique_id in exposures:
        title = exposure_title(lineage, unique_id)
        named.append(lineage.graph.nodes[unique_id].label + (f" ({title})" if title else ""))
    return ", ".join(named)


def _notes(lineage: ProjectLineage, trace: Trace) -> list[str]:
    notes: list[str] = []
    for node in trace.nodes:
        model = lineage.models.get(node)
        if model is None:
            continue
        label = lineage.graph.nodes[node].label
        notes.extend(f"{label}: {p}" for p in model.problems)
    return list(dict.fromkeys(notes))


def _ref_json(lineage: ProjectLineage, ref: ColumnRef) -> dict[str, Any]:
    node = lineage.graph.nodes.get(ref.node)
    column = lineage.column(ref) if not ref.whole else None
    return {
        "id": f"{ref.node}.{ref.column}" if not ref.whole else ref.node,
        "node": ref.node,
        "column": None if ref.whole else ref.column,
        "name": ref_label(lineage, ref),
        "resource_type": node.resource_type if node else None,
        "team": node.team if node else None,
        "access": node.access if node else None,
        "transform": column.transform if column else None,
        "data_type": column.data_type if column else None,
        "expression": column.expression if column else None,
        "resolved": column.resolved if column else None,
        **_exposure_fields(lineage, ref.node),
    }


def trace_json(lineage: ProjectLineage, trace: Trace) -> str:
    ids = {ref: _ref_json(lineage, ref)["id"] for ref in trace.refs}
    return (
        json.dumps(
            {
                "direction": trace.direction,
                "roots": [ids[r] for r in trace.roots],
                "nodes": [_ref_json(lineage, ref) for ref in trace.refs],
                "edges": [
                    {"from": ids[e.source], "to": ids[e.target], "kind": e.kind}
                    for e in trace.edges
                ],
                "notes": _notes(lineage, trace),
            },
            indent=2,
        )
        + "\n"
    )


def _numbered(trace: Trace) -> dict[ColumnRef, str]:
    return {ref: f"n{i}" for i, ref in enumerate(trace.refs)}


def trace_mermaid(lineage: ProjectLineage, trace: Trace) -> str:
    ids = _numbered(trace)
    lines = ["flowchart LR"]
    for ref, key in ids.items():
        label = ref_label(lineage, ref).replace('"', "'")
        extra = _exposure_fields(lineage, ref.node)
        if extra["label"]:
            label += "<br/>" + extra["label"].replace('"', "'")
        node = lineage.graph.nodes.get(ref.node)
        shape = (
            ("{{", "}}")
            if node is not None and node.resource_type == "exposure"
            else ("[(", ")]")
            if node is not None and node.resource_type == "source"
            else ("[", "]")
        )
        lines.append(f'  {key}{shape[0]}"{label}"{shape[1]}')
        if extra["url"]:
            lines.append(f'  click {key} "{extra["url"]}" _blank')
    for edge in trace.edges:
        arrow = "-->" if edge.kind == "projection" else f"-. {edge.kind} .->"
        lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
    return "\n".join(lines) + "\n"


def trace_dot(lineage: ProjectLineage, trace: Trace) -> str:
    ids = _numbered(trace)
    lines = ["digraph lineage {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
    for ref, key in ids.items():
        extra = _exposure_fields(lineage, ref.node)
        label = "\\n".join(x for x in (ref_label(lineage, ref), extra["label"]) if x)
        label = label.replace('"', '\\"')
        link = f', URL="{extra["url"]}"' if extra["url"] else ""
        lines.append(f'  {key} [label="{label}"{link}];')
    for edge in trace.edges:
        style = "" if edge.kind == "projection" else f' [style=dashed, label="{edge.kind}"]'
        lines.append(f"  {ids[edge.source]} -> {ids[edge.target]}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


TRACE_WRITERS: dict[str, Callable[[ProjectLineage, Trace], str]] = {
    "text": trace_text,
    "json": trace_json,
    "mermaid": trace_mermaid,
    "dot": trace_dot,
}


# ---- one node or column --------------------------------------------------------------------
def _sources(lineage: ProjectLineage, column: ColumnLineage) -> str:
    return ", ".join(ref_label(lineage, s) for s in column.sources) or "-"


def _column_json(lineage: ProjectLineage, column: ColumnLineage) -> dict[str, Any]:
    return {
        "name": column.name,
        "transform": column.transform,
        "data_type": column.data_type,
        "expression": column.expression,
        "resolved": column.resolved,
        "note": column.note,
        "sources": [_ref_json(lineage, s)["id"] for s in column.sources],
    }


def describe_text(lineage: ProjectLineage, unique_id: str, column: str | None) -> str:
    graph = lineage.graph
    node = graph.nodes[unique_id]
    model = lineage.models.get(unique_id)
    owner = ", ".join(x for x in (node.resource_type, node.team, node.access) if x)
    if column is not None:
        ref = ColumnRef(unique_id, column)
        found = lineage.column(ref)
        lines = [f"{ref_label(lineage, ref)} ({owner})"]
        if found is not None:
            if found.expression:
                lines.append(f"  = {found.expression}")
            lines.append(
                f"  transform: {found.transform}"
                + (f", type: {found.data_type}" if found.data_type else "")
            )
            lines.append(f"  from: {_sources(lineage, found)}")
            if found.note:
                lines.append(f"  note: {found.note}")
        consumers = [ref_label(lineage, c) for c in lineage.consumers.get(ref, ())]
        users = [
            f"{graph.nodes[u].label} ({k.replace('_', ' ')})" for u, k in lineage.users.get(ref, ())
        ]
        lines.append(f"  feeds: {', '.join(consumers) or '-'}")
        if users:
            lines.append(f"  used by: {', '.join(users)}")
        exposures = graph.exposures_reached({unique_id})
        if exposures:
            lines.append(f"  exposures reached: {_exposure_names(lineage, exposures)}")
        return "\n".join(lines) + "\n"
    lines = [f"{node.label} ({owner})"]
    if node.resource_type == "exposure":
        fields = _exposure_fields(lineage, unique_id)
        lines.extend(f"  {key}: {fields[key]}" for key in ("label", "url") if fields[key])
        depends = sorted(graph.nodes[u].label for u in graph.upstream(unique_id))
        lines.append(f"  depends on: {', '.join(depends) or '-'}")
    if model is not None and model.columns:
        width = max(len(c.name) for c in model.columns)
        lines.append("columns:")
        for item in model.columns:
            kind = item.transform + (f" {item.data_type}" if item.data_type else "")
            lines.append(
                f"  {item.name.ljust(width)}  {kind.ljust(24)} <- {_sources(lineage, item)}"
            )
    elif lineage.columns_of(unique_id):
        lines.append(f"columns read by consumers: {', '.join(lineage.columns_of(unique_id))}")
    if model is not None and model.uses:
        lines.append("uses:")
        lines.extend(
            f"  {u.kind.replace('_', ' ').ljust(9)} {ref_label(lineage, u.ref)}" for u in model.uses
        )
    if model is not None:
        lines.extend(f"note: {p}" for p in model.problems)
    return "\n".join(lines) + "\n"


def describe_json(lineage: ProjectLineage, unique_id: str, column: str | None) -> str:
    node = lineage.graph.nodes[unique_id]
    model = lineage.models.get(unique_id)
    if column is not None:
        ref = ColumnRef(unique_id, column)
        found = lineage.column(ref)
        data: dict[str, Any] = {
            **_ref_json(lineage, ref),
            "sources": [_ref_json(lineage, s)["id"] for s in found.sources] if found else [],
            "consumers": [_ref_json(lineage, c)["id"] for c in lineage.consumers.get(ref, ())],
            "used_by": [{"node": u, "kind": k} for u, k in lineage.users.get(ref, ())],
        }
        return json.dumps(data, indent=2) + "\n"
    data = {
        "id": unique_id,
        "name": node.label,
        "resource_type": node.resource_type,
        "team": node.team,
        "access": node.access,
        **_exposure_fields(lineage, unique_id),
        "complete": model.complete if model else False,
        "columns": [_column_json(lineage, c) for c in model.columns if c.name != WHOLE]
        if model
        else [],
        "uses": [{"column": _ref_json(lineage, u.ref)["id"], "kind": u.kind} for u in model.uses]
        if model
        else [],
        "problems": list(model.problems) if model else [],
    }
    return json.dumps(data, indent=2) + "\n"


DESCRIBE_WRITERS: dict[str, Callable[[ProjectLineage, str, str | None], str]] = {
    "text": describe_text,
    "json": describe_json,
}
