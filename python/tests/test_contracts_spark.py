"""The yml generated from contracts, built for real: dbt enforces the contract and its
tests fail on planted bad data (a duplicate key, a stale newest timestamp, an orphan
foreign key), Delta's CHECK constraints refuse an unknown accepted value, and all pass on
good data.

A small project (tests/fixtures/contracts_project) with the platform's macros copied in;
`steward contracts generate` writes its yml, then team platform builds it on the session's
embedded Spark + Delta, as of 2026-03-29 06:00 (the data are of 28 March).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from steward.cli.main import main
from steward.lakehouse import jars
from steward.teambuild.context import RunContext
from steward.teambuild.runner import invoke_dbt

from .spark_support import rows, scalar

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ENV = "itest_contracts"
TABLE = f"{ENV}_silver_platform.readings"
FIXTURE = Path(__file__).parent / "fixtures" / "contracts_project"
FAULTS = ("duplicate_key", "stale", "orphan")


@pytest.fixture(scope="module")
def context(
    project_dir: Path, lakehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunContext]:
    work = tmp_path_factory.mktemp("contracts") / "project"
    shutil.copytree(FIXTURE, work)
    shutil.copytree(project_dir / "macros", work / "macros")
    shutil.copytree(project_dir / "profiles", work / "profiles")
    (work / "landing").mkdir()
    assert main(["contracts", "generate", "--project-dir", str(work)]) == 0
    patch = pytest.MonkeyPatch()
    patch.setenv("STEWARD_JAR_CACHE", str(jars.default_cache_dir(project_dir)))
    yield RunContext(
        project_dir=work,
        env=ENV,
        team="platform",
        lakehouse_dir=lakehouse_dir,
        landing_dir=work / "landing",
        as_of="2026-03-29T06:00",
    )
    patch.undo()


def build(context: RunContext, *plant: str) -> Any:
    return invoke_dbt(
        context,
        ["build", "--select", "group:platform", "--vars", json.dumps({"plant": list(plant)})],
    )


def outcomes(result: Any) -> dict[str, str]:
    """Node name -> status (`success`, `pass`, `fail`, `error`, `skipped`)."""
    return {r.node.name: str(getattr(r.status, "value", r.status)) for r in result.result.results}


def failing_tests(result: Any) -> set[str]:
    found = outcomes(result)
    return {
        name.split("_silver_platform__")[0] for name, status in found.items() if status == "fail"
    }


def test_good_data_passes_every_generated_test(context: RunContext) -> None:
    result = build(context)
    found = outcomes(result)
    assert result.success, found
    tests = {
        name.split("_silver_platform__")[0]
        for name in found
        if not name.startswith("silver_platform__")
    }
    assert {
        "unique_key",
        "unique",
        "relationships",
        "rows_per_load",
        "freshness_within",
    } <= tests
    assert scalar(f"select count(*) from {TABLE}") == 3
    # the accepted values and the range are Delta CHECK constraints, not tests
    assert not tests & {"accepted_values", "values_between"}
    properties = next(
        str(r["data_type"])
        for r in rows(f"describe extended {TABLE}")
        if r["col_name"] == "Table Properties"
    )
    assert "quality_flag in ( 'measured' , 'gap_spanned' )" in properties
    assert "kwh >= 0" in properties


def test_an_unknown_value_is_refused_by_its_check_constraint(context: RunContext) -> None:
    assert build(context).success
    version = rows(f"describe history {TABLE}")[0]["version"]
    result = build(context, "unknown_value")
    assert not result.success
    assert outcomes(result)["silver_platform__readings"] == "error"
    message = " ".join(str(r.message) for r in result.result.results)
    assert "breaks CHECK constraint" in message and "quality_flag in" in message
    # the row was refused before anything was written: the table is the good build's
    assert rows(f"describe history {TABLE}")[0]["version"] == version
    assert scalar(f"select count(*) from {TABLE} where quality_flag = 'estimated'") == 0


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_alone_fails_only_its_test(context: RunContext, fault: str) -> None:
    expected = {
        "duplicate_key": "unique_key",
        "stale": "freshness_within",
        "orphan": "relationships",
    }[fault]
    assert failing_tests(build(context, fault)) == {expected}


def test_enforced_contract_refuses_a_column_of_another_type(context: RunContext) -> None:
    result = build(context, "wrong_type")
    assert not result.success
    message = " ".join(
        str(r.message) for r in result.result.results if r.node.name == "silver_platform__readings"
    )
    assert "contract" in message.lower() and "kwh" in message
    types = {r["col_name"]: r["data_type"] for r in rows(f"describe table {TABLE}")}
    assert types["kwh"] == "decimal(18,6)"  # the table keeps its contracted type


def test_delta_enforces_the_not_null_constraint(context: RunContext) -> None:
    result = build(context, "null_required")
    assert not result.success
    # dbt-spark sets the constraint after `create or replace ... as select` (it fails on
    # the NULL); an incremental merge into the table is refused by Delta before it commits
    assert outcomes(result)["silver_platform__readings"] == "error"
