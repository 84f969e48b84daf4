"""`project_lineage(rendered) -> ProjectLineage`: column lineage of every node of a project.

Nodes are analysed in topological order, so each query is qualified against the columns
its upstream nodes produce: a model's own lineage when it is complete, else the columns
its yml declares; a source's or seed's yml columns. A node that cannot be analysed (a
Python model, SQL sqlglot cannot parse) degrades to model-level edges: its yml columns,
each depending on the whole of every upstream node, with the reason in `problems`.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from steward.cache import Store, project_store
from steward.graph import BUILDABLE, DependencyGraph, build_graph, exposure_id
from steward.lineage.cached import QueryFailed, query_lineages
from steward.lineage.model import (
    WHOLE,
    ColumnLineage,
    ColumnRef,
    ColumnUse,
    ModelLineage,
    QueryLineage,
)
from steward.lineage.query import LineageError
from steward.project.model import Column, Exposure
from steward.render.model import RenderedNode, RenderedProject

SNAPSHOT_COLUMNS = ("dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to")


@dataclass(frozen=True, eq=False)
class ProjectLineage:
    graph: DependencyGraph
    models: Mapping[str, ModelLineage]
    exposures: Mapping[str, Exposure] = field(default_factory=lambda: MappingProxyType({}))
    """Unique id -> the exposure as declared (its label, URL and team)."""

    @functools.cached_property
    def consumers(self) -> Mapping[ColumnRef, tuple[ColumnRef, ...]]:
        """Upstream column -> the columns computed from it."""
        index: dict[ColumnRef, list[ColumnRef]] = {}
        for unique_id, model in self.models.items():
            for column in model.columns:
                for source in column.sources:
                    index.setdefault(source, []).append(ColumnRef(unique_id, column.name))
        return MappingProxyType({k: tuple(dict.fromkeys(v)) for k, v in index.items()})

    @functools.cached_property
    def users(self) -> Mapping[ColumnRef, tuple[tuple[str, str], ...]]:
        """Upstream column -> (node, kind) of the nodes using it in a filter, join, group
        by or window partition."""
        index: dict[ColumnRef, list[tuple[str, str]]] = {}
        for unique_id, model in self.models.items():
            for use in model.uses:
                index.setdefault(use.ref, []).append((unique_id, use.kind))
        return MappingProxyType({k: tuple(dict.fromkeys(v)) for k, v in index.items()})

    def columns_of(self, unique_id: str) -> tuple[str, ...]:
        """The known columns of a node: its lineage's, and for a node whose lineage is
        incomplete (a source without yml columns), the columns its consumers read."""
        model = self.models.get(unique_id)
        names = list(model.names) if model else []
        if model is None or not model.complete:
            for ref in (*self.consumers, *self.users):
                if ref.node == unique_id and not ref.whole and ref.column not in names:
                    names.append(ref.column)
        return tuple(names)

    def column_exists(self, unique_id: str, column: str) -> bool | None:
        """True when the node has the column, False when it surely has not (its columns
        are all known), None when nobody can tell."""
        if column in self.columns_of(unique_id):
            return True
        model = self.models.get(unique_id)
        if model is None or not model.complete:
            return None
        return False

    def column(self, ref: ColumnRef) -> ColumnLineage | None:
        """The lineage of `ref`; for a column of an incomplete node that is not listed,
        the node's `*` (whatever it could not expand)."""
        model = self.models.get(ref.node)
        if model is None:
            return None
        found = model.column(ref.column)
        if found is None and not model.complete:
            star = model.column(WHOLE)
            if star is not None and not ref.whole:
                return replace(star, name=ref.column)
        return found


def _yml_columns(columns: Iterable[Column]) -> dict[str, str | None]:
    return {c.name.lower(): (c.data_type.lower() if c.data_type else None) for c in columns}


def _declared(rendered: RenderedProject, unique_id: str) -> dict[str, str | None]:
    item = rendered.nodes.get(unique_id)
    if item is not None:
        props = item.node.properties
        return _yml_columns(props.columns) if props else {}
    source = rendered.project.sources.get(unique_id)
    return _yml_columns(source.columns) if source else {}


def _schema_columns(
    unique_id: str, done: Mapping[str, ModelLineage], declared: Mapping[str, str | None]
) -> tuple[str, ...] | None:
    model = done.get(unique_id)
    if model is not None and model.complete and model.names:
        return model.names
    return tuple(declared) or None


def _whole(upstream: Iterable[str]) -> tuple[ColumnRef, ...]:
    return tuple(ColumnRef(up, WHOLE) for up in upstream)


def _unanalysed(
    unique_id: str,
    declared: Mapping[str, str | None],
    upstream: tuple[str, ...],
    reason: str | None,
) -> ModelLineage:
    sources = _whole(upstream)
    note = f"model-level lineage only: {reason}" if reason else None
    columns = tuple(
        ColumnLineage(
            name,
            sources,
            "unknown" if sources else "constant",
            data_type=kind,
            resolved=not sources,
            note=note,
        )
        for name, kind in declared.items()
    )
    if sources:
        columns += (ColumnLineage(WHOLE, sources, "unknown", resolved=False, note=note),)
    return ModelLineage(
        unique_id,
        columns,
        complete=not sources and bool(declared),
        problems=(note,) if note else (),
        analysed=False,
    )


def _body(item: RenderedNode) -> str | None:
    """The SQL of a full build (`is_incremental()` false), which reads every input."""
    bodies = [s for s in item.sql if s.kind == "model"]
    full = [s for s in bodies if not s.incremental]
    chosen = full or bodies
    return chosen[0].sql if chosen else None


def _to_node(ref: ColumnRef, relations: Mapping[str, str]) -> ColumnRef | None:
    unique_id = relations.get(ref.node)
    return ColumnRef(unique_id, ref.column) if unique_id else None


@dataclass(frozen=True)
class _Inputs:
    """What a model's lineage is computed from: its query and the columns of what it
    reads (None: it cannot be analysed, for `reason`)."""

    upstream: tuple[str, ...]
    declared: Mapping[str, str | None]
    sql: str | None
    schema: Mapping[str, tuple[str, ...]]
    reason: str | None = None


def _inputs(
    unique_id: str,
    item: RenderedNode,
    graph: DependencyGraph,
    rendered: RenderedProject,
    done: Mapping[str, ModelLineage],
) -> _Inputs:
    upstream = tuple(
        u for u in graph.upstream(unique_id) if graph.nodes[u].resource_type != "exposure"
    )
    declared = _declared(rendered, unique_id)
    sql = _body(item) if item.node.language == "sql" else None
    if sql is None:
        reason = (
            "a Python model"
            if item.node.language == "python"
            else "it did not render"
            if item.problems
            else "it has no SQL"
        )
        return _Inputs(upstream, declared, None, {}, reason)
    schema: dict[str, tuple[str, ...]] = {}
    for up in upstream:
        relation = graph.nodes[up].relation
        known = _schema_columns(up, done, _declared(rendered, up))
        if relation and known:
            schema[relation] = known
    return _Inputs(upstream, declared, sql, schema)


def _model_lineage(
    unique_id: str,
    item: RenderedNode,
    graph: DependencyGraph,
    rendered: RenderedProject,
    done: Mapping[str, ModelLineage],
    inputs: _Inputs,
    query: QueryLineage | LineageError | QueryFailed,
) -> ModelLineage:
    upstream, declared = inputs.upstream, inputs.declared
    if inputs.sql is None:
        return _unanalysed(unique_id, declared, upstream, inputs.reason)
    if isinstance(query, LineageError):
        return _unanalysed(unique_id, declared, upstream, f"the SQL {query}")
    if isinstance(query, QueryFailed):
        return _unanalysed(
            unique_id,
            _declared(rendered, unique_id),
            tuple(graph.upstream(unique_id)),
            f"lineage failed ({query})",
        )
    relations = rendered.relations
    own = item.relation_name
    columns: list[ColumnLineage] = []
    for column in query.columns:
        sources = []
        for ref in column.sources:
            if ref.node == own:
                continue
            mapped = _to_node(ref, relations)
            if mapped is not None and mapped not in sources:
                sources.append(mapped)
        if not column.resolved:
            sources.extend(r for r in _whole(upstream) if r not in sources)
        sql_type = column.data_type or _inherited(column, sources, done)
        columns.append(
            replace(
                column,
                sources=tuple(sources),
                data_type=declared.get(column.name) or sql_type,
                sql_type=sql_type,
            )
        )
    if item.node.resource_type == "snapshot":
        columns.extend(ColumnLineage(name, (), "constant") for name in SNAPSHOT_COLUMNS)
    uses = []
    problems = list(query.problems)
    for use in query.uses:
        mapped = _to_node(use.ref, relations)
        if mapped is not None and mapped.node != unique_id:
            uses.append(ColumnUse(mapped, use.kind))
    missing = []
    for ref in sorted({r for c in columns for r in c.sources} | {u.ref for u in uses}):
        producer = done.get(ref.node)
        if (
            producer is not None
            and producer.analysed
            and producer.complete
            and not ref.whole
            and producer.column(ref.column) is None
        ):
            missing.append(ref)
            problems.append(
                f"reads `{ref.column}` of `{graph.nodes[ref.node].label}`, "
                "which does not produce it"
            )
    return ModelLineage(
        unique_id,
        tuple(columns),
        tuple(dict.fromkeys(uses)),
        query.complete,
        tuple(problems),
        tuple(missing),
    )


def _inherited(
    column: ColumnLineage, sources: list[ColumnRef], done: Mapping[str, ModelLineage]
) -> str | None:
    """A column passed through unchanged (from one input, or the same from each branch of
    a union) has its inputs' type when they agree."""
    if column.transform not in ("identity", "rename") or not sources:
        return None
    types = set()
    for source in sources:
        producer = done.get(source.node)
        found = producer.column(source.column) if producer else None
        types.add(found.data_type if found else None)
    return types.pop() if len(types) == 1 else None


def _source_lineage(unique_id: str, declared: Mapping[str, str | None]) -> ModelLineage:
    columns = tuple(
        ColumnLineage(name, (), "constant", data_type=kind) for name, kind in declared.items()
    )
    return ModelLineage(unique_id, columns, complete=bool(declared), analysed=False)


class _Before(Mapping[str, ModelLineage]):
    """The lineage known when a node's turn comes in topological order: of the nodes
    before it (what it reads, unless a cycle was broken at it)."""

    def __init__(self, done: Mapping[str, ModelLineage], position: Mapping[str, int], at: int):
        self._done, self._position, self._at = done, position, at

    def __getitem__(self, unique_id: str) -> ModelLineage:
        if self._position.get(unique_id, self._at) >= self._at:
            raise KeyError(unique_id)
        return self._done[unique_id]

    def __iter__(self) -> Iterator[str]:
        return (u for u in self._done if self._position.get(u, self._at) < self._at)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _levels(graph: DependencyGraph, order: tuple[str, ...]) -> list[list[str]]:
    """`order` cut into levels: a node comes one level after the last node before it in
    `order` that it reads, so the nodes of one level can be analysed together."""
    position = {u: i for i, u in enumerate(order)}
    level: dict[str, int] = {}
    levels: list[list[str]] = []
    for unique_id in order:
        at = position[unique_id]
        ups = [level[u] for u in graph.upstream(unique_id) if position.get(u, at) < at]
        mine = level[unique_id] = max(ups, default=-1) + 1
        if mine == len(levels):
            levels.append([])
        levels[mine].append(unique_id)
    return levels


def project_lineage(
    rendered: RenderedProject,
    graph: DependencyGraph | None = None,
    *,
    store: Store | None = None,
    jobs: int | None = None,
) -> ProjectLineage:
    """The column lineage of every node. Each query's lineage comes from `store` (by
    default the project's, `target/steward/cache/`) when its SQL and its inputs'
    columns are those of an earlier run; the others are analysed, level by level of
    the graph, in `jobs` forked processes when asked and there are many (on this
    two-core machine, shared, they did not pay: one process is the default)."""
    graph = graph or build_graph(rendered)
    store = store if store is not None else project_store(rendered.project.root)
    jobs = 1 if jobs is None else jobs
    order = graph.topological_order()
    position = {u: i for i, u in enumerate(order)}
    done: dict[str, ModelLineage] = {}
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived sqlglot objects, few cycles (as lint's build)
    try:
        for level in _levels(graph, order):
            pending: list[tuple[str, _Inputs]] = []
            for unique_id in level:
                node = graph.nodes[unique_id]
                if node.resource_type == "source" or node.resource_type == "seed":
                    done[unique_id] = _source_lineage(unique_id, _declared(rendered, unique_id))
                elif node.resource_type in BUILDABLE:
                    before = _Before(done, position, position[unique_id])
                    try:
                        item = rendered.nodes[unique_id]
                        inputs = _inputs(unique_id, item, graph, rendered, before)
                    except Exception as exc:  # a bug here must not stop the others
                        done[unique_id] = _failed(unique_id, graph, rendered, exc)
                        continue
                    pending.append((unique_id, inputs))
            queries = [(i.sql, i.schema) for _, i in pending if i.sql is not None]
            results = iter(query_lineages(queries, store, jobs))
            for unique_id, inputs in pending:
                result = next(results) if inputs.sql is not None else LineageError("")
                before = _Before(done, position, position[unique_id])
                try:
                    done[unique_id] = _model_lineage(
                        unique_id,
                        rendered.nodes[unique_id],
                        graph,
                        rendered,
                        before,
                        inputs,
                        result,
                    )
                except Exception as exc:  # a bug in sqlglot or here must not stop the others
                    done[unique_id] = _failed(unique_id, graph, rendered, exc)
    finally:
        if collecting:
            gc.enable()
    ordered = {u: done[u] for u in order if u in done}
    project = rendered.project
    exposures = {exposure_id(project, e): e for e in project.exposures}
    return ProjectLineage(graph, MappingProxyType(ordered), MappingProxyType(exposures))


def _failed(
    unique_id: str, graph: DependencyGraph, rendered: RenderedProject, exc: Exception
) -> ModelLineage:
    return _unanalysed(
        unique_id,
        _declared(rendered, unique_id),
        tuple(graph.upstream(unique_id)),
        f"lineage failed ({type(exc).__name__}: {exc})",
    )
