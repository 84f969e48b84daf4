"""The frozen project model: everything steward knows about a dbt project, with positions.

`steward.project.load_project` builds one `Project`; every other part of steward is a
function over it. Positions are relative to the project root (posix), lines 1-based.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from steward.project.namespaces import LANDING, LAYERS, PROD, env_prefix, namespace, schema_of

if TYPE_CHECKING:
    from steward.config.model import PlatformConfig
    from steward.project.contracts import Contract

EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Position:
    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Hook:
    """One SQL hook: a model's pre-/post-hook or the project's on-run-start/-end."""

    sql: str
    kind: str
    position: Position
    transaction: bool = True


@dataclass(frozen=True)
class Column:
    name: str
    position: Position
    description: str = ""
    data_type: str | None = None
    meta: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True)
class Properties:
    """A node's entry in a yml properties file."""

    position: Position
    description: str = ""
    columns: tuple[Column, ...] = ()
    versions: tuple[Mapping[str, Any], ...] = ()
    latest_version: Any = None


@dataclass(frozen=True)
class Node:
    """A model, seed, snapshot or singular test.

    `config` is resolved from the `dbt_project.yml` cascade and the yml properties; the
    `config()` calls of the code are render-time and merged on top by `steward.render`.
    `config_origins` says where each key was last set.
    """

    unique_id: str
    resource_type: str
    name: str
    package: str
    path: str
    fqn: tuple[str, ...]
    language: str
    raw_code: str
    config: Mapping[str, Any]
    config_origins: Mapping[str, Position]
    pre_hooks: tuple[Hook, ...] = ()
    post_hooks: tuple[Hook, ...] = ()
    properties: Properties | None = None
    code_line: int = 1
    version: int | None = None
    """The dbt model version of a versioned model (yml `versions:`), None otherwise."""
    model_name: str | None = None
    """A versioned model's name as dbt knows it (the file is `<model_name>_v<version>`)."""
    layer: str | None = None
    """The layer of a model's folder `models/<layer>/<team>/` (None for other nodes)."""
    team: str | None = None
    """The owning team, resolved once at load time (`steward.project.ownership`)."""

    @property
    def dbt_name(self) -> str:
        """The name `ref()` takes: the model's, or a versioned model's without `_v<N>`."""
        return self.model_name or self.name

    @property
    def position(self) -> Position:
        return Position(self.path, self.code_line)

    @property
    def materialized(self) -> str:
        return str(self.config.get("materialized") or "view")

    @property
    def meta(self) -> Mapping[str, Any]:
        meta = self.config.get("meta")
        return meta if isinstance(meta, Mapping) else EMPTY

    @property
    def access(self) -> str:
        return str(self.config.get("access") or "protected")

    @property
    def folders(self) -> tuple[str, ...]:
        """The folders between the resource root (`models/` ...) and the file."""
        return self.fqn[1:-1]


@dataclass(frozen=True)
class SourceTable:
    unique_id: str
    source_name: str
    name: str
    package: str
    path: str
    position: Position
    schema: str
    identifier: str
    database: str | None = None
    meta: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    config: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    columns: tuple[Column, ...] = ()
    team: str | None = None
    """The team whose bronze folder declares the source (resolved at load time)."""

    @property
    def relation(self) -> str:
        parts = [p for p in (self.database, self.schema, self.identifier) if p]
        return ".".join(parts)


@dataclass(frozen=True)
class Exposure:
    name: str
    path: str
    position: Position
    type: str = ""
    owner: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    depends_on: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    label: str = ""
    url: str = ""
    team: str | None = None
    """The team whose gold folder declares it, else its `owner` found in the registry."""


@dataclass(frozen=True)
class Group:
    name: str
    position: Position
    owner: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True)
class MacroFile:
    """One file of macros; `internal` files come from dbt and the adapter."""

    path: str
    package: str
    source: str
    macros: tuple[tuple[str, int], ...]
    internal: bool = False


@dataclass(frozen=True)
class MissingPackage:
    """A package `packages.yml` names that is not installed (no `dbt deps` yet)."""

    name: str
    position: Position
    tests: tuple[Position, ...] = ()
    """The yml data tests that use it (`dbt_utils.expression_is_true`), not checked."""


@dataclass(frozen=True)
class Package:
    name: str
    path: str
    local: bool = True
    vars: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """The `vars:` of the package's own dbt_project.yml (the root project's win)."""


def default_service_user(team_id: str) -> str:
    """The user a team's orchestrated builds connect as when the registry names none."""
    return f"svc_{team_id}"


@dataclass(frozen=True)
class Team:
    id: str
    position: Position
    name: str = ""
    kind: str = ""
    layers: tuple[str, ...] = ()
    contact: str = ""
    channel: str = ""
    cost_centre: str = ""
    members: tuple[str, ...] = ()
    service_user: str = ""
    """The user the team's orchestrated builds connect to a shared Thrift Server as
    (`steward build --target cluster`); empty: `svc_<id>`."""
    github_team: str = ""
    """The GitHub team that reviews the team's folders (`@org/slug`); empty: derived."""

    @property
    def build_user(self) -> str:
        return self.service_user or default_service_user(self.id)

    @property
    def users(self) -> tuple[str, ...]:
        """Who connects as this team: its members and its service user."""
        return (*self.members, self.build_user)

    def reach(self) -> str:
        """`team electra (data-fr@gridunion.example, #data-fr)`: who to ask, and how."""
        ways = ", ".join(w for w in (self.contact, self.channel) if w)
        return f"team {self.id}" + (f" ({ways})" if ways else "")


@dataclass(frozen=True)
class Registry:
    """The ownership registry: every "who owns what, who may write where" answer.

    A team owns `<prefix><layer>_<team>` for each layer it lists, and its landing
    namespace `<prefix>landing_<team>`; nothing else (`steward.project.namespaces`)."""

    path: str
    teams: tuple[Team, ...]

    @classmethod
    def implicit(cls, team_id: str, layers: tuple[str, ...] = LAYERS) -> Registry:
        """A registry for a project without `platform/teams.yml`: the one team named owns
        its namespaces of every layer."""
        return cls("", (Team(team_id, Position(""), layers=layers),))

    def team(self, team_id: str | None) -> Team | None:
        return self._by_id.get(team_id) if team_id is not None else None

    @functools.cached_property
    def _by_id(self) -> dict[str, Team]:
        return {team.id: team for team in self.teams}

    @property
    def team_ids(self) -> frozenset[str]:
        return frozenset(self._by_id)

    @property
    def layers(self) -> frozenset[str]:
        return frozenset(layer for team in self.teams for layer in team.layers)

    def namespaces(
        self, team_id: str | None, env: str = PROD, *, landing: bool = True
    ) -> tuple[str, ...]:
        """The namespaces team `team_id` may write in `env`: one per layer it lists, and
        (with `landing`) its landing namespace. Unknown team or None: none."""
        team = self.team(team_id)
        if team is None:
            return ()
        layers = (*team.layers, LANDING) if landing else team.layers
        return tuple(namespace(layer, team.id, env) for layer in layers)

    def governed(self, env: str = PROD, *, landing: bool = False) -> dict[str, str]:
        """Every namespace of `env` that a team owns -> the team."""
        return {
            name: team.id
            for team in self.teams
            for name in self.namespaces(team.id, env, landing=landing)
        }

    @functools.cached_property
    def _owners(self) -> dict[str, Team]:
        """Unprefixed namespace (`silver_platform`, `landing_platform`) -> its team."""
        return {
            namespace(layer, team.id): team
            for team in self.teams
            for layer in (*team.layers, LANDING)
        }

    def owner_of(self, name: str | None, env: str = PROD) -> Team | None:
        """The team owning the namespace of `name` (a schema, `schema.table` or
        `catalog.schema.table`) in `env`, or in production when `name` carries no prefix
        of `env`. None: no team owns it (a bad name, another environment's prefix, a
        layer the team does not list)."""
        if not name:
            return None
        schema = schema_of(name)
        prefix = env_prefix(env)
        if prefix and schema.startswith(prefix):
            found = self._owners.get(schema[len(prefix) :])
            if found is not None:
                return found
        return self._owners.get(schema)

    def owns(self, team_id: str | None, name: str, env: str = PROD) -> bool:
        """Whether team `team_id` may write `name` (a schema or relation) in `env`."""
        return schema_of(name) in self.namespaces(team_id, env)


@dataclass(frozen=True)
class RuleException:
    """A reviewed exception from `platform/exceptions.yml`."""

    rule: str
    model: str
    reason: str
    owner: str
    expires: dt.date | None
    position: Position


@dataclass(frozen=True)
class LoadIssue:
    """Something questionable found while reading files (a yml typo, an unknown key)."""

    rule: str
    severity: str
    message: str
    position: Position
    model: str | None = None
    key: str | None = None
    """The unknown yml key it is about (one finding per file and key: `fold_unknown_keys`)."""


@dataclass(frozen=True)
class DbtProjectFile:
    name: str
    path: str
    profile: str | None = None
    model_paths: tuple[str, ...] = ("models",)
    macro_paths: tuple[str, ...] = ("macros",)
    seed_paths: tuple[str, ...] = ("seeds",)
    snapshot_paths: tuple[str, ...] = ("snapshots",)
    test_paths: tuple[str, ...] = ("tests",)
    vars: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    on_run_start: tuple[Hook, ...] = ()
    on_run_end: tuple[Hook, ...] = ()
    dispatch: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Project:
    root: Path
    dbt_project: DbtProjectFile
    nodes: Mapping[str, Node]
    sources: Mapping[str, SourceTable]
    exposures: tuple[Exposure, ...] = ()
    groups: tuple[Group, ...] = ()
    macro_files: tuple[MacroFile, ...] = ()
    packages: tuple[Package, ...] = ()
    registry: Registry | None = None
    exceptions: tuple[RuleException, ...] = ()
    exceptions_path: str | None = None
    issues: tuple[LoadIssue, ...] = ()
    yml_files: tuple[str, ...] = field(default=())
    texts: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    contracts: tuple[Contract, ...] = ()
    """The data contracts of `contracts/` (`steward.project.contracts`)."""
    contract_issues: tuple[LoadIssue, ...] = ()
    """Contracts that could not be read or are invalid (rule CON001)."""
    contracts_dir: str | None = None
    """`contracts` when the project has the folder (it uses contracts), else None."""
    platform_config: PlatformConfig | None = None
    missing_packages: tuple[MissingPackage, ...] = ()
    disabled: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    """Disabled models, seeds and snapshots (`enabled: false` at any level): name -> file.
    dbt leaves them out; a ref to one is dbt's error."""
    """The layered configuration of platform/config/ (`steward.config`), None without it."""

    def missing_package_of(self, macro: str | None) -> MissingPackage | None:
        """The missing package a macro that cannot be resolved (`dbt_utils.star`) is of."""
        if not macro or "." not in macro:
            return None
        prefix = macro.split(".", 1)[0]
        return next((p for p in self.missing_packages if p.name == prefix), None)

    def text(self, path: str) -> str | None:
        """The text of a project file steward read (code, yml, macros), by relative path."""
        return self._text_index.get(path)

    @functools.cached_property
    def _text_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for macro_file in self.macro_files:
            if not macro_file.internal:
                index.setdefault(macro_file.path, macro_file.source)
        for node in self.nodes.values():
            if node.resource_type not in ("snapshot", "operation") and node.language in (
                "sql",
                "python",
            ):
                index[node.path] = node.raw_code
        index.update(self.texts)
        return index

    @property
    def name(self) -> str:
        return self.dbt_project.name

    @property
    def models(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes.values() if n.resource_type == "model")

    def node_by_name(self, name: str, resource_type: str = "model") -> Node | None:
        for node in self.nodes.values():
            if node.name == name and node.resource_type == resource_type:
                return node
        return None

    def source(self, source_name: str, table: str) -> SourceTable | None:
        for src in self.sources.values():
            if src.source_name == source_name and src.name == table:
                return src
        return None
