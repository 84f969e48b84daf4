"""`load_project`: read a dbt project's files into one frozen `Project`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from steward.errors import UserError
from steward.project.config import (
    HOOK_KEYS,
    hook_sql,
    level_configs,
    merge_config,
    normalise_key,
)
from steward.project.contracts import read_contracts
from steward.project.dbt_project import (
    package_macro_paths,
    package_model_paths,
    read_dbt_project,
    read_packages,
)
from steward.project.macros import internal_macro_files, read_macro_files
from steward.project.model import (
    Hook,
    LoadIssue,
    MacroFile,
    Node,
    Position,
    Project,
    Properties,
)
from steward.project.properties import (
    BUILTIN_TESTS,
    PropertiesIndex,
    check_config_keys,
    node_columns,
    read_properties,
)
from steward.project.registry import read_exceptions, read_registry
from steward.project.yamlio import LineDict, LineList, load_yaml

_SNAPSHOT_RE = re.compile(
    r"\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}(.*?)\{%-?\s*endsnapshot\s*-?%\}",
    re.DOTALL,
)
_YML_TOP_LEVEL_CONFIG = ("meta", "tags", "access", "group", "docs", "deprecation_date")


def find_project_root(path: Path) -> Path:
    """The folder holding `dbt_project.yml`: `path` itself or its nearest parent."""
    start = path.resolve()
    if start.is_file():
        start = start.parent
    for candidate in (start, *start.parents):
        if (candidate / "dbt_project.yml").is_file():
            return candidate
    raise UserError("no dbt_project.yml here or in any parent folder", path=str(path))


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _files(root: Path, folders: tuple[str, ...], suffixes: tuple[str, ...]) -> Iterator[Path]:
    for folder in folders:
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.suffix in suffixes and path.is_file():
                    yield path


class _ConfigResolver:
    """The `dbt_project.yml` cascade for one resource type, remembering which paths matched."""

    def __init__(self, tree: Any, section: str) -> None:
        self.tree = tree if isinstance(tree, LineDict) else LineDict()
        self.section = section
        self.used: set[tuple[str, ...]] = set()

    def resolve(
        self, fqn: tuple[str, ...], yml_config: Mapping[str, Any] | None, yml_path: str | None
    ) -> tuple[dict[str, Any], dict[str, Position], list[Hook]]:
        config: dict[str, Any] = {}
        origins: dict[str, Position] = {}
        hooks: list[Hook] = []
        tree: Mapping[str, Any] = self.tree
        levels: list[Mapping[str, Any]] = [tree]
        for depth, part in enumerate(fqn):
            level = tree.get(part)
            if not isinstance(level, Mapping):
                break
            levels.append(level)
            self.used.add(fqn[: depth + 1])
            tree = level
        for level in levels:
            self._apply(level, level_configs(level), "dbt_project.yml", config, origins, hooks)
        if yml_config and yml_path:
            self._apply(yml_config, dict(yml_config), yml_path, config, origins, hooks)
        return config, origins, hooks

    @staticmethod
    def _apply(
        raw: Mapping[str, Any],
        values: Mapping[str, Any],
        path: str,
        config: dict[str, Any],
        origins: dict[str, Position],
        hooks: list[Hook],
    ) -> None:
        merge_config(config, values)
        for raw_key, value in raw.items():
            if not isinstance(raw_key, str):
                continue
            key = normalise_key(raw_key.lstrip("+"))
            if key not in config:
                continue
            line = raw.key_line(raw_key) if isinstance(raw, LineDict) else 1
            origins[key] = Position(path, line)
            if key in HOOK_KEYS:
                items = value if isinstance(value, list) else [value]
                for i, item in enumerate(items):
                    item_line = value.item_line(i) if isinstance(value, LineList) else line
                    sql, transaction = hook_sql(item)
                    hooks.append(Hook(sql, key, Position(path, item_line), transaction))

    def unused_paths(self, package: str) -> Iterator[tuple[str, int]]:
        """Folder paths configured in `dbt_project.yml` that match no resource."""

        def walk(level: Mapping[str, Any], prefix: tuple[str, ...]) -> Iterator[tuple[str, int]]:
            for key, value in level.items():
                if (
                    not isinstance(key, str)
                    or key.startswith("+")
                    or not isinstance(value, Mapping)
                ):
                    continue
                path = (*prefix, key)
                if path not in self.used:
                    line = level.key_line(key) if isinstance(level, LineDict) else 1
                    yield ".".join((self.section, *path)), line
                else:
                    yield from walk(value, path)

        yield from walk(self.tree, ())


def load_project(path: Path | str) -> Project:
    """Read the dbt project at `path` (or above it) into a frozen `Project`."""
    root = find_project_root(Path(path))
    dbt_project, raw, issues = read_dbt_project(root)
    name = dbt_project.name
    packages = read_packages(root)
    registry, registry_issues = read_registry(root)
    exceptions, exception_issues = read_exceptions(root)
    issues.extend(registry_issues)
    issues.extend(exception_issues)

    macro_files: list[MacroFile] = []
    for folder in dbt_project.macro_paths:
        macro_files.extend(read_macro_files(root / folder, root, name))
    for package, directory in packages:
        for folder in package_macro_paths(directory):
            macro_files.extend(read_macro_files(directory / folder, root, package.name))
    macro_files.extend(internal_macro_files())

    texts: dict[str, str] = {}
    for rel in (
        "dbt_project.yml",
        "platform/teams.yml",
        "platform/exceptions.yml",
        ".github/CODEOWNERS",
    ):
        if (root / rel).is_file():
            texts[rel] = (root / rel).read_text(encoding="utf-8")
    index = PropertiesIndex()
    yml_files: list[str] = []
    yml_folders = (
        *dbt_project.model_paths,
        *dbt_project.seed_paths,
        *dbt_project.snapshot_paths,
        *dbt_project.macro_paths,
    )
    for file in _files(root, tuple(dict.fromkeys(yml_folders)), (".yml", ".yaml")):
        rel = _rel(root, file)
        yml_files.append(rel)
        read_properties(load_yaml(file, rel, texts), rel, index, name)

    resolvers = {
        "model": _ConfigResolver(raw.get("models"), "models"),
        "seed": _ConfigResolver(raw.get("seeds"), "seeds"),
        "snapshot": _ConfigResolver(raw.get("snapshots"), "snapshots"),
        "test": _ConfigResolver(raw.get("data_tests") or raw.get("tests"), "data_tests"),
    }
    for section in ("models", "seeds", "snapshots", "data_tests"):
        tree = raw.get(section)
        if isinstance(tree, LineDict):
            _check_tree_keys(tree, section, issues)

    nodes: dict[str, Node] = {}
    versioned = _versioned_files(index)

    def add(
        resource_type: str,
        node_name: str,
        file: Path,
        base: Path,
        language: str,
        code: str,
        code_line: int = 1,
        package: str = name,
        package_resolver: _ConfigResolver | None = None,
    ) -> None:
        rel = _display(root, file)
        folders = file.relative_to(base).parent.parts
        if resource_type == "snapshot":
            # dbt puts the file name in a snapshot's fqn (a file may hold several blocks)
            folders = (*folders, file.stem)
        fqn = (package, *folders, node_name)
        entry_path = index.nodes.get((resource_type, node_name))
        version_entry: LineDict | None = None
        model_name = version = None
        if entry_path is None and resource_type == "model" and node_name in versioned:
            model_name, entry_path, version_entry = versioned[node_name]
            version = _version_number(version_entry.get("v"))
        entry, yml_path = entry_path if entry_path else (None, None)
        yml_config: dict[str, Any] = {}
        if entry is not None:
            for holder in (entry, version_entry):
                if holder is None:
                    continue
                for key in _YML_TOP_LEVEL_CONFIG:
                    if key in holder:
                        yml_config[key] = holder[key]
                if isinstance(holder.get("config"), Mapping):
                    yml_config.update(holder["config"])
            yml_config = _with_lines(version_entry or entry, yml_config)
        config, origins, hooks = resolvers[resource_type].resolve(fqn, yml_config, yml_path)
        if package_resolver is not None:
            # a package's own dbt_project.yml first, the root project's over it (dbt's order)
            config, origins, hooks = _layered(
                package_resolver.resolve(fqn, None, None), (config, origins, hooks)
            )
        if config.get("enabled") is False:
            return
        properties = None
        if entry is not None and yml_path is not None:
            described = version_entry if version_entry and "columns" in version_entry else entry
            properties = Properties(
                position=Position(yml_path, (version_entry or entry).line),
                description=str(
                    (version_entry.get("description") if version_entry else None)
                    or entry.get("description")
                    or ""
                ),
                columns=node_columns(described, yml_path, f"{resource_type} `{node_name}`", index),
                versions=tuple(entry.get("versions") or ()),
                latest_version=entry.get("latest_version"),
            )
        unique_id = f"{resource_type}.{package}.{node_name}"
        if unique_id in nodes:
            issues.append(
                LoadIssue(
                    "YML001",
                    "warning",
                    f"two {resource_type}s are named `{node_name}` ({nodes[unique_id].path})",
                    Position(rel, 1),
                    model=node_name,
                )
            )
            return
        nodes[unique_id] = Node(
            unique_id=unique_id,
            resource_type=resource_type,
            name=node_name,
            package=package,
            path=rel,
            fqn=fqn,
            language=language,
            raw_code=code,
            config=MappingProxyType(config),
            config_origins=MappingProxyType(origins),
            pre_hooks=tuple(h for h in hooks if h.kind == "pre-hook"),
            post_hooks=tuple(h for h in hooks if h.kind == "post-hook"),
            properties=properties,
            code_line=code_line,
            version=version,
            model_name=model_name,
        )

    for folder in dbt_project.model_paths:
        base = root / folder
        for file in _files(root, (folder,), (".sql", ".py")):
            code = _read(file, root)
            add("model", file.stem, file, base, "python" if file.suffix == ".py" else "sql", code)
    for package, directory in packages:
        package_data = load_yaml(
            directory / "dbt_project.yml", _display(root, directory / "dbt_project.yml")
        )
        package_raw = package_data if isinstance(package_data, LineDict) else LineDict()
        package_resolver = _ConfigResolver(package_raw.get("models"), "models")
        for folder in package_model_paths(directory):
            base = directory / folder
            for file in _files(directory, (folder,), (".yml", ".yaml")):
                rel = _display(root, file)
                yml_files.append(rel)
                read_properties(load_yaml(file, rel, texts), rel, index, package.name)
            for file in _files(directory, (folder,), (".sql", ".py")):
                add(
                    "model",
                    file.stem,
                    file,
                    base,
                    "python" if file.suffix == ".py" else "sql",
                    _read(file, root),
                    package=package.name,
                    package_resolver=package_resolver,
                )
    for folder in dbt_project.seed_paths:
        base = root / folder
        for file in _files(root, (folder,), (".csv",)):
            add("seed", file.stem, file, base, "csv", "")
    for folder in dbt_project.snapshot_paths:
        base = root / folder
        for file in _files(root, (folder,), (".sql",)):
            text = _read(file, root)
            for match in _SNAPSHOT_RE.finditer(text):
                line = text.count("\n", 0, match.start(2)) + 1
                # keep the line numbers of the file: pad the body with the lines before it
                body = "\n" * (line - 1) + match.group(2)
                add("snapshot", match.group(1), file, base, "sql", body, line)
    for folder in dbt_project.test_paths:
        base = root / folder
        for file in _files(root, (folder,), (".sql",)):
            if "generic" in file.relative_to(base).parts:
                continue
            add("test", file.stem, file, base, "sql", _read(file, root))

    _add_stored_tests(index, resolvers["test"], name, nodes)
    named = {(node.resource_type, node.dbt_name) for node in nodes.values()}
    for (resource_type, node_name), (entry, yml_path) in index.nodes.items():
        if (resource_type, node_name) not in named and resource_type == "model":
            disabled = _disabled(entry)
            if not disabled:
                issues.append(
                    LoadIssue(
                        "YML001",
                        "warning",
                        f"yml describes model `{node_name}`, but there is no such model",
                        Position(yml_path, entry.line),
                        model=node_name,
                    )
                )

    issues.extend(index.issues)
    known_tests = set(BUILTIN_TESTS)
    for macro_file in macro_files:
        if macro_file.internal:
            continue
        for macro, _line in macro_file.macros:
            if macro.startswith("test_"):
                known_tests.add(macro[5:])
                known_tests.add(f"{macro_file.package}.{macro[5:]}")
    for test_name, position in index.test_names:
        if test_name not in known_tests:
            issues.append(
                LoadIssue(
                    "YML001",
                    "warning",
                    f"unknown data test `{test_name}` (no such generic test; a typo?)",
                    position,
                )
            )
    for section, resolver in resolvers.items():
        for dotted, line in resolver.unused_paths(name):
            if section == "test":
                continue  # generic tests from yml are not nodes here; we cannot tell
            issues.append(
                LoadIssue(
                    "YML001",
                    "warning",
                    f"`{dotted}` in dbt_project.yml matches no {section}",
                    Position("dbt_project.yml", line),
                )
            )

    contracts, contract_issues, contracts_dir = read_contracts(root, texts)
    return Project(
        root=root,
        dbt_project=dbt_project,
        nodes=MappingProxyType(nodes),
        sources=MappingProxyType({s.unique_id: s for s in index.sources}),
        exposures=tuple(index.exposures),
        groups=tuple(index.groups),
        macro_files=tuple(macro_files),
        packages=tuple(p for p, _ in packages),
        registry=registry,
        exceptions=exceptions,
        exceptions_path="platform/exceptions.yml" if exceptions else None,
        issues=tuple(issues),
        yml_files=tuple(yml_files),
        texts=MappingProxyType(texts),
        contracts=contracts,
        contract_issues=contract_issues,
        contracts_dir=contracts_dir,
    )


def _version_number(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _versioned_files(
    index: PropertiesIndex,
) -> dict[str, tuple[str, tuple[LineDict, str], LineDict]]:
    """The file (stem) of each version of a versioned model (`versions:` in yml): its
    `defined_in`, else `<model>_v<version>` as dbt names it -> (model, entry, version)."""
    files: dict[str, tuple[str, tuple[LineDict, str], LineDict]] = {}
    for (resource_type, model), (entry, yml_path) in index.nodes.items():
        if resource_type != "model" or not isinstance(entry.get("versions"), list):
            continue
        for item in entry["versions"]:
            if isinstance(item, LineDict) and item.get("v") is not None:
                stem = str(item.get("defined_in") or f"{model}_v{item['v']}")
                files[stem] = (model, (entry, yml_path), item)
    return files


def _add_stored_tests(
    index: PropertiesIndex, resolver: _ConfigResolver, project: str, nodes: dict[str, Node]
) -> None:
    """Generic tests from yml that store their failures (`store_failures`): each writes a
    table, into the namespace the namespace macros give it, so each is a node."""
    for test in index.generic_tests:
        yml_path = test.position.path
        folders = Path(yml_path).parent.parts[1:]
        fqn = (project, *folders, test.node_name)
        config_lines = LineDict(test.config)
        config_lines.line = test.position.line
        if isinstance(test.config, LineDict):
            config_lines.key_lines = dict(test.config.key_lines)
        config, origins, _hooks = resolver.resolve(fqn, config_lines, yml_path)
        if not config.get("store_failures") and config.get("store_failures_as") not in (
            "table",
            "view",
        ):
            continue
        if config.get("enabled") is False:
            continue
        unique_id = f"test.{project}.{test.node_name}"
        nodes.setdefault(
            unique_id,
            Node(
                unique_id=unique_id,
                resource_type="test",
                name=test.node_name,
                package=project,
                path=yml_path,
                fqn=fqn,
                language="generic",
                raw_code="",
                config=MappingProxyType(config),
                config_origins=MappingProxyType(origins),
                code_line=test.position.line,
            ),
        )


def _layered(
    below: tuple[dict[str, Any], dict[str, Position], list[Hook]],
    above: tuple[dict[str, Any], dict[str, Position], list[Hook]],
) -> tuple[dict[str, Any], dict[str, Position], list[Hook]]:
    config, origins, hooks = below
    merge_config(config, above[0])
    origins.update(above[1])
    return config, origins, [*hooks, *above[2]]


def _display(root: Path, path: Path) -> str:
    """`path` relative to the project root (posix); absolute when outside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def _read(file: Path, root: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read: {exc}", path=_display(root, file)) from None


def _disabled(entry: LineDict) -> bool:
    config = entry.get("config")
    return isinstance(config, Mapping) and config.get("enabled") is False


def _with_lines(entry: LineDict, values: dict[str, Any]) -> LineDict:
    """`values` as a LineDict whose keys point at their lines in `entry` (or its config)."""
    result = LineDict(values)
    result.line = entry.line
    config = entry.get("config")
    for key in values:
        if isinstance(config, LineDict) and key in config:
            result.key_lines[key] = config.key_line(key)
        else:
            result.key_lines[key] = entry.key_line(key)
    return result


def _check_tree_keys(tree: LineDict, section: str, issues: list[LoadIssue]) -> None:
    def walk(level: LineDict, where: str) -> None:
        config = {k: v for k, v in level.items() if isinstance(k, str) and k.startswith("+")}
        if config:
            holder = LineDict(config)
            holder.key_lines = level.key_lines
            check_config_keys(
                holder, f"`{where}` of dbt_project.yml", "dbt_project.yml", issues, level.line
            )
        for key, value in level.items():
            if isinstance(value, LineDict) and not str(key).startswith("+"):
                walk(value, f"{where}.{key}")

    walk(tree, section)
