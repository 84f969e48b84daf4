"""The `cluster` target against a real Spark Thrift Server that steward starts.

The module starts its own server (a JVM of its own, on a free loopback port, with its own
lakehouse folder), so it neither needs nor touches the in-process Spark session that the
`local` modules share. dbt runs in this process through the `cluster` target only, with
`steward build`'s code path.

Two stages, as on a shared cluster: day 1's files arrive and every team builds; then the
late files arrive and the producing teams build again (the incremental merge path). What a
user would check, asked of the server through its own HiveServer2 protocol: every build
passed, every table is Delta in its team's namespace, and the conformed readings match the
generator's ground truth.
"""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from steward.data import GenerationConfig, generate
from steward.errors import UserError
from steward.lakehouse import jars
from steward.lakehouse.thrift import (
    ThriftServer,
    check_server,
    free_port,
    running_thrift_server,
)
from steward.teambuild.context import RunContext, environment
from steward.teambuild.runner import (
    TeamRun,
    build_teams,
    invoke_dbt,
    parse_manifest,
    teams_in_order,
)

from .spark_support import deliver

# The bound covers the module's set-up (server start and both builds: 4 min on 2 cores,
# 10 min when other Spark JVMs share them), which counts against the first test.
pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.timeout(1800)]

ENV = "itest_cluster"
PREFIX = f"{ENV}_"
START = date(2026, 3, 28)
THROUGH = START + timedelta(days=2)  # the late files of 29 and 30 March arrive in stage 2
PRODUCERS = ("dutchgrid", "electra", "platform")  # the teams that feed silver_platform.readings

# country -> its conformed silver, which silver_platform.readings unions
CONFORMED = {
    "DE": "silver_platform.de_readings",
    "FR": "silver_electra.readings",
    "NL": "silver_dutchgrid.readings",
    "LU": "silver_platform.lu_readings",
}

Query = Callable[[str], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Stage:
    name: str
    through: date
    runs: list[TeamRun]
    seconds: float


@dataclass(frozen=True)
class ClusterRun:
    server: ThriftServer
    context: RunContext
    order: list[str]  # every team, producers first
    stages: dict[str, Stage]
    manifest: dict[str, Any]
    truth: Path
    query: Query


def forget_history(context: RunContext) -> None:
    """A new server is a new, empty cluster: forget what earlier runs recorded for `env`.

    steward.teambuild.history keeps a cluster run's history in the project's target folder,
    not on the server; a failed earlier run of this module would otherwise make this run
    skip models whose upstream "last build ended in error".
    """
    try:
        from steward.teambuild import history
    except ImportError:  # no run history in this version of steward
        return
    shutil.rmtree(history.history_dir(context), ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterRun]:
    from pyhive import hive

    work = tmp_path_factory.mktemp("cluster")
    generated = generate(
        GenerationConfig(start=START, days=1, rows_per_day=2000, seed=7, out=work / "generated")
    )
    landing = work / "landing"  # the server reads it: same machine, absolute path
    lakehouse = work / "lakehouse"
    delta_jars = jars.cached_jars(jars.default_cache_dir(project_dir))
    with running_thrift_server(
        lakehouse, free_port(), delta_jars, log4j=project_dir / "profiles" / "log4j2.properties"
    ) as server:
        context = RunContext(
            project_dir=project_dir,
            target="cluster",
            env=ENV,
            lakehouse_dir=lakehouse,
            landing_dir=landing,
        )
        forget_history(context)
        stages = {}
        with environment(server.environment()):
            order = teams_in_order(context)
            # The data are of 28 March 2026: the contracts' freshness (2 days) is judged as
            # of the morning after day 1, then the morning the files of 30 March arrive.
            for name, through, as_of, teams in (
                ("day 1", START, f"{START + timedelta(days=1)}T06:00", order),
                ("late files", THROUGH, f"{THROUGH}T06:00", [t for t in order if t in PRODUCERS]),
            ):
                deliver(generated.landing, landing, through)
                started = time.monotonic()
                runs = build_teams(replace(context, as_of=as_of), teams)
                stages[name] = Stage(name, through, runs, time.monotonic() - started)
            manifest = parse_manifest(context)

        connection = hive.connect(server.host, server.port, username="steward-test")
        try:

            def query(sql: str) -> list[tuple[Any, ...]]:
                cursor = connection.cursor()
                try:
                    cursor.execute(sql)
                    return list(cursor.fetchall()) if cursor.description else []
                finally:
                    cursor.close()

            yield ClusterRun(server, context, order, stages, manifest, generated.truth, query)
        finally:
            connection.close()


def scalar(cluster: ClusterRun, sql: str) -> Any:
    return cluster.query(sql)[0][0]


def test_every_team_builds_through_the_thrift_server(cluster: ClusterRun) -> None:
    day1, late = cluster.stages["day 1"], cluster.stages["late files"]
    assert len(cluster.order) == 6
    assert [r.team for r in day1.runs] == cluster.order
    assert [r.team for r in late.runs] == [t for t in cluster.order if t in PRODUCERS]
    for stage in (day1, late):
        failed = [r.summary() for r in stage.runs if not r.success]
        assert not failed, f"{stage.name}: {failed}; see {cluster.server.log}"
        assert all(r.statuses.get("success", 0) > 0 for r in stage.runs), stage.name


def built_relations(cluster: ClusterRun, group: str | None = None) -> set[str]:
    """`schema.table` of every model of the manifest that builds a relation (not ephemeral)."""
    return {
        f"{node['schema']}.{node['alias']}"
        for node in cluster.manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"]["materialized"] != "ephemeral"
        and (group is None or node["group"] == group)
    }


def tables_in(cluster: ClusterRun, schemas: set[str]) -> set[str]:
    """The tables the server holds in `schemas` (rows: namespace, tableName, isTemporary)."""
    return {
        f"{schema}.{row[1]}"
        for schema in schemas
        for row in cluster.query(f"show tables in {schema}")
        if not row[2]
    }


def test_platform_tables_live_in_the_platform_namespaces(cluster: ClusterRun) -> None:
    # What the manifest says the platform team builds ...
    expected = built_relations(cluster, "platform")
    schemas = {name.split(".")[0] for name in expected}
    assert schemas == {f"{PREFIX}bronze_platform", f"{PREFIX}silver_platform"}
    assert f"{PREFIX}silver_platform.readings" in expected
    # ... is exactly what the server holds in those namespaces.
    assert tables_in(cluster, schemas) == expected


def test_readings_is_a_delta_table(cluster: ClusterRun) -> None:
    # describe detail: format, id, name, description, location, ...
    detail = cluster.query(f"describe detail {PREFIX}silver_platform.readings")[0]
    assert detail[0] == "delta"
    assert str(detail[2]).endswith(f"{PREFIX}silver_platform.readings")
    assert str(cluster.server.lakehouse / "warehouse") in str(detail[4])


def test_every_model_is_a_delta_table_on_the_server(cluster: ClusterRun) -> None:
    expected = built_relations(cluster)
    assert len(expected) >= 25
    held = tables_in(cluster, {name.split(".")[0] for name in expected})
    assert held == expected
    formats = {t: cluster.query(f"describe detail {t}")[0][0] for t in sorted(held)}
    assert set(formats.values()) == {"delta"}, formats


def test_readings_is_the_union_of_the_four_conformed_silvers(cluster: ClusterRun) -> None:
    per_country = dict(
        cluster.query(f"select country, count(*) from {PREFIX}silver_platform.readings group by 1")
    )
    conformed = {
        c: scalar(cluster, f"select count(*) from {PREFIX}{t}") for c, t in CONFORMED.items()
    }
    assert per_country == conformed
    assert all(count > 0 for count in conformed.values()), conformed
    duplicates = scalar(
        cluster,
        f"select count(*) - count(distinct meter_id, interval_start_utc) "
        f"from {PREFIX}silver_platform.readings",
    )
    assert duplicates == 0


def test_readings_match_the_ground_truth(cluster: ClusterRun) -> None:
    """Every delivered true interval of DE, FR, LU is in readings once, with its kWh."""
    cluster.query(
        "create or replace temporary view truth using parquet "
        f"options (path '{cluster.truth / 'intervals.parquet'}')"
    )
    readings = f"{PREFIX}silver_platform.readings"
    for country in ("DE", "FR", "LU"):
        expected, missing, wrong, unexpected, late = cluster.query(f"""
            with expected as (
                select * from truth
                where country = '{country}' and delivered and arrival_date <= date'{THROUGH}'
            ),
            landed as (select * from {readings} where country = '{country}')
            select
                (select count(*) from expected),
                (select count(*) from expected e left anti join landed s
                    on s.meter_id = e.meter_id and s.interval_start_utc = e.interval_start_utc),
                (select count(*) from expected e join landed s
                    on s.meter_id = e.meter_id and s.interval_start_utc = e.interval_start_utc
                    where abs(s.kwh - e.kwh) > 1e-9 or s.interval_minutes <> e.interval_minutes),
                (select count(*) from landed s left anti join expected e
                    on s.meter_id = e.meter_id and s.interval_start_utc = e.interval_start_utc),
                (select count(*) from expected where late)
        """)[0]
        assert expected > 0 and late > 0, country  # the late files carried rows of day 1
        assert (missing, wrong, unexpected) == (0, 0, 0), (country, expected)


def test_a_max_of_a_date_column_works_through_the_cluster_target(cluster: ClusterRun) -> None:
    """Delta's metadata-only max() of a date fails in a Thrift Server session (java8API is
    always on there) unless the cluster target's session settings turn it off."""
    sql = f"select max(reading_date) as newest from {PREFIX}silver_platform.readings"
    with environment(cluster.server.environment()):
        result = invoke_dbt(cluster.context, ["show", "--inline", sql, "--quiet"])
    assert result.success, result.exception
    (newest,) = result.result.results[0].agate_table.rows[0]
    assert str(newest) == START.isoformat()  # the data are of 28 March


def test_the_server_listens_on_loopback_only(cluster: ClusterRun) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent; picks the outward address
            outward = probe.getsockname()[0]
        except OSError:
            pytest.skip("no network interface but loopback")
    if outward.startswith("127."):
        pytest.skip("no network interface but loopback")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        client.settimeout(5)
        assert client.connect_ex((outward, cluster.server.port)) != 0


@pytest.mark.timeout(180)
def test_a_wrong_port_fails_fast_with_a_clear_message(project_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "landing").mkdir()
    context = RunContext(
        project_dir=project_dir,
        target="cluster",
        env=f"{ENV}_noserver",
        lakehouse_dir=tmp_path / "lakehouse",
        landing_dir=tmp_path / "landing",
    )
    closed = free_port()
    started = time.monotonic()
    with environment({"STEWARD_THRIFT_HOST": "127.0.0.1", "STEWARD_THRIFT_PORT": str(closed)}):
        try:
            runs = build_teams(context, ["platform"])
        except UserError:
            runs = None
    assert runs is None or not any(r.success for r in runs)
    assert time.monotonic() - started < 90

    # The steward-side pre-flight check says what is wrong, in one line, also where dbt-spark
    # would wait forever: a port that accepts connections and never answers.
    with pytest.raises(UserError, match="connection refused"):
        check_server("127.0.0.1", closed, timeout=5)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        started = time.monotonic()
        with pytest.raises(UserError, match="did not answer as a Spark Thrift Server"):
            check_server("127.0.0.1", silent.getsockname()[1], timeout=3)
        assert time.monotonic() - started < 15
