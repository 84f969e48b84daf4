"""yml properties files: `models:`, `sources:`, `exposures:`, `groups:` and friends.

Keys dbt knows are read; a key it does not know (a typo such as `relationship:` for the
`relationships` test) is a `YML001` warning: dbt would silently ignore it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steward.project.config import KNOWN_CONFIG_KEYS, normalise_key
from steward.project.model import (
    Column,
    Exposure,
    Group,
    LoadIssue,
    Position,
    SourceTable,
)
from steward.project.yamlio import Duplicate, LineDict, LineList, load_yaml

TOP_KEYS = frozenset(
    {
        "version",
        "models",
        "sources",
        "exposures",
        "groups",
        "seeds",
        "snapshots",
        "macros",
        "analyses",
        "metrics",
        "semantic_models",
        "saved_queries",
        "unit_tests",
        "data_tests",
        "tests",
        "functions",
        "anchors",  # dbt's key for YAML anchors (other custom top-level keys: YML001)
    }
)
NODE_KEYS = frozenset(
    {
        "name",
        "description",
        "config",
        "meta",
        "tags",
        "access",
        "group",
        "columns",
        "versions",
        "latest_version",
        "docs",
        "data_tests",
        "tests",
        "constraints",
        "deprecation_date",
        "time_spine",
        "quote_columns",
        "column_types",
        "relation",
    }
)
COLUMN_KEYS = frozenset(
    {
        "name",
        "description",
        "data_type",
        "meta",
        "tags",
        "data_tests",
        "tests",
        "constraints",
        "quote",
        "config",
        "granularity",
        "policy_tags",
        "include",
        "exclude",
    }
)
SOURCE_KEYS = frozenset(
    {
        "name",
        "description",
        "schema",
        "database",
        "catalog",
        "loader",
        "loaded_at_field",
        "loaded_at_query",
        "meta",
        "tags",
        "config",
        "freshness",
        "tables",
        "quoting",
        "overrides",
    }
)
SOURCE_TABLE_KEYS = frozenset(
    {
        "name",
        "description",
        "identifier",
        "meta",
        "tags",
        "config",
        "columns",
        "data_tests",
        "tests",
        "freshness",
        "loaded_at_field",
        "loaded_at_query",
        "external",
        "quoting",
        "loader",
    }
)
EXPOSURE_KEYS = frozenset(
    {
        "name",
        "label",
        "type",
        "url",
        "maturity",
        "description",
        "owner",
        "depends_on",
        "meta",
        "tags",
        "config",
    }
)
GROUP_KEYS = frozenset({"name", "owner", "description", "config"})
BUILTIN_TESTS = frozenset({"unique", "not_null", "accepted_values", "relationships"})
TEST_ARG_KEYS = frozenset({"name", "test_name", "config", "arguments", "description"})


@dataclass
class PropertiesIndex:
    """Everything read from the yml files of a project, before it is joined to the nodes."""

    nodes: dict[tuple[str, str], tuple[LineDict, str]] = field(default_factory=dict)
    sources: list[SourceTable] = field(default_factory=list)
    exposures: list[Exposure] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)
    test_names: list[tuple[str, Position]] = field(default_factory=list)
    generic_tests: list[GenericTest] = field(default_factory=list)


@dataclass(frozen=True)
class GenericTest:
    """A generic test declared in yml, attached to a model, seed, snapshot or source."""

    test: str
    attached: str
    """The name of what it tests: a model's name, or `source_table` for a source."""
    column: str | None
    config: Mapping[str, Any]
    position: Position

    @property
    def node_name(self) -> str:
        """The test's node name as dbt builds it (without the arguments dbt may add)."""
        return "_".join(p for p in (self.test.split(".")[-1], self.attached, self.column) if p)


def _unknown(
    entry: LineDict, known: Iterable[str], what: str, path: str, issues: list[LoadIssue]
) -> None:
    known_set = frozenset(known)
    for key in entry:
        if key not in known_set:
            issues.append(
                LoadIssue(
                    "YML001",
                    "warning",
                    f"unknown key `{key}` in {what}; dbt ignores it",
                    Position(path, entry.key_line(key)),
                    key=str(key),
                )
            )


def check_config_keys(
    config: Any, what: str, path: str, issues: list[LoadIssue], line: int
) -> None:
    if not isinstance(config, Mapping):
        return
    for key in config:
        if normalise_key(str(key).lstrip("+")) not in KNOWN_CONFIG_KEYS:
            key_line = config.key_line(key) if isinstance(config, LineDict) else line
            issues.append(
                LoadIssue(
                    "YML001",
                    "warning",
                    f"unknown config key `{key}` in {what}",
                    Position(path, key_line),
                    key=f"config:{key}",
                )
            )


def fold_unknown_keys(issues: Iterable[LoadIssue]) -> list[LoadIssue]:
    """One issue per file and unknown key, at its first line, naming the other lines: a
    key mistyped in every column of a file is one mistake, not one per column."""
    groups: dict[tuple[str, str], list[LoadIssue]] = {}
    folded: list[LoadIssue | tuple[str, str]] = []
    for issue in issues:
        if issue.key is None:
            folded.append(issue)
            continue
        group = (issue.position.path, issue.key)
        if group not in groups:
            groups[group] = []
            folded.append(group)
        groups[group].append(issue)
    result = []
    for item in folded:
        if isinstance(item, LoadIssue):
            result.append(item)
            continue
        first, *others = sorted(groups[item], key=lambda i: i.position.line)
        if not others:
            result.append(first)
            continue
        lines = [str(i.position.line) for i in others]
        shown = ", ".join(lines[:5]) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        also = f"also at line{'s' if len(lines) > 1 else ''} {shown} of this file"
        head, sep, tail = first.message.partition("; ")
        message = f"{head} ({also}){sep}{tail}"
        result.append(dataclasses.replace(first, message=message, model=None))
    return result


def _tests(
    value: Any, path: str, index: PropertiesIndex, attached: str = "", column: str | None = None
) -> None:
    if not isinstance(value, LineList):
        return
    for i, test in enumerate(value):
        line = value.item_line(i)
        if isinstance(test, str):
            index.test_names.append((test, Position(path, line)))
            index.generic_tests.append(
                GenericTest(test, attached, column, {}, Position(path, line))
            )
        elif isinstance(test, LineDict):
            names = [k for k in test if k not in TEST_ARG_KEYS]
            if "test_name" in test:
                names = [str(test["test_name"])]
            for name in names:
                position = Position(path, test.key_line(name))
                index.test_names.append((str(name), position))
                body = test.get(name)
                config = test.get("config")
                if isinstance(body, LineDict) and isinstance(body.get("config"), Mapping):
                    config = body["config"]
                index.generic_tests.append(
                    GenericTest(
                        str(name),
                        attached,
                        column,
                        config if isinstance(config, Mapping) else {},
                        position,
                    )
                )


def _columns(
    value: Any, path: str, what: str, index: PropertiesIndex, attached: str = ""
) -> tuple[Column, ...]:
    columns = []
    if not isinstance(value, list):
        return ()
    for column in value:
        if not isinstance(column, LineDict) or "name" not in column:
            continue
        _unknown(column, COLUMN_KEYS, f"column `{column['name']}` of {what}", path, index.issues)
        for key in ("data_tests", "tests"):
            _tests(column.get(key), path, index, attached, str(column["name"]))
        columns.append(
            Column(
                name=str(column["name"]),
                position=Position(path, column.line),
                description=str(column.get("description") or ""),
                data_type=column.get("data_type"),
                meta=dict(column.get("meta") or {}),
            )
        )
    return tuple(columns)


def load_properties(
    file: Path, rel: str, index: PropertiesIndex, package: str, texts: dict[str, str]
) -> None:
    """Read one yml properties file into `index`. dbt reads these leniently (a key given
    twice keeps its last value), so a duplicate key is a YML001 warning at its line."""
    duplicates: list[Duplicate] = []
    data = load_yaml(file, rel, texts, duplicates)
    index.issues.extend(
        LoadIssue("YML001", "warning", d.message(), Position(rel, d.line)) for d in duplicates
    )
    read_properties(data, rel, index, package)


def read_properties(data: Any, path: str, index: PropertiesIndex, package: str) -> None:
    """Add one yml file's entries to `index`."""
    if not isinstance(data, LineDict):
        return
    _unknown(data, TOP_KEYS, "a properties file", path, index.issues)
    for section, resource_type in (
        ("models", "model"),
        ("seeds", "seed"),
        ("snapshots", "snapshot"),
    ):
        for entry in data.get(section) or []:
            if not isinstance(entry, LineDict) or not isinstance(entry.get("name"), str):
                continue
            name = entry["name"]
            what = f"{resource_type} `{name}`"
            _unknown(entry, NODE_KEYS, what, path, index.issues)
            check_config_keys(entry.get("config"), what, path, index.issues, entry.line)
            for key in ("data_tests", "tests"):
                _tests(entry.get(key), path, index, name)
            node_key = (resource_type, name)
            if node_key in index.nodes:
                index.issues.append(
                    LoadIssue(
                        "YML001",
                        "warning",
                        f"{what} is described twice (also in {index.nodes[node_key][1]}); dbt "
                        "allows one properties entry per model",
                        Position(path, entry.line),
                        model=name,
                    )
                )
                continue
            index.nodes[node_key] = (entry, path)
    for source in data.get("sources") or []:
        if isinstance(source, LineDict) and isinstance(source.get("name"), str):
            _read_source(source, path, index, package)
    for exposure in data.get("exposures") or []:
        if isinstance(exposure, LineDict) and isinstance(exposure.get("name"), str):
            _unknown(exposure, EXPOSURE_KEYS, f"exposure `{exposure['name']}`", path, index.issues)
            index.exposures.append(
                Exposure(
                    name=exposure["name"],
                    path=path,
                    position=Position(path, exposure.line),
                    type=str(exposure.get("type") or ""),
                    owner=dict(exposure.get("owner") or {}),
                    depends_on=tuple(str(d) for d in exposure.get("depends_on") or ()),
                    meta=dict(exposure.get("meta") or {}),
                    label=str(exposure.get("label") or ""),
                    url=str(exposure.get("url") or ""),
                )
            )
    for group in data.get("groups") or []:
        if isinstance(group, LineDict) and isinstance(group.get("name"), str):
            _unknown(group, GROUP_KEYS, f"group `{group['name']}`", path, index.issues)
            index.groups.append(
                Group(group["name"], Position(path, group.line), dict(group.get("owner") or {}))
            )


def _read_source(source: LineDict, path: str, index: PropertiesIndex, package: str) -> None:
    source_name = source["name"]
    _unknown(source, SOURCE_KEYS, f"source `{source_name}`", path, index.issues)
    schema = str(source.get("schema") or source_name)
    database = source.get("database") or source.get("catalog")
    for table in source.get("tables") or []:
        if not isinstance(table, LineDict) or not isinstance(table.get("name"), str):
            continue
        what = f"source table `{source_name}.{table['name']}`"
        _unknown(table, SOURCE_TABLE_KEYS, what, path, index.issues)
        attached = f"source_{source_name}_{table['name']}"
        for key in ("data_tests", "tests"):
            _tests(table.get(key), path, index, attached)
        meta = dict(source.get("meta") or {})
        meta.update(table.get("meta") or {})
        config = dict(source.get("config") or {})
        config.update(table.get("config") or {})
        index.sources.append(
            SourceTable(
                unique_id=f"source.{package}.{source_name}.{table['name']}",
                source_name=source_name,
                name=table["name"],
                package=package,
                path=path,
                position=Position(path, table.line),
                schema=schema,
                identifier=str(table.get("identifier") or table["name"]),
                database=str(database) if database else None,
                meta=meta,
                config=config,
                columns=_columns(table.get("columns"), path, what, index, attached),
            )
        )


def node_columns(
    entry: LineDict, path: str, what: str, index: PropertiesIndex
) -> tuple[Column, ...]:
    return _columns(entry.get("columns"), path, what, index, str(entry.get("name") or ""))
