"""dbt's config resolution: the `dbt_project.yml` folder cascade, yml and `config()`.

Precedence is dbt's: `config()` in the code over the yml properties over
`dbt_project.yml`, where the most specific folder wins. `tags`, `pre-hook` and
`post-hook` append across levels; `meta`, `grants` and the other dict configs update.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from copy import deepcopy
from typing import Any

APPEND_KEYS = frozenset({"tags", "pre-hook", "post-hook", "packages"})
UPDATE_KEYS = frozenset(
    {"meta", "quoting", "column_types", "docs", "contract", "grants", "persist_docs"}
)
HOOK_KEYS = ("pre-hook", "post-hook")

_COMMON = frozenset(
    {
        "enabled",
        "alias",
        "schema",
        "database",
        "tags",
        "meta",
        "group",
        "access",
        "materialized",
        "incremental_strategy",
        "batch_size",
        "lookback",
        "begin",
        "persist_docs",
        "post-hook",
        "pre-hook",
        "quoting",
        "column_types",
        "full_refresh",
        "unique_key",
        "on_schema_change",
        "on_configuration_change",
        "grants",
        "packages",
        "docs",
        "contract",
        "event_time",
        "concurrent_batches",
        "static_analysis",
        "sql_header",
        "file_format",
        "location_root",
        "partition_by",
        "clustered_by",
        "buckets",
        "tblproperties",
        "options",
        "liquid_clustered_by",
        "auto_liquid_cluster",
        "merge_update_columns",
        "merge_exclude_columns",
        "incremental_predicates",
        "include_full_name_in_path",
        "submission_method",
        "create_notebook",
        "timeout",
        "python_version",
        "description",
        "freshness",
        "deprecation_date",
        "catalog",
        "snapshot_meta_column_names",
        "strategy",
        "updated_at",
        "check_cols",
        "target_schema",
        "target_database",
        "dbt_valid_to_current",
        "hard_deletes",
        "invalidate_hard_deletes",
        "delimiter",
        "quote_columns",
        "severity",
        "store_failures",
        "store_failures_as",
        "where",
        "limit",
        "fail_calc",
        "warn_if",
        "error_if",
        "meta_columns",
        "labels",
    }
)

KNOWN_CONFIG_KEYS: frozenset[str] = _COMMON
RESOURCE_SECTIONS = {
    "model": "models",
    "seed": "seeds",
    "snapshot": "snapshots",
    "test": "data_tests",
}


def normalise_key(key: str) -> str:
    key = key.strip()
    if key in ("pre_hook", "post_hook"):
        return key.replace("_", "-")
    return key


def level_configs(level: Mapping[str, Any]) -> dict[str, Any]:
    """The config keys of one level of a `dbt_project.yml` resource tree (dbt's rule)."""
    result: dict[str, Any] = {}
    for key, value in level.items():
        if not isinstance(key, str):
            continue
        if key.startswith("+"):
            result[normalise_key(key[1:])] = value
        elif not isinstance(value, Mapping):
            result[normalise_key(key)] = value
    return result


def fqn_search(tree: Mapping[str, Any], fqn: tuple[str, ...]) -> Iterator[Mapping[str, Any]]:
    """The levels of the resource tree along `fqn`, root first (dbt's `fqn_search`)."""
    yield tree
    for part in fqn:
        level = tree.get(part)
        if not isinstance(level, Mapping):
            break
        yield level
        tree = level


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def merge_config(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `update` into `base` (in place) with dbt's merge behaviours."""
    for raw_key, value in update.items():
        key = normalise_key(raw_key)
        if key in APPEND_KEYS:
            merged = as_list(base.get(key)) + as_list(value)
            if key == "tags":
                merged = list(dict.fromkeys(str(tag) for tag in merged))
            base[key] = merged
        elif key in UPDATE_KEYS and isinstance(value, Mapping):
            current = base.get(key)
            combined = dict(current) if isinstance(current, Mapping) else {}
            combined.update(deepcopy(dict(value)))
            base[key] = combined
        else:
            base[key] = deepcopy(value)
    return base


def hook_sql(entry: Any) -> tuple[str, bool]:
    """A hook as (sql, transaction): dbt accepts a string or `{sql:, transaction:}`."""
    if isinstance(entry, Mapping):
        return str(entry.get("sql", "")), bool(entry.get("transaction", True))
    return str(entry), True
