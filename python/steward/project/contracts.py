"""Data contracts: `contracts/<team>/<model>.yaml`, ODCS v3, read into frozen `Contract`s.

A contract is checked twice before steward uses it: against the JSON schema of the Open
Data Contract Standard and by its pydantic model (both from the `open-data-contract-standard`
package), then for what steward needs to generate dbt from it: exactly one schema object
named like the file, a logical and a Spark physical type and a description for every
column, and only quality rules and SLA properties steward can turn into a dbt test.
Anything else is one `ContractError` naming the file, the line and the field.

What steward reads of ODCS:

- a column's `required` (not null), `unique`, `primaryKey`/`primaryKeyPosition`,
  `relationships` (`to: <model>.<column>`, a foreign key), `enum` and
  `logicalTypeOptions.minimum`/`maximum`;
- quality rules (`type: library`): `nullValues`, `duplicateValues` and `invalidValues`
  (`arguments.validValues`, or `arguments.minimum`/`maximum` for a range) with
  `mustBe: 0`; on the schema object `rowCount` per load (`arguments.loadColumn`) with
  `mustBe*` bounds, the SLA's volume; `type: custom, engine: dbt` passes a dbt test through;
  `type: text` is documentation;
- SLA `latency` (`value`, `unit`, `element: <model>.<column>`): the freshness of the newest
  timestamp; the other ODCS SLA properties are documentation;
- `status` (`active`, `proposed`, `draft`, `deprecated`) and the custom property
  `deprecationDate`, for model versions (`<model>.v<N>.yaml`, see `steward.contracts`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steward.errors import UserError
from steward.project import spark_types
from steward.project.model import LoadIssue, Position
from steward.project.yamlio import LineDict, LineList, parse_yaml

CONTRACTS_DIR = "contracts"
_FILE_NAME = re.compile(r"^(?P<model>[A-Za-z_][A-Za-z0-9_]*?)(?:\.v(?P<version>\d+))?$")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?$")
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
UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440}
SEVERITIES = {"error": "error", "warning": "warn", "warn": "warn", "info": "warn"}


class ContractError(UserError):
    """An invalid contract: the message names the field."""


@dataclass(frozen=True)
class Check:
    """One data test a contract asks for, in steward's terms (`steward.contracts` maps it
    to dbt): `not_null`, `unique`, `accepted_values` (`values`), `range` (`minimum`,
    `maximum`, inclusive), `relationship` (`to_model`, `to_column`), `row_count`
    (`minimum`/`maximum` rows in the newest load of `load_column`, or in the table),
    `freshness` (the newest `column` at most `max_age` `unit`s old) or `dbt` (`test`, a dbt
    data test as written in yml). `column` is None for a test of the whole model."""

    kind: str
    position: Position
    column: str | None = None
    severity: str = "error"
    values: tuple[Any, ...] = ()
    minimum: float | int | None = None
    maximum: float | int | None = None
    to_model: str | None = None
    to_column: str | None = None
    load_column: str | None = None
    max_age: int | float | None = None
    unit: str | None = None
    test: Any = None
    description: str = ""

    @property
    def max_age_minutes(self) -> float | None:
        if self.max_age is None or self.unit is None:
            return None
        return float(self.max_age) * UNIT_MINUTES[self.unit]


@dataclass(frozen=True)
class ContractColumn:
    name: str
    position: Position
    logical_type: str
    physical_type: str
    """The Spark type, normalised (`decimal(18,6)`, `int`, `timestamp`)."""
    description: str = ""
    required: bool = False
    """Not null: the column gets a `not_null` constraint and test (primary key columns
    always)."""
    unique: bool = False
    primary_key_position: int | None = None


@dataclass(frozen=True)
class Contract:
    path: str
    model: str
    team: str | None
    id: str
    version: str
    status: str
    description: str
    columns: tuple[ContractColumn, ...]
    checks: tuple[Check, ...]
    position: Position
    dbt_version: int | None = None
    """The dbt model version, from the file name `<model>.v<N>.yaml`; None: unversioned."""
    deprecation_date: dt.date | None = None
    physical_name: str | None = None
    granularity: str = ""
    sla: tuple[tuple[str, str], ...] = ()
    """Every SLA property as (property, its value and unit), for the docs."""
    frequency_minutes: float | None = None
    """The SLA `frequency`: how often the model is built."""
    document: Any = field(default=None, compare=False, repr=False)
    """The contract as the ODCS package's pydantic model."""

    @property
    def major(self) -> int:
        match = _SEMVER.match(self.version)
        return int(match.group(1)) if match else 0

    @property
    def primary_key(self) -> tuple[str, ...]:
        keyed = [c for c in self.columns if c.primary_key_position is not None]
        return tuple(c.name for c in sorted(keyed, key=lambda c: c.primary_key_position or 0))

    def column(self, name: str) -> ContractColumn | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    @property
    def freshness(self) -> Check | None:
        return next((c for c in self.checks if c.kind == "freshness"), None)

    @property
    def volume(self) -> Check | None:
        return next((c for c in self.checks if c.kind == "row_count"), None)

    @property
    def label(self) -> str:
        return self.model if self.dbt_version is None else f"{self.model} v{self.dbt_version}"


# ---- reading --------------------------------------------------------------------------
def read_contracts(
    root: Path, texts: dict[str, str]
) -> tuple[tuple[Contract, ...], tuple[LoadIssue, ...], str | None]:
    """Every contract under `contracts/`, the problems (rule CON001) and the folder (None
    when the project has none: it does not use contracts)."""
    folder = root / CONTRACTS_DIR
    if not folder.is_dir():
        return (), (), None
    contracts: list[Contract] = []
    issues: list[LoadIssue] = []
    for file in sorted(folder.rglob("*")):
        if file.suffix not in (".yaml", ".yml") or not file.is_file():
            continue
        rel = file.relative_to(root).as_posix()
        try:
            text = file.read_text(encoding="utf-8")
            texts[rel] = text
            contracts.append(parse_contract(text, rel))
        except (OSError, UnicodeDecodeError) as exc:
            issues.append(
                LoadIssue("CON001", "error", f"cannot read the contract: {exc}", Position(rel, 1))
            )
        except UserError as exc:
            issues.append(
                LoadIssue(
                    "CON001",
                    "error",
                    f"invalid contract: {exc.message}",
                    Position(rel, exc.line or 1),
                    model=_stem_model(rel),
                )
            )
    return tuple(contracts), tuple(issues), CONTRACTS_DIR


def _stem_model(path: str) -> str | None:
    match = _FILE_NAME.match(Path(path).name.rsplit(".", 1)[0])
    return match.group("model") if match else None


def parse_contract(text: str, path: str) -> Contract:
    """A contract from its YAML text; `ContractError` (file, line, field) when invalid."""
    data = parse_yaml(text, path)
    if not isinstance(data, LineDict):
        raise ContractError("a contract is a YAML mapping (ODCS v3)", path=path, line=1)
    _validate_schema(data, path)
    document = _validate_model(data, path)
    return _Reader(data, path).contract(document)


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import importlib.resources

    import jsonschema

    # the JSON schema the package ships (its `json_schema()` uses a deprecated API)
    text = (
        importlib.resources.files("open_data_contract_standard")
        .joinpath("schema.json")
        .read_text(encoding="utf-8")
    )
    schema = json.loads(text)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _plain(value: Any) -> Any:
    """YAML values as JSON has them (dates as ISO strings), for the ODCS validators."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _dotted(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line_at(data: Any, path: Iterable[Any]) -> int:
    line = getattr(data, "line", 1) or 1
    node = data
    for part in path:
        if isinstance(node, LineDict) and part in node:
            line = node.key_line(part)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_line(part)
            node = node[part]
        else:
            break
    return line


def _validate_schema(data: LineDict, path: str) -> None:
    import jsonschema

    errors = list(_validator().iter_errors(_plain(data)))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors)
    where = list(error.absolute_path)
    unexpected = re.search(r"\('([^']+)' was unexpected\)", error.message)
    if unexpected:
        where.append(unexpected.group(1))
        message = f"`{_dotted(where)}` is not a field of ODCS v3 (a typo?)"
    else:
        message = f"`{_dotted(where)}`: {error.message}"
    raise ContractError(message, path=path, line=_line_at(data, where))


def _validate_model(data: LineDict, path: str) -> Any:
    import pydantic
    from open_data_contract_standard.model import OpenDataContractStandard

    try:
        return OpenDataContractStandard.model_validate(_plain(data))
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = [p for p in first["loc"] if isinstance(p, (str, int))]
        raise ContractError(
            f"`{_dotted(where)}`: {first['msg']}", path=path, line=_line_at(data, where)
        ) from None


class _Reader:
    """The steward-specific checks and the conversion into `Contract`."""

    def __init__(self, data: LineDict, path: str) -> None:
        self.data = data
        self.path = path

    def fail(self, where: list[Any], message: str) -> ContractError:
        return ContractError(
            f"`{_dotted(where)}`: {message}", path=self.path, line=_line_at(self.data, where)
        )

    def position(self, where: list[Any]) -> Position:
        return Position(self.path, _line_at(self.data, where))

    def contract(self, document: Any) -> Contract:
        data, path = self.data, self.path
        parts = Path(path).parts
        match = _FILE_NAME.match(Path(path).name.rsplit(".", 1)[0])
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
        semver = _SEMVER.match(version)
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
            checks.extend(self._quality(rule, ["schema", 0, "quality", index], None, names))
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
            checks.extend(self._quality(rule, [*where, "quality", index], name, names))
        return checks

    def _quality(
        self, rule: LineDict, where: list[Any], column: str | None, names: set[str]
    ) -> list[Check]:
        kind = str(rule.get("type") or "library")
        position = self.position(where)
        description = str(rule.get("description") or rule.get("name") or "")
        severity = SEVERITIES.get(str(rule.get("severity") or "error").lower())
        if severity is None:
            raise self.fail([*where, "severity"], "use error or warning")
        if kind == "text":
            return []
        if kind == "custom":
            if str(rule.get("engine")).lower() != "dbt":
                raise self.fail(
                    [*where, "engine"],
                    "steward runs custom rules of engine `dbt` (a dbt data test) only",
                )
            test = rule.get("implementation")
            if isinstance(test, str) and not re.match(r"^[A-Za-z_][\w.]*$", test):
                test = parse_yaml(test, self.path)
            if not (isinstance(test, str) or (isinstance(test, Mapping) and len(test) == 1)):
                raise self.fail(
                    [*where, "implementation"],
                    "a dbt data test: its name, or {name: {arguments: ..., config: ...}}",
                )
            return [
                Check("dbt", position, column, severity, test=_plain(test), description=description)
            ]
        if kind != "library":
            raise self.fail(
                [*where, "type"],
                f"steward does not run `{kind}` rules; use a "
                "library metric or `type: custom, engine: dbt`",
            )
        metric = str(rule.get("metric") or rule.get("rule") or "")
        arguments = rule.get("arguments") or {}
        if metric == "rowCount":
            if column is not None:
                raise self.fail([*where, "metric"], "rowCount belongs to the schema object")
            load = arguments.get("loadColumn")
            if load is not None and load not in names:
                raise self.fail(
                    [*where, "arguments", "loadColumn"], f"`{load}` is not a column of the contract"
                )
            minimum, maximum = self._bounds(rule, where)
            return [
                Check(
                    "row_count",
                    position,
                    None,
                    severity,
                    minimum=minimum,
                    maximum=maximum,
                    load_column=load,
                    description=description,
                )
            ]
        if column is None:
            raise self.fail(
                [*where, "metric"],
                f"steward tests `{metric}` on a column: move the rule to the column's quality",
            )
        if rule.get("mustBe", None) != 0 or any(
            k in rule
            for k in (
                "mustNotBe",
                "mustBeGreaterThan",
                "mustBeGreaterOrEqualTo",
                "mustBeLessThan",
                "mustBeLessOrEqualTo",
                "mustBeBetween",
                "mustNotBeBetween",
            )
        ):
            raise self.fail(
                [*where], f"steward tests `{metric}` with `mustBe: 0` (no bad row) only"
            )
        if metric == "nullValues":
            return [Check("not_null", position, column, severity, description=description)]
        if metric == "duplicateValues":
            return [Check("unique", position, column, severity, description=description)]
        if metric == "invalidValues":
            if "validValues" in arguments:
                values = arguments["validValues"]
                if not isinstance(values, list) or not values:
                    raise self.fail([*where, "arguments", "validValues"], "a list of values")
                return [
                    Check(
                        "accepted_values",
                        position,
                        column,
                        severity,
                        values=tuple(_plain(values)),
                        description=description,
                    )
                ]
            if "minimum" in arguments or "maximum" in arguments:
                bounds = [arguments.get(k) for k in ("minimum", "maximum")]
                if any(
                    b is not None and (not isinstance(b, (int, float)) or isinstance(b, bool))
                    for b in bounds
                ):
                    raise self.fail([*where, "arguments"], "minimum and maximum are numbers")
                return [
                    Check(
                        "range",
                        position,
                        column,
                        severity,
                        minimum=bounds[0],
                        maximum=bounds[1],
                        description=description,
                    )
                ]
            raise self.fail(
                [*where, "arguments"], "invalidValues needs `validValues` or `minimum`/`maximum`"
            )
        raise self.fail(
            [*where, "metric"],
            f"steward does not test metric `{metric}`; use "
            "nullValues, duplicateValues, invalidValues or rowCount",
        )

    def _bounds(self, rule: LineDict, where: list[Any]) -> tuple[int | None, int | None]:
        def number(key: str) -> int:
            value = rule[key]
            if not isinstance(value, int) or isinstance(value, bool):
                raise self.fail([*where, key], "a whole number of rows")
            return value

        if "mustBe" in rule:
            return number("mustBe"), number("mustBe")
        if "mustBeBetween" in rule:
            low, high = rule["mustBeBetween"]
            return int(low), int(high)
        minimum = maximum = None
        if "mustBeGreaterThan" in rule:
            minimum = number("mustBeGreaterThan") + 1
        if "mustBeGreaterOrEqualTo" in rule:
            minimum = number("mustBeGreaterOrEqualTo")
        if "mustBeLessThan" in rule:
            maximum = number("mustBeLessThan") - 1
        if "mustBeLessOrEqualTo" in rule:
            maximum = number("mustBeLessOrEqualTo")
        if minimum is None and maximum is None:
            raise self.fail(
                where, "rowCount needs a bound: mustBe, mustBeBetween, mustBeGreaterThan, ..."
            )
        return minimum, maximum

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
