"""The data-contract model steward reads ODCS files into: frozen `Contract`s with their
columns and `Check`s, and `ContractError` for a file that is not one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from steward.errors import UserError
from steward.project.model import Position

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?$")
UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440}


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
        match = SEMVER.match(self.version)
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
