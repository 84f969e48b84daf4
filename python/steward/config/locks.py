"""Locked keys: the settings only defaults.yml may set (rule CFG001, and `steward build`).

A team file, an environment file or a team's section for an environment that sets a
locked key is refused, even with the locked value: the platform team owns it. A team
file's `models.<key>` applies to every layer of the team's folders, so it is refused when
the key is locked in any of them. A model that sets a locked key to another value itself (in
`config()` or its yml) is refused as well: the lock holds for the folder and for what is in it (restating the locked value in code is
allowed there, as dbt users do).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from steward.config.model import (
    DEFAULTS_PATH,
    ConfigLayer,
    Lock,
    Path_,
    PlatformConfig,
    dotted,
    show_value,
)
from steward.config.resolve import model_setting
from steward.project.model import Node, Position, Registry

NODE_KEYS = ("materialized", "file_format", "incremental_strategy", "on_schema_change")
"""The dbt configs a model may set that a lock holds it to. Not `access`: a data product
is `public` by its own yml, with a contract (CON001), whatever the folder's default."""


@dataclass(frozen=True)
class LockViolation:
    position: Position
    message: str
    team: str | None = None
    node: Node | None = None
    key: str = ""
    """The dbt config a model sets (to find its column), for a model's violation."""


def _locked_value(config: PlatformConfig, path: Path_) -> tuple[Any, Position]:
    """The value a locked setting keeps (from defaults.yml), and where defaults.yml says it."""
    if path[0] == "models":
        setting = model_setting(config, (config.defaults,), path[1], path[2:])
        return setting.value, setting.position
    prefix = path
    leaves = [(p, leaf) for p, leaf in config.defaults.leaves.items() if p[: len(prefix)] == prefix]
    if len(leaves) == 1:
        return leaves[0][1].value, leaves[0][1].position
    value = {dotted(p[len(prefix) :]): leaf.value for p, leaf in leaves}
    position = leaves[0][1].position if leaves else Position(DEFAULTS_PATH)
    return value, position


def _affected(
    config: PlatformConfig, layer: ConfigLayer, path: Path_, registry: Registry | None
) -> Iterator[Path_]:
    """The leaf paths `path` of `layer` sets: a model setting without a layer sets the key
    for each layer of the team's folders."""
    if path[0] != "models" or path[1] in config.layers:
        yield path
        return
    team = registry.team(layer.team) if registry is not None and layer.team else None
    for name in team.layers if team is not None else config.layers:
        yield ("models", name, *path[1:])


def _lock_for(
    config: PlatformConfig, layer: ConfigLayer, path: Path_, registry: Registry | None
) -> tuple[Lock, Path_] | None:
    for affected in _affected(config, layer, path, registry):
        lock = config.lock_of(affected)
        if lock is not None:
            return lock, affected
    return None


def lock_violations(config: PlatformConfig, registry: Registry | None) -> list[LockViolation]:
    """Every locked key set outside defaults.yml, at the file, line and column of the key."""
    found = []
    for layer in config.overriding_layers:
        for path, leaf in layer.leaves.items():
            hit = _lock_for(config, layer, path, registry)
            if hit is None:
                continue
            lock, affected = hit
            value, where = _locked_value(config, affected)
            scope = (
                f" (for the {affected[1]} folders)"
                if affected[0] == "models" and affected != path
                else ""
            )
            found.append(
                LockViolation(
                    leaf.position,
                    f"`{dotted(path)}` is locked by the platform{scope}: `{dotted(lock.path)}` "
                    f"in {DEFAULTS_PATH}:{lock.position.line}; {layer.label} cannot override "
                    f"it (it stays `{show_value(value)}`, {where.path}:{where.line}); remove the line, "
                    f"or ask the platform team to change {DEFAULTS_PATH}",
                    team=layer.team,
                )
            )
    return found


def node_lock_violations(
    config: PlatformConfig,
    nodes: Iterable[tuple[Node, Mapping[str, Any], Mapping[str, Position]]],
) -> list[LockViolation]:
    """Models that set a locked key themselves (in `config()` or their yml): `nodes` are
    (node, resolved config, where each key was set)."""
    found = []
    for node, node_config, origins in nodes:
        if node.resource_type != "model" or node.layer not in config.layers:
            continue
        for key in NODE_KEYS:
            origin = origins.get(key)
            path = ("models", str(node.layer), key)
            lock = config.lock_of(path)
            if lock is None or origin is None or origin.path == "dbt_project.yml":
                continue
            value, where = _locked_value(config, path)
            if node_config.get(key) == value:
                continue
            in_code = "config()" if origin.path == node.path else "its yml"
            found.append(
                LockViolation(
                    origin,
                    f"model `{node.name}` sets `{key}: {show_value(node_config.get(key))}` in "
                    f"{in_code}, but the platform locks `{dotted(lock.path)}` to `{show_value(value)}` "
                    f"({where.path}:{where.line}); remove it",
                    team=node.team,
                    node=node,
                    key=key,
                )
            )
    return found
