"""YAML with positions: every mapping and list remembers the line it starts on.

dbt yml files are read through `load_yaml`; an invalid file raises `UserError` with the
file and line. Mappings are `LineDict`s whose `key_line(key)` gives the line of a key, so
a finding about a yml entry can point at the exact line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from steward.errors import UserError

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):  # type: ignore[type-arg]
    """A dict from YAML that knows its own line and the line of each key (1-based)."""

    __slots__ = ("key_lines", "line")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines: dict[Any, int] = {}

    def key_line(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):  # type: ignore[type-arg]
    """A list from YAML that knows its line and the line of each item (1-based)."""

    __slots__ = ("item_lines", "line")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line = 0
        self.item_lines: list[int] = []

    def item_line(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    duplicates: list[Duplicate] | None = None
    """Where duplicate keys go when the caller tolerates them (None: they are errors)."""


@dataclass(frozen=True)
class Duplicate:
    """A key given twice in one mapping: YAML keeps the last value."""

    key: str
    line: int
    first_line: int

    def message(self) -> str:
        return (
            f"duplicate key `{self.key}` (first on line {self.first_line}): YAML keeps only "
            "the last one, so the first does nothing; remove or merge one of them"
        )


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


class _Builder:
    """Python values of a composed YAML document: mappings as `LineDict`, lists as
    `LineList`, plain strings as they are; other scalars (numbers, booleans, nulls, dates)
    and any other tag through the loader's own constructors. A walk of the node tree, not
    PyYAML's generic `construct_object` for every node: that was most of a yml's load."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.built: dict[int, Any] = {}  # an anchor's node -> its one value

    def value(self, node: yaml.Node) -> Any:
        found = self.built.get(id(node))
        if found is not None:
            return found
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR:
                return node.value
            return self.loader.construct_object(node, deep=True)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQUENCE_TAG:
            items = LineList()
            self.built[id(node)] = items
            items.extend(self.value(child) for child in node.value)
            items.line = node.start_mark.line + 1
            items.item_lines = [child.start_mark.line + 1 for child in node.value]
            return items
        if isinstance(node, yaml.MappingNode) and node.tag == _MAPPING_TAG:
            return self.mapping(node)
        return self.loader.construct_object(node, deep=True)

    def mapping(self, node: yaml.MappingNode) -> LineDict:
        # a key given twice: YAML keeps the last one silently, the first is a setting that
        # does nothing (keys a `<<` merge brings in may be overridden, as YAML intends)
        own = {id(k) for k, _ in node.value if k.tag != _MERGE}
        own_lines: dict[Any, int] = {}
        self.loader.flatten_mapping(node)
        result = LineDict()
        self.built[id(node)] = result
        result.line = node.start_mark.line + 1
        sink = getattr(self.loader, "duplicates", None)
        for key_node, value_node in node.value:
            key = self.value(key_node)
            try:
                hash(key)
            except TypeError:
                key = str(key)
            line = key_node.start_mark.line + 1
            if id(key_node) in own:
                if key in own_lines and sink is not None:
                    sink.append(Duplicate(str(key), line, own_lines[key]))
                elif key in own_lines:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key `{key}` (first on line {own_lines[key]}): YAML keeps "
                        "only the last one; remove or merge one of them",
                        key_node.start_mark,
                    )
                own_lines[key] = line
            result[key] = self.value(value_node)
            result.key_lines[key] = line
        return result


_MAPPING_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQUENCE_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    """A mapping under a node of another tag (which the loader's constructors build)."""
    return _Builder(loader).mapping(node)


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> LineList:
    return _Builder(loader).value(node)  # type: ignore[no-any-return]


_Loader.add_constructor(_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, path: Path | str, duplicates: list[Duplicate] | None = None) -> Any:
    """Parse YAML text; a syntax error becomes a `UserError` naming file and line. A key
    given twice is such an error too, unless `duplicates` collects them (dbt's own yml
    files, which dbt reads leniently: there they are warnings)."""
    loader = _Loader(text)
    loader.duplicates = duplicates
    try:
        node = loader.get_single_node()
        return None if node is None else _Builder(loader).value(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise UserError(f"invalid YAML: {problem}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise UserError(f"invalid YAML: {exc}", path=path) from None
    finally:
        loader.dispose()


def read_text(path: Path, display: Path | str | None = None) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read: {exc}", path=display or path) from None


def load_yaml(
    path: Path,
    display: Path | str | None = None,
    texts: dict[str, str] | None = None,
    duplicates: list[Duplicate] | None = None,
) -> Any:
    """Read and parse one YAML file (`display` is the path shown in errors); the text is
    kept in `texts` under `display` when given."""
    text = read_text(path, display)
    if texts is not None:
        texts[str(display or path)] = text
    return parse_yaml(text, display or path, duplicates)


def line_of(value: Any, default: int = 1) -> int:
    """The line a YAML value starts on, when it carries one."""
    line = getattr(value, "line", 0)
    return line or default
