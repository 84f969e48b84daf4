"""The schema of platform/config/, checked with pydantic (as the registry and the contracts
are): an unknown key, a wrong type or a value out of range is one error naming the file,
the line and what to write instead; never silence.

Every file has the same sections; defaults.yml must give each setting a value (it is what
a team gets when nobody says otherwise) and is the only file with `locked:`. Environment
files have no `models:` or `retention:`: those become dbt folder config and table
properties, generated once into dbt_project.yml for every environment, so the build that
passed in staging is the build that runs in production.
"""

from __future__ import annotations

import difflib
import functools
import re
import zoneinfo
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from steward.config.model import Path_, dotted
from steward.errors import UserError
from steward.project.contract_odcs import dotted as field_path
from steward.project.contract_odcs import line_at
from steward.project.yamlio import LineDict

_CHANNEL = re.compile(r"^#[a-z0-9][a-z0-9._-]*$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,-]+$")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PersistDocs(_Section):
    relation: bool | None = None
    columns: bool | None = None


class ModelSettings(_Section):
    materialized: Literal["incremental", "table", "view", "ephemeral"] | None = None
    file_format: Literal["delta", "parquet", "iceberg", "hudi"] | None = None
    incremental_strategy: Literal["merge", "append", "insert_overwrite", "microbatch"] | None = None
    on_schema_change: Literal["ignore", "fail", "append_new_columns", "sync_all_columns"] | None = (
        None
    )
    partition_by: list[str] | None = None
    lookback_days: int | None = Field(default=None, ge=1, le=366)
    access: Literal["private", "protected", "public"] | None = None
    persist_docs: PersistDocs | None = None


class SparkSettings(_Section):
    shuffle_partitions: int | None = Field(default=None, ge=1, le=100_000)
    driver_memory: str | None = Field(default=None, pattern=r"^[1-9][0-9]*[kmgt]$")


class Schedule(_Section):
    cron: str | None = None
    timezone: str | None = None
    enabled: bool | None = None

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            fields = value.split()
            if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
                raise ValueError(f"`{value}` is not a cron expression of five fields")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"`{value}` is not a time zone") from None
        return value


class Alerts(_Section):
    channel: str | None = None
    webhook_env: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]*$")
    events: list[Literal["failure", "upstream_skipped", "sla_breach", "anomaly"]] | None = None

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and not _CHANNEL.match(value):
            raise ValueError(f"`{value}` is not a channel name")
        return value


class Sla(_Section):
    max_build_age_hours: float | None = Field(default=None, gt=0)
    freshness_hours: float | None = Field(default=None, gt=0)


class Anomaly(_Section):
    row_count_change_pct: float | None = Field(default=None, gt=0)
    null_rate_pct: float | None = Field(default=None, ge=0, le=100)
    quarantine_rate_pct: float | None = Field(default=None, ge=0, le=100)


class CostRates(_Section):
    compute_core_hour: float | None = Field(default=None, ge=0)
    storage_gb_month: float | None = Field(default=None, ge=0)


class Cost(_Section):
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    rates: CostRates | None = None
    shared_policy: Literal["proportional", "even", "central"] | None = None


class Retention(_Section):
    log_days: int | None = Field(default=None, ge=1, le=3650)
    deleted_files_days: int | None = Field(default=None, ge=7, le=3650)


class Namespaces(_Section):
    scheme: Literal["<prefix><layer>_<team>"] | None = None
    dev: Literal["per_developer", "shared"] | None = None


SECTIONS: Mapping[str, type[_Section]] = {
    "models": ModelSettings,
    "spark": SparkSettings,
    "schedule": Schedule,
    "alerts": Alerts,
    "sla": Sla,
    "anomaly": Anomaly,
    "cost": Cost,
    "retention": Retention,
    "namespaces": Namespaces,
}
"""The sections, in the order `steward config show` prints them."""
ENVIRONMENT_SECTIONS = tuple(s for s in SECTIONS if s not in ("models", "retention"))
NULLABLE = frozenset({"partition_by", "webhook_env"})
"""Settings whose default may be empty (null): no partitioning, no webhook."""

HINTS = {
    "materialized": "one of incremental, table, view, ephemeral",
    "file_format": "the table format, e.g. `file_format: delta`",
    "incremental_strategy": "e.g. `incremental_strategy: merge`",
    "on_schema_change": "one of ignore, fail, append_new_columns, sync_all_columns",
    "partition_by": "a list of columns, e.g. `partition_by: [reading_date]`",
    "lookback_days": "a whole number of days, e.g. `lookback_days: 4`",
    "access": "one of private, protected, public",
    "relation": "true or false",
    "columns": "true or false",
    "shuffle_partitions": "a whole number of partitions, e.g. `shuffle_partitions: 8`",
    "driver_memory": 'a size with its unit, e.g. `driver_memory: "4g"`',
    "cron": 'five cron fields, e.g. `cron: "0 5 * * *"` (quoted)',
    "timezone": "an IANA time zone, e.g. `timezone: Europe/Berlin`",
    "enabled": "true or false",
    "channel": 'a chat channel starting with #, e.g. `channel: "#data-fr"` (quoted)',
    "webhook_env": "the NAME of the environment variable holding the webhook URL, never the "
    "URL itself, e.g. `webhook_env: STEWARD_ALERT_WEBHOOK`",
    "events": "a list of failure, upstream_skipped, sla_breach, anomaly",
    "max_build_age_hours": "hours, e.g. `max_build_age_hours: 26`",
    "freshness_hours": "hours, e.g. `freshness_hours: 30`",
    "row_count_change_pct": "a percentage, e.g. `row_count_change_pct: 50`",
    "null_rate_pct": "a percentage from 0 to 100",
    "quarantine_rate_pct": "a percentage from 0 to 100",
    "compute_core_hour": "a price per core hour, e.g. `compute_core_hour: 0.08`",
    "storage_gb_month": "a price per GB and month, e.g. `storage_gb_month: 0.021`",
    "currency": "an ISO currency code, e.g. `currency: EUR`",
    "shared_policy": "one of proportional, even, central",
    "log_days": "a whole number of days, e.g. `log_days: 30`",
    "deleted_files_days": "7 days or more (a VACUUM may otherwise delete files a reader "
    "still needs), e.g. `deleted_files_days: 7`",
    "scheme": "`<prefix><layer>_<team>`, the scheme the namespace macros derive",
    "dev": "per_developer (dev builds land in dev_<user>_*) or shared",
}
_NOT_HERE = {
    ("environment", "models"): "model defaults are the same in every environment "
    "(dbt_project.yml is generated once for all); set them in defaults.yml or a team file",
    ("environment", "retention"): "retention becomes table properties, the same in every "
    "environment; set it in defaults.yml",
    ("team", "locked"): "only platform/config/defaults.yml locks keys",
    ("environment", "locked"): "only platform/config/defaults.yml locks keys",
    ("environment", "environments"): "a team's settings for an environment go in its team "
    "file, under `environments: {<env>: ...}`",
}


def _section_field(section: type[BaseModel]) -> tuple[Any, None]:
    return (section | None, None)


@functools.lru_cache(maxsize=8)
def file_models(layers: tuple[str, ...]) -> dict[str, type[BaseModel]]:
    """The pydantic model of each kind of file; `models:` takes a section per layer."""
    models_section = create_model(  # type: ignore[call-overload]
        "Models",
        __base__=ModelSettings,
        **{layer: _section_field(ModelSettings) for layer in layers},
    )
    environment_fields = {name: _section_field(SECTIONS[name]) for name in ENVIRONMENT_SECTIONS}
    environment = create_model(  # type: ignore[call-overload]
        "EnvironmentFile", __base__=_Section, **environment_fields
    )
    every = {
        **environment_fields,
        "models": _section_field(models_section),
        "retention": _section_field(Retention),
    }
    per_environment: Any = dict[str, environment] | None  # type: ignore[valid-type]
    team = create_model(  # type: ignore[call-overload]
        "TeamFile", __base__=_Section, environments=(per_environment, None), **every
    )
    defaults = create_model(  # type: ignore[call-overload]
        "DefaultsFile", __base__=_Section, locked=(list[str] | None, None), **every
    )
    return {"defaults": defaults, "team": team, "environment": environment}


def leaf_paths(section: str | None = None) -> Iterator[Path_]:
    """Every setting's path (model settings without a layer), in schema order."""
    for name, model in SECTIONS.items():
        if section is None or name == section:
            yield from _leaves(model, (name,))


def _leaves(model: type[BaseModel], prefix: Path_) -> Iterator[Path_]:
    for name, field in model.model_fields.items():
        nested = _nested_model(field.annotation)
        if nested is not None:
            yield from _leaves(nested, (*prefix, name))
        else:
            yield (*prefix, name)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in getattr(annotation, "__args__", (annotation,)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _known_keys(data: Any, kind: str, loc: Sequence[Any], layers: tuple[str, ...]) -> list[str]:
    model: type[BaseModel] | None = file_models(layers)[kind]
    for part in loc[:-1]:
        if model is None or not isinstance(part, str):
            return []
        field = model.model_fields.get(part)
        if field is None:
            return list(layers) if part in layers else []
        model = _nested_model(field.annotation)
        if model is None and part == "environments":
            model = file_models(layers)["environment"]
    return list(model.model_fields) if model is not None else []


def _message(error: Mapping[str, Any], data: Any, kind: str, layers: tuple[str, ...]) -> str:
    loc = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    names = [str(p) for p in loc if isinstance(p, str)]
    where = field_path(loc)
    last = names[-1] if names else ""
    if error["type"] == "extra_forbidden":
        reason = _NOT_HERE.get((kind, last)) if len(names) == 1 else None
        if reason is not None:
            return f"`{last}` does not belong here: {reason}"
        known = _known_keys(data, kind, loc, layers)
        holder = f" in `{dotted(tuple(names[:-1]))}`" if len(names) > 1 else ""
        close = difflib.get_close_matches(last, known, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        return f"unknown key `{last}`{holder} (the keys are {', '.join(known)}){hint}"
    if error["type"] == "model_type" or error["type"] == "dict_type":
        known = _known_keys(data, kind, [*loc, ""], layers)
        return f"`{where}` is a section: a mapping of its settings ({', '.join(known)})"
    reason = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    hint = HINTS.get(last, "")
    return f"`{where}`: {reason}" + (f"; write {hint}" if hint else "")


def validate(data: Any, path: str, kind: str, layers: tuple[str, ...]) -> None:
    """Check one file (`kind`: defaults, team or environment); a `UserError` at the line of
    the first problem, with a count of the others."""
    if data is None:
        return
    if not isinstance(data, Mapping):
        raise UserError("a configuration file is a mapping of sections", path=path, line=1)
    _refuse_nulls(data, path, ())
    try:
        file_models(layers)[kind].model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise UserError(
            _message(first, data, kind, layers) + more,
            path=path,
            line=line_at(data, first["loc"]),
        ) from None


def _refuse_nulls(data: Mapping[str, Any], path: str, prefix: Path_) -> None:
    """An empty value is refused (remove the line to inherit), but where a setting may be
    empty (`partition_by`, `webhook_env`)."""
    for key, value in data.items():
        if isinstance(value, Mapping):
            _refuse_nulls(value, path, (*prefix, str(key)))
        elif value is None and key not in NULLABLE:
            line = data.key_line(key) if isinstance(data, LineDict) else 1
            raise UserError(
                f"`{dotted((*prefix, str(key)))}` is empty; write a value, or remove the line "
                "to keep the value of the layer below",
                path=path,
                line=line,
            )
