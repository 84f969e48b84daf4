"""`steward contracts generate` and `consumers`: contract -> dbt yml, the `--check` of the
generated files, and consumers derived from the graph and column lineage (on the fixture
`contracts_consumers`; the demo's committed files: test_demo_contracts.py)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from steward.cli.main import main
from steward.contracts import dbt as contract_dbt
from steward.project.contracts import parse_contract

PATH = "contracts/platform/silver_platform__readings.yaml"

HEAD = """\
apiVersion: v3.1.0
kind: DataContract
id: readings
version: 1.0.0
schema:
  - name: silver_platform__readings
    properties:
"""
COLUMN = (
    '      - {{name: {name}, logicalType: {logical}, physicalType: "{physical}", '
    "description: d.{extra}}}\n"
)


def contract(*columns: tuple[str, str, str, str], tail: str = "") -> str:
    text = HEAD
    for name, logical, physical, extra in columns:
        text += COLUMN.format(name=name, logical=logical, physical=physical, extra=extra)
    return text + tail


MAPPING = {
    "single_primary_key": (
        contract(("meter_id", "string", "string", ", primaryKey: true")),
        [],
        {"meter_id": ["unique"]},
    ),
    "composite_primary_key": (
        contract(
            ("meter_id", "string", "string", ", primaryKey: true, primaryKeyPosition: 1"),
            ("day", "date", "date", ", primaryKey: true, primaryKeyPosition: 2"),
        ),
        [{"unique_key": {"arguments": {"columns": ["meter_id", "day"]}}}],
        {"meter_id": [], "day": []},
    ),
    "required_on_delta_is_a_constraint": (
        contract(("kwh", "number", "decimal(18,6)", ", required: true")),
        [],
        {"kwh": []},
    ),
    "unique": (contract(("kwh", "number", "double", ", unique: true")), [], {"kwh": ["unique"]}),
    "accepted_values": (
        contract(
            (
                "flag",
                "string",
                "string",
                ", quality: [{metric: invalidValues, arguments: {validValues: [a, b]}, mustBe: 0}]",
            )
        ),
        [],
        {"flag": [{"accepted_values": {"arguments": {"values": ["a", "b"]}}}]},
    ),
    "enum": (
        contract(("flag", "string", "string", ", enum: [{value: a}, {value: b}]")),
        [],
        {"flag": [{"accepted_values": {"arguments": {"values": ["a", "b"]}}}]},
    ),
    "range_from_type_options": (
        contract(("hour", "integer", "int", ", logicalTypeOptions: {minimum: 0, maximum: 23}")),
        [],
        {"hour": [{"values_between": {"arguments": {"min_value": 0, "max_value": 23}}}]},
    ),
    "range_with_warning": (
        contract(
            (
                "kwh",
                "number",
                "double",
                ", quality: [{metric: invalidValues, arguments: {minimum: 0}, mustBe: 0, "
                "severity: warning}]",
            )
        ),
        [],
        {
            "kwh": [
                {"values_between": {"arguments": {"min_value": 0}, "config": {"severity": "warn"}}}
            ]
        },
    ),
    "relationship": (
        contract(
            (
                "region_id",
                "string",
                "string",
                ", relationships: [{to: silver_platform__regions.region_id}]",
            )
        ),
        [],
        {
            "region_id": [
                {
                    "relationships": {
                        "arguments": {"to": "ref('silver_platform__regions')", "field": "region_id"}
                    }
                }
            ]
        },
    ),
    "row_count_per_load": (
        contract(
            ("day", "date", "date", ""),
            tail="    quality:\n      - {metric: rowCount, "
            "arguments: {loadColumn: day}, mustBeBetween: [10, 500]}\n",
        ),
        [{"rows_per_load": {"arguments": {"load_column": "day", "min_rows": 10, "max_rows": 500}}}],
        {"day": []},
    ),
    "freshness": (
        contract(
            ("at", "timestamp", "timestamp", ""),
            tail="slaProperties:\n  - {property: "
            "latency, value: 6, unit: h, element: silver_platform__readings.at}\n",
        ),
        [],
        {"at": [{"freshness_within": {"arguments": {"max_age": 6, "unit": "hour"}}}]},
    ),
    "custom_dbt_test": (
        contract(
            (
                "kwh",
                "number",
                "double",
                ", quality: [{type: custom, engine: dbt, implementation: "
                "{dbt_utils.not_constant: {}}}]",
            )
        ),
        [],
        {"kwh": [{"dbt_utils.not_constant": {}}]},
    ),
}


@pytest.mark.parametrize("name", list(MAPPING))
def test_contract_rule_to_dbt_test(name: str) -> None:
    """Each rule's data test on Delta; the row checks Delta enforces (ON_DELTA, below) are
    data tests only on a table format that enforces no constraint."""
    text, model_tests, column_tests = MAPPING[name]
    enforced = name not in ON_DELTA
    found = contract_dbt.tests_of(parse_contract(text, PATH), constraints_enforced=enforced)
    assert found == (model_tests, column_tests)


ON_DELTA = {
    "accepted_values": ("flag", "flag is null or flag in ('a', 'b')"),
    "enum": ("flag", "flag is null or flag in ('a', 'b')"),
    "range_from_type_options": ("hour", "hour is null or hour >= 0 and hour <= 23"),
}


@pytest.mark.parametrize("name", list(MAPPING))
def test_on_delta_a_row_check_that_fails_the_build_is_a_check_constraint(name: str) -> None:
    """Delta checks accepted values and ranges on every write: no data test scans the
    table for them; a warning (a constraint cannot warn) and every other rule stay tests."""
    text, _, column_tests = MAPPING[name]
    properties = contract_dbt.version_properties(parse_contract(text, PATH))
    columns = {c["name"]: c for c in properties["columns"]}
    if name in ON_DELTA:
        column, expression = ON_DELTA[name]
        assert columns[column]["constraints"] == [{"type": "check", "expression": expression}]
        assert "data_tests" not in columns[column]
    else:
        for column in columns.values():
            assert all(c["type"] != "check" for c in column.get("constraints", ()))
            assert column.get("data_tests", []) == column_tests[column["name"]]


def test_a_required_column_s_check_constraint_has_no_null_clause() -> None:
    text = contract(
        ("country", "string", "string", ', required: true, enum: [{value: DE}, {value: "it\'s"}]')
    )
    properties = contract_dbt.version_properties(parse_contract(text, PATH))
    assert properties["columns"][0]["constraints"] == [
        {"type": "not_null"},
        {"type": "check", "expression": "country in ('DE', 'it\\'s')"},
    ]


def test_required_column_outside_delta_gets_a_not_null_test() -> None:
    text = contract(("kwh", "number", "double", ", required: true"))
    assert contract_dbt.tests_of(parse_contract(text, PATH), constraints_enforced=False) == (
        [],
        {"kwh": ["not_null"]},
    )


@pytest.fixture
def work(tmp_path: Path, fixture_dir: Callable[[str], Path]) -> Path:
    """A copy of the `contracts_consumers` fixture, its yml generated from its contracts."""
    root = tmp_path / "project"
    shutil.copytree(fixture_dir("contracts_consumers"), root)
    assert main(["contracts", "generate", "--project-dir", str(root)]) == 0
    return root


def test_check_is_clean_once_generated(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["contracts", "generate", "--check", "--project-dir", str(work)]) == 0
    assert "2 generated file(s) up to date" in capsys.readouterr().out


def test_generated_yml_is_the_only_entry_and_carries_everything(work: Path) -> None:
    path = work / "models/silver/platform/silver_platform__readings.contract.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Generated by steward")
    [model] = yaml.safe_load(text)["models"]
    config = model["config"]
    assert config["contract"] == {"enforced": True}
    assert (config["access"], config["group"]) == ("public", "platform")
    columns = {c["name"]: c for c in model["columns"]}
    assert columns["kwh"]["data_type"] == "decimal(18,6)"
    assert columns["kwh"]["constraints"] == [
        {"type": "not_null"},
        {"type": "check", "expression": "kwh >= 0"},
    ]
    assert "data_tests" not in columns["kwh"]
    assert model["constraints"][0]["columns"] == ["meter_id", "interval_start_utc"]
    # who reads it is computed (`steward contracts consumers`), never written here
    assert "consumers" not in config["meta"]
    assert "consumers" not in text
    assert config["meta"]["sla"]["freshness"] == {
        "column": "interval_start_utc",
        "max_age": 2,
        "unit": "day",
    }
    for other in (work / "models").rglob("*.yml"):
        if other != path:
            entries = yaml.safe_load(other.read_text(encoding="utf-8")).get("models") or []
            assert "silver_platform__readings" not in {m["name"] for m in entries}, other


def test_check_fails_on_a_stale_file_and_generate_fixes_it(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract_file = work / "contracts/platform/silver_platform__regions.yaml"
    contract_file.write_text(
        contract_file.read_text().replace("description: Its name.", "description: Its own name.")
    )
    capsys.readouterr()
    assert main(["contracts", "generate", "--check", "--project-dir", str(work)]) == 1
    out = capsys.readouterr().out
    assert (
        "models/silver/platform/silver_platform__regions.contract.yml:" in out
        and "CON002 error" in out
        and "is stale" in out
    )
    assert main(["contracts", "generate", "--project-dir", str(work)]) == 0
    assert "wrote models/silver/platform/silver_platform__regions.contract.yml" in (
        capsys.readouterr().out
    )
    assert main(["contracts", "generate", "--check", "--project-dir", str(work)]) == 0


def test_a_new_consumer_does_not_make_the_producers_file_stale(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another team starting to read a contracted model (its own PR, in its own folder)
    must not fail the producer's generated-file check."""
    producer = work / "models/silver/platform/silver_platform__readings.contract.yml"
    before = producer.read_text(encoding="utf-8")
    reader = work / "models/gold/commercial_analytics/gold_commercial_analytics__meters_seen.sql"
    reader.write_text(
        "select count(distinct meter_id) as meters, max(kwh) as peak_kwh\n"
        "from {{ ref('silver_platform__readings') }}\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["contracts", "generate", "--check", "--project-dir", str(work)]) == 0
    assert main(["lint", str(work), "--select", "CON002"]) == 0
    capsys.readouterr()
    # the new reader is a consumer all the same, computed where it is needed
    code, out, _ = consumers(work, capsys, "silver_platform__readings", "--format", "json")
    assert code == 0
    found = {m["name"]: m for m in json.loads(out)["models"]}
    assert [c["column"] for c in found[reader.stem]["columns"]] == ["kwh", "meter_id"]
    assert main(["contracts", "generate", "--project-dir", str(work)]) == 0
    assert producer.read_text(encoding="utf-8") == before


def test_check_needs_no_model_to_render(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Generation reads contracts and config only: a consumer that does not render is
    lint's SQL001, not a stale generated file."""
    broken = work / "models/gold/commercial_analytics/gold_commercial_analytics__broken.sql"
    broken.write_text("select {{ ref('silver_platform__readings' }} as x\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["contracts", "generate", "--check", "--project-dir", str(work)]) == 0
    assert "2 generated file(s) up to date" in capsys.readouterr().out


def test_generate_removes_the_file_of_a_removed_contract(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "contracts/platform/silver_platform__regions.yaml").unlink()
    capsys.readouterr()
    assert main(["contracts", "generate", "--project-dir", str(work)]) == 0
    assert not (work / "models/silver/platform/silver_platform__regions.contract.yml").exists()
    assert "removed models/silver/platform/silver_platform__regions.contract.yml" in (
        capsys.readouterr().out
    )


def consumers(work: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["contracts", "consumers", *argv, "--project-dir", str(work)])
    out, err = capsys.readouterr()
    return code, out, err


def test_consumers_text(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = consumers(work, capsys, "silver_platform__readings")
    assert code == 0
    assert out.startswith(
        "silver_platform__readings (team platform, contract "
        "contracts/platform/silver_platform__readings.yaml 1.0.0)"
    )
    assert "used by 2 model(s) of 2 team(s)" in out
    assert "gold_ml_forecasting__features" in out
    assert re.search(r"\n  quality_flag +- \(no consumer\)\n", out), out


def test_consumers_json_by_column(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = consumers(work, capsys, "silver_platform__readings", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["teams"] == ["commercial_analytics", "ml_forecasting"]
    users = {u["model"]: u for u in document["columns"]["kwh"]}
    assert users["gold_commercial_analytics__region_totals"]["computes"] == ["total_kwh"]
    assert document["columns"]["quality_flag"] == []
    assert {e["name"] for e in document["exposures"]} == {
        "billing_dashboard",
        "demand_forecast_training",
    }


def test_consumers_of_an_unknown_model_is_exit_2(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = consumers(work, capsys, "silver_platform__readingz")
    assert code == 2
    assert "no model named `silver_platform__readingz`" in err
