"""The layered configuration on embedded Spark + Delta, with real dbt builds: what a build
sees comes from platform/config/, two developers' dev builds and production never share a
table, and a team is promoted to production only after its staging build passed.

The fixture is a one-model project (fixtures/config_project) whose model records what its
run saw: the environment, the session's shuffle partitions (the team's Spark setting in
that environment) and the folder config generated into dbt_project.yml. Its one data test
fails on demand (`--vars {break_tests: true}`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.lakehouse import jars
from steward.teambuild import history
from steward.teambuild.context import RunContext
from steward.teambuild.runner import build_teams

from .spark_support import rows

pytestmark = [pytest.mark.spark, pytest.mark.slow]

FIXTURE = Path(__file__).parent / "fixtures" / "config_project"
TEAM = "cfgtest"
SHA = "c0ffee0123456789c0ffee0123456789c0ffee01"
BREAK = ["--vars", "{break_tests: true}"]


@pytest.fixture(scope="module")
def context(
    project_dir: Path, lakehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunContext]:
    work = tmp_path_factory.mktemp("config") / "project"
    shutil.copytree(FIXTURE, work)
    shutil.copytree(project_dir / "macros", work / "macros")
    shutil.copytree(project_dir / "profiles", work / "profiles")
    (work / "landing").mkdir()
    patch = pytest.MonkeyPatch()
    patch.setenv("STEWARD_JAR_CACHE", str(jars.default_cache_dir(project_dir)))
    patch.setenv("STEWARD_GIT_SHA", SHA)  # the copy is no git checkout; this is its commit
    yield RunContext(project_dir=work, lakehouse_dir=lakehouse_dir, landing_dir=work / "landing")
    patch.undo()


def probe(schema: str) -> dict[str, object]:
    [row] = rows(f"select * from {schema}.probe")
    return row.asDict()


def build_as(
    context: RunContext, developer: str, monkeypatch: pytest.MonkeyPatch, env: str = "dev"
) -> bool:
    monkeypatch.setenv("STEWARD_DEV_PREFIX", developer)
    [run] = build_teams(replace(context, env=env), [TEAM])
    return run.success


def test_two_developers_build_dev_apart_with_the_config_of_dev(
    context: RunContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_as(context, "anna", monkeypatch)
    assert build_as(context, "bob", monkeypatch)
    anna, bob = probe("dev_anna_silver_cfgtest"), probe("dev_bob_silver_cfgtest")
    assert anna["env"] == "dev_anna" and bob["env"] == "dev_bob"
    # dev.yml's shuffle partitions reached the session; the folder config is generated
    assert anna["shuffle_partitions"] == "2"
    assert (anna["lookback_days"], anna["on_schema_change"], anna["materialized"]) == (
        6,
        "fail",
        "table",
    )
    # the Delta table carries the platform's retention
    properties = dict(rows("show tblproperties dev_anna_silver_cfgtest.probe"))
    assert properties["delta.logRetentionDuration"] == "interval 30 days"
    # neither build wrote staging's or production's namespace
    schemas = {row[0] for row in rows("show schemas")}
    assert not {"silver_cfgtest", "staging_silver_cfgtest", "dev_silver_cfgtest"} & schemas
    assert history.load_runs(replace(context, env="dev_anna"), TEAM)[-1].git_sha == SHA


def test_promotion_waits_for_a_passing_staging_build_of_the_commit(
    context: RunContext,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    promote = [
        "promote",
        "--team",
        TEAM,
        "--project-dir",
        str(context.project_dir),
        "--lakehouse",
        str(context.lakehouse),
        "--landing",
        str(context.landing),
    ]
    assert main(promote) == 1
    assert "team cfgtest has never been built in staging" in capsys.readouterr().err

    staging = replace(context, env="staging")
    [failed] = build_teams(staging, [TEAM], BREAK)
    assert not failed.success
    assert main(promote) == 1
    assert "failed (1 fail, 1 success)" in capsys.readouterr().err
    assert "silver_cfgtest" not in {row[0] for row in rows("show schemas")}

    [passed] = build_teams(staging, [TEAM])
    assert passed.success
    assert main(promote) == 0
    assert "promoting: the staging build of team cfgtest at commit c0ffee012345" in (
        capsys.readouterr().err
    )
    prod = probe("silver_cfgtest")
    # production: no prefix, the team's own shuffle partitions for prod
    assert (prod["env"], prod["shuffle_partitions"]) == ("prod", "3")
    assert probe("staging_silver_cfgtest")["shuffle_partitions"] == "5"
    # the developers' tables are untouched by everything since
    assert probe("dev_anna_silver_cfgtest")["env"] == "dev_anna"
