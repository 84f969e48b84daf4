"""Resolution: the value of every setting for a team in an environment, with its origin.

The order, lowest first: defaults.yml, teams/<team>.yml, environments/<env>.yml, the
team file's `environments.<env>` section. The last layer that sets a key wins, but a
locked key keeps its default. Model settings are per layer of folders: for team T's
silver folders the order is defaults `models.<key>`, defaults `models.silver.<key>`,
T's `models.<key>`, T's `models.silver.<key>` (environment files have no `models:`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from steward.config.model import (
    DEFAULTS,
    ConfigLayer,
    Leaf,
    Path_,
    PlatformConfig,
    Resolution,
    Setting,
    dotted,
)
from steward.config.schema import leaf_paths
from steward.project.model import Registry


def resolve(
    config: PlatformConfig, team: str | None, env: str | None, layers: Sequence[str] = ()
) -> Resolution:
    """The settings of `team` (None: the platform's own) in config environment `env`
    (None: no environment overlay); model settings for each of `layers`."""
    stack = config.stack(team, env)
    settings: list[Setting] = []
    model_keys = [path[1:] for path in leaf_paths("models")]
    for layer in layers:
        settings.extend(model_setting(config, stack, layer, key) for key in model_keys)
    for path in leaf_paths():
        if path[0] != "models":
            settings.append(setting(config, stack, path))
    return Resolution(team, env, tuple(settings))


def setting(config: PlatformConfig, stack: Sequence[ConfigLayer], path: Path_) -> Setting:
    """A setting outside `models:` (`spark.shuffle_partitions`) from the layers `stack`."""
    candidates = [(layer, layer.leaves[path]) for layer in stack if path in layer.leaves]
    return _winner(config, dotted(path), path, candidates)


def model_setting(
    config: PlatformConfig, stack: Sequence[ConfigLayer], layer: str | None, key: Path_
) -> Setting:
    """A model setting (`key` below `models.`) for the folders of `layer` (None: the
    project level, no layer section)."""
    candidates: list[tuple[ConfigLayer, Leaf]] = []
    for config_layer in stack:
        paths = [("models", *key)] + ([("models", layer, *key)] if layer else [])
        candidates.extend(
            (config_layer, config_layer.leaves[p]) for p in paths if p in config_layer.leaves
        )
    path = ("models", layer, *key) if layer else ("models", *key)
    lock_path = path if layer else ("models", "*", *key)
    return _winner(config, dotted(path), lock_path, candidates)


def _winner(
    config: PlatformConfig,
    key: str,
    lock_path: Path_,
    candidates: Sequence[tuple[ConfigLayer, Leaf]],
) -> Setting:
    locked = config.lock_of(lock_path) is not None
    if locked:
        candidates = [c for c in candidates if c[0].kind == DEFAULTS]
    layer, leaf = candidates[-1]
    return Setting(key, leaf.value, leaf.position, layer.label, locked)


def team_layers(
    config: PlatformConfig, registry: Registry | None, team: str | None
) -> tuple[str, ...]:
    """The layers whose model settings a resolution shows: the team's, or every layer."""
    known = registry.team(team) if registry is not None else None
    if known is None:
        return config.layers
    return tuple(layer for layer in config.layers if layer in known.layers)


def resolve_for(
    config: PlatformConfig, registry: Registry | None, team: str | None, env: str | None
) -> Resolution:
    return resolve(config, team, env, team_layers(config, registry, team))


def changed(a: Resolution, b: Resolution) -> Iterable[tuple[str, Setting | None, Setting | None]]:
    """The keys whose values differ between two resolutions, in `a`'s order."""
    for key in dict.fromkeys([*a.by_key, *b.by_key]):
        left, right = a.by_key.get(key), b.by_key.get(key)
        if left is None or right is None or left.value != right.value:
            yield key, left, right
