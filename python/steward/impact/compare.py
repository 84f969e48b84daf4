"""Compare a project at two revisions semantically: which nodes were added, removed or
changed (sqlglot's diff of the rendered SQL, so formatting and comments don't count),
and per changed node which columns were added, removed, renamed, retyped or changed
(from the column lineage of both sides).

A rename is a removed and an added column of one node computed the same way: from the
same upstream columns (upstream renames applied) or by the same expression.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from steward.graph import BUILDABLE, DependencyGraph
from steward.impact.model import ColumnChange, ModelChange
from steward.lineage import ColumnLineage, ColumnRef, ModelLineage, ProjectLineage
from steward.render.model import RenderedNode, RenderedProject
from steward.sql.analyze import DIALECT, relation_of

_PLAIN_COLUMN = re.compile(r"^[\w`.]+$")
UNKNOWN = "__unknown__"  # the schema a `ref()` to a node that does not exist renders to


@dataclass(frozen=True, eq=False)
class ProjectState:
    """A project rendered and analysed: what a comparison needs of one revision."""

    rendered: RenderedProject
    lineage: ProjectLineage

    @property
    def graph(self) -> DependencyGraph:
        return self.lineage.graph


def analyse(rendered: RenderedProject) -> ProjectState:
    from steward.lineage import project_lineage

    return ProjectState(rendered, project_lineage(rendered))


def _canonical(sql: str, nodes: Mapping[str, str]) -> exp.Expr | str:
    """`sql` parsed, identifiers normalised as Spark resolves them (case-insensitive),
    comments dropped, and every relation of the project replaced by the node it is, so a
    node reads the same after a producer moved or vanished."""
    try:
        parsed = sqlglot.parse_one(sql, read=DIALECT)
    except sqlglot.errors.SqlglotError:
        return " ".join(sql.split())
    if parsed is None:
        return ""
    parsed = normalize_identifiers(parsed, dialect=DIALECT)
    for table in list(parsed.find_all(exp.Table)):
        relation = relation_of(table)
        if relation is None:
            continue
        key = relation.path or relation.qualified
        node = nodes.get(key) or (f"ref:{relation.name}" if relation.schema == UNKNOWN else None)
        if node is not None:
            table.set("catalog", None)
            table.set("db", None)
            table.set("this", exp.to_identifier(node, quoted=True))
    for part in parsed.walk():
        part.comments = None
    return parsed


def _bodies(item: RenderedNode, nodes: Mapping[str, str]) -> list[exp.Expr | str]:
    return [_canonical(s.sql, nodes) for s in (*item.sql, *item.statements)]


def _node_names(rendered: RenderedProject) -> dict[str, str]:
    """Relation -> `ref:<name>` (`source:<source>.<table>` for a source)."""
    names = {}
    for relation, unique_id in rendered.relations.items():
        parts = unique_id.split(".")
        names[relation] = (
            "source:" + ".".join(parts[2:]) if parts[0] == "source" else f"ref:{parts[-1]}"
        )
    return names


def sql_edits(
    base: RenderedNode,
    head: RenderedNode,
    base_names: Mapping[str, str] | None = None,
    head_names: Mapping[str, str] | None = None,
) -> int:
    """How many edits sqlglot's semantic diff finds between the two nodes' SQL (model
    bodies in both `is_incremental()` branches, hooks and statements); 0 when equal.
    `*_names` map each side's relations to node names (`_node_names`)."""
    before, after = _bodies(base, base_names or {}), _bodies(head, head_names or {})
    if len(before) != len(after):
        return max(1, abs(len(before) - len(after)))
    edits = 0
    for old, new in zip(before, after, strict=True):
        if isinstance(old, str) or isinstance(new, str):
            edits += int(str(old) != str(new))
        elif old != new:
            edits += max(1, len(sqlglot.diff(old, new, delta_only=True, dialect=DIALECT)))
    return edits


def _core(column: ColumnLineage) -> tuple[str, ...]:
    """What a column computes, without the hops that only pass a column on."""
    return tuple(d for d in column.definition if not _PLAIN_COLUMN.match(d))


def _translated(
    refs: tuple[ColumnRef, ...], renames: Mapping[ColumnRef, ColumnRef]
) -> frozenset[ColumnRef]:
    return frozenset(renames.get(r, r) for r in refs)


def _same_origin(
    old: ColumnLineage, new: ColumnLineage, renames: Mapping[ColumnRef, ColumnRef]
) -> tuple[bool, bool]:
    sources = bool(old.sources) and _translated(old.sources, renames) == frozenset(new.sources)
    core = bool(_core(old)) and _core(old) == _core(new)
    return sources, core


def _renames(
    base: ModelLineage,
    head: ModelLineage,
    removed: list[str],
    added: list[str],
    renames: Mapping[ColumnRef, ColumnRef],
) -> dict[str, str]:
    found: dict[str, str] = {}
    free = list(added)
    for name in removed:
        old = base.column(name)
        if old is None:
            continue
        scored = []
        for candidate in free:
            new = head.column(candidate)
            if new is None:
                continue
            sources, core = _same_origin(old, new, renames)
            if sources or core:
                scored.append((sources and core, candidate))
        best = [c for both, c in scored if both] or [c for _, c in scored]
        if len(best) == 1:
            found[name] = best[0]
            free.remove(best[0])
    return found


def compare_columns(
    unique_id: str,
    base: ModelLineage,
    head: ModelLineage,
    renames: dict[ColumnRef, ColumnRef],
    sql_changed: bool,
) -> list[ColumnChange]:
    """The column changes of one node; the renames found are added to `renames`."""
    before, after = base.names, head.names
    removed = [c for c in before if c not in after]
    added = [c for c in after if c not in before]
    # a `*` that could not be expanded hides columns: a column is gone only when the head
    # lists all of its columns, new only when the base did
    removed = removed if head.complete else []
    added = added if base.complete else []
    matched = _renames(base, head, removed, added, renames)
    changes: list[ColumnChange] = []
    for old, new in matched.items():
        renames[ColumnRef(unique_id, old)] = ColumnRef(unique_id, new)
        changes.append(ColumnChange(old, "renamed", new_name=new))
    changes.extend(ColumnChange(c, "removed") for c in removed if c not in matched)
    changes.extend(ColumnChange(c, "added") for c in added if c not in matched.values())
    for name in (c for c in after if c in before):
        old_column, new_column = base.column(name), head.column(name)
        if old_column is None or new_column is None:
            continue
        if (
            old_column.data_type
            and new_column.data_type
            and (old_column.data_type != new_column.data_type)
        ):
            changes.append(
                ColumnChange(
                    name, "retyped", old_type=old_column.data_type, new_type=new_column.data_type
                )
            )
        elif sql_changed and (
            _core(old_column) != _core(new_column)
            or _translated(old_column.sources, renames) != frozenset(new_column.sources)
        ):
            changes.append(ColumnChange(name, "changed"))
    return changes


def _uses_changed(
    base: ModelLineage, head: ModelLineage, renames: Mapping[ColumnRef, ColumnRef]
) -> bool:
    before = {(renames.get(u.ref, u.ref), u.kind) for u in base.uses}
    return before != {(u.ref, u.kind) for u in head.uses}


def compare(
    base: ProjectState, head: ProjectState
) -> tuple[tuple[ModelChange, ...], dict[ColumnRef, ColumnRef]]:
    """The node changes from `base` to `head`, producers first, and the column renames."""
    renames: dict[ColumnRef, ColumnRef] = {}
    changes: list[ModelChange] = []
    base_nodes, head_nodes = base.graph.nodes, head.graph.nodes
    base_names, head_names = _node_names(base.rendered), _node_names(head.rendered)
    for unique_id in head.graph.topological_order():
        node = head_nodes[unique_id]
        if node.resource_type not in BUILDABLE:
            continue
        if unique_id not in base_nodes:
            changes.append(ModelChange(unique_id, node.name, node.team, "added"))
            continue
        edits = sql_edits(
            base.rendered.nodes[unique_id], head.rendered.nodes[unique_id], base_names, head_names
        )
        old_lineage = base.lineage.models.get(unique_id)
        new_lineage = head.lineage.models.get(unique_id)
        columns: list[ColumnChange] = []
        logic = False
        if old_lineage is not None and new_lineage is not None:
            columns = compare_columns(unique_id, old_lineage, new_lineage, renames, edits > 0)
            logic = edits > 0 and _uses_changed(old_lineage, new_lineage, renames)
        old_access = base_nodes[unique_id].access
        access = (old_access, node.access) if old_access != node.access else None
        if edits or columns or access:
            changes.append(
                ModelChange(
                    unique_id, node.name, node.team, "changed", tuple(columns), edits, logic, access
                )
            )
    for unique_id in base.graph.topological_order():
        node = base_nodes[unique_id]
        if node.resource_type in BUILDABLE and unique_id not in head_nodes:
            changes.append(ModelChange(unique_id, node.name, node.team, "removed"))
    return tuple(changes), renames
