"""The folder config dbt sees, generated from the layered configuration.

dbt reads model defaults per folder only from the `models:` section of dbt_project.yml (it
cannot include another file, and a properties yml configures single models, of which dbt
allows one entry each). So `steward config generate` writes that section, between two
marker comments, and nothing else of the file; `steward lint` fails with CFG002 when it
is stale. The section follows dbt's cascade and says each value once: the project level
holds the defaults, a layer's folder what defaults.yml says differently for the layer, a
team's folder what the team's file changes (and its `+group`).

    materialized, file_format, incremental_strategy, on_schema_change, partition_by,
    access, persist_docs     ->  the dbt configs of the same names
    lookback_days            ->  +meta: {lookback_days: N} (read by steward_window_start)
    retention                ->  +tblproperties: delta.logRetentionDuration and
                                 delta.deletedFileRetentionDuration (Delta tables)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from steward.access.codeowners import stale_line
from steward.config.model import CONFIG_DIR, ConfigLayer, PlatformConfig
from steward.config.resolve import model_setting, setting
from steward.project.model import Project

BEGIN = "# >>> steward config generate"
END = "# <<< steward config generate"
DBT_PROJECT = "dbt_project.yml"
_PLAIN_KEYS = (
    "materialized",
    "file_format",
    "incremental_strategy",
    "on_schema_change",
    "partition_by",
    "access",
)
RETENTION = {
    "log_days": "delta.logRetentionDuration",
    "deleted_files_days": "delta.deletedFileRetentionDuration",
}
_HEADER = (
    f"{BEGIN}: the models' folder config, generated from {CONFIG_DIR}/",
    "# (and the teams of platform/teams.yml). Do not edit it here: change the layer files and",
    "# run `steward config generate`; `steward lint` fails (CFG002) when this is stale.",
    "# Where a value comes from: `steward config show --team T --env E --explain`.",
)


def folder_config(
    config: PlatformConfig, stack: Sequence[ConfigLayer], layer: str | None
) -> dict[str, Any]:
    """The dbt configs (`+key`) of one folder level, fully resolved."""
    values: dict[str, Any] = {}
    for key in _PLAIN_KEYS:
        value = model_setting(config, stack, layer, (key,)).value
        if value is not None:
            values[f"+{key}"] = value
    docs = {
        k: model_setting(config, stack, layer, ("persist_docs", k)).value
        for k in ("relation", "columns")
    }
    values["+persist_docs"] = {k: v for k, v in docs.items() if v is not None}
    values["+meta"] = {
        "lookback_days": model_setting(config, stack, layer, ("lookback_days",)).value
    }
    if values.get("+file_format") == "delta":
        days = {key: setting(config, stack, ("retention", key)).value for key in RETENTION}
        values["+tblproperties"] = {
            property_: f"interval {days[key]} days" for key, property_ in RETENTION.items()
        }
    return values


def _folders(project: Project, config: PlatformConfig) -> dict[str, list[str]]:
    """layer -> the teams that have a folder of models in it (the root project's)."""
    found: dict[str, set[str]] = {}
    for node in project.models:
        folders = node.folders
        if node.package == project.name and len(folders) >= 2 and folders[0] in config.layers:
            found.setdefault(folders[0], set()).add(folders[1])
    return {layer: sorted(found[layer]) for layer in config.layers if layer in found}


def _flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _lines(values: dict[str, Any], indent: int) -> list[str]:
    """One line a key; a mapping too long for one line gets a line per entry."""
    lines = []
    for key, value in values.items():
        text = _flow(value)
        if isinstance(value, dict) and indent + len(key) + len(text) > 90:
            lines.append(f"{' ' * indent}{key}:")
            lines.extend(_lines(value, indent + 2))
        else:
            lines.append(f"{' ' * indent}{key}: {text}")
    return lines


def _changes(values: dict[str, Any], parent: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if parent.get(key) != value}


def generated_section(project: Project, config: PlatformConfig) -> str:
    """The `models:` section with its markers, as it must stand in dbt_project.yml."""
    registry = project.registry
    top = folder_config(config, (config.defaults,), None)
    lines = [*_HEADER, "models:", f"  {project.name}:", *_lines(top, 4)]
    for layer, teams in _folders(project, config).items():
        layer_values = folder_config(config, (config.defaults,), layer)
        lines.append(f"    {layer}:")
        lines.extend(_lines({"+tags": [layer], **_changes(layer_values, top)}, 6))
        for team in teams:
            stack = (config.defaults, *([config.teams[team]] if team in config.teams else []))
            own = _changes(folder_config(config, stack, layer), layer_values)
            if registry is None or registry.team(team) is not None:
                own = {"+group": team, **own}
            if len(own) == 1:
                lines.append(f"      {team}: {_flow(own)}")
            elif own:
                lines.append(f"      {team}:")
                lines.extend(_lines(own, 8))
    lines.append(END)
    return "\n".join(lines) + "\n"


def splice(text: str, section: str) -> str:
    """`text` (dbt_project.yml) with its generated section replaced by `section`: between
    the markers, else in place of a hand-written `models:` section, else at the end."""
    lines = text.splitlines(keepends=True)
    begin = next((i for i, line in enumerate(lines) if line.startswith(BEGIN)), None)
    end = next((i for i, line in enumerate(lines) if line.startswith(END)), None)
    if begin is not None and end is not None and begin < end:
        return "".join([*lines[:begin], section, *lines[end + 1 :]])
    start = next((i for i, line in enumerate(lines) if line.startswith("models:")), None)
    if start is None:
        return text + ("" if text.endswith("\n") or not text else "\n") + "\n" + section
    stop = next(
        (i for i in range(start + 1, len(lines)) if lines[i][:1] not in ("", " ", "#", "\n")),
        len(lines),
    )
    while stop > start + 1 and (not lines[stop - 1].strip() or lines[stop - 1].startswith("#")):
        stop -= 1
    rest = lines[stop:]
    gap = ["\n"] if rest and rest[0].strip() else []
    return "".join([*lines[:start], section, *gap, *rest])


def expected_dbt_project(project: Project) -> str | None:
    """dbt_project.yml as it must be (None: the project has no layered configuration)."""
    config = project.platform_config
    text = project.text(DBT_PROJECT)
    if config is None or text is None:
        return None
    return splice(text, generated_section(project, config))


def stale(project: Project) -> int | None:
    """The first line of dbt_project.yml that differs from what generation writes, or None
    when it is up to date (or the project has no layered configuration)."""
    expected = expected_dbt_project(project)
    if expected is None:
        return None
    return stale_line(project.text(DBT_PROJECT), expected)
