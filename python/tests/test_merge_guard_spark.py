"""What dbt-spark's merge does silently, the platform refuses loudly; and a failed run
leaves nothing that breaks the next one.

Runs the platform's own macros (copied from macros/) in a one-model project on the
session's embedded Spark + Delta.
"""

from __future__ import annotations

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
