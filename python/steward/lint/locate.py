"""Find the offending text in a source file: the bridge from rendered SQL back to source."""

from __future__ import annotations

import difflib
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


def source_position(source: str, rendered: str, offset: int, token: str = "") -> tuple[int, int]:
    """(line, column) in the template `source` of the text at `offset` in `rendered`, its
    output. A line the template holds verbatim maps exactly; a line Jinja produced (a
    `ref()`, a macro's output, a loop) maps into the template lines it replaces, at
    `token` where the template's SQL has it, else at the line's first character."""
    out_line, out_column = line_col(rendered, offset)
    lines = source.split("\n")
    out = rendered.split("\n")
    matcher = difflib.SequenceMatcher(
        None, [s.strip() for s in lines], [s.strip() for s in out], autojunk=False
    )
    index = out_line - 1
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if not j1 <= index < j2:
            continue
        if tag == "equal":
            line = i1 + index - j1
            shift = _indent(lines[line]) - _indent(out[index])
            return line + 1, max(out_column + shift, 1)
        first, last = (i1, i2 - 1) if i2 > i1 else (max(i1 - 1, 0), max(i1 - 1, 0))
        guess = min(first + index - j1, last)
        found = _nearest(blank_jinja(source).split("\n"), first, last, guess, token, out_column)
        return found or (guess + 1, _indent(lines[guess]) + 1)
    return min(out_line, len(lines)), out_column


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _nearest(
    lines: list[str], first: int, last: int, guess: int, token: str, column: int
) -> tuple[int, int] | None:
    """The occurrence of `token` in lines `first`..`last` nearest to (`guess`, `column`)."""
    if token.strip():
        word = re.escape(token)
        if re.fullmatch(r"\w+", token):
            word = rf"(?<!\w){word}(?!\w)"
        pattern = re.compile(word, re.I)
        for line in sorted(range(first, last + 1), key=lambda n: (abs(n - guess), n)):
            starts = [m.start() + 1 for m in pattern.finditer(lines[line])]
            if starts:
                return line + 1, min(starts, key=lambda c: abs(c - column))
    return None
