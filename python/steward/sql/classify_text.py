"""The fall-back for statements sqlglot does not type (a `Command`, or one that does not
parse): the writes steward knows are recognised by their text, the harmless commands by
their first word, and anything else is an `Unknown`."""

from __future__ import annotations

import re

from steward.sql.relation import Relation, relation_from_text
from steward.sql.statement import Statement, Unknown, Write

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

_SET = re.compile(r"^\s*SET\s+(?:(?P<var>VARIABLE|VAR)\s+)?(?P<rest>.*)$", re.I | re.S)
_RESET = re.compile(r"^\s*RESET\b\s*(?P<key>.*)$", re.I | re.S)
_TIME_ZONE = re.compile(r"^TIME\s+ZONE\b", re.I)


def settings(text: str) -> tuple[str, ...]:
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


def classify_text(text: str, index: int) -> Statement:
    """Statements sqlglot does not type: recognise the writes we know by their text."""
    text = strip_leading_comments(text)
    # dbt-spark's persist_docs: `alter table t change column c comment '...'`, which
    # sqlglot does not parse; one that renames or relocates stays unknown
    match = _ALTER_TABLE.match(_STRING.sub("''", text))
    if match:
        write = Write("ALTER", relation_from_text(match.group(1)), "TABLE", index)
        return Statement(index, "ALTER", text, (), (write,))
    for kind, pattern in _TEXT_WRITES:
        match = pattern.match(text)
        if match:
            if kind == "INSERT OVERWRITE DIRECTORY":
                path = match.group(1)
                write = Write(kind, Relation(name=path, path=path), "DIRECTORY", index)
            else:
                write = Write(kind, relation_from_text(match.group(1)), "TABLE", index)
            return Statement(index, kind, text, (), (write,))
    if _HARMLESS_TEXT.match(text):
        word = text.split()[0].upper()
        return Statement(index, word, text, (), (), settings=settings(text))
    word = text.split()[0].upper() if text.split() else ""
    reason = "dynamic SQL" if word == "EXECUTE" else f"unrecognised statement ({word or '?'})"
    return Statement(index, word or "UNKNOWN", text, (), (), Unknown(text, reason, index))
