"""The run-time write guard's decisions, without Spark: statement x team -> allowed or
refused, and why (`steward.guard.check` over the registry of fixtures/gridlite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.errors import UserError
from steward.guard import CommitMetadata, WritePolicy, check, parse
from steward.guard.policy import COMMIT_METADATA_KEY, normalise_path
from steward.project.registry import read_registry

REGISTRY = read_registry(Path(__file__).parent / "fixtures" / "gridlite")[0]
CA = "commercial_analytics"


def policy(team: str | None = CA, env: str = "prod", storage: str | None = None) -> WritePolicy:
    return WritePolicy.for_team(team, env, REGISTRY, storage)


ALLOWED = [
    # (team, env, sql)
    (CA, "prod", "create or replace table gold_commercial_analytics.daily using delta as select 1"),
    (
        CA,
        "prod",
        "merge into gold_commercial_analytics.daily as DBT_INTERNAL_DEST using "
        "daily__dbt_tmp as DBT_INTERNAL_SOURCE on 1 = 1 when matched then update set *",
    ),
    (
        CA,
        "prod",
        "create or replace temporary view daily__dbt_tmp as select * from silver_platform.readings",
    ),
    (CA, "prod", "select * from silver_platform.readings"),
    (CA, "prod", "describe history silver_platform.readings"),
    (CA, "prod", "show table extended in silver_platform like '*'"),
    (CA, "prod", '/* {"app": "dbt"} */ create schema if not exists gold_commercial_analytics'),
    (
        CA,
        "prod",
        "create or replace view landing_commercial_analytics.x as select * from text.`/landing/de`",
    ),
    (CA, "prod", "set spark.sql.sources.partitionOverwriteMode = DYNAMIC"),
    (CA, "prod", "set spark.sql.shuffle.partitions"),
    (CA, "prod", "insert into identifier('gold_commercial_analytics.daily') select 1"),
    (CA, "prod", "grant select on table gold_commercial_analytics.daily to `analysts`"),
    (CA, "prod", "alter table gold_commercial_analytics.daily add columns (x int)"),
    (CA, "prod", "drop view if exists gold_commercial_analytics.daily__dbt_tmp"),
    (CA, "dev", "create table dev_gold_commercial_analytics.x using delta as select 1"),
    ("platform", "prod", "optimize silver_platform.readings"),
    (
        "platform",
        "prod",
        "merge into spark_catalog.silver_platform.readings t using s on 1 = 1 "
        "when not matched then insert *",
    ),
    ("platform", "ci_1", "create schema if not exists ci_1_ops_platform"),
    (None, "prod", "select count(*) from silver_platform.readings"),
    (None, "prod", "create temporary view x as select 1"),
]


@pytest.mark.parametrize(("team", "env", "sql"), ALLOWED)
def test_allowed(team: str | None, env: str, sql: str) -> None:
    verdict = check(sql, policy(team, env))
    assert verdict.allowed, verdict.refusal and verdict.refusal.message(policy(team, env))


REFUSED = [
    # (team, env, sql, a fragment of the reason)
    (CA, "prod", "delete from silver_platform.readings where kwh > 0", "owned by team platform"),
    (CA, "prod", "drop table silver_platform.readings", "DROP `silver_platform.readings`"),
    (CA, "prod", "truncate table silver_platform.readings", "TRUNCATE"),
    (CA, "prod", "alter table silver_platform.readings add columns (x int)", "ALTER"),
    (CA, "prod", "optimize silver_platform.readings", "OPTIMIZE"),
    (CA, "prod", "vacuum silver_platform.readings retain 0 hours", "VACUUM"),
    (CA, "prod", "restore table silver_platform.readings to version as of 0", "RESTORE"),
    (CA, "prod", "grant modify on table silver_platform.readings to `x`", "GRANT"),
    (CA, "prod", "update silver_platform.readings set kwh = 0", "UPDATE"),
    (CA, "prod", "insert overwrite table silver_platform.readings select 1", "INSERT OVERWRITE"),
    (
        CA,
        "prod",
        "alter table gold_commercial_analytics.x rename to silver_platform.readings",
        "owned by team platform",
    ),
    (CA, "prod", "create schema if not exists silver_platform", "CREATE SCHEMA"),
    (CA, "prod", "create or replace view landing_platform.de as select 1", "team platform"),
    (
        CA,
        "prod",
        "merge into spark_catalog.silver_platform.readings t using s on 1 = 1 "
        "when matched then delete",
        "owned by team platform",
    ),
    (
        CA,
        "prod",
        "insert into other_catalog.gold_commercial_analytics.x select 1",
        "catalog `other_catalog`",
    ),
    (CA, "prod", "select 1; delete from silver_platform.readings", "owned by team platform"),
    (
        CA,
        "prod",
        "analyze table gold_commercial_analytics.x compute statistics; "
        "delete from silver_platform.readings",
        "DELETE",
    ),
    (
        CA,
        "prod",
        "insert into delta.`/lake/silver_platform.db/readings` select 1",
        "by path to `/lake/silver_platform.db/readings`",
    ),
    (
        CA,
        "prod",
        "insert overwrite directory '/lake/silver_platform.db/readings' using delta select 1",
        "no storage prefix is set",
    ),
    (
        CA,
        "prod",
        "create or replace table gold_commercial_analytics.readings using delta "
        "location '/lake/silver_platform.db/readings' as select 1",
        "puts the table's files at",
    ),
    (
        CA,
        "prod",
        "create table gold_commercial_analytics.r using delta options (path '/x') as select 1",
        "puts the table's files at `/x`",
    ),
    (CA, "prod", "alter table gold_commercial_analytics.r set location '/x'", "`/x`"),
    (CA, "prod", "execute immediate 'delete from silver_platform.readings'", "dynamic SQL"),
    (CA, "prod", "insert into identifier(target_table) select 1", "IDENTIFIER()"),
    (CA, "prod", "delete from identifier(:t)", "IDENTIFIER()"),
    (CA, "prod", "delete from identifier('silver_platform.readings')", "team platform"),
    (
        CA,
        "prod",
        "declare variable t string default 'silver_platform.readings'",
        "cannot be proven harmless",
    ),
    (
        CA,
        "prod",
        "set spark.databricks.delta.retentionDurationCheck.enabled = false",
        "not on the allow-list",
    ),
    (CA, "prod", f'set {COMMIT_METADATA_KEY} = {{"team": "platform"}}', "commit metadata"),
    (CA, "prod", "reset", "cannot be proven harmless"),
    (CA, "prod", "reset spark.sql.ansi.enabled", "not on the allow-list"),
    (CA, "prod", "set var t = 'silver_platform.readings'", "variable:t"),
    (CA, "prod", "call system.rollback()", "cannot be proven harmless"),
    (
        CA,
        "prod",
        "create table x using delta as select 1",
        "names no schema, and the connection's current schema is `default`",
    ),
    (
        CA,
        "prod",
        "use silver_platform; delete from readings",
        "current schema is `silver_platform`",
    ),
    (
        CA,
        "prod",
        "use catalog spark_catalog; insert into readings select 1",
        "current schema is unknown",
    ),
    (CA, "prod", "create table shared.x using delta as select 1", "not one of team"),
    (
        CA,
        "dev",
        "create table gold_commercial_analytics.x using delta as select 1",
        "another environment's namespace",
    ),
    (CA, "dev", "delete from silver_platform.readings", "owned by team platform"),
    (
        "electra",
        "prod",
        "merge into silver_platform.readings t using s on 1 = 1 when matched then delete",
        "owned by team platform",
    ),
    (None, "prod", "create schema if not exists gold_commercial_analytics", "read-only"),
    (None, "prod", "insert into gold_commercial_analytics.x select 1", "read-only"),
]


@pytest.mark.parametrize(("team", "env", "sql", "reason"), REFUSED)
def test_refused(team: str | None, env: str, sql: str, reason: str) -> None:
    verdict = check(sql, policy(team, env))
    assert verdict.refusal is not None, sql
    message = verdict.refusal.message(policy(team, env))
    assert reason in message
    assert "WRT001" in message
    assert "Nothing of it was sent to Spark" in message and "Instead:" in message


def test_the_message_names_statement_target_owner_and_what_to_do() -> None:
    sql = '/* {"app": "dbt"} */\ndelete from silver_platform.readings\nwhere kwh > 0'
    refusal = check(sql, policy()).refusal
    assert refusal is not None
    assert refusal.statement == "delete from silver_platform.readings"
    assert refusal.target == "silver_platform.readings"
    assert refusal.owner == "platform"
    message = refusal.message(policy())
    assert "team commercial_analytics" in message
    assert "(platform@gridunion.example, #data-platform)" in message  # how to reach the owner
    assert "gold_commercial_analytics, landing_commercial_analytics" in message


def test_use_is_tracked_per_connection() -> None:
    used = check("use silver_platform", policy())
    assert used.allowed and used.current_schema == "silver_platform"
    assert not check("delete from readings", policy(), used.current_schema).allowed
    back = check("use gold_commercial_analytics", policy(), used.current_schema)
    assert back.current_schema == "gold_commercial_analytics"
    assert check("insert into daily select 1", policy(), back.current_schema).allowed
    # a refused statement leaves the current schema as it was (nothing was sent)
    refused = check(
        "use gold_commercial_analytics; drop table silver_platform.x", policy(), "silver_platform"
    )
    assert refused.current_schema == "silver_platform"


def test_allowed_writes_are_reported_for_commit_metadata() -> None:
    assert check("insert into gold_commercial_analytics.x select 1", policy()).writes
    assert not check("create temporary view v as select 1", policy()).writes
    assert not check("select 1", policy()).writes
    assert not check("set spark.sql.shuffle.partitions = 4", policy()).writes


def test_paths_under_the_storage_prefix() -> None:
    team = policy(storage="/lake/teams/commercial_analytics")
    inside = (
        "create table gold_commercial_analytics.x using delta "
        "location 'file:/lake/teams/commercial_analytics/x' as select 1"
    )
    assert check(inside, team).allowed
    assert check("insert into delta.`/lake/teams/commercial_analytics/y` select 1", team).allowed
    outside = "insert into delta.`/lake/teams/commercial_analytics/../platform/y` select 1"
    assert "outside team commercial_analytics's storage prefix" in (
        check(outside, team).refusal.message(team)
    )  # type: ignore[union-attr]
    assert not check(
        "insert into delta.`/lake/teams/commercial_analytics_x/y` select 1", team
    ).allowed
    s3 = policy(storage="s3://lake/commercial_analytics/")
    assert check("insert into delta.`s3://lake/commercial_analytics/t` select 1", s3).allowed
    assert not check("insert into delta.`s3://lake/platform/t` select 1", s3).allowed
    assert normalise_path("file:///a/b/../c/") == "/a/c"


def test_an_unknown_team_is_a_configuration_error() -> None:
    with pytest.raises(UserError, match=r"'finance' .* is not in platform/teams.yml"):
        policy("finance")


def test_without_a_registry_a_team_owns_its_namespaces_of_every_layer() -> None:
    bare = WritePolicy.for_team("sales", "dev", None)
    assert bare.namespaces == (
        "dev_bronze_sales",
        "dev_silver_sales",
        "dev_gold_sales",
        "dev_ops_sales",
        "dev_landing_sales",
    )
    assert check("insert into dev_silver_sales.x select 1", bare).allowed
    assert not check("insert into dev_silver_other.x select 1", bare).allowed


def test_commit_metadata_round_trip() -> None:
    metadata = CommitMetadata(CA, "model.gridunion.gold_x__y", "inv-1", "abc123", "prod")
    assert parse(metadata.to_json()) == metadata
    assert metadata.set_statement().startswith(f"SET {COMMIT_METADATA_KEY} = {{")
    assert ";" not in metadata.to_json()
    assert parse(None) is None
    assert parse('{"team": "platform"}') is None  # not steward's: forged or foreign
    assert parse("not json") is None
