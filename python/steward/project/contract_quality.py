"""ODCS quality rules as steward `Check`s: the library metrics steward can test
(`nullValues`, `duplicateValues`, `invalidValues` on a column, `rowCount` on the schema
object), `type: custom, engine: dbt` passed through as a dbt test, `type: text` as
documentation. Any other rule is a `ContractError`: a rule steward cannot run must not
look enforced."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from steward.project.contract_model import Check
from steward.project.contract_odcs import ContractYaml, plain
from steward.project.yamlio import LineDict, parse_yaml

SEVERITIES = {"error": "error", "warning": "warn", "warn": "warn", "info": "warn"}
_BOUNDS = (
    "mustNotBe",
    "mustBeGreaterThan",
    "mustBeGreaterOrEqualTo",
    "mustBeLessThan",
    "mustBeLessOrEqualTo",
    "mustBeBetween",
    "mustNotBeBetween",
)


def quality_checks(
    yaml: ContractYaml, rule: LineDict, where: list[Any], column: str | None, names: set[str]
) -> list[Check]:
    """The checks of the quality rule at `where`, of `column` (None: of the schema object);
    `names` are the contract's columns."""
    kind = str(rule.get("type") or "library")
    severity = SEVERITIES.get(str(rule.get("severity") or "error").lower())
    if severity is None:
        raise yaml.fail([*where, "severity"], "use error or warning")
    if kind == "text":
        return []
    if kind == "custom":
        return [_dbt_test(yaml, rule, where, column, severity)]
    if kind != "library":
        raise yaml.fail(
            [*where, "type"],
            f"steward does not run `{kind}` rules; use a "
            "library metric or `type: custom, engine: dbt`",
        )
    metric = str(rule.get("metric") or rule.get("rule") or "")
    if metric == "rowCount":
        return [_row_count(yaml, rule, where, column, names, severity)]
    return [_column_metric(yaml, rule, where, column, metric, severity)]


def _description(rule: LineDict) -> str:
    return str(rule.get("description") or rule.get("name") or "")


def _dbt_test(
    yaml: ContractYaml, rule: LineDict, where: list[Any], column: str | None, severity: str
) -> Check:
    if str(rule.get("engine")).lower() != "dbt":
        raise yaml.fail(
            [*where, "engine"],
            "steward runs custom rules of engine `dbt` (a dbt data test) only",
        )
    test = rule.get("implementation")
    if isinstance(test, str) and not re.match(r"^[A-Za-z_][\w.]*$", test):
        test = parse_yaml(test, yaml.path)
    if not (isinstance(test, str) or (isinstance(test, Mapping) and len(test) == 1)):
        raise yaml.fail(
            [*where, "implementation"],
            "a dbt data test: its name, or {name: {arguments: ..., config: ...}}",
        )
    return Check(
        "dbt",
        yaml.position(where),
        column,
        severity,
        test=plain(test),
        description=_description(rule),
    )


def _row_count(
    yaml: ContractYaml,
    rule: LineDict,
    where: list[Any],
    column: str | None,
    names: set[str],
    severity: str,
) -> Check:
    if column is not None:
        raise yaml.fail([*where, "metric"], "rowCount belongs to the schema object")
    load = (rule.get("arguments") or {}).get("loadColumn")
    if load is not None and load not in names:
        raise yaml.fail(
            [*where, "arguments", "loadColumn"], f"`{load}` is not a column of the contract"
        )
    minimum, maximum = _row_bounds(yaml, rule, where)
    return Check(
        "row_count",
        yaml.position(where),
        None,
        severity,
        minimum=minimum,
        maximum=maximum,
        load_column=load,
        description=_description(rule),
    )


def _row_bounds(
    yaml: ContractYaml, rule: LineDict, where: list[Any]
) -> tuple[int | None, int | None]:
    def number(key: str) -> int:
        value = rule[key]
        if not isinstance(value, int) or isinstance(value, bool):
            raise yaml.fail([*where, key], "a whole number of rows")
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
        raise yaml.fail(
            where, "rowCount needs a bound: mustBe, mustBeBetween, mustBeGreaterThan, ..."
        )
    return minimum, maximum


def _column_metric(
    yaml: ContractYaml,
    rule: LineDict,
    where: list[Any],
    column: str | None,
    metric: str,
    severity: str,
) -> Check:
    """`nullValues`, `duplicateValues`, `invalidValues` with `mustBe: 0`: no bad row."""
    if column is None:
        raise yaml.fail(
            [*where, "metric"],
            f"steward tests `{metric}` on a column: move the rule to the column's quality",
        )
    if rule.get("mustBe", None) != 0 or any(k in rule for k in _BOUNDS):
        raise yaml.fail([*where], f"steward tests `{metric}` with `mustBe: 0` (no bad row) only")
    position = yaml.position(where)
    description = _description(rule)
    arguments = rule.get("arguments") or {}
    if metric == "nullValues":
        return Check("not_null", position, column, severity, description=description)
    if metric == "duplicateValues":
        return Check("unique", position, column, severity, description=description)
    if metric != "invalidValues":
        raise yaml.fail(
            [*where, "metric"],
            f"steward does not test metric `{metric}`; use "
            "nullValues, duplicateValues, invalidValues or rowCount",
        )
    if "validValues" in arguments:
        values = arguments["validValues"]
        if not isinstance(values, list) or not values:
            raise yaml.fail([*where, "arguments", "validValues"], "a list of values")
        return Check(
            "accepted_values",
            position,
            column,
            severity,
            values=tuple(plain(values)),
            description=description,
        )
    if "minimum" in arguments or "maximum" in arguments:
        bounds = [arguments.get(k) for k in ("minimum", "maximum")]
        if any(
            b is not None and (not isinstance(b, (int, float)) or isinstance(b, bool))
            for b in bounds
        ):
            raise yaml.fail([*where, "arguments"], "minimum and maximum are numbers")
        return Check(
            "range",
            position,
            column,
            severity,
            minimum=bounds[0],
            maximum=bounds[1],
            description=description,
        )
    raise yaml.fail(
        [*where, "arguments"], "invalidValues needs `validValues` or `minimum`/`maximum`"
    )
