"""`dbt_project.yml` and `packages.yml`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from steward.errors import UserError
from steward.project.config import hook_sql
from steward.project.model import DbtProjectFile, Hook, LoadIssue, Package, Position
from steward.project.yamlio import LineDict, LineList, load_yaml

KNOWN_PROJECT_KEYS = frozenset(
    {
        "name",
        "version",
        "config-version",
        "profile",
        "model-paths",
        "macro-paths",
        "seed-paths",
        "snapshot-paths",
        "test-paths",
        "analysis-paths",
        "docs-paths",
        "asset-paths",
        "function-paths",
        "packages-install-path",
        "clean-targets",
        "target-path",
        "log-path",
        "require-dbt-version",
        "quoting",
        "on-run-start",
        "on-run-end",
        "vars",
        "models",
        "seeds",
        "snapshots",
        "sources",
        "data_tests",
        "tests",
        "exposures",
        "metrics",
        "semantic-models",
        "saved-queries",
        "unit_tests",
        "dispatch",
        "flags",
        "restrict-access",
        "query-comment",
        "dbt-cloud",
        "functions",
    }
)


def _paths(data: Mapping[str, Any], key: str, default: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return (default,)
    if isinstance(value, str):
        return (value,)
    return tuple(str(v).rstrip("/") for v in value)


def _hooks(value: Any, kind: str, path: str, line: int) -> tuple[Hook, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    hooks = []
    for index, item in enumerate(items):
        item_line = item.line if isinstance(item, LineDict) else line
        if isinstance(value, LineList):
            item_line = value.item_line(index)
        sql, transaction = hook_sql(item)
        hooks.append(Hook(sql, kind, Position(path, item_line), transaction))
    return tuple(hooks)


def read_dbt_project(root: Path) -> tuple[DbtProjectFile, LineDict, list[LoadIssue]]:
    """The project file, its raw mapping (for the resource trees) and its key warnings."""
    path = root / "dbt_project.yml"
    data = load_yaml(path, "dbt_project.yml")
    if not isinstance(data, LineDict):
        raise UserError("dbt_project.yml is not a mapping", path="dbt_project.yml", line=1)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise UserError("dbt_project.yml has no `name`", path="dbt_project.yml", line=1)
    issues = [
        LoadIssue(
            "YML001",
            "warning",
            f"unknown key `{key}` in dbt_project.yml",
            Position("dbt_project.yml", data.key_line(key)),
        )
        for key in data
        if key not in KNOWN_PROJECT_KEYS
    ]
    rel = "dbt_project.yml"
    dispatch = data.get("dispatch") or []
    project = DbtProjectFile(
        name=name,
        path=rel,
        profile=data.get("profile"),
        model_paths=_paths(data, "model-paths", "models"),
        macro_paths=_paths(data, "macro-paths", "macros"),
        seed_paths=_paths(data, "seed-paths", "seeds"),
        snapshot_paths=_paths(data, "snapshot-paths", "snapshots"),
        test_paths=_paths(data, "test-paths", "tests"),
        vars=MappingProxyType(dict(data.get("vars") or {})),
        on_run_start=_hooks(
            data.get("on-run-start"), "on-run-start", rel, data.key_line("on-run-start")
        ),
        on_run_end=_hooks(data.get("on-run-end"), "on-run-end", rel, data.key_line("on-run-end")),
        dispatch=tuple(d for d in dispatch if isinstance(d, Mapping)),
    )
    return project, data, issues


def read_packages(root: Path) -> tuple[tuple[Package, Path], ...]:
    """Local packages: those named in `packages.yml` with `local:`, and `dbt_packages/*`."""
    found: dict[str, tuple[Package, Path]] = {}
    candidates: list[Path] = []
    for name in ("packages.yml", "dependencies.yml"):
        file = root / name
        if not file.is_file():
            continue
        data = load_yaml(file, name)
        entries = data.get("packages") if isinstance(data, Mapping) else None
        for entry in entries or []:
            if isinstance(entry, Mapping) and entry.get("local"):
                candidates.append((root / str(entry["local"])).resolve())
    installed = root / "dbt_packages"
    if installed.is_dir():
        candidates.extend(sorted(p for p in installed.iterdir() if p.is_dir()))
    for directory in candidates:
        project_file = directory / "dbt_project.yml"
        if not project_file.is_file():
            continue
        package_data = load_yaml(project_file, _display(root, project_file))
        package = package_data.get("name") if isinstance(package_data, Mapping) else None
        if isinstance(package, str) and package not in found:
            found[package] = (Package(package, _display(root, directory)), directory)
    return tuple(found.values())


def package_macro_paths(directory: Path) -> tuple[str, ...]:
    data = load_yaml(directory / "dbt_project.yml")
    return _paths(data if isinstance(data, Mapping) else {}, "macro-paths", "macros")


def package_model_paths(directory: Path) -> tuple[str, ...]:
    data = load_yaml(directory / "dbt_project.yml")
    return _paths(data if isinstance(data, Mapping) else {}, "model-paths", "models")


def _display(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
