"""Read platform/config/ into a `PlatformConfig` (called by `steward.project.load_project`,
the one place that reads the project's files).

    platform/config/defaults.yml             every setting's platform default, and `locked:`
    platform/config/teams/<team>.yml         a team's overrides; `environments: {<env>: ...}`
                                             its overrides in one environment
    platform/config/environments/<env>.yml   an environment's overrides (dev, staging, prod)

A project without platform/config/ has no layered configuration (None): nothing is
generated or checked. With the folder, defaults.yml is required.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from steward.config import schema
from steward.config.model import (
    CONFIG_DIR,
    DEFAULTS,
    DEFAULTS_PATH,
    ENVIRONMENT,
    ENVIRONMENTS_DIR,
    TEAM,
    TEAM_IN_ENVIRONMENT,
    TEAMS_DIR,
    ConfigLayer,
    Leaf,
    Lock,
    Path_,
    PlatformConfig,
    dotted,
)
from steward.errors import UserError
from steward.project.contract_odcs import line_at
from steward.project.model import Position, Registry
from steward.project.namespaces import LAYERS
from steward.project.yamlio import LineDict, load_yaml

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def project_layers(registry: Registry | None) -> tuple[str, ...]:
    """The layers a `models:` section may name: the registry's, in the usual order."""
    if registry is None:
        return LAYERS
    known = registry.layers
    return (*(x for x in LAYERS if x in known), *sorted(known - set(LAYERS)))


def read_platform_config(
    root: Path, registry: Registry | None, texts: MutableMapping[str, str]
) -> PlatformConfig | None:
    """The layered configuration of the project at `root`, validated; None without the
    folder. The files' texts are kept in `texts` (to point at columns in them)."""
    folder = root / CONFIG_DIR
    if not folder.is_dir():
        return None
    _check_file_names(root, folder)
    layers = project_layers(registry)
    if not (root / DEFAULTS_PATH).is_file():
        raise UserError(
            f"{CONFIG_DIR}/ has no defaults.yml: the platform's defaults are the layer every "
            "team and environment starts from; create it",
            path=DEFAULTS_PATH,
        )
    defaults_data = _read(root, DEFAULTS_PATH, DEFAULTS, layers, texts)
    defaults = _layer(defaults_data, DEFAULTS_PATH, DEFAULTS, texts)
    _check_complete(defaults, defaults_data)
    locks = _locks(defaults_data, layers)

    environments: dict[str, ConfigLayer] = {}
    for file in sorted((root / ENVIRONMENTS_DIR).glob("*.yml")):
        rel = f"{ENVIRONMENTS_DIR}/{file.name}"
        env = _name_of(file, rel, "an environment")
        data = _read(root, rel, ENVIRONMENT, layers, texts)
        environments[env] = _layer(data, rel, ENVIRONMENT, texts, env=env)

    teams: dict[str, ConfigLayer] = {}
    team_environments: dict[tuple[str, str], ConfigLayer] = {}
    for file in sorted((root / TEAMS_DIR).glob("*.yml")):
        rel = f"{TEAMS_DIR}/{file.name}"
        team = _name_of(file, rel, "a team")
        if registry is not None and registry.team(team) is None:
            raise UserError(
                f"there is no team `{team}` in {registry.path or 'platform/teams.yml'}; a team "
                f"file is named after a team id (the teams: {', '.join(sorted(registry.team_ids))})",
                path=rel,
                line=1,
            )
        data = _read(root, rel, TEAM, layers, texts)
        _check_team_layers(data, rel, team, registry)
        per_env = data.pop("environments", None) or LineDict()
        teams[team] = _layer(data, rel, TEAM, texts, team=team)
        for env, section in per_env.items():
            if env not in environments:
                raise UserError(
                    f"`environments.{env}`: there is no {ENVIRONMENTS_DIR}/{env}.yml (the "
                    f"environments: {', '.join(sorted(environments)) or 'none'})",
                    path=rel,
                    line=per_env.key_line(env),
                )
            team_environments[(team, env)] = _layer(
                section, rel, TEAM_IN_ENVIRONMENT, texts, team=team, env=env
            )
    return PlatformConfig(
        defaults=defaults,
        teams=MappingProxyType(teams),
        environments=MappingProxyType(environments),
        team_environments=MappingProxyType(team_environments),
        locks=locks,
        layers=layers,
    )


def _check_file_names(root: Path, folder: Path) -> None:
    allowed = {DEFAULTS_PATH}
    for file in sorted(folder.rglob("*")):
        rel = file.relative_to(root).as_posix()
        if file.suffix not in (".yml", ".yaml") or rel in allowed:
            continue
        parent = file.parent.relative_to(root).as_posix()
        if file.suffix == ".yaml" or parent not in (TEAMS_DIR, ENVIRONMENTS_DIR):
            raise UserError(
                f"steward does not read this file: the layers are {DEFAULTS_PATH}, "
                f"{TEAMS_DIR}/<team>.yml and {ENVIRONMENTS_DIR}/<env>.yml; rename or move it",
                path=rel,
            )


def _name_of(file: Path, rel: str, what: str) -> str:
    name = file.stem
    if not _NAME.match(name):
        raise UserError(
            f"`{name}` is not {what} name: name the file in lower snake case, e.g. "
            f"{'electra.yml' if what == 'a team' else 'staging.yml'}",
            path=rel,
        )
    return name


def _read(
    root: Path, rel: str, kind: str, layers: tuple[str, ...], texts: MutableMapping[str, str]
) -> Any:
    data = load_yaml(root / rel, rel, texts)  # type: ignore[arg-type]
    schema.validate(data, rel, kind, layers)
    return data if data is not None else LineDict()


def _layer(
    data: Mapping[str, Any],
    rel: str,
    kind: str,
    texts: Mapping[str, str],
    team: str | None = None,
    env: str | None = None,
) -> ConfigLayer:
    leaves: dict[Path_, Leaf] = {}
    lines = texts.get(rel, "").splitlines()

    def walk(level: Mapping[str, Any], prefix: Path_) -> None:
        for key, value in level.items():
            path = (*prefix, str(key))
            if isinstance(value, Mapping):
                walk(value, path)
                continue
            line = level.key_line(key) if isinstance(level, LineDict) else 1
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            column = text.find(str(key)) + 1 or 1
            leaves[path] = Leaf(value, Position(rel, line, column))

    walk({k: v for k, v in data.items() if k != "locked"}, ())
    return ConfigLayer(kind, rel, MappingProxyType(leaves), team=team, env=env)


def _check_complete(defaults: ConfigLayer, data: Mapping[str, Any]) -> None:
    for path in schema.leaf_paths():
        if path not in defaults.leaves:
            hint = schema.HINTS.get(path[-1], "a value")
            raise UserError(
                f"`{dotted(path)}` has no platform default: defaults.yml gives every setting "
                f"a value (what a team gets when nobody says otherwise); write {hint}",
                path=DEFAULTS_PATH,
                line=line_at(data, path),
            )


def _locks(data: Mapping[str, Any], layers: tuple[str, ...]) -> tuple[Lock, ...]:
    entries = data.get("locked") or []
    known = list(schema.leaf_paths())
    locks = []
    for index, entry in enumerate(entries):
        path = tuple(str(entry).split("."))
        line = entries.item_line(index) if hasattr(entries, "item_line") else 1
        unlayered = (path[0], *path[2:]) if len(path) >= 2 and path[0] == "models" else path
        if len(path) >= 2 and path[0] == "models" and path[1] in layers:
            valid = len(path) == 2 or any(p[: len(unlayered)] == unlayered for p in known)
        else:
            valid = any(p[: len(path)] == path for p in known)
        if not valid:
            raise UserError(
                f"`locked`: `{entry}` is not a setting; write a section or a setting's path, "
                "e.g. `retention`, `models.file_format`, `models.silver.on_schema_change`",
                path=DEFAULTS_PATH,
                line=line,
            )
        locks.append(Lock(path, Position(DEFAULTS_PATH, line)))
    return tuple(locks)


def _check_team_layers(data: Any, rel: str, team: str, registry: Registry | None) -> None:
    """A team file's `models.<layer>` names a layer the team owns."""
    models = data.get("models") if isinstance(data, Mapping) else None
    known = registry.team(team) if registry is not None else None
    if not isinstance(models, LineDict) or known is None:
        return
    for key in models:
        if key not in schema.ModelSettings.model_fields and key not in known.layers:
            raise UserError(
                f"`models.{key}`: team {team} has no {key} folders (its layers: "
                f"{', '.join(known.layers)}); configure only the layers the team owns",
                path=rel,
                line=models.key_line(key),
            )
