"""The nodes of a project: models (the root project's and its packages'), seeds,
snapshots, singular tests and the generic tests that store failures, each with its config
from the cascade and its yml, and its owner resolved (`steward.project.ownership`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from steward.errors import UserError
from steward.project.cascade import ConfigCascade, layered, with_lines
from steward.project.config_jinja import is_disabled, render_config
from steward.project.model import (
    EMPTY,
    DbtProjectFile,
    LoadIssue,
    Node,
    Package,
    Position,
    Properties,
    Registry,
)
from steward.project.ownership import node_layer_team
from steward.project.properties import PropertiesIndex, load_properties, node_columns
from steward.project.yamlio import LineDict, load_yaml

_SNAPSHOT_RE = re.compile(
    r"\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}(.*?)\{%-?\s*endsnapshot\s*-?%\}",
    re.DOTALL,
)
_YML_TOP_LEVEL_CONFIG = ("meta", "tags", "access", "group", "docs", "deprecation_date")
_SECTIONS = {"model": "models", "seed": "seeds", "snapshot": "snapshots", "test": "data_tests"}


def files_under(root: Path, folders: tuple[str, ...], suffixes: tuple[str, ...]) -> Iterator[Path]:
    for folder in folders:
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.suffix in suffixes and path.is_file():
                    yield path


def display(root: Path, path: Path) -> str:
    """`path` relative to the project root (posix); absolute when outside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def read_text(file: Path, root: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read: {exc}", path=display(root, file)) from None


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


class NodeCollector:
    """Collects the nodes of one project; `cascades` are the root project's, per type."""

    def __init__(
        self,
        root: Path,
        dbt_project: DbtProjectFile,
        raw: Mapping[str, Any],
        index: PropertiesIndex,
        registry: Registry | None,
        issues: list[LoadIssue],
    ) -> None:
        self.root = root
        self.project = dbt_project
        self.index = index
        self.registry = registry
        self.issues = issues
        self.nodes: dict[str, Node] = {}
        self.disabled: dict[str, str] = {}
        """Disabled models, seeds and snapshots by name -> their file (dbt leaves them out)."""
        self.package_vars: dict[str, Mapping[str, Any]] = {}
        self.cascades = {
            kind: ConfigCascade(
                raw.get(section) or (raw.get("tests") if kind == "test" else None), section
            )
            for kind, section in _SECTIONS.items()
        }
        self._versioned = _versioned_files(index)

    def _vars(self, package: str) -> dict[str, Any]:
        """The vars config values of `package` render with: its own, the root's over them."""
        root_vars = self.project.vars
        values = dict(self.package_vars.get(package) or {})
        values.update({k: v for k, v in root_vars.items() if not isinstance(v, Mapping)})
        scoped = root_vars.get(package)
        if isinstance(scoped, Mapping):
            values.update(scoped)
        return values

    # ---- one node ----------------------------------------------------------------------
    def _yml(
        self, resource_type: str, node_name: str
    ) -> tuple[LineDict | None, str | None, LineDict | None, str | None, int | None]:
        """The node's yml entry and file, its version entry, its model name and version."""
        entry_path = self.index.nodes.get((resource_type, node_name))
        version_entry: LineDict | None = None
        model_name: str | None = None
        version: int | None = None
        if entry_path is None and resource_type == "model" and node_name in self._versioned:
            model_name, entry_path, version_entry = self._versioned[node_name]
            version = _version_number(version_entry.get("v"))
        entry, yml_path = entry_path if entry_path else (None, None)
        return entry, yml_path, version_entry, model_name, version

    def add(
        self,
        resource_type: str,
        node_name: str,
        file: Path,
        base: Path,
        language: str,
        code: str,
        code_line: int = 1,
        package: str | None = None,
        package_cascade: ConfigCascade | None = None,
    ) -> None:
        package = package or self.project.name
        rel = display(self.root, file)
        folders = file.relative_to(base).parent.parts
        if resource_type == "snapshot":
            # dbt puts the file name in a snapshot's fqn (a file may hold several blocks)
            folders = (*folders, file.stem)
        fqn = (package, *folders, node_name)
        entry, yml_path, version_entry, model_name, version = self._yml(resource_type, node_name)
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
            yml_config = with_lines(version_entry or entry, yml_config)
        resolved = self.cascades[resource_type].resolve(fqn, yml_config, yml_path)
        if package_cascade is not None:
            # a package's own dbt_project.yml first, the root project's over it (dbt's order)
            resolved = layered(package_cascade.resolve(fqn, None, None), resolved)
        config, origins, hooks = resolved
        render_config(config, self._vars(package))
        if is_disabled(config, code):
            self.disabled.setdefault(node_name, rel)
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
                columns=node_columns(
                    described, yml_path, f"{resource_type} `{node_name}`", self.index
                ),
                versions=tuple(entry.get("versions") or ()),
                latest_version=entry.get("latest_version"),
            )
        unique_id = f"{resource_type}.{package}.{node_name}"
        if unique_id in self.nodes:
            self.issues.append(
                LoadIssue(
                    "YML001",
                    "warning",
                    f"two {resource_type}s are named `{node_name}` ({self.nodes[unique_id].path})",
                    Position(rel, 1),
                    model=node_name,
                )
            )
            return
        meta = config.get("meta")
        layer, team = node_layer_team(
            resource_type,
            tuple(folders),
            meta if isinstance(meta, Mapping) else EMPTY,
            self.registry,
        )
        self.nodes[unique_id] = Node(
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
            layer=layer,
            team=team,
        )

    # ---- every node --------------------------------------------------------------------
    def collect(
        self, packages: Iterable[tuple[Package, Path]], yml_files: list[str], texts: dict[str, str]
    ) -> None:
        root = self.root
        for folder in self.project.model_paths:
            for file in files_under(root, (folder,), (".sql", ".py")):
                language = "python" if file.suffix == ".py" else "sql"
                self.add("model", file.stem, file, root / folder, language, read_text(file, root))
        for package, directory in packages:
            self.package_vars[package.name] = package.vars
            self._package(package, directory, yml_files, texts)
        for folder in self.project.seed_paths:
            for file in files_under(root, (folder,), (".csv",)):
                self.add("seed", file.stem, file, root / folder, "csv", "")
        for folder in self.project.snapshot_paths:
            for file in files_under(root, (folder,), (".sql",)):
                text = read_text(file, root)
                for match in _SNAPSHOT_RE.finditer(text):
                    line = text.count("\n", 0, match.start(2)) + 1
                    # keep the line numbers of the file: pad the body with the lines before it
                    body = "\n" * (line - 1) + match.group(2)
                    self.add("snapshot", match.group(1), file, root / folder, "sql", body, line)
        for folder in self.project.test_paths:
            base = root / folder
            for file in files_under(root, (folder,), (".sql",)):
                if "generic" in file.relative_to(base).parts:
                    continue
                self.add("test", file.stem, file, base, "sql", read_text(file, root))
        self._stored_tests()

    def _package(
        self, package: Package, directory: Path, yml_files: list[str], texts: dict[str, str]
    ) -> None:
        from steward.project.dbt_project import package_model_paths, package_seed_paths

        project_file = directory / "dbt_project.yml"
        data = load_yaml(project_file, display(self.root, project_file))
        raw = data if isinstance(data, LineDict) else LineDict()
        cascade = ConfigCascade(raw.get("models"), "models")
        for folder in package_model_paths(directory):
            for file in files_under(directory, (folder,), (".yml", ".yaml")):
                rel = display(self.root, file)
                yml_files.append(rel)
                load_properties(file, rel, self.index, package.name, texts)
            for file in files_under(directory, (folder,), (".sql", ".py")):
                language = "python" if file.suffix == ".py" else "sql"
                code = read_text(file, self.root)
                self.add(
                    "model",
                    file.stem,
                    file,
                    directory / folder,
                    language,
                    code,
                    package=package.name,
                    package_cascade=cascade,
                )
        seeds = ConfigCascade(raw.get("seeds"), "seeds")
        for folder in package_seed_paths(directory):
            for file in files_under(directory, (folder,), (".yml", ".yaml")):
                rel = display(self.root, file)
                yml_files.append(rel)
                load_properties(file, rel, self.index, package.name, texts)
            for file in files_under(directory, (folder,), (".csv",)):
                self.add(
                    "seed",
                    file.stem,
                    file,
                    directory / folder,
                    "csv",
                    "",
                    package=package.name,
                    package_cascade=seeds,
                )

    def _stored_tests(self) -> None:
        """Generic tests from yml that store their failures (`store_failures`): each writes
        a table, into the namespace the namespace macros give it, so each is a node."""
        name = self.project.name
        for test in self.index.generic_tests:
            yml_path = test.position.path
            folders = Path(yml_path).parent.parts[1:]
            fqn = (name, *folders, test.node_name)
            config_lines = LineDict(test.config)
            config_lines.line = test.position.line
            if isinstance(test.config, LineDict):
                config_lines.key_lines = dict(test.config.key_lines)
            config, origins, _hooks = self.cascades["test"].resolve(fqn, config_lines, yml_path)
            render_config(config, self._vars(name))
            stores = config.get("store_failures") or config.get("store_failures_as") in (
                "table",
                "view",
            )
            if not stores or is_disabled(config, ""):
                continue
            meta = config.get("meta")
            layer, team = node_layer_team(
                "test",
                tuple(folders),
                meta if isinstance(meta, Mapping) else EMPTY,
                self.registry,
            )
            unique_id = f"test.{name}.{test.node_name}"
            self.nodes.setdefault(
                unique_id,
                Node(
                    unique_id=unique_id,
                    resource_type="test",
                    name=test.node_name,
                    package=name,
                    path=yml_path,
                    fqn=fqn,
                    language="generic",
                    raw_code="",
                    config=MappingProxyType(config),
                    config_origins=MappingProxyType(origins),
                    code_line=test.position.line,
                    layer=layer,
                    team=team,
                ),
            )
