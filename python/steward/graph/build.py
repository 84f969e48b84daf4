"""`build_graph(rendered) -> DependencyGraph`: nodes from the project, edges from what
each node reads.

Edges come from three places: the `ref()`/`source()` calls recorded while rendering; every
relation the rendered SQL (model body, hooks, statements) reads that resolves to a node of
the project without such a call (`hard_coded`); and the `depends_on` of exposures.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from steward.graph.model import BUILDABLE, DependencyGraph, Edge, GraphNode
from steward.project.model import Exposure, Position, Project
from steward.render.model import RenderedNode, RenderedProject
from steward.sql.analyze import analyze

_DEPENDS_ON = re.compile(r"""^\s*(ref|source)\s*\(\s*(.*?)\s*\)\s*$""")
_ARG = re.compile(r"""['"]([^'"]+)['"]""")
_JINJA_OR_COMMENT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|--[^\n]*|/\*.*?\*/", re.S)


def exposure_id(project: Project, exposure: Exposure) -> str:
    return f"exposure.{project.name}.{exposure.name}"


def _nodes(rendered: RenderedProject) -> dict[str, GraphNode]:
    project = rendered.project
    rendered_relations = {uid: relation for relation, uid in rendered.relations.items()}
    nodes: dict[str, GraphNode] = {}
    for unique_id, item in rendered.nodes.items():
        node = item.node
        if node.resource_type not in BUILDABLE:
            continue
        access = str(item.config.get("access") or "protected")
        nodes[unique_id] = GraphNode(
            unique_id,
            node.name,
            node.resource_type,
            node.path,
            node.team,
            node.layer,
            access if node.resource_type == "model" else None,
            item.relation_name,
            str(item.config.get("materialized") or "view"),
        )
    for unique_id, source in project.sources.items():
        nodes[unique_id] = GraphNode(
            unique_id,
            source.name,
            "source",
            source.path,
            source.team,
            None,
            None,
            rendered_relations.get(unique_id),
        )
    for exposure in project.exposures:
        unique_id = exposure_id(project, exposure)
        nodes[unique_id] = GraphNode(
            unique_id,
            exposure.name,
            "exposure",
            exposure.path,
            exposure.team,
            None,
            None,
            None,
            exposure.type or None,
        )
    return nodes


def _position(item: RenderedNode, relation: str, fallback: Position) -> Position:
    """Where the model's own SQL names `relation` (Jinja and comments blanked), else
    `fallback`."""
    code = _JINJA_OR_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), item.node.raw_code)
    parts = [rf"`?{re.escape(p)}`?" for p in relation.split(".")]
    match = re.search(r"(?<![\w.`])" + r"\s*\.\s*".join(parts) + r"(?![\w`])", code, re.I)
    if match is None:
        return fallback
    line = code.count("\n", 0, match.start()) + 1
    return Position(item.node.path, line, match.start() - code.rfind("\n", 0, match.start()))


def _node_edges(unique_id: str, item: RenderedNode, relations: dict[str, str]) -> list[Edge]:
    edges: list[Edge] = []
    called: set[str] = set()
    for ref in item.refs:
        if ref.target and ref.target != unique_id and ref.relation not in called:
            edges.append(Edge(ref.target, unique_id, ref.kind, ref.relation, ref.position))
        called.add(ref.relation)
    own = item.relation_name
    for sql in (*item.sql, *item.statements):
        for relation in analyze(sql.sql).reads:
            key = relation.path or relation.qualified
            target = relations.get(key)
            if key == own or key in called or target is None or target == unique_id:
                continue
            called.add(key)
            position = (
                _position(item, key, sql.position) if relation.path is None else (sql.position)
            )
            edges.append(Edge(target, unique_id, "hard_coded", key, position))
    return edges


def _exposure_edges(project: Project, nodes: dict[str, GraphNode]) -> tuple[list[Edge], list[str]]:
    by_name = {node.name: uid for uid, node in nodes.items() if node.resource_type in BUILDABLE}
    edges: list[Edge] = []
    problems: list[str] = []
    for exposure in project.exposures:
        unique_id = exposure_id(project, exposure)
        for text in exposure.depends_on:
            match = _DEPENDS_ON.match(text)
            args = _ARG.findall(match.group(2)) if match else []
            target = None
            if match and match.group(1) == "ref" and args:
                target = by_name.get(args[-1])
            elif match and len(args) == 2:
                found = project.source(args[0], args[1])
                target = found.unique_id if found else None
            if target is None:
                problems.append(
                    f"{exposure.path}: exposure `{exposure.name}` depends on "
                    f"{text}, which names nothing in the project"
                )
                continue
            edges.append(Edge(target, unique_id, "exposure", None, exposure.position))
    return edges, problems


def build_graph(rendered: RenderedProject) -> DependencyGraph:
    project = rendered.project
    nodes = _nodes(rendered)
    relations = dict(rendered.relations)
    edges: list[Edge] = []
    for unique_id, item in rendered.nodes.items():
        if unique_id in nodes:
            edges.extend(e for e in _node_edges(unique_id, item, relations) if e.upstream in nodes)
    exposure_edges, problems = _exposure_edges(project, nodes)
    edges.extend(exposure_edges)
    labels: dict[str, str] = {}
    for unique_id, node in sorted(nodes.items(), key=lambda kv: _label_priority(kv[1])):
        labels.setdefault(node.label.lower(), unique_id)
    return DependencyGraph(
        MappingProxyType(nodes),
        tuple(edges),
        project.registry,
        tuple(problems),
        MappingProxyType(labels),
    )


def _label_priority(node: GraphNode) -> tuple[int, str]:
    """A name shared by a model and an exposure means the model."""
    order = ("model", "seed", "snapshot", "source", "exposure")
    return order.index(node.resource_type), node.unique_id
