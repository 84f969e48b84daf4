"""Find the offending text in a source file: the bridge from rendered SQL back to source."""

from __future__ import annotations

import functools
import re

from steward.project.model import Position


def line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


@functools.lru_cache(maxsize=4096)
def relation_pattern(relation: str) -> re.Pattern[str]:
    """`schema.name` as it may be written: any case, backquotes, spaces around the dot."""
    parts = [re.escape(p) for p in relation.split(".") if p]
    quoted = [rf"`?{p}`?" for p in parts]
    return re.compile(r"(?<![\w.`])" + r"\s*\.\s*".join(quoted) + r"(?![\w`])", re.I)


def may_name(text: str, relation: str) -> bool:
    """A quick look: can `text` name `relation` at all (its last part appears)?"""
    return relation.rsplit(".", 1)[-1].lower() in text.lower()


def find_relation(text: str, relation: str, near_line: int | None = None) -> tuple[int, int] | None:
    """(line, column) of `relation` in `text`, the occurrence nearest to `near_line`."""
    if not may_name(text, relation):
        return None
    matches = [line_col(text, m.start()) for m in relation_pattern(relation).finditer(text)]
    if not matches:
        return None
    if near_line is None:
        return matches[0]
    return min(matches, key=lambda lc: abs(lc[0] - near_line))


def find_text(text: str, needle: str, line: int | None = None) -> tuple[int, int] | None:
    """(line, column) of `needle` in `text`, on `line` when given and present there."""
    if line is not None:
        lines = text.splitlines()
        if 0 < line <= len(lines):
            column = lines[line - 1].find(needle)
            if column >= 0:
                return line, column + 1
    index = text.find(needle)
    return line_col(text, index) if index >= 0 else None


def with_column(position: Position, text: str | None, needle: str) -> Position:
    """`position` with the column of `needle` on its line, when `text` has it there."""
    if text is None:
        return position
    found = find_text(text, needle, position.line)
    if found is None or found[0] != position.line:
        return position
    return Position(position.path, found[0], found[1])


_JINJA_OR_COMMENT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|--[^\n]*|/\*.*?\*/", re.S)


def blank_jinja(text: str) -> str:
    """`text` with Jinja tags and SQL comments blanked out (newlines kept), so a search
    finds only what the SQL itself names, at its real position."""
    return _JINJA_OR_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
