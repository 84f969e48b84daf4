"""What is wrong with a piece of SQL, and where: `first_problem(sql) -> SqlProblem | None`.

sqlglot is lenient: it closes a `cast(` left open at the end of the input and drops the
empty item of `select a,, b`, where Spark rejects both. So besides sqlglot's own parse
error, the tokens are checked for parentheses that do not pair up and for empty list
items (a select list may end with a comma where the dialect allows it: BigQuery,
Snowflake, DuckDB). Tokens come from sqlglot's tokenizer of the dialect, so string
literals and comments are never mistaken for SQL. Every problem carries the offset of its text in the SQL, for
the lint to map back to the template it was rendered from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from steward.sql import dialect


@dataclass(frozen=True)
class SqlProblem:
    """`message` about the text `token` that starts at `offset` in the SQL."""

    message: str
    offset: int
    token: str = ""


_CLASS = re.compile(r"<class '(?:\w+\.)*(\w+)'>")
_ENDS_LIST = {
    TokenType.R_PAREN: "`)`",
    TokenType.FROM: "`from`",
    TokenType.SEMICOLON: "`;`",
}
TRAILING_COMMA_BEFORE_FROM = frozenset({"bigquery", "snowflake", "duckdb"})
"""Dialects whose select list may end with a comma (`select a, b, from t`)."""


def structure_problems(sql: str) -> tuple[SqlProblem, ...]:
    """Unpaired parentheses, empty list items and unclosed strings or comments, in the
    order they appear."""
    try:
        tokens = sqlglot.tokenize(sql, read=dialect.current())
    except TokenError as exc:
        return (_untokenizable(sql, exc),)
    found: list[SqlProblem] = []
    opened: list[Token] = []
    previous: Token | None = None
    ends = dict(_ENDS_LIST)
    if dialect.current() in TRAILING_COMMA_BEFORE_FROM:
        del ends[TokenType.FROM]
    for token in tokens:
        kind = token.token_type
        after = previous.token_type if previous is not None else None
        if after == TokenType.COMMA and kind == TokenType.COMMA:
            found.append(_at(token, "an empty item in a list (`,,`): remove one comma"))
        elif previous is not None and after == TokenType.COMMA and kind in ends:
            found.append(_at(previous, f"a trailing comma before {ends[kind]}: remove it"))
        elif after == TokenType.L_PAREN and kind == TokenType.COMMA:
            found.append(_at(token, "a list starts with a comma: remove it"))
        if kind == TokenType.L_PAREN:
            opened.append(token)
        elif kind == TokenType.R_PAREN and opened:
            opened.pop()
        elif kind == TokenType.R_PAREN:
            found.append(_at(token, "`)` closes no `(`: remove it or add the `(`"))
        elif kind == TokenType.SEMICOLON:
            found.extend(_unclosed(opened))
            opened = []
        previous = token
    if previous is not None and previous.token_type == TokenType.COMMA:
        found.append(_at(previous, "the SQL ends with a comma: remove it"))
    found.extend(_unclosed(opened))
    return tuple(sorted(found, key=lambda p: p.offset))


def parse_problem(sql: str) -> tuple[SqlProblem, bool] | None:
    """sqlglot's first parse error in `sql`, and whether it is at the end of the input
    (where a parser that ran past a missing `)` stops)."""
    try:
        sqlglot.parse(sql, read=dialect.current())
    except ParseError as exc:
        if not exc.errors:
            return SqlProblem(str(exc).splitlines()[0] if str(exc) else "does not parse", 0), True
        first = exc.errors[0]
        token = str(first.get("highlight") or "")
        offset = _offset(sql, int(first.get("line") or 1), int(first.get("col") or 1), token)
        description = _CLASS.sub(r"\1", str(first.get("description") or "does not parse"))
        message = f"{description} at `{token}`" if token.strip() else description
        at_end = not str(first.get("end_context") or "").strip()
        return SqlProblem(message, offset, token), at_end
    except TokenError as exc:
        return _untokenizable(sql, exc), False
    return None


def first_problem(sql: str, parses: bool = False) -> SqlProblem | None:
    """The one problem to report about `sql`: the first of `structure_problems` when
    sqlglot accepts the SQL (`parses`: the caller knows it does); else sqlglot's parse
    error, or what explains it: the `(` never closed when the parser ran off the end of
    the input, an empty list item or a stray `)` before it."""
    structural = structure_problems(sql)
    parsed = None if parses else parse_problem(sql)
    if parsed is None:
        return structural[0] if structural else None
    problem, at_end = parsed
    unclosed = [p for p in structural if p.token == "("]
    if at_end and unclosed:
        return unclosed[-1]
    # an empty item or a stray `)` before the parse error is wrong too, and likely its
    # cause; an unclosed `(` is known only at its opening, which may be far from the cause
    before = [p for p in structural if p.token != "(" and p.offset <= problem.offset]
    return before[0] if before else problem


def _at(token: Token, message: str) -> SqlProblem:
    return SqlProblem(message, token.start, token.text)


def _unclosed(opened: list[Token]) -> list[SqlProblem]:
    return [_at(t, "`(` is never closed: add the missing `)`") for t in opened]


def _offset(sql: str, line: int, column: int, token: str) -> int:
    """The start of `token`, which ends at (`line`, `column`) (sqlglot's position)."""
    start = 0
    for _ in range(line - 1):
        found = sql.find("\n", start)
        if found < 0:
            break
        start = found + 1
    end = min(start + column, len(sql))
    begin = max(end - len(token), 0)
    if token and sql[begin:end] != token:
        found = sql.rfind(token, 0, end + len(token))
        begin = found if found >= 0 else begin
    return begin


def _untokenizable(sql: str, exc: TokenError) -> SqlProblem:
    return _unterminated(sql) or SqlProblem(f"cannot tokenize: {exc}", 0)


def _unterminated(sql: str) -> SqlProblem | None:
    """The string, quoted name or `/*` comment that is never closed."""
    index = 0
    while index < len(sql):
        char = sql[index]
        if sql.startswith("--", index):
            end = sql.find("\n", index)
            index = len(sql) if end < 0 else end
        elif sql.startswith("/*", index):
            end = sql.find("*/", index + 2)
            if end < 0:
                return SqlProblem("a `/*` comment is never closed: add `*/`", index, "/*")
            index = end + 2
        elif char in "'\"`":
            end = _closing(sql, index)
            if end < 0:
                return SqlProblem(
                    f"a quote ({char}) is never closed: add the closing {char}", index, char
                )
            index = end + 1
        else:
            index += 1
    return None


def _closing(sql: str, start: int) -> int:
    quote = sql[start]
    index = start + 1
    while index < len(sql):
        if sql[index] == "\\" and quote != "`":
            index += 2
        elif sql[index] == quote:
            return index
        else:
            index += 1
    return -1
