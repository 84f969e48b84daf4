"""The steward-specific checks of a valid ODCS document and its conversion into a
`Contract`: one schema object named like the file, a logical and a Spark physical type
and a description for every column, a semantic version whose major is the file's model
version, and SLA properties steward knows."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from steward.project import spark_types
from steward.project.contract_model import (
    SEMVER,
    UNIT_MINUTES,
    Check,
    Contract,
    ContractColumn,
    ContractError,
)
from steward.project.contract_odcs import ContractYaml
from steward.project.contract_quality import quality_checks
from steward.project.model import Position
from steward.project.yamlio import LineDict

CONTRACTS_DIR = "contracts"
FILE_NAME = re.compile(r"^(?P<model>[A-Za-z_][A-Za-z0-9_]*?)(?:\.v(?P<version>\d+))?$")
STATUSES = ("active", "proposed", "draft", "deprecated")
SLA_PROPERTIES = frozenset(
    {
        "latency",
        "frequency",
        "retention",
        "availability",
        "throughput",
        "errorRate",
        "generalAvailability",
        "endOfSupport",
        "endOfLife",
        "timeOfAvailability",
    }
)
UNITS = {
    "m": "minute",
    "min": "minute",
    "mins": "minute",
    "minute": "minute",
    "minutes": "minute",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "d": "day",
    "day": "day",
    "days": "day",
}


def model_of_file(path: str) -> str | None:
    """The model a contract file is named for (`<model>.yaml`, `<model>.v<N>.yaml`)."""
    match = FILE_NAME.match(Path(path).name.rsplit(".", 1)[0])
    return match.group("model") if match else None


def to_contract(data: LineDict, path: str, document: Any) -> Contract:
    """The `Contract` of the ODCS YAML `data` of file `path` (`document`: its pydantic
    model); `ContractError` where steward cannot use it."""
    return _Reader(data, path).contract(document)


class _Reader(ContractYaml):
    """The steward-specific checks and the conversion into `Contract`."""

    def contract(self, document: Any) -> Contract:
        data, path = self.data, self.path
        parts = Path(path).parts
        match = FILE_NAME.match(Path(path).name.rsplit(".", 1)[0])
        if match is None:
            raise ContractError(
                "name a contract file `<model>.yaml` or `<model>.v<N>.yaml`", path=path, line=1
            )
        model = match.group("model")
        dbt_version = int(match.group("version")) if match.group("version") else None
        team = parts[1] if len(parts) >= 3 and parts[0] == CONTRACTS_DIR else None
        for key in ("id", "version"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise self.fail([key], "required (a non-empty string)")
        version = str(data["version"])
        semver = SEMVER.match(version)
        if semver is None:
            raise self.fail(["version"], f"'{version}' is not a semantic version (1.2.0)")
        if dbt_version is not None and int(semver.group(1)) != dbt_version:
            raise self.fail(
                ["version"],
                f"version {version} in a file of model version "
                f"v{dbt_version}: its major version must be {dbt_version}",
            )
        status = str(data.get("status") or "active")
        if status not in STATUSES:
            raise self.fail(["status"], f"'{status}' is not one of {', '.join(STATUSES)}")
        deprecation = self._deprecation_date()
        if status == "deprecated" and deprecation is None:
            raise self.fail(
                ["status"],
                "a deprecated contract needs the custom property "
                "`deprecationDate` (YYYY-MM-DD): the day its model version goes",
            )
        schema = data.get("schema")
        if not isinstance(schema, list) or len(schema) != 1:
            raise self.fail(["schema"], "a contract describes exactly one model: one schema object")
        table = schema[0]
        if table.get("name") != model:
            raise self.fail(
                ["schema", 0, "name"], f"the schema object must be named like the file: `{model}`"
            )
        columns = self._columns(table)
        names = {c.name for c in columns}
        checks: list[Check] = []
        for index, prop in enumerate(table.get("properties") or []):
            checks.extend(self._column_checks(prop, ["schema", 0, "properties", index], names))
        for index, rule in enumerate(table.get("quality") or []):
            checks.extend(quality_checks(self, rule, ["schema", 0, "quality", index], None, names))
        sla, freshness, frequency = self._sla(model, names, columns)
        checks.extend(freshness)
        description = data.get("description") or {}
        text = " ".join(
            str(description.get(k) or "").strip() for k in ("purpose",) if description.get(k)
        )
        return Contract(
            path=path,
            model=model,
            team=team,
            id=str(data["id"]),
            version=version,
            status=status,
            description=str(table.get("description") or text).strip(),
            columns=columns,
            checks=tuple(checks),
            position=Position(path, 1),
            dbt_version=dbt_version,
            deprecation_date=deprecation,
            physical_name=str(table["physicalName"]) if table.get("physicalName") else None,
            granularity=str(table.get("dataGranularityDescription") or ""),
            sla=sla,
            frequency_minutes=frequency,
            document=document,
        )

    def _deprecation_date(self) -> dt.date | None:
        for index, prop in enumerate(self.data.get("customProperties") or []):
            if prop.get("property") != "deprecationDate":
                continue
            value = prop.get("value")
            if isinstance(value, dt.date):
                return value
            try:
                return dt.date.fromisoformat(str(value))
            except ValueError:
                raise self.fail(
                    ["customProperties", index, "value"],
                    f"deprecationDate '{value}' is not a date (YYYY-MM-DD)",
                ) from None
        return None

    def _columns(self, table: LineDict) -> tuple[ContractColumn, ...]:
        columns: list[ContractColumn] = []
        seen: dict[str, int] = {}
        key_positions: dict[int, str] = {}
        properties = table.get("properties")
        if not properties:
            raise self.fail(["schema", 0, "properties"], "list the model's columns")
        for index, prop in enumerate(properties):
            where: list[Any] = ["schema", 0, "properties", index]
            name = str(prop["name"])
            if name.lower() in seen:
                raise self.fail([*where, "name"], f"column `{name}` is listed twice")
            seen[name.lower()] = index
            for key in ("logicalType", "physicalType", "description"):
                if not str(prop.get(key) or "").strip():
                    raise self.fail([*where, key], f"column `{name}` needs a {key}")
            physical = spark_types.normalise(str(prop["physicalType"]))
            if physical is None:
                raise self.fail(
                    [*where, "physicalType"], f"'{prop['physicalType']}' is not a Spark SQL type"
                )
            logical = str(prop["logicalType"])
            if not spark_types.fits_logical(logical, physical):
                raise self.fail(
                    [*where, "physicalType"], f"{physical} cannot carry logical type {logical}"
                )
            key_position = None
            if prop.get("primaryKey"):
                key_position = int(prop.get("primaryKeyPosition") or 0) or len(key_positions) + 1
                if key_position in key_positions:
                    raise self.fail(
                        [*where, "primaryKeyPosition"],
                        f"position {key_position} is also `{key_positions[key_position]}`'s",
                    )
                key_positions[key_position] = name
            elif prop.get("primaryKeyPosition") not in (None, -1):
                raise self.fail([*where, "primaryKeyPosition"], "set only with primaryKey: true")
            columns.append(
                ContractColumn(
                    name=name,
                    position=self.position(where),
                    logical_type=logical,
                    physical_type=physical,
                    description=str(prop["description"]).strip(),
                    required=bool(prop.get("required")) or key_position is not None,
                    unique=bool(prop.get("unique")),
                    primary_key_position=key_position,
                )
            )
        return tuple(columns)

    def _column_checks(self, prop: LineDict, where: list[Any], names: set[str]) -> list[Check]:
        name = str(prop["name"])
        checks: list[Check] = []
        if prop.get("enum"):
            values = tuple(item.get("value") for item in prop["enum"])
            checks.append(
                Check("accepted_values", self.position([*where, "enum"]), name, values=values)
            )
        options = prop.get("logicalTypeOptions") or {}
        bounds = {k: options.get(k) for k in ("minimum", "maximum") if k in options}
        if bounds:
            if any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in bounds.values()):
                raise self.fail(
                    [*where, "logicalTypeOptions"], "steward tests numeric minimum/maximum only"
                )
            checks.append(
                Check(
                    "range",
                    self.position([*where, "logicalTypeOptions"]),
                    name,
                    minimum=bounds.get("minimum"),
                    maximum=bounds.get("maximum"),
                )
            )
        for index, relation in enumerate(prop.get("relationships") or []):
            target = relation.get("to")
            place = [*where, "relationships", index, "to"]
            if not isinstance(target, str) or target.count(".") != 1:
                raise self.fail(place, "write the referenced column as `<model>.<column>`")
            to_model, to_column = target.split(".")
            checks.append(
                Check(
                    "relationship",
                    self.position(place),
                    name,
                    to_model=to_model,
                    to_column=to_column,
                )
            )
        for index, rule in enumerate(prop.get("quality") or []):
            checks.extend(quality_checks(self, rule, [*where, "quality", index], name, names))
        return checks

    def _sla(
        self, model: str, names: set[str], columns: tuple[ContractColumn, ...]
    ) -> tuple[tuple[tuple[str, str], ...], list[Check], float | None]:
        described: list[tuple[str, str]] = []
        checks: list[Check] = []
        frequency = None
        types = {c.name: c.logical_type for c in columns}
        for index, prop in enumerate(self.data.get("slaProperties") or []):
            where: list[Any] = ["slaProperties", index]
            name = str(prop.get("property"))
            if name not in SLA_PROPERTIES:
                raise self.fail(
                    [*where, "property"],
                    f"'{name}' is not an ODCS SLA property ({', '.join(sorted(SLA_PROPERTIES))})",
                )
            value, unit = prop.get("value"), prop.get("unit")
            described.append((name, " ".join(str(v) for v in (value, unit) if v is not None)))
            if (
                name == "frequency"
                and isinstance(value, (int, float))
                and str(unit).lower() in UNITS
            ):
                frequency = float(value) * UNIT_MINUTES[UNITS[str(unit).lower()]]
            if name != "latency":
                continue
            if checks:
                raise self.fail(where, "one latency (freshness) a contract")
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise self.fail([*where, "value"], "the latency is a positive number")
            normal = UNITS.get(str(unit).lower())
            if normal is None:
                raise self.fail(
                    [*where, "unit"], f"'{unit}' is not a unit steward knows (d, h, min)"
                )
            element = str(prop.get("element") or "")
            table, _, column = element.rpartition(".")
            if table not in ("", model) or column not in names:
                raise self.fail(
                    [*where, "element"],
                    f"name the timestamp column as "
                    f"`{model}.<column>`; '{element}' is not a column of it",
                )
            if types[column] not in ("timestamp", "date"):
                raise self.fail([*where, "element"], f"`{column}` is not a date or timestamp")
            checks.append(
                Check(
                    "freshness",
                    self.position(where),
                    column,
                    max_age=value,
                    unit=normal,
                    description=str(prop.get("description") or ""),
                )
            )
        return tuple(described), checks, frequency
