"""Contracts are ODCS v3, checked by the `open-data-contract-standard` package; an invalid
one is one error naming the file, the line and the field. (The demo's contracts:
test_demo_contracts.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from open_data_contract_standard.model import OpenDataContractStandard

from steward.cli.main import main
from steward.errors import UserError
from steward.project import load_project
from steward.project.contracts import Contract, ContractError, parse_contract

FIXTURE = Path(__file__).parent / "fixtures" / "contracts_project"
CONTRACTS = sorted((FIXTURE / "contracts").rglob("*.yaml"))

VALID = """\
apiVersion: v3.1.0
kind: DataContract
id: readings
version: 1.0.0
status: active
schema:
  - name: silver_platform__readings
    properties:
      - name: meter_id
        logicalType: string
        physicalType: string
        description: The meter.
        primaryKey: true
      - name: kwh
        logicalType: number
        physicalType: decimal(18,6)
        description: Energy.
      - name: interval_start_utc
        logicalType: timestamp
        physicalType: timestamp
        description: Start of the interval.
slaProperties:
  - {property: latency, value: 2, unit: d, element: silver_platform__readings.interval_start_utc}
"""
PATH = "contracts/platform/silver_platform__readings.yaml"


def assert_round_trips(path: Path, root: Path) -> None:
    """The contract at `path` (of the project at `root`) reads the same through the ODCS
    package and steward, and is complete: described, typed and keyed."""
    text = path.read_text(encoding="utf-8")
    document = OpenDataContractStandard.from_string(text)
    again = OpenDataContractStandard.from_string(document.to_yaml())
    assert again == document
    contract = parse_contract(text, path.relative_to(root).as_posix())
    assert contract.document == document
    assert contract.team == path.parent.name
    assert all(c.description and c.physical_type for c in contract.columns)
    assert contract.primary_key


@pytest.mark.parametrize("path", CONTRACTS, ids=[p.stem for p in CONTRACTS])
def test_contract_round_trips_through_the_odcs_package(path: Path) -> None:
    assert_round_trips(path, FIXTURE)


def test_every_contract_is_loaded_with_the_project() -> None:
    project = load_project(FIXTURE)
    assert project.contract_issues == ()
    assert {c.model for c in project.contracts} == {p.stem for p in CONTRACTS}


def contract_facts(contract: Contract, *columns: str) -> tuple[object, ...]:
    """The types of `columns`, the primary key, the freshness (minutes) and the volume's
    load column of `contract`."""
    assert contract.freshness is not None and contract.volume is not None
    types = {}
    for name in columns:
        column = contract.column(name)
        assert column is not None, name
        types[name] = column.physical_type
    return (
        types,
        contract.primary_key,
        contract.freshness.max_age_minutes,
        contract.volume.load_column,
    )


def test_contract_types_and_rules_are_read() -> None:
    project = load_project(FIXTURE)
    readings = next(c for c in project.contracts if c.model == "silver_platform__readings")
    assert contract_facts(readings, "kwh", "region_id") == (
        {"kwh": "decimal(18,6)", "region_id": "string"},
        ("meter_id", "interval_start_utc"),
        2 * 1440,
        None,
    )


def _broken(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new)


INVALID = {
    "unknown_field": (
        _broken("        primaryKey: true", "        primarykey: true"),
        13,
        "`schema[0].properties[0].primarykey` is not a field of ODCS v3",
    ),
    "logical_type_not_in_odcs": (
        _broken("logicalType: number", "logicalType: decimal"),
        15,
        "`schema[0].properties[1].logicalType`: 'decimal' is not",
    ),
    "not_a_spark_type": (
        _broken("physicalType: decimal(18,6)", "physicalType: decmal(18,6)"),
        16,
        "'decmal(18,6)' is not a Spark SQL type",
    ),
    "type_cannot_carry_logical_type": (
        _broken("physicalType: decimal(18,6)", "physicalType: string"),
        16,
        "string cannot carry logical type number",
    ),
    "missing_description": (
        _broken("        description: Energy.\n", ""),
        14,
        "column `kwh` needs a description",
    ),
    "wrong_kind": (
        _broken("kind: DataContract", "kind: Contract"),
        2,
        "`kind`: 'Contract' is not one of ['DataContract']",
    ),
    "schema_named_unlike_the_file": (
        _broken("  - name: silver_platform__readings", "  - name: readings"),
        7,
        "the schema object must be named like the file",
    ),
    "latency_on_a_missing_column": (
        _broken(
            "element: silver_platform__readings.interval_start_utc",
            "element: silver_platform__readings.reading_at",
        ),
        23,
        "'silver_platform__readings.reading_at' is not a column of it",
    ),
    "latency_on_a_string": (
        _broken(
            "element: silver_platform__readings.interval_start_utc",
            "element: silver_platform__readings.meter_id",
        ),
        23,
        "`meter_id` is not a date or timestamp",
    ),
    "latency_unit_unknown": (
        _broken("unit: d,", "unit: fortnights,"),
        23,
        "'fortnights' is not a unit steward knows",
    ),
    "sla_property_unknown": (
        _broken("property: latency", "property: latancy"),
        23,
        "'latancy' is not an ODCS SLA property",
    ),
    "deprecated_without_date": (
        _broken("status: active", "status: deprecated"),
        5,
        "a deprecated contract needs the custom property",
    ),
    "version_not_semver": (
        _broken("version: 1.0.0", "version: one"),
        4,
        "'one' is not a semantic version",
    ),
    "unsupported_metric": (
        _broken(
            "        description: Energy.\n",
            "        description: Energy.\n        quality:\n"
            "          - {metric: missingValues, mustBe: 0}\n",
        ),
        19,
        "steward does not test metric `missingValues`",
    ),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_contract_is_one_error_with_file_line_and_field(name: str) -> None:
    text, line, message = INVALID[name]
    with pytest.raises(ContractError) as caught:
        parse_contract(text, PATH)
    assert (caught.value.path, caught.value.line) == (PATH, line), str(caught.value)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{PATH}:{line}: ")


def test_version_file_must_match_the_contract_major() -> None:
    with pytest.raises(ContractError, match="its major version must be 2"):
        parse_contract(VALID, "contracts/platform/silver_platform__readings.v2.yaml")
    contract = parse_contract(VALID, "contracts/platform/silver_platform__readings.v1.yaml")
    assert (contract.model, contract.dbt_version) == ("silver_platform__readings", 1)


def test_quality_rules_become_checks() -> None:
    text = _broken(
        "        description: Energy.\n",
        """\
        description: Energy.
        quality:
          - metric: invalidValues
            arguments: {minimum: 0, maximum: 9}
            mustBe: 0
            severity: warning
          - {metric: nullValues, mustBe: 0}
          - {type: custom, engine: dbt, implementation: {dbt_utils.not_constant: {}}}
          - {type: text, description: "Energy is metered, not estimated."}
""",
    )
    contract = parse_contract(text, PATH)
    kinds = [(c.kind, c.column, c.severity) for c in contract.checks]
    assert kinds == [
        ("range", "kwh", "warn"),
        ("not_null", "kwh", "error"),
        ("dbt", "kwh", "error"),
        ("freshness", "interval_start_utc", "error"),
    ]


def test_cli_stops_on_an_invalid_contract_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: p\nversion: '1'\nconfig-version: 2\n")
    folder = tmp_path / "contracts" / "platform"
    folder.mkdir(parents=True)
    (folder / "silver_platform__readings.yaml").write_text(INVALID["unknown_field"][0])
    assert main(["contracts", "generate", "--project-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"steward: error: {PATH}:13: invalid contract: ")


def test_load_project_keeps_going_past_an_invalid_contract(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: p\nversion: '1'\nconfig-version: 2\n")
    folder = tmp_path / "contracts" / "platform"
    folder.mkdir(parents=True)
    (folder / "silver_platform__readings.yaml").write_text("schema: [")
    project = load_project(tmp_path)
    assert project.contracts == ()
    [issue] = project.contract_issues
    assert issue.rule == "CON001" and "invalid YAML" in issue.message


def test_user_error_is_the_base() -> None:
    assert issubclass(ContractError, UserError)
    assert yaml.safe_load(VALID)["kind"] == "DataContract"


def test_a_contract_that_passed_the_schema_once_is_not_checked_again(tmp_path: Path) -> None:
    from steward.cache import Store

    store = Store(tmp_path / "cache")
    first = parse_contract(VALID, PATH, store)
    assert store.misses == 1 and store.hits == 0
    again = parse_contract(VALID, PATH, store)
    assert store.hits == 1
    assert again == first
    # the cache is keyed by the document: an edit that breaks it is still reported
    broken = VALID.replace("kind: DataContract", "kind: DataContract\nownr: typo")
    with pytest.raises(ContractError, match="ownr"):
        parse_contract(broken, PATH, store)
    with pytest.raises(ContractError, match="ownr"):
        parse_contract(broken, PATH, store)
