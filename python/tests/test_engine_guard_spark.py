"""The engine guard (jvm/steward-guard, a Spark session extension) on embedded Spark + Delta.

The notebook incident, replayed: a bare pyspark session (no dbt, no `steward_spark`
adapter, so no Python guard) as team commercial_analytics tries every kind of write into
platform's public Silver table. Spark itself refuses each one, and the victim's Delta
version and content stay as they were; the same session still reads the table and writes
its own Gold tables. Then the red team's cases (fixtures/redteam_cases.yaml) run through
plain dbt-spark (`type: spark`, the Python guard absent) with the extension on: the
namespace macros or the extension refuse each attack the Python guard refuses, and the
test says which layer did.

One module, one Spark session: the process's, started by the profile (which loads the
extension), in the tests' own lakehouse; the victim is built once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from steward.guard import WritePolicy, check
from steward.guard.export import EXTENSION_CLASS
from steward.lakehouse import jars
from steward.project.registry import read_registry
from steward.teambuild.context import RunContext

from .conftest import PROJECT_DIR
from .redteam import base_project, load_cases, run_case_dbt
from .spark_support import content_hash, rows, spark

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ENV = "itest_engine"
VICTIM = f"{ENV}_silver_platform.readings"
OWN = f"{ENV}_gold_commercial_analytics"
ATTACKER = "commercial_analytics"
ENGINE = "steward guard refused a write (rule WRT001)"
CASES = load_cases()


@dataclass
class Arena:
    base: Path
    lakehouse: Path
    registry: Path
    location: str
    notebook: Any
    """A bare pyspark session of the process's SparkContext, as team commercial_analytics."""

    def dbt(self, project: Path, team: str | None, args: list[str]) -> tuple[Any, str]:
        context = RunContext(
            project_dir=project,
            env=ENV,
            team=team,
            lakehouse_dir=self.lakehouse,
            landing_dir=self.base / "landing",
        )
        return run_case_dbt(context, args, self.location)


def victim_state() -> tuple[int, tuple[int, int]]:
    return int(rows(f"describe history {VICTIM}")[0]["version"]), content_hash(VICTIM)


@pytest.fixture(scope="module")
def arena(
    project_dir: Path, lakehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Arena]:
    work = tmp_path_factory.mktemp("engine_guard")
    base = base_project(work / "base", project_dir)
    (base / "landing").mkdir()
    patch = pytest.MonkeyPatch()
    patch.setenv("STEWARD_JAR_CACHE", str(jars.default_cache_dir(project_dir)))
    registry = base / "target" / "steward" / "guard" / f"registry-{ENV}.json"
    arena = Arena(base, lakehouse_dir, registry, "/nowhere/readings", None)
    result, said = arena.dbt(base, "platform", ["run", "--select", "group:platform"])
    assert result.success, said
    assert EXTENSION_CLASS in spark().conf.get("spark.sql.extensions"), "profile lacks it"
    assert registry.is_file(), "invoke_dbt exports the registry before dbt starts"
    arena.location = rows(f"describe detail {VICTIM}")[0]["location"]
    owner = spark().newSession()
    owner.conf.set("spark.steward.registry", str(registry))
    owner.conf.set("spark.steward.team", "platform")
    # a second version, so RESTORE has something to undo
    owner.sql(f"alter table {VICTIM} set tblproperties ('engine_guard' = 'armed')")
    notebook = spark().newSession()
    notebook.conf.set("spark.steward.registry", str(registry))
    notebook.conf.set("spark.steward.team", ATTACKER)
    notebook.sql(f"create schema if not exists {OWN}")
    arena.notebook = notebook
    yield arena
    # plain dbt-spark ran on the process's session: leave it as the profile made it
    spark().sql("use default")
    patch.undo()


def refused(action: Callable[[], Any]) -> str:
    """The engine's refusal of `action` (which must fail with it)."""
    with pytest.raises(Exception) as caught:
        action()
    message = str(caught.value)
    assert ENGINE in message, message
    return message[message.index(ENGINE) :]


def _frame(a: Arena) -> Any:
    """A row shaped as the victim's, so only the guard can stop its write."""
    return a.notebook.createDataFrame(
        [("m9", datetime(2026, 3, 28, 2), Decimal("9.5"))],
        "meter_id string, interval_start_utc timestamp, kwh decimal(18, 6)",
    )


ATTACKS: dict[str, Callable[[Arena], Any]] = {
    "saveAsTable overwrite": lambda a: _frame(a).write.mode("overwrite").saveAsTable(VICTIM),
    "saveAsTable append": lambda a: _frame(a).write.mode("append").saveAsTable(VICTIM),
    "insertInto": lambda a: _frame(a).write.insertInto(VICTIM),
    "INSERT": lambda a: a.notebook.sql(f"insert into {VICTIM} select * from {VICTIM}"),
    "INSERT OVERWRITE": lambda a: a.notebook.sql(
        f"insert overwrite {VICTIM} select * from {VICTIM}"
    ),
    "MERGE": lambda a: a.notebook.sql(
        f"merge into {VICTIM} t using {VICTIM} s on t.meter_id = s.meter_id "
        "when matched then delete"
    ),
    "DELETE": lambda a: a.notebook.sql(f"delete from {VICTIM} where true"),
    "UPDATE": lambda a: a.notebook.sql(f"update {VICTIM} set kwh = 0"),
    "DROP": lambda a: a.notebook.sql(f"drop table {VICTIM}"),
    "ALTER": lambda a: a.notebook.sql(f"alter table {VICTIM} set tblproperties ('o' = 'me')"),
    "ALTER ADD COLUMNS": lambda a: a.notebook.sql(f"alter table {VICTIM} add columns (x int)"),
    "TRUNCATE": lambda a: a.notebook.sql(f"truncate table {VICTIM}"),
    "RESTORE": lambda a: a.notebook.sql(f"restore table {VICTIM} to version as of 0"),
    "VACUUM": lambda a: a.notebook.sql(f"vacuum {VICTIM} retain 0 hours"),
    "OPTIMIZE": lambda a: a.notebook.sql(f"optimize {VICTIM}"),
    "CLONE": lambda a: a.notebook.sql(f"create table {VICTIM}_clone shallow clone {VICTIM}"),
    "CTAS": lambda a: a.notebook.sql(f"create table {VICTIM}_copy using delta as select 1 a"),
    "DROP SCHEMA": lambda a: a.notebook.sql(f"drop schema {ENV}_silver_platform cascade"),
    "path save": lambda a: _frame(a).write.format("delta").mode("overwrite").save(a.location),
    "path save parquet": lambda a: _frame(a).write.mode("overwrite").parquet(a.location),
    "path INSERT": lambda a: a.notebook.sql(
        f"insert into delta.`{a.location}` select * from {VICTIM}"
    ),
    "own table at the victim's folder": lambda a: a.notebook.sql(
        f"create table {OWN}.sneaky (meter_id string) using delta location '{a.location}'"
    ),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_a_bare_session_cannot_write_the_victim(arena: Arena, name: str) -> None:
    before = victim_state()
    message = refused(lambda: ATTACKS[name](arena))
    assert "owned by team platform" in message, message
    assert f"as team {ATTACKER} (spark.steward.team)" in message, message
    assert "registry platform/teams.yml" in message and str(arena.registry) in message
    assert "silver_platform" in message
    assert victim_state() == before


def test_the_same_session_reads_the_victim_and_writes_its_own_gold(arena: Arena) -> None:
    before = victim_state()
    sql = arena.notebook.sql
    readings = arena.notebook.table(VICTIM)
    assert readings.count() == before[1][0] > 0
    readings.write.format("delta").mode("overwrite").saveAsTable(f"{OWN}.notebook_copy")
    sql(f"insert into {OWN}.notebook_copy select * from {VICTIM}")
    sql(
        f"merge into {OWN}.notebook_copy t using {VICTIM} s on t.meter_id = s.meter_id "
        "and t.interval_start_utc = s.interval_start_utc when matched then delete"
    )
    sql("create or replace temporary view scratch as select * from " + VICTIM)
    assert sql(f"select count(*) from {OWN}.notebook_copy").collect()[0][0] == 0
    assert victim_state() == before


def test_the_team_is_read_per_statement(arena: Arena) -> None:
    owner = arena.notebook.newSession()
    owner.conf.set("spark.steward.registry", str(arena.registry))
    owner.conf.set("spark.steward.team", "platform")
    version, _ = victim_state()
    owner.sql(f"alter table {VICTIM} set tblproperties ('engine_guard_test' = '1')")
    assert victim_state()[0] == version + 1
    owner.conf.set("spark.steward.team", ATTACKER)
    refused(lambda: owner.sql(f"alter table {VICTIM} unset tblproperties ('engine_guard_test')"))


def test_without_a_team_governed_namespaces_are_read_only(arena: Arena) -> None:
    session = arena.notebook.newSession()
    session.conf.set("spark.steward.registry", str(arena.registry))
    session.conf.set("spark.steward.team", "")
    before = victim_state()
    message = refused(lambda: session.sql(f"delete from {VICTIM} where true"))
    assert "no team is set" in message
    assert session.sql(f"select count(*) from {VICTIM}").collect()[0][0] == before[1][0]
    assert victim_state() == before


def test_without_the_registry_every_write_fails_closed(arena: Arena, tmp_path: Path) -> None:
    session = arena.notebook.newSession()
    session.conf.set("spark.steward.team", ATTACKER)
    broken = tmp_path / "registry.json"
    broken.write_text("{not json", encoding="utf-8")
    for setting, problem in (
        ("", "spark.steward.registry is not set"),
        (str(tmp_path / "missing.json"), "does not exist"),
        (str(broken), "is not JSON"),
    ):
        session.conf.set("spark.steward.registry", setting)
        message = refused(lambda: session.sql(f"create table {OWN}.t_closed (a int) using delta"))
        assert problem in message and "fail closed" in message, message
        assert session.sql(f"select count(*) from {VICTIM}").collect()[0][0] > 0


# The red team's statements, judged by both layers: each red-team case (by its name in
# fixtures/redteam_cases.yaml) that reaches Spark as a statement, written out as the case
# sends it in this environment. The Python guard (`steward.guard.check`, the adapter's
# decision) and the engine guard must both refuse it.
V = "{victim}"
REDTEAM_STATEMENTS: dict[str, str] = {
    "config_schema_alias_macros_removed": f"create or replace table {V} using delta as select 1",
    "model_local_generate_schema_name": f"insert into {V} select * from {V}",
    "pre_hook": f"delete from {V} where true",
    "post_hook": f"update {V} set kwh = 0",
    "on_run_start": f"truncate table {V}",
    "run_query_in_model": f"delete from {V} where kwh > 0",
    "statement_block_in_model": f"insert overwrite {V} select * from {V} where false",
    "run_operation": f"drop table {V}",
    "incremental_predicates": f"merge into {V} t using {V} s on t.meter_id = s.meter_id "
    "when matched then delete",
    "location_root": f"create table {OWN}.readings using delta location '{{folder}}' "
    "as select 1 as a",
    "path_write_delta": f"insert into delta.`{{folder}}` select * from {V}",
    "insert_overwrite_directory": "insert overwrite directory '{folder}' using parquet "
    "select 'm9' as meter_id",
    "execute_immediate": f"execute immediate 'delete from {VICTIM}'",
    "several_statements_in_one_hook": f"delete from {V}",
    "drop": f"drop table if exists {V}",
    "truncate": f"truncate table {V}",
    "alter": f"alter table {V} rename to {V}_gone",
    "optimize": f"optimize {V}",
    "vacuum": f"vacuum {V} retain 0 hours",
    "restore": f"restore table {V} to version as of 0",
    "store_failures": f"create table {ENV}_silver_platform.failures using delta as select 1 a",
    "seed_macros_removed": f"create table {ENV}_silver_platform.seed (a int) using delta",
    "snapshot": f"create table {ENV}_silver_platform.snap using delta as select * from {V}",
    "use_then_unqualified_write": "insert into readings select * from readings",
    "identifier_literal": f"delete from identifier('{VICTIM}')",
}
# What the two layers judge differently, and why (the victim stays unchanged in both).
ENGINE_ALLOWS = {
    "set_forged_commit_metadata": (
        'set spark.databricks.delta.commitInfo.userMetadata = {"team": "platform"}',
        "the extension does not police SET: forged commit metadata is the Python guard's "
        "(and `steward audit`'s) concern; a SET writes nothing",
    ),
}
NOT_SPARK = {"grant": "open-source Spark has no GRANT (Spark refuses to parse it)"}
AT_COMPILE_TIME = {name for name, case in CASES.items() if case["refused_by"] == "macros"}


def test_every_red_team_case_is_covered() -> None:
    covered = set(REDTEAM_STATEMENTS) | set(ENGINE_ALLOWS) | set(NOT_SPARK) | AT_COMPILE_TIME
    assert covered == set(CASES), set(CASES) ^ covered


def python_guard(sql: str, schema: str = "default") -> str | None:
    """The adapter guard's refusal of `sql` for the attacker (None: it would send it)."""
    registry, _ = read_registry(PROJECT_DIR)
    policy = WritePolicy.for_team(ATTACKER, ENV, registry)
    verdict = check(sql, policy, schema)
    return None if verdict.refusal is None else verdict.refusal.message(policy)


@pytest.mark.parametrize("name", list(REDTEAM_STATEMENTS))
def test_both_layers_refuse_the_red_team(arena: Arena, name: str) -> None:
    sql = REDTEAM_STATEMENTS[name].replace(V, VICTIM).replace("{folder}", arena.location)
    schema = f"{ENV}_silver_platform" if name == "use_then_unqualified_write" else "default"
    by_python = python_guard(sql, schema)
    assert by_python is not None and "WRT001" in by_python, f"python guard allowed {sql}"
    session = arena.notebook.newSession()
    session.conf.set("spark.steward.registry", str(arena.registry))
    session.conf.set("spark.steward.team", ATTACKER)
    session.sql(f"use {schema}")
    before = victim_state()
    by_engine = refused(lambda: session.sql(sql).collect())
    print(f"\n{name}: refused by the python guard and by the engine: {by_engine[:160]}")
    assert victim_state() == before


@pytest.mark.parametrize("name", list(ENGINE_ALLOWS))
def test_what_only_the_python_guard_refuses(arena: Arena, name: str) -> None:
    sql, why = ENGINE_ALLOWS[name]
    assert python_guard(sql) is not None, why
    session = arena.notebook.newSession()
    session.conf.set("spark.steward.registry", str(arena.registry))
    session.conf.set("spark.steward.team", ATTACKER)
    before = victim_state()
    session.sql(sql).collect()  # the engine lets it through: see why
    assert victim_state() == before
