"""What a piece of Spark SQL reads and writes: `analyze(sql) -> StatementAnalysis`.

A pure, cached function over sqlglot (Spark dialect), shared by the lint rules and the
run-time statement guard. It fails closed: a statement it cannot prove harmless (an
unparsable statement, `EXECUTE IMMEDIATE`, an unknown command) is reported in
`unknown`, never silently allowed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

DIALECT = "spark"
# sqlglot warns on every statement it keeps as a `Command`; we classify those ourselves
logging.getLogger("sqlglot").setLevel(logging.ERROR)
PATH_FORMATS = frozenset(
    {"delta", "parquet", "csv", "json", "orc", "text", "avro", "binaryfile", "file", "iceberg"}
)

READ_ONLY = (
    exp.Query,
    exp.Describe,
    exp.Cache,
    exp.Uncache,
    exp.Refresh,
    exp.Set,
    exp.Show,
    exp.Pragma,
)


@dataclass(frozen=True)
class Relation:
    """A relation named in SQL, lower-cased; `path` is set for `delta.`/path``-style names."""

    name: str
    schema: str | None = None
    catalog: str | None = None
    path: str | None = None

    @property
    def qualified(self) -> str:
        return ".".join(p for p in (self.catalog, self.schema, self.name) if p)

    @property
    def namespace(self) -> str | None:
        """The schema (`catalog.schema` when a catalog is named)."""
        if self.schema is None:
            return None
        return f"{self.catalog}.{self.schema}" if self.catalog else self.schema

    def __str__(self) -> str:
        return self.path if self.path is not None else self.qualified


@dataclass(frozen=True)
class Write:
    """One write: `kind` is the statement (`INSERT OVERWRITE`, `MERGE`, `DROP` ...),
    `object_type` what it acts on (`TABLE`, `VIEW`, `SCHEMA`, `DIRECTORY` ...)."""

    kind: str
    target: Relation | None
    object_type: str = "TABLE"
    statement: int = 0
    temporary: bool = False
    location: str | None = None
    """Where the data goes when the statement names it: `LOCATION '...'`, `OPTIONS (path
    '...')`, `ALTER TABLE ... SET LOCATION '...'`."""

    @property
    def is_path(self) -> bool:
        return self.target is not None and self.target.path is not None


@dataclass(frozen=True)
class Unknown:
    """A statement that cannot be proven harmless, and why."""

    text: str
    reason: str
    statement: int = 0


@dataclass(frozen=True)
class Statement:
    index: int
    kind: str
    text: str
    reads: tuple[Relation, ...]
    writes: tuple[Write, ...]
    unknown: Unknown | None = None
    settings: tuple[str, ...] = ()
    """The configuration keys a `SET key = value` / `RESET key` assigns (`*` for a bare
    `RESET`; `variable:<name>` for `SET VAR`)."""


@dataclass(frozen=True)
class StatementAnalysis:
    statements: tuple[Statement, ...]
    parse_errors: tuple[str, ...] = ()

    @property
    def reads(self) -> tuple[Relation, ...]:
        return tuple(dict.fromkeys(r for s in self.statements for r in s.reads))

    @property
    def writes(self) -> tuple[Write, ...]:
        return tuple(w for s in self.statements for w in s.writes)

    @property
    def path_reads(self) -> tuple[Relation, ...]:
        return tuple(r for r in self.reads if r.path is not None)

    @property
    def path_writes(self) -> tuple[Write, ...]:
        return tuple(w for w in self.writes if w.is_path)

    @property
    def settings(self) -> tuple[str, ...]:
        return tuple(key for s in self.statements for key in s.settings)

    @property
    def unknown(self) -> tuple[Unknown, ...]:
        return tuple(s.unknown for s in self.statements if s.unknown is not None)

    @property
    def is_read_only(self) -> bool:
        return not self.writes and not self.unknown

    @property
    def is_single_query(self) -> bool:
        return len(self.statements) == 1 and self.statements[0].kind == "SELECT"


def _ident(node: exp.Expression | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, exp.Identifier):
        return str(node.this)
    if isinstance(node, exp.Literal):
        return str(node.this)
    return node.sql(DIALECT)


def relation_of(table: exp.Table) -> Relation | None:
    """The relation a sqlglot `Table` names; None for table functions such as `range(10)`."""
    if not isinstance(table.this, (exp.Identifier, exp.Literal)):
        return None
    name = str(table.this.this)
    db = _ident(table.args.get("db"))
    catalog = _ident(table.args.get("catalog"))
    if db is not None and db.lower() in PATH_FORMATS and ("/" in name or ":" in name):
        return Relation(name=name, schema=db.lower(), path=name)
    return Relation(
        name=name.lower(),
        schema=db.lower() if db else None,
        catalog=catalog.lower() if catalog else None,
    )


def _table(node: exp.Expression | None) -> exp.Table | None:
    while isinstance(node, exp.Schema):
        node = node.this
    return node if isinstance(node, exp.Table) else None


def _cte_names(statement: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}


def _reads(statement: exp.Expression, skip: set[int]) -> tuple[Relation, ...]:
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


class _DynamicTarget(Exception):
    """A write whose target is `IDENTIFIER(<variable or parameter>)`."""


def _identifier_clause(node: exp.Expression | None) -> tuple[bool, Relation | None]:
    """(whether `node` is an `IDENTIFIER(...)` clause, the relation its string names)."""
    args: list[exp.Expression]
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
        return True, _relation_from_text(str(args[0].this))
    return True, None


def _location(statement: exp.Expression) -> str | None:
    for prop in statement.find_all(exp.LocationProperty):
        return _ident(prop.this)
    for options in statement.find_all(exp.OptionsProperty):
        for prop in options.expressions:
            if isinstance(prop, exp.Property) and (_ident(prop.this) or "").lower() == "path":
                return _ident(prop.args.get("value"))
    for action in statement.find_all(exp.AlterSet):
        if action.args.get("location") is not None:
            return _ident(action.args["location"])
    return None


def _write(
    kind: str,
    node: exp.Expression | None,
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
        name = _ident(table.args.get("db")) or _ident(table.this) or ""
        catalog = _ident(table.args.get("catalog"))
        target = Relation(
            name="", schema=name.lower(), catalog=catalog.lower() if catalog else None
        )
    return Write(kind, target, object_type, index, temporary, location)


def _classify(statement: Any, text: str, index: int) -> Statement:
    try:
        return _classify_typed(statement, text, index)
    except _DynamicTarget:
        reason = "dynamic SQL: IDENTIFIER() on a variable or parameter"
        return Statement(
            index, type(statement).__name__.upper(), text, (), (), Unknown(text, reason, index)
        )


def _classify_typed(statement: Any, text: str, index: int) -> Statement:
    skip: set[int] = set()
    writes: list[Write] = []
    kind = type(statement).__name__.upper()
    if isinstance(statement, exp.Insert):
        target = statement.this
        if isinstance(target, exp.Directory):
            path = _ident(target.this) or ""
            writes.append(
                Write(
                    "INSERT OVERWRITE DIRECTORY", Relation(name=path, path=path), "DIRECTORY", index
                )
            )
        else:
            kind = "INSERT OVERWRITE" if statement.args.get("overwrite") else "INSERT"
            table = _table(target)
            if table is not None:
                skip.add(id(table))
            writes.append(_write(kind, target, index))
    elif isinstance(statement, exp.Merge):
        kind = "MERGE"
        table = _table(statement.this)
        if table is not None:
            skip.add(id(table))
        writes.append(_write(kind, statement.this, index))
    elif isinstance(statement, exp.Create):
        object_type = str(statement.args.get("kind") or "TABLE").upper()
        kind = "CREATE OR REPLACE" if statement.args.get("replace") else "CREATE"
        table = _table(statement.this)
        if table is not None:
            skip.add(id(table))
        temporary = any(
            isinstance(p, exp.TemporaryProperty)
            for p in (statement.args.get("properties") or exp.Properties()).expressions
        )
        writes.append(
            _write(kind, statement.this, index, object_type, temporary, _location(statement))
        )
    elif isinstance(statement, (exp.Drop, exp.TruncateTable, exp.Analyze)):
        kind = {exp.Drop: "DROP", exp.TruncateTable: "TRUNCATE", exp.Analyze: "ANALYZE"}[
            type(statement)
        ]
        object_type = str(statement.args.get("kind") or "TABLE").upper()
        targets = statement.args.get("tables") or statement.expressions or []
        for target in targets:
            skip.add(id(target))
            writes.append(
                _write(kind, target, index, object_type, bool(statement.args.get("temporary")))
            )
    elif isinstance(statement, exp.Alter):
        kind = "ALTER"
        object_type = str(statement.args.get("kind") or "TABLE").upper()
        skip.update(id(t) for t in statement.find_all(exp.Table))
        writes.append(
            _write(kind, statement.this, index, object_type, location=_location(statement))
        )
        for action in statement.args.get("actions") or []:
            if isinstance(action, exp.AlterRename):
                writes.append(_write("ALTER RENAME", action.this, index, object_type))
    elif isinstance(statement, (exp.Delete, exp.Update, exp.Copy, exp.Comment)):
        kind = {
            exp.Delete: "DELETE",
            exp.Update: "UPDATE",
            exp.Copy: "COPY INTO",
            exp.Comment: "COMMENT",
        }[type(statement)]
        table = _table(statement.this)
        if table is not None:
            skip.add(id(table))
        writes.append(_write(kind, statement.this, index))
    elif isinstance(statement, (exp.Grant, exp.Revoke)):
        kind = "GRANT" if isinstance(statement, exp.Grant) else "REVOKE"
        object_type = str(statement.args.get("kind") or "TABLE").upper()
        securable = statement.args.get("securable")
        writes.append(_write(kind, securable, index, object_type))
        return Statement(index, kind, text, (), tuple(writes))
    elif isinstance(statement, exp.Use):
        kind = "USE"
        table = _table(statement.this)
        used = relation_of(table) if table is not None else None
        name = used.name if used is not None else ""
        if str(statement.args.get("kind") or "").upper() == "CATALOG":
            writes.append(Write("USE", Relation(name="", catalog=name), "CATALOG", index))
        else:
            writes.append(Write("USE", Relation(name="", schema=name), "SCHEMA", index))
        return Statement(index, kind, text, (), tuple(writes))
    elif isinstance(statement, exp.Command):
        return _classify_text(text, index)
    elif isinstance(statement, exp.Set):
        return Statement(index, "SET", text, (), (), settings=_settings(text))
    elif isinstance(statement, READ_ONLY):
        kind = "SELECT" if isinstance(statement, exp.Query) else kind
    else:
        return Statement(
            index, kind, text, (), (), Unknown(text, f"unrecognised statement ({kind})", index)
        )
    return Statement(index, kind, text, _reads(statement, skip), tuple(writes))


_NAME = r"((?:`[^`]*`|[\w$]+)(?:\s*\.\s*(?:`[^`]*`|[\w$]+))*)"
_TEXT_WRITES = (
    ("OPTIMIZE", re.compile(r"^\s*OPTIMIZE\s+" + _NAME, re.I)),
    ("VACUUM", re.compile(r"^\s*VACUUM\s+" + _NAME, re.I)),
    ("RESTORE", re.compile(r"^\s*RESTORE\s+(?:TABLE\s+)?" + _NAME, re.I)),
    ("MSCK REPAIR", re.compile(r"^\s*MSCK\s+REPAIR\s+TABLE\s+" + _NAME, re.I)),
    ("REORG", re.compile(r"^\s*REORG\s+TABLE\s+" + _NAME, re.I)),
    ("FSCK REPAIR", re.compile(r"^\s*FSCK\s+REPAIR\s+TABLE\s+" + _NAME, re.I)),
    ("CONVERT TO DELTA", re.compile(r"^\s*CONVERT\s+TO\s+DELTA\s+" + _NAME, re.I)),
    (
        "INSERT OVERWRITE DIRECTORY",
        re.compile(r"^\s*INSERT\s+OVERWRITE\s+(?:LOCAL\s+)?DIRECTORY\s+'([^']*)'", re.I),
    ),
)
_ALTER_TABLE = re.compile(
    r"^\s*ALTER\s+TABLE\s+" + _NAME + r"\s+(?![\s\S]*\b(?:RENAME|LOCATION)\b)", re.I
)
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_HARMLESS_TEXT = re.compile(
    r"^\s*(SHOW|DESCRIBE|DESC|EXPLAIN|LIST|CACHE|UNCACHE|CLEAR\s+CACHE|REFRESH|SET|RESET)\b",
    re.I,
)


def _relation_from_text(name: str) -> Relation:
    parts = [p.strip().strip("`") for p in re.split(r"\.(?=(?:[^`]*`[^`]*`)*[^`]*$)", name)]
    is_path = len(parts) == 2 and ("/" in parts[1] or ":" in parts[1])
    if is_path and parts[0].lower() in PATH_FORMATS:
        return Relation(name=parts[1], schema=parts[0].lower(), path=parts[1])
    parts = [p.lower() for p in parts]
    if len(parts) == 1:
        return Relation(parts[0])
    if len(parts) == 2:
        return Relation(parts[1], parts[0])
    return Relation(parts[-1], parts[-2], ".".join(parts[:-2]))


_SET = re.compile(r"^\s*SET\s+(?:(?P<var>VARIABLE|VAR)\s+)?(?P<rest>.*)$", re.I | re.S)
_RESET = re.compile(r"^\s*RESET\b\s*(?P<key>.*)$", re.I | re.S)
_TIME_ZONE = re.compile(r"^TIME\s+ZONE\b", re.I)


def _settings(text: str) -> tuple[str, ...]:
    """The keys `SET key = value` or `RESET key` assigns; nothing for a `SET` that only
    shows values (`SET`, `SET -v`, `SET key`)."""
    text = strip_leading_comments(text)
    reset = _RESET.match(text)
    if reset:
        key = reset.group("key").strip().strip("`")
        return (key or "*",)
    match = _SET.match(text)
    if match is None:
        return ()
    rest = match.group("rest").strip()
    if _TIME_ZONE.match(rest):
        return ("spark.sql.session.timeZone",)
    if "=" not in rest:
        return ()
    key = rest.split("=", 1)[0].strip().strip("`")
    return (f"variable:{key.lower()}",) if match.group("var") else (key,)


_LEADING_COMMENTS = re.compile(r"^(?:\s*(?:/\*.*?\*/|--[^\n]*(?:\n|$)))*\s*", re.S)


def strip_leading_comments(text: str) -> str:
    """`text` without the comments before its first word (dbt's query comment, say)."""
    return _LEADING_COMMENTS.sub("", text, count=1)


def _classify_text(text: str, index: int) -> Statement:
    """Statements sqlglot does not type: recognise the writes we know by their text."""
    text = strip_leading_comments(text)
    # dbt-spark's persist_docs: `alter table t change column c comment '...'`, which
    # sqlglot does not parse; one that renames or relocates stays unknown
    match = _ALTER_TABLE.match(_STRING.sub("''", text))
    if match:
        write = Write("ALTER", _relation_from_text(match.group(1)), "TABLE", index)
        return Statement(index, "ALTER", text, (), (write,))
    for kind, pattern in _TEXT_WRITES:
        match = pattern.match(text)
        if match:
            if kind == "INSERT OVERWRITE DIRECTORY":
                path = match.group(1)
                write = Write(kind, Relation(name=path, path=path), "DIRECTORY", index)
            else:
                write = Write(kind, _relation_from_text(match.group(1)), "TABLE", index)
            return Statement(index, kind, text, (), (write,))
    if _HARMLESS_TEXT.match(text):
        word = text.split()[0].upper()
        return Statement(index, word, text, (), (), settings=_settings(text))
    word = text.split()[0].upper() if text.split() else ""
    reason = "dynamic SQL" if word == "EXECUTE" else f"unrecognised statement ({word or '?'})"
    return Statement(index, word or "UNKNOWN", text, (), (), Unknown(text, reason, index))


def _split(sql: str) -> list[str]:
    """Split on top-level semicolons, using the Spark tokenizer (strings stay whole)."""
    tokens = sqlglot.tokenize(sql, read=DIALECT)
    chunks: list[str] = []
    start = 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append(sql[start : token.start])
            start = token.end + 1
    chunks.append(sql[start:])
    return [c.strip() for c in chunks if c.strip()]


_CACHE_SIZE = 65536
_cache: dict[str, StatementAnalysis] = {}


def analyze(sql: str) -> StatementAnalysis:
    """The reads, writes and unprovable statements of `sql` (one or more statements);
    cached, as the lint asks about the same SQL from several places."""
    found = _cache.get(sql)
    if found is None:
        found = _analyze(sql)
        remember({sql: found})
    return found


def remember(analyses: Mapping[str, StatementAnalysis]) -> None:
    """Put analyses made elsewhere (a worker process) into the cache."""
    if len(_cache) + len(analyses) > _CACHE_SIZE:
        _cache.clear()
    _cache.update(analyses)


def _analyze(sql: str) -> StatementAnalysis:
    try:
        parsed = sqlglot.parse(sql, read=DIALECT)
        texts = _split(sql) if len(parsed) > 1 else [sql.strip().rstrip(";").strip()]
        if len(texts) != len([p for p in parsed if p is not None]):
            raise ParseError("statement count mismatch")
        pairs = list(zip([p for p in parsed if p is not None], texts, strict=True))
    except (ParseError, TokenError):
        return _analyze_each(sql)
    return StatementAnalysis(
        tuple(_classify(statement, text, i) for i, (statement, text) in enumerate(pairs))
    )


def _analyze_each(sql: str) -> StatementAnalysis:
    try:
        texts = _split(sql)
    except TokenError as exc:
        return StatementAnalysis(
            (Statement(0, "UNKNOWN", sql, (), (), Unknown(sql, f"cannot tokenize: {exc}")),),
            (str(exc),),
        )
    statements: list[Statement] = []
    errors: list[str] = []
    for index, text in enumerate(texts):
        try:
            parsed = sqlglot.parse_one(text, read=DIALECT)
        except (ParseError, TokenError) as exc:
            statement = _classify_text(text, index)
            if statement.unknown is not None:
                message = _parse_message(exc)
                errors.append(message)
                statement = Statement(
                    index,
                    statement.kind,
                    text,
                    (),
                    (),
                    Unknown(text, f"does not parse: {message}", index),
                )
            statements.append(statement)
            continue
        statements.append(_classify(parsed, text, index))
    return StatementAnalysis(tuple(statements), tuple(errors))


def _parse_message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        first = errors[0]
        return f"{first.get('description')} (line {first.get('line')}, col {first.get('col')})"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def parse_error_location(sql: str) -> tuple[int, int, str] | None:
    """(line, column, token) in `sql` of the first parse error, if it does not parse."""
    try:
        sqlglot.parse(sql, read=DIALECT)
    except ParseError as exc:
        if exc.errors:
            first = exc.errors[0]
            return (
                int(first.get("line") or 1),
                int(first.get("col") or 1),
                str(first.get("highlight") or ""),
            )
        return 1, 1, ""
    except TokenError:
        return 1, 1, ""
    return None
