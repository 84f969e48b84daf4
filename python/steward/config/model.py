"""The layered configuration as read: one `ConfigLayer` per file (or per team-in-environment
section), each value with the file, line and column that set it.

Resolution (`steward.config.resolve`) stacks the layers of a team in an environment:
defaults, then the team's file, then the environment's file, then the team's section for
that environment (`environments: {<env>: ...}` of the team file). A key the platform
locks (`locked:` of defaults.yml) keeps its default whatever a later layer says.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from steward.project.model import Position

CONFIG_DIR = "platform/config"
DEFAULTS_PATH = f"{CONFIG_DIR}/defaults.yml"
TEAMS_DIR = f"{CONFIG_DIR}/teams"
ENVIRONMENTS_DIR = f"{CONFIG_DIR}/environments"

DEFAULTS = "defaults"
TEAM = "team"
ENVIRONMENT = "environment"
TEAM_IN_ENVIRONMENT = "team in environment"

Path_ = tuple[str, ...]
"""A setting's path: ("spark", "shuffle_partitions"), ("models", "silver", "file_format")."""


def dotted(path: Path_) -> str:
    return ".".join(path)


def show_value(value: Any) -> str:
    """A value as YAML writes it in a flow: `delta`, `[reading_date]`, `true`, `null`."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {show_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return str(value)


@dataclass(frozen=True)
class Leaf:
    """One value a file sets, where it sets it."""

    value: Any
    position: Position


@dataclass(frozen=True)
class ConfigLayer:
    """The values one layer sets, by path."""

    kind: str
    path: str
    leaves: Mapping[Path_, Leaf]
    team: str | None = None
    env: str | None = None

    @property
    def label(self) -> str:
        if self.kind == TEAM:
            return f"team {self.team}"
        if self.kind == ENVIRONMENT:
            return f"environment {self.env}"
        if self.kind == TEAM_IN_ENVIRONMENT:
            return f"team {self.team} in {self.env}"
        return DEFAULTS


@dataclass(frozen=True)
class Lock:
    """A path of `locked:` in defaults.yml: it and everything under it keep the default.
    `models.<key>` locks the key in every layer's folders, `models.<layer>.<key>` in one."""

    path: Path_
    position: Position

    def covers(self, path: Path_) -> bool:
        """Whether `path` is locked; the path of a model setting names its layer
        (`models.silver.file_format`), which `models.file_format` locks as well."""
        if path[: len(self.path)] == self.path:
            return True
        width = len(self.path) - 1
        return (
            path[:1] == ("models",)
            and self.path[:1] == ("models",)
            and width >= 1
            and path[2 : 2 + width] == self.path[1:]
        )


@dataclass(frozen=True)
class PlatformConfig:
    """Everything under platform/config/, validated (`steward.config.schema`)."""

    defaults: ConfigLayer
    teams: Mapping[str, ConfigLayer]
    environments: Mapping[str, ConfigLayer]
    team_environments: Mapping[tuple[str, str], ConfigLayer]
    locks: tuple[Lock, ...]
    layers: tuple[str, ...]
    """The project's layers: the `models:` sections a file may have."""

    def lock_of(self, path: Path_) -> Lock | None:
        return next((lock for lock in self.locks if lock.covers(path)), None)

    def stack(self, team: str | None, env: str | None) -> tuple[ConfigLayer, ...]:
        """The layers of `team` in config environment `env`, lowest first (None: left out)."""
        layers = [self.defaults]
        if team is not None and team in self.teams:
            layers.append(self.teams[team])
        if env is not None and env in self.environments:
            layers.append(self.environments[env])
        if team is not None and env is not None and (team, env) in self.team_environments:
            layers.append(self.team_environments[(team, env)])
        return tuple(layers)

    @functools.cached_property
    def overriding_layers(self) -> tuple[ConfigLayer, ...]:
        """Every layer but the defaults, in a stable order (for the lock check)."""
        return (
            *(self.teams[t] for t in sorted(self.teams)),
            *(self.environments[e] for e in sorted(self.environments)),
            *(self.team_environments[k] for k in sorted(self.team_environments)),
        )


@dataclass(frozen=True)
class Setting:
    """A resolved value and where it came from."""

    key: str
    value: Any
    position: Position
    source: str
    locked: bool = False


@dataclass(frozen=True)
class Resolution:
    """The configuration of a team (or of the platform, `team=None`) in an environment."""

    team: str | None
    env: str | None
    settings: tuple[Setting, ...]

    @functools.cached_property
    def by_key(self) -> Mapping[str, Setting]:
        return {setting.key: setting for setting in self.settings}

    def value(self, key: str, default: Any = None) -> Any:
        setting = self.by_key.get(key)
        return default if setting is None else setting.value

    def tree(self) -> dict[str, Any]:
        """The settings as nested mappings (`{"spark": {"shuffle_partitions": 8}}`)."""
        tree: dict[str, Any] = {}
        for setting in self.settings:
            *parents, last = setting.key.split(".")
            holder = tree
            for part in parents:
                holder = holder.setdefault(part, {})
            holder[last] = setting.value
        return tree
