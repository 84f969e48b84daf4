"""`query_lineage(sql, schema) -> QueryLineage`: the column lineage of one query.

Built on sqlglot: the query is parsed, qualified with `sqlglot.optimizer.qualify` against
the upstream `schema` (which expands `select *`, qualifies every column and resolves
positional `group by`), and every output column is traced with `sqlglot.lineage` through
CTEs, subqueries, joins and unions to the relations the query reads: all of them in one
walk whose nodes the columns share, on the query's own tree, never copied. The columns a query
*uses* outside its projection (filters, join conditions, `group by`, window partitions)
are traced the same way, with `sqlglot.lineage.to_node` from the scope that uses them.

`schema` maps relation names (`schema.table`, as the SQL names them) to their column
names; relations missing from it are read without one (a `*` from them stays `*`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.lineage import Node, lineage, to_node
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope, find_all_in_scope
from sqlglot.schema import MappingSchema

from steward.lineage.model import WHOLE, ColumnLineage, ColumnRef, ColumnUse, QueryLineage
from steward.sql import dialect
from steward.sql.analyze import relation_of

Schema = Mapping[str, Iterable[str]]


class LineageError(Exception):
    """The query cannot be analysed (it does not parse, or is not a query)."""


def mapping_schema(schema: Schema) -> tuple[MappingSchema, list[str]]:
    """A sqlglot schema of `schema`'s relations. sqlglot wants one nesting depth: names
    of another depth (`catalog.schema.table` among `schema.table`) are left out."""
    depths = Counter(len(name.split(".")) for name in schema)
    depth = depths.most_common(1)[0][0] if depths else 2
    nested: dict[str, object] = {}
    left_out = []
    for name, columns in schema.items():
        parts = name.lower().split(".")
        if len(parts) != depth:
            left_out.append(name)
            continue
        level = nested
        for part in parts[:-1]:
            level = level.setdefault(part, {})  # type: ignore[assignment]
        level[parts[-1]] = {c.lower(): "UNKNOWN" for c in columns}
    return MappingSchema(nested, dialect=dialect.current()), left_out


def _relation(table: exp.Table) -> str | None:
    relation = relation_of(table)
    if relation is None:
        return None
    return relation.path or relation.qualified


def _unaliased(expression: exp.Expr) -> exp.Expr:
    return expression.this if isinstance(expression, exp.Alias) else expression


def _leaves(node: Node) -> Iterator[Node]:
    for item in node.walk():
        if not item.downstream:
            yield item


def _in_order(roots: Iterable[Node]) -> None:
    """Each node's inputs sorted by name. sqlglot collects a step's input columns in a
    set, so the order it finds them in varies between processes; a column's `sources`
    and `definition` must not (they are cached across runs and compared between them)."""
    seen: set[int] = set()
    for root in roots:
        for node in root.walk():
            if id(node) not in seen:
                seen.add(id(node))
                node.downstream.sort(key=lambda n: n.name)


def _leaf_ref(leaf: Node) -> ColumnRef | None:
    """The relation column a lineage leaf stands for; None for a leaf with no input
    (a constant, `count(*)`), and a ref with relation "" when it could not be resolved."""
    if isinstance(leaf.expression, exp.Table):
        relation = _relation(leaf.expression)
        if relation is None:  # a table function: its columns come from its arguments
            return None
        column = leaf.name.split(".")[-1]
        return ColumnRef(relation, WHOLE if column == "*" else column)
    if isinstance(leaf.expression, exp.Placeholder):
        return ColumnRef("", leaf.name.split(".")[-1])
    return None


class _Memo:
    """What the columns of one query ask of its expressions, each answered once: the
    columns of a query share their lineage nodes (a CTE column feeding ten outputs), and
    generating SQL copies the tree it prints."""

    def __init__(self) -> None:
        self._sql: dict[int, str] = {}
        self._finds: dict[tuple[int, type], bool] = {}

    def sql(self, expression: exp.Expr) -> str:
        key = id(expression)
        found = self._sql.get(key)
        if found is None:
            found = self._sql[key] = expression.sql(dialect.current())
        return found

    def has(self, expression: exp.Expr, kind: type) -> bool:
        key = (id(expression), kind)
        found = self._finds.get(key)
        if found is None:
            found = self._finds[key] = expression.find(kind) is not None
        return found


def _transform(root: Node, sources: list[ColumnRef], name: str, memo: _Memo) -> str:
    expressions = [
        _unaliased(n.expression)
        for n in root.walk()
        if not isinstance(n.expression, (exp.Table, exp.Placeholder))
    ]
    if any(memo.has(e, exp.Window) for e in expressions):
        return "window"
    if any(memo.has(e, exp.AggFunc) for e in expressions):
        return "aggregate"
    if not sources:
        return "constant"
    if all(isinstance(e, (exp.Column, exp.Star)) for e in expressions):
        if len(sources) == 1 and sources[0].column not in (name, WHOLE):
            return "rename"
        return "identity"
    return "expression"


def _data_type(root: Node) -> str | None:
    """The type a column is cast to, following it through CTEs and subqueries."""
    node: Node | None = root
    while node is not None:
        inner = _unaliased(node.expression)
        if isinstance(inner, (exp.Cast, exp.TryCast)) and isinstance(inner.to, exp.DataType):
            return inner.to.sql(dialect.current()).lower()
        if not isinstance(inner, exp.Column) or len(node.downstream) != 1:
            return None
        node = node.downstream[0]
    return None


def _column(name: str, root: Node, memo: _Memo) -> ColumnLineage:
    sources: list[ColumnRef] = []
    unresolved: list[str] = []
    for leaf in _leaves(root):
        ref = _leaf_ref(leaf)
        if ref is None:
            continue
        if ref.node == "":
            unresolved.append(ref.column)
        elif ref not in sources:
            sources.append(ref)
    selected = root.expression
    definition = tuple(memo.sql(_unaliased(n.expression)) for n in root.walk() if n.downstream) or (
        memo.sql(_unaliased(selected)),
    )
    note = None
    if unresolved:
        note = (
            f"cannot tell which input {', '.join(f'`{c}`' for c in sorted(set(unresolved)))}"
            " comes from (an upstream schema is unknown)"
        )
    transform = "unknown" if name == WHOLE else _transform(root, sources, name, memo)
    return ColumnLineage(
        name=name,
        sources=tuple(sources),
        transform=transform,
        expression=memo.sql(_unaliased(selected)) if isinstance(selected, exp.Expression) else "",
        data_type=_data_type(root),
        resolved=not unresolved and name != WHOLE,
        note=note,
        definition=definition,
    )


# ---- uses: columns in filters, joins, group by and window partitions -------------------
def _clauses(select: exp.Select) -> Iterator[tuple[str, exp.Expr]]:
    for key in ("where", "having", "qualify"):
        if select.args.get(key) is not None:
            yield "filter", select.args[key]
    for join in select.args.get("joins") or ():
        if join.args.get("on") is not None:
            yield "join", join.args["on"]
        for using in join.args.get("using") or ():
            yield "join", using
    if select.args.get("group") is not None:
        yield "group_by", select.args["group"]
    windows = list(find_all_in_scope(select, exp.Window))
    for window in windows:
        for partition in window.args.get("partition_by") or ():
            yield "window", partition


def _trace_column(
    column: exp.Column,
    scope: Scope,
    schema: MappingSchema,
    cache: dict[tuple[Any, ...], Node],
    meta: dict[int, Any],
) -> list[ColumnRef]:
    table = column.table
    source = scope.sources.get(table)
    if source is None and not table:
        named = [s for name, s in scope.sources.items() if name]
        source = named[0] if len(named) == 1 else None
    if isinstance(source, exp.Table):
        relation = _relation(source)
        return [ColumnRef(relation, column.name)] if relation else []
    if isinstance(source, Scope):
        selectable = source.expression
        if (
            isinstance(selectable, exp.Query)
            and not selectable.is_star
            and (column.name not in selectable.named_selects)
        ):
            return [ColumnRef("", column.name)]
        node = to_node(
            column.name,
            scope=source,
            dialect=dialect.current(),
            schema=schema,
            trim_selects=False,
            _cache=cache,
            _scope_meta=meta,
        )
        _in_order((node,))
        refs = [_leaf_ref(leaf) for leaf in _leaves(node)]
        return [ref for ref in refs if ref is not None]
    return [ColumnRef("", column.name)]


def _uses(root: Scope, schema: MappingSchema) -> tuple[list[ColumnUse], list[str]]:
    uses: list[ColumnUse] = []
    unresolved: list[str] = []
    # one cache for every column used: a CTE used in several clauses is walked once
    cache: dict[tuple[Any, ...], Node] = {}
    meta: dict[int, Any] = {}
    for scope in root.traverse():
        if not isinstance(scope.expression, exp.Select):
            continue
        for kind, clause in _clauses(scope.expression):
            columns = (
                [clause]
                if isinstance(clause, exp.Column)
                else list(find_all_in_scope(clause, exp.Column))
            )
            for column in columns:
                for ref in _trace_column(column, scope, schema, cache, meta):
                    if ref.node == "":
                        unresolved.append(ref.column)
                        continue
                    use = ColumnUse(ref, kind)
                    if use not in uses:
                        uses.append(use)
    return uses, unresolved


# ---- the query ---------------------------------------------------------------------------
def _parsed(sql: str | exp.Expr) -> exp.Query:
    """A tree of its own: `sql` parsed, or a copy of the expression given (qualifying
    rewrites the tree in place, and the caller's must stay as it was)."""
    try:
        expression = (
            sqlglot.parse_one(sql, read=dialect.current()) if isinstance(sql, str) else sql.copy()
        )
    except sqlglot.errors.SqlglotError as exc:
        raise LineageError(f"does not parse: {str(exc).splitlines()[0]}") from None
    if not isinstance(expression, exp.Query):
        raise LineageError(f"is not a query ({type(expression).__name__})")
    return expression


def qualified(sql: str | exp.Expr, schema: MappingSchema) -> exp.Expr:
    """`sql` parsed (Spark) and qualified against `schema`; a `LineageError` if it can't."""
    try:
        return qualify(
            _parsed(sql),
            dialect=dialect.current(),
            schema=schema,
            validate_qualify_columns=False,
            identify=False,
        )
    except sqlglot.errors.SqlglotError:
        pass
    # Without an upstream schema, a name that is both an input column and an output alias
    # is ambiguous to alias expansion; Spark resolves it to the input column, so do we.
    # (A failed qualification leaves the tree half rewritten: start from a fresh one.)
    try:
        return qualify(
            _parsed(sql),
            dialect=dialect.current(),
            schema=schema,
            validate_qualify_columns=False,
            identify=False,
            expand_alias_refs=False,
        )
    except sqlglot.errors.SqlglotError as exc:
        raise LineageError(f"cannot be qualified: {str(exc).splitlines()[0]}") from None


def query_lineage(sql: str | exp.Expr, schema: Schema | None = None) -> QueryLineage:
    """The lineage of every output column of `sql` and the columns it uses; a
    `LineageError` when the query cannot be analysed at all."""
    sqlglot_schema, left_out = mapping_schema(schema or {})
    expression = qualified(sql, sqlglot_schema)
    scope = build_scope(expression)
    if scope is None:
        raise LineageError("has no query scope")
    try:
        # all columns in one walk that shares its nodes between them; the tree is ours, so
        # neither the whole query nor each step's select is copied (`trim_selects` would
        # copy the select per node only to label it, and the labels are not used)
        roots = lineage(
            None,
            expression,
            sqlglot_schema,
            dialect=dialect.current(),
            scope=scope,
            trim_selects=False,
            copy=False,
        )
    except (sqlglot.errors.SqlglotError, ValueError, KeyError) as exc:
        raise LineageError(f"cannot be traced: {str(exc).splitlines()[0]}") from None
    _in_order(roots.values())
    memo = _Memo()
    columns = tuple(_column(name, root, memo) for name, root in roots.items())
    uses, unresolved = _uses(scope, sqlglot_schema)
    problems = [f"left out of the schema (another nesting depth): {name}" for name in left_out]
    problems.extend(c.note for c in columns if c.note)
    for column in columns:
        if column.name == WHOLE:
            inputs = ", ".join(sorted({r.node for r in column.sources})) or "its input"
            problems.append(
                f"a `*` could not be expanded (from {inputs}, whose columns or "
                "struct fields are unknown): the columns listed are not all"
            )
    if unresolved:
        names = ", ".join(f"`{c}`" for c in sorted(set(unresolved)))
        problems.append(
            f"cannot tell which input {names} (used in a filter, join, group by "
            "or window) comes from"
        )
    return QueryLineage(
        columns=columns,
        uses=tuple(sorted(uses)),
        complete=all(c.name != WHOLE for c in columns),
        problems=tuple(problems),
    )
