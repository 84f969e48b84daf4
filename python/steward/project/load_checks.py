"""Questionable things found while loading, reported as YML001 warnings: yml that
describes no model, data tests that name no generic test, and `dbt_project.yml` paths
that match no resource."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from steward.project.cascade import ConfigCascade
from steward.project.model import LoadIssue, MacroFile, Node, Position
from steward.project.properties import BUILTIN_TESTS, PropertiesIndex
from steward.project.yamlio import LineDict


def _warning(message: str, position: Position, model: str | None = None) -> LoadIssue:
    return LoadIssue("YML001", "warning", message, position, model=model)


def _disabled(entry: LineDict) -> bool:
    config = entry.get("config")
    return isinstance(config, Mapping) and config.get("enabled") is False


def described_but_missing(
    index: PropertiesIndex, nodes: Mapping[str, Node], disabled: Iterable[str] = ()
) -> Iterator[LoadIssue]:
    named = {(node.resource_type, node.dbt_name) for node in nodes.values()}
    named.update(("model", name) for name in disabled)
    for (resource_type, node_name), (entry, yml_path) in index.nodes.items():
        if resource_type != "model" or (resource_type, node_name) in named:
            continue
        if not _disabled(entry):
            yield _warning(
                f"yml describes model `{node_name}`, but there is no such model",
                Position(yml_path, entry.line),
                node_name,
            )


def unknown_tests(
    index: PropertiesIndex,
    macro_files: Iterable[MacroFile],
    missing: Mapping[str, list[Position]] | None = None,
) -> Iterator[LoadIssue]:
    """Data tests that name no generic test; one of a missing package (`missing`: its
    name -> the tests' positions) is folded into that package's PKG001 finding."""
    known = set(BUILTIN_TESTS)
    for macro_file in macro_files:
        if macro_file.internal:
            continue
        for macro, _line in macro_file.macros:
            if macro.startswith("test_"):
                known.add(macro[5:])
                known.add(f"{macro_file.package}.{macro[5:]}")
    for test_name, position in index.test_names:
        package = test_name.split(".", 1)[0] if "." in test_name else ""
        if test_name not in known and missing is not None and package in missing:
            missing[package].append(position)
        elif test_name not in known:
            yield _warning(
                f"unknown data test `{test_name}` (no such generic test; a typo?)", position
            )


def unused_config_paths(
    cascades: Mapping[str, ConfigCascade], project: str, missing: Iterable[str] = ()
) -> Iterator[LoadIssue]:
    """Config paths that match no resource; those of a missing package (`missing`) are
    that package's PKG001 finding, not a typo."""
    not_installed = set(missing)
    for section, cascade in cascades.items():
        if section == "test":
            continue  # generic tests from yml are not nodes here; we cannot tell
        for dotted, line in cascade.unused_paths(project):
            if dotted.split(".")[1:2] and dotted.split(".")[1] in not_installed:
                continue
            yield _warning(
                f"`{dotted}` in dbt_project.yml matches no {section}",
                Position("dbt_project.yml", line),
            )
