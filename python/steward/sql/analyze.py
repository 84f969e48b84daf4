"""What a piece of Spark SQL reads and writes: `analyze(sql) -> StatementAnalysis`.

A pure, cached function over sqlglot (Spark dialect), shared by the lint rules and the
run-time statement guard. It fails closed: a statement it cannot prove harmless (an
unparsable statement, `EXECUTE IMMEDIATE`, an unknown command) is reported in
`unknown`, never silently allowed.

Here: splitting the SQL into statements, parsing each and the cache. A parsed statement
is classified by `classify_typed`, one sqlglot cannot type by `classify_text`. The
names that moved out (`Relation`, `Write`, `relation_of`, `strip_leading_comments`) are
re-exported (`import X as X`), as the lint, guard, impact and lineage import them from here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import sqlglot
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from steward.sql import dialect
from steward.sql.classify_text import classify_text
from steward.sql.classify_text import strip_leading_comments as strip_leading_comments
from steward.sql.classify_typed import classify
from steward.sql.dialect import DIALECT as DIALECT
from steward.sql.relation import Relation as Relation
from steward.sql.relation import relation_of as relation_of
from steward.sql.statement import Statement, StatementAnalysis, Unknown
from steward.sql.statement import Write as Write

# sqlglot warns on every statement it keeps as a `Command`; we classify those ourselves
logging.getLogger("sqlglot").setLevel(logging.ERROR)


def _split(sql: str) -> list[str]:
    """Split on top-level semicolons, using the Spark tokenizer (strings stay whole)."""
    tokens = sqlglot.tokenize(sql, read=dialect.current())
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


def forget() -> None:
    """Empty the cache (the dialect changed)."""
    _cache.clear()


def remember(analyses: Mapping[str, StatementAnalysis]) -> None:
    """Put analyses made elsewhere (a worker process) into the cache."""
    if len(_cache) + len(analyses) > _CACHE_SIZE:
        _cache.clear()
    _cache.update(analyses)


def _analyze(sql: str) -> StatementAnalysis:
    try:
        parsed = sqlglot.parse(sql, read=dialect.current())
        texts = _split(sql) if len(parsed) > 1 else [sql.strip().rstrip(";").strip()]
        if len(texts) != len([p for p in parsed if p is not None]):
            raise ParseError("statement count mismatch")
        pairs = list(zip([p for p in parsed if p is not None], texts, strict=True))
    except (ParseError, TokenError):
        return _analyze_each(sql)
    return StatementAnalysis(
        tuple(classify(statement, text, i) for i, (statement, text) in enumerate(pairs))
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
            parsed = sqlglot.parse_one(text, read=dialect.current())
        except (ParseError, TokenError) as exc:
            statement = classify_text(text, index)
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
        statements.append(classify(parsed, text, index))
    return StatementAnalysis(tuple(statements), tuple(errors))


def _parse_message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        first = errors[0]
        return f"{first.get('description')} (line {first.get('line')}, col {first.get('col')})"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
