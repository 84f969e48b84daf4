"""The `dbt_project.yml` cascade: the config a node gets from the folder levels of its fqn,
then its yml, with the file and line of each key and the hooks it collects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from steward.project.config import HOOK_KEYS, hook_sql, level_configs, merge_config, normalise_key
from steward.project.model import Hook, LoadIssue, Position
from steward.project.properties import check_config_keys
from steward.project.yamlio import LineDict, LineList

Resolved = tuple[dict[str, Any], dict[str, Position], list[Hook]]


class ConfigCascade:
    """The `dbt_project.yml` cascade for one resource type, remembering which paths matched."""

    def __init__(self, tree: Any, section: str) -> None:
        self.tree = tree if isinstance(tree, LineDict) else LineDict()
        self.section = section
        self.used: set[tuple[str, ...]] = set()

    def resolve(
        self, fqn: tuple[str, ...], yml_config: Mapping[str, Any] | None, yml_path: str | None
    ) -> Resolved:
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


def layered(below: Resolved, above: Resolved) -> Resolved:
    """`above` (the root project's config) over `below` (a package's own)."""
    config, origins, hooks = below
    merge_config(config, above[0])
    origins.update(above[1])
    return config, origins, [*hooks, *above[2]]


def with_lines(entry: LineDict, values: dict[str, Any]) -> LineDict:
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


def check_tree_keys(tree: LineDict, section: str, issues: list[LoadIssue]) -> None:
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
