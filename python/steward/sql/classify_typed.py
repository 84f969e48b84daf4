"""Statements sqlglot parses into a typed expression: what each kind reads and writes.

`CLASSIFIERS` maps a sqlglot expression class to the small function that classifies it;
a statement goes to the entry of its most specific class (`exp.Select` to `exp.Query`'s).
A class with no entry is an `Unknown`, as is a write whose target is only known at run
time (`IDENTIFIER(:param)`): the analysis fails closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlglot import exp

from steward.sql.classify_text import classify_text, settings
from steward.sql.relation import Relation, ident, relation_from_text, relation_of
from steward.sql.statement import Statement, Unknown, Write

Classifier = Callable[[Any, str, int], Statement]
"""(statement, its text, its index in the SQL) -> what it reads and writes."""


class _DynamicTarget(Exception):
    """A write whose target is `IDENTIFIER(<variable or parameter>)`."""


def _table(node: exp.Expr | None) -> exp.Table | None:
    while isinstance(node, exp.Schema):
        node = node.this
    return node if isinstance(node, exp.Table) else None


def _cte_names(statement: exp.Expr) -> set[str]:
    return {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}


def _reads(statement: exp.Expr, skip: set[int]) -> tuple[Relation, ...]:
    ctes = _cte_names(statement)
    found: list[Relation] = []
    for table in statement.find_all(exp.Table):
        if id(table) in skip:
            continue
        relation = relation_of(table)
        if relation is None:
            continue
        if relation.schema is None and relation.catalog is None and relation.name in ctes:
            continue
        found.append(relation)
    return tuple(dict.fromkeys(found))


def _identifier_clause(node: exp.Expr | None) -> tuple[bool, Relation | None]:
    """(whether `node` is an `IDENTIFIER(...)` clause, the relation its string names)."""
    args: list[exp.Expr]
    if isinstance(node, exp.Schema) and isinstance(node.this, exp.Table):
        table = node.this
        name = table.this
        if not (
            isinstance(name, exp.Identifier)
            and not name.quoted
            and name.name.lower() == "identifier"
            and not table.args.get("db")
        ):
            return False, None
        args = list(node.expressions)
    elif isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous):
        if str(node.this.this).lower() != "identifier":
            return False, None
        args = list(node.this.expressions)
    else:
        return False, None
    if len(args) == 1 and isinstance(args[0], exp.Literal) and args[0].is_string:
        return True, relation_from_text(str(args[0].this))
    return True, None


def _location(statement: exp.Expr) -> str | None:
    for prop in statement.find_all(exp.LocationProperty):
        return ident(prop.this)
    for options in statement.find_all(exp.OptionsProperty):
        for prop in options.expressions:
            if isinstance(prop, exp.Property) and (ident(prop.this) or "").lower() == "path":
                return ident(prop.args.get("value"))
    for action in statement.find_all(exp.AlterSet):
        if action.args.get("location") is not None:
            return ident(action.args["location"])
    return None


def _write(
    kind: str,
    node: exp.Expr | None,
    index: int,
    object_type: str = "TABLE",
    temporary: bool = False,
    location: str | None = None,
) -> Write:
    is_identifier, named = _identifier_clause(node)
    if is_identifier:
        if named is None:
            raise _DynamicTarget
        return Write(kind, named, object_type, index, temporary, location)
    table = _table(node)
    target = relation_of(table) if table is not None else None
    if object_type in ("SCHEMA", "DATABASE") and table is not None:
        name = ident(table.args.get("db")) or ident(table.this) or ""
        catalog = ident(table.args.get("catalog"))
        target = Relation(
            name="", schema=name.lower(), catalog=catalog.lower() if catalog else None
        )
    return Write(kind, target, object_type, index, temporary, location)


def _object_type(statement: exp.Expr) -> str:
    return str(statement.args.get("kind") or "TABLE").upper()


def _writes_one(
    statement: exp.Expr,
    text: str,
    index: int,
    kind: str,
    target: exp.Expr | None,
    object_type: str = "TABLE",
    temporary: bool = False,
    location: str | None = None,
) -> Statement:
    """A statement that writes `target` and reads every other relation it names."""
    table = _table(target)
    skip = {id(table)} if table is not None else set()
    write = _write(kind, target, index, object_type, temporary, location)
    return Statement(index, kind, text, _reads(statement, skip), (write,))


# ---- the classifiers -----------------------------------------------------------------
def _insert(statement: exp.Insert, text: str, index: int) -> Statement:
    target = statement.this
    if isinstance(target, exp.Directory):
        path = ident(target.this) or ""
        write = Write(
            "INSERT OVERWRITE DIRECTORY", Relation(name=path, path=path), "DIRECTORY", index
        )
        return Statement(index, "INSERT", text, _reads(statement, set()), (write,))
    kind = "INSERT OVERWRITE" if statement.args.get("overwrite") else "INSERT"
    return _writes_one(statement, text, index, kind, target)


def _create(statement: exp.Create, text: str, index: int) -> Statement:
    kind = "CREATE OR REPLACE" if statement.args.get("replace") else "CREATE"
    temporary = any(
        isinstance(p, exp.TemporaryProperty)
        for p in (statement.args.get("properties") or exp.Properties()).expressions
    )
    return _writes_one(
        statement,
        text,
        index,
        kind,
        statement.this,
        _object_type(statement),
        temporary,
        _location(statement),
    )


def _alter(statement: exp.Alter, text: str, index: int) -> Statement:
    object_type = _object_type(statement)
    writes = [_write("ALTER", statement.this, index, object_type, location=_location(statement))]
    for action in statement.args.get("actions") or []:
        if isinstance(action, exp.AlterRename):
            writes.append(_write("ALTER RENAME", action.this, index, object_type))
    # every table an ALTER names is the one it changes or the name it renames it to
    return Statement(index, "ALTER", text, (), tuple(writes))


def _use(statement: exp.Use, text: str, index: int) -> Statement:
    table = _table(statement.this)
    used = relation_of(table) if table is not None else None
    name = used.name if used is not None else ""
    if str(statement.args.get("kind") or "").upper() == "CATALOG":
        write = Write("USE", Relation(name="", catalog=name), "CATALOG", index)
    else:
        write = Write("USE", Relation(name="", schema=name), "SCHEMA", index)
    return Statement(index, "USE", text, (), (write,))


def _writes_this(kind: str) -> Classifier:
    """`DELETE FROM t ...` and the like: writes the table in `this`, reads the rest."""

    def classify(statement: exp.Expr, text: str, index: int) -> Statement:
        return _writes_one(statement, text, index, kind, statement.this)

    return classify


def _writes_each(kind: str) -> Classifier:
    """`DROP`, `TRUNCATE`, `ANALYZE`: writes each table it names (`DROP TABLE a, b`)."""

    def classify(statement: exp.Expr, text: str, index: int) -> Statement:
        object_type = _object_type(statement)
        temporary = bool(statement.args.get("temporary"))
        targets = statement.args.get("tables") or statement.expressions or []
        writes = tuple(_write(kind, t, index, object_type, temporary) for t in targets)
        return Statement(index, kind, text, _reads(statement, {id(t) for t in targets}), writes)

    return classify


def _grants(kind: str) -> Classifier:
    """`GRANT`/`REVOKE`: a write of the securable's permissions; it reads no data."""

    def classify(statement: exp.Expr, text: str, index: int) -> Statement:
        write = _write(kind, statement.args.get("securable"), index, _object_type(statement))
        return Statement(index, kind, text, (), (write,))

    return classify


def _command(statement: exp.Command, text: str, index: int) -> Statement:
    # sqlglot keeps what it cannot type as a `Command`; only its text says what it does
    return classify_text(text, index)


def _set(statement: exp.Set, text: str, index: int) -> Statement:
    return Statement(index, "SET", text, (), (), settings=settings(text))


def _query(statement: exp.Query, text: str, index: int) -> Statement:
    return Statement(index, "SELECT", text, _reads(statement, set()), ())


def _read_only(statement: exp.Expr, text: str, index: int) -> Statement:
    kind = type(statement).__name__.upper()
    return Statement(index, kind, text, _reads(statement, set()), ())


def _unrecognised(statement: exp.Expr, text: str, index: int) -> Statement:
    kind = type(statement).__name__.upper()
    return Statement(
        index, kind, text, (), (), Unknown(text, f"unrecognised statement ({kind})", index)
    )


CLASSIFIERS: Mapping[type[exp.Expr], Classifier] = {
    exp.Insert: _insert,
    exp.Merge: _writes_this("MERGE"),
    exp.Create: _create,
    exp.Drop: _writes_each("DROP"),
    exp.TruncateTable: _writes_each("TRUNCATE"),
    exp.Analyze: _writes_each("ANALYZE"),
    exp.Alter: _alter,
    exp.Delete: _writes_this("DELETE"),
    exp.Update: _writes_this("UPDATE"),
    exp.Copy: _writes_this("COPY INTO"),
    exp.Comment: _writes_this("COMMENT"),
    exp.Grant: _grants("GRANT"),
    exp.Revoke: _grants("REVOKE"),
    exp.Use: _use,
    exp.Command: _command,
    exp.Set: _set,
    exp.Query: _query,
    exp.Describe: _read_only,
    exp.Cache: _read_only,
    exp.Uncache: _read_only,
    exp.Refresh: _read_only,
    exp.Show: _read_only,
    exp.Pragma: _read_only,
}


def _classifier(statement: exp.Expr) -> Classifier:
    for cls in type(statement).__mro__:
        found = CLASSIFIERS.get(cls)
        if found is not None:
            return found
    return _unrecognised


def classify(statement: exp.Expr, text: str, index: int) -> Statement:
    """What the parsed `statement` (whose SQL is `text`) reads and writes."""
    try:
        return _classifier(statement)(statement, text, index)
    except _DynamicTarget:
        reason = "dynamic SQL: IDENTIFIER() on a variable or parameter"
        return Statement(
            index, type(statement).__name__.upper(), text, (), (), Unknown(text, reason, index)
        )
