"""`dbt_project.yml` and `packages.yml`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
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


RESOURCE_KEYS = ("models", "seeds", "snapshots", "tests", "data_tests", "sources", "unit_tests")
_FOLDER_KEYS = (
    *(f"{kind}-paths" for kind in ("model", "macro", "seed", "snapshot", "test", "analysis")),
    *("docs-paths", "asset-paths", "function-paths", "clean-targets"),
)


def _is_mapping(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_folders(value: Any) -> bool:
    return all(isinstance(v, str) for v in (value if isinstance(value, list) else [value]))


def _is_hooks(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return all(isinstance(v, (str, Mapping)) for v in items)


def _is_dispatch(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, Mapping) for v in value)


_TREE = "a mapping, e.g. `{key}: {{{name}: {{+enabled: true}}}}`"
# key -> (the check, what it must be), as dbt reads the file
_SHAPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    **dict.fromkeys(
        (*RESOURCE_KEYS, "exposures", "metrics", "saved-queries"), (_is_mapping, _TREE)
    ),
    **dict.fromkeys(
        ("semantic-models", "functions", "flags", "quoting"), (_is_mapping, "a mapping")
    ),
    "vars": (_is_mapping, "a mapping of names to values, e.g. `vars: {{days: 4}}`"),
    **dict.fromkeys(
        _FOLDER_KEYS, (_is_folders, 'a folder or a list of them, e.g. `{key}: ["..."]`')
    ),
    **dict.fromkeys(
        ("name", "profile", "target-path", "log-path", "packages-install-path"),
        (_is_text, "a string"),
    ),
    **dict.fromkeys(("on-run-start", "on-run-end"), (_is_hooks, "a statement or a list of them")),
    "dispatch": (_is_dispatch, "a list of `{{macro_namespace: ..., search_order: [...]}}`"),
}


def check_shapes(data: LineDict) -> None:
    """Each known key of `dbt_project.yml` has the shape dbt reads (`models: 5` would
    drop every folder's config without a word), and the project's own level of each
    resource tree is a mapping."""
    name = str(data.get("name"))
    for key, value in data.items():
        if value is None or key not in _SHAPES:
            continue
        fits, expected = _SHAPES[key]
        if not fits(value):
            _wrong(f"`{key}`", value, expected.format(key=key, name=name), data.key_line(key))
        level = value.get(name) if key in RESOURCE_KEYS else None
        if level is not None and not isinstance(level, Mapping):
            expected = f"a mapping of folder config, e.g. `{name}: {{+enabled: true}}`"
            _wrong(f"`{key}.{name}`", level, expected, value.key_line(name))


def _wrong(what: str, value: Any, expected: str, line: int) -> None:
    raise UserError(f"{what} must be {expected}, not `{value}`", path="dbt_project.yml", line=line)


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
    check_shapes(data)
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


def _package_entries(root: Path) -> Iterator[tuple[Mapping[str, Any], Position]]:
    """Each entry of `packages.yml` (and `dependencies.yml`) with its file and line."""
    for name in ("packages.yml", "dependencies.yml"):
        file = root / name
        if not file.is_file():
            continue
        data = load_yaml(file, name)
        entries = data.get("packages") if isinstance(data, Mapping) else None
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, Mapping):
                line = entries.item_line(index) if isinstance(entries, LineList) else 1
                yield entry, Position(name, line)


def read_packages(root: Path) -> tuple[tuple[Package, Path], ...]:
    """Local packages: those named in `packages.yml` with `local:`, and `dbt_packages/*`."""
    found: dict[str, tuple[Package, Path]] = {}
    candidates: list[Path] = []
    for entry, _position in _package_entries(root):
        if entry.get("local"):
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
            own_vars = package_data.get("vars")
            own = MappingProxyType(dict(own_vars)) if isinstance(own_vars, Mapping) else None
            found[package] = (
                Package(package, _display(root, directory), vars=own or MappingProxyType({})),
                directory,
            )
    return tuple(found.values())


def _declared_name(entry: Mapping[str, Any]) -> str | None:
    """The name a `packages.yml` entry installs as: `dbt-labs/dbt_utils` -> `dbt_utils`,
    a git URL -> its repository, a local folder -> its folder (dbt reads its project)."""
    for key in ("package", "git", "local", "tarball"):
        value = entry.get(key)
        if isinstance(value, str) and value:
            tail = value.rstrip("/").rsplit("/", 1)[-1]
            return tail.removesuffix(".git")
    return None


def missing_packages(
    root: Path, installed: tuple[tuple[Package, Path], ...]
) -> list[tuple[str, Position]]:
    """Each package `packages.yml` (or `dependencies.yml`) names that is not installed."""
    names = {_comparable(package.name) for package, _ in installed}
    names.update(_comparable(directory.name) for _, directory in installed)
    found: list[tuple[str, Position]] = []
    for entry, position in _package_entries(root):
        name = None if entry.get("local") else _declared_name(entry)
        if name is not None and _comparable(name) not in names:
            found.append((name, position))
    return found


def _comparable(name: str) -> str:
    """A package name as its repository and its project may both spell it: the git
    package `dbt-audit-helper` installs as project `audit_helper`."""
    return name.lower().replace("-", "_").removeprefix("dbt_")


def package_macro_paths(directory: Path) -> tuple[str, ...]:
    data = load_yaml(directory / "dbt_project.yml")
    return _paths(data if isinstance(data, Mapping) else {}, "macro-paths", "macros")


def package_seed_paths(directory: Path) -> tuple[str, ...]:
    data = load_yaml(directory / "dbt_project.yml")
    return _paths(data if isinstance(data, Mapping) else {}, "seed-paths", "seeds")


def package_test_paths(directory: Path) -> tuple[str, ...]:
    data = load_yaml(directory / "dbt_project.yml")
    return _paths(data if isinstance(data, Mapping) else {}, "test-paths", "tests")


def package_model_paths(directory: Path) -> tuple[str, ...]:
    data = load_yaml(directory / "dbt_project.yml")
    return _paths(data if isinstance(data, Mapping) else {}, "model-paths", "models")


def _display(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
