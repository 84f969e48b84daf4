"""What dbt-spark's merge does silently, the platform refuses loudly; and a failed run
leaves nothing that breaks the next one.

Runs the platform's own macros (copied from macros/) in a one-model project on the
session's embedded Spark + Delta.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from steward.lakehouse import jars
from steward.teambuild.context import RunContext
from steward.teambuild.runner import invoke_dbt

from .spark_support import rows, scalar

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ENV = "itest_guard"
TABLE = f"{ENV}_silver_platform.keyed"
FIXTURE = Path(__file__).parent / "fixtures" / "keyed_project"


@pytest.fixture(scope="module")
def context(
    project_dir: Path, lakehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunContext]:
    work = tmp_path_factory.mktemp("keyed") / "project"
    shutil.copytree(FIXTURE, work)
    shutil.copytree(project_dir / "macros", work / "macros")
    shutil.copytree(project_dir / "profiles", work / "profiles")
    (work / "landing").mkdir()
    patch = pytest.MonkeyPatch()
    patch.setenv("STEWARD_JAR_CACHE", str(jars.default_cache_dir(project_dir)))
    # the fixture's model is silver_platform__keyed: built as team platform
    yield RunContext(
        project_dir=work,
        env=ENV,
        team="platform",
        lakehouse_dir=lakehouse_dir,
        landing_dir=work / "landing",
    )
    patch.undo()


def build(context: RunContext, **variables: object) -> object:
    args = ["build", "--vars", repr(variables).replace("'", '"')] if variables else ["build"]
    return invoke_dbt(context, args)


def table_version() -> int:
    return int(rows(f"describe history {TABLE}")[0]["version"])


def test_null_key_fails_the_first_build_and_writes_nothing(context: RunContext) -> None:
    result = build(context, null_key=True)
    assert not result.success
    assert not rows(f"show tables in {ENV}_silver_platform like 'keyed'")


def test_null_key_fails_the_merge_and_leaves_the_table_unchanged(context: RunContext) -> None:
    assert build(context, hours=3).success
    version = table_version()
    assert scalar(f"select count(*) from {TABLE}") == 3

    result = build(context, hours=4, null_key=True)

    assert not result.success
    message = " ".join(str(r.message) for r in result.result.results)
    assert "NULL in unique_key (meter_id, interval_start_utc)" in message
    assert table_version() == version
    assert scalar(f"select count(*) from {TABLE}") == 3
    assert scalar(f"select count(*) from {TABLE} where meter_id is null") == 0


def test_merge_without_null_keys_updates_once(context: RunContext) -> None:
    assert build(context, hours=5).success
    assert build(context, hours=5).success
    assert scalar(f"select count(*) from {TABLE}") == 5
    assert scalar(f"select count(distinct meter_id, interval_start_utc) from {TABLE}") == 5


def test_leftover_folder_of_a_killed_run_does_not_block_the_next(
    context: RunContext, lakehouse_dir: Path
) -> None:
    # A run killed while creating the table leaves data files but no metastore entry.
    rows(f"drop table if exists {TABLE}")
    location = lakehouse_dir / "warehouse" / f"{ENV}_silver_platform.db" / "keyed"
    location.mkdir(parents=True, exist_ok=True)
    (location / "part-00000-leftover.snappy.parquet").write_bytes(b"not a parquet file")

    assert build(context, hours=2).success
    assert scalar(f"select count(*) from {TABLE}") == 2


def constraints() -> dict[str, str]:
    """name -> expression of the table's Delta CHECK constraints."""
    properties = next(
        str(r["data_type"])
        for r in rows(f"describe extended {TABLE}")
        if r["col_name"] == "Table Properties"
    )
    from dbt.adapters.steward_spark.impl import table_constraints

    return table_constraints(properties)


def operations_since(version: int) -> list[str]:
    return [
        str(r["operation"]) for r in rows(f"describe history {TABLE}") if r["version"] > version
    ]


def test_a_row_breaking_a_check_constraint_fails_the_first_build_and_writes_nothing(
    context: RunContext,
) -> None:
    rows(f"drop table if exists {TABLE}")
    result = build(context, hours=2, negative=True)
    assert not result.success
    message = " ".join(str(r.message) for r in result.result.results)
    assert "breaks CHECK constraint steward_kwh_" in message and "kwh >= 0" in message
    assert not rows(f"show tables in {ENV}_silver_platform like 'keyed'")


def test_a_check_constraint_is_on_the_table_and_refuses_a_merge(context: RunContext) -> None:
    assert build(context, hours=3).success
    [(name, expression)] = constraints().items()
    assert name.startswith("steward_kwh_") and expression.replace(" ", "") == "kwh>=0"
    version = table_version()

    result = build(context, hours=4, negative=True)

    assert not result.success
    message = " ".join(str(r.message) for r in result.result.results)
    assert f"CHECK constraint {name}" in message and "kwh" in message
    assert table_version() == version
    assert scalar(f"select count(*) from {TABLE} where kwh < 0") == 0


def test_a_table_built_before_its_constraint_gets_it_before_the_next_merge(
    context: RunContext,
) -> None:
    assert build(context, hours=3).success
    [name] = constraints()
    # as if the table had been built before the constraint was declared, and a steward
    # constraint since removed from the yml were still on it
    rows(f"alter table {TABLE} drop constraint {name}")
    rows(f"alter table {TABLE} add constraint steward_kwh_retired check (kwh < 1000000)")
    version = table_version()

    assert build(context, hours=4).success

    assert list(constraints()) == [name]
    assert operations_since(version) == ["MERGE", "ADD CONSTRAINT", "DROP CONSTRAINT"]
    version = table_version()
    assert build(context, hours=4).success
    assert operations_since(version) == ["MERGE"]  # nothing changed: no ALTER


def status_of_test(result: object, name: str = "unique_key") -> str:
    [status] = [
        str(getattr(r.status, "value", r.status))
        for r in result.result.results  # type: ignore[attr-defined]
        if r.node.resource_type == "test" and r.node.name.startswith(name)
    ]
    return status


def test_a_data_test_checks_the_window_its_merge_wrote_and_full_checks_the_table(
    context: RunContext,
) -> None:
    rows(f"drop table if exists {TABLE}")
    assert build(context, hours=3).success  # created in full: the test judged every row
    # a duplicate key long before the window (the run's start is 2026-03-24: the newest
    # reading_date, 2026-03-28, less the lookback of 4 days)
    old = "('m9', timestamp'2026-03-01 00:00:00', 1.0, date'2026-03-01')"
    rows(f"insert into {TABLE} values {old}, {old}")

    scoped = build(context, hours=3)
    assert scoped.success and status_of_test(scoped) == "pass"
    [test] = [r.node for r in scoped.result.results if r.node.resource_type == "test"]
    assert "reading_date >= date'2026-03-24'" in test.compiled_code

    full = invoke_dbt(dataclasses.replace(context, full_checks=True), ["build"])
    assert not full.success and status_of_test(full) == "fail"

    # a duplicate inside the window is found by the daily run itself
    rows(f"delete from {TABLE} where meter_id = 'm9'")
    recent = "('m8', timestamp'2026-03-27 00:00:00', 1.0, date'2026-03-27')"
    rows(f"insert into {TABLE} values {recent}, {recent}")
    daily = build(context, hours=3)
    assert not daily.success and status_of_test(daily) == "fail"
    rows(f"delete from {TABLE} where meter_id = 'm8'")


def test_a_row_the_model_itself_sets_aside_is_not_judged_by_its_constraints(
    context: RunContext,
) -> None:
    """The check runs on the rows the model returns: a negative reading its own WHERE
    drops (as a bronze model drops what it quarantines) fails nothing."""
    rows(f"drop table if exists {TABLE}")
    assert build(context, hours=2, quarantined=True).success  # created: CREATE's check
    assert build(context, hours=3, quarantined=True).success  # merged: Delta's check
    assert scalar(f"select count(*) from {TABLE}") == 3
    assert scalar(f"select count(*) from {TABLE} where meter_id = 'm7'") == 0


def test_a_parquet_model_s_constraints_are_not_added(context: RunContext) -> None:
    """Only Delta enforces constraints: a Parquet table is built as dbt-spark builds it."""
    result = invoke_dbt(context, ["build", "--select", "silver_platform__keyed_parquet"])
    assert result.success
    assert scalar(f"select count(*) from {ENV}_silver_platform.keyed_parquet where kwh < 0") == 1
