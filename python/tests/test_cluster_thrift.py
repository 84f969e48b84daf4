"""The `cluster` target against a real Spark standalone cluster that steward starts.

The module starts its own cluster with `steward cluster up`'s code (PostgreSQL holding the
Hive metastore, a standalone master and a worker, a Thrift Server whose work runs on the
worker's executors; all on free loopback ports, in a folder of its own), so it neither
needs nor touches the in-process Spark session that the `local` modules share. dbt runs in
this process through the `cluster` target only, with `steward build`'s code path.

Two stages, as on a shared cluster: day 1's files arrive and every team builds; then the
late files arrive and the producing teams build again (the incremental merge path). What a
user would check, asked of the server through its own HiveServer2 protocol: every build
passed, every table is Delta in its team's namespace, and the conformed readings match the
generator's ground truth.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from steward.cli.main import main
from steward.data import GenerationConfig, generate
from steward.errors import UserError
from steward.guard.export import export_for_server
from steward.lakehouse import cluster as standalone
from steward.lakehouse.thrift import check_server, free_port
from steward.teambuild.context import RunContext, environment
from steward.teambuild.parallel import build_in_parallel
from steward.teambuild.runner import (
    TeamRun,
    build_teams,
    invoke_dbt,
    parse_manifest,
    teams_in_order,
)

from .redteam import base_project, case_project, load_cases, run_case_dbt
from .spark_support import deliver

# The bound covers the module's set-up (server start and both builds: 4 min on 2 cores,
# 10 min when other Spark JVMs share them), which counts against the first test.
pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.timeout(1800)]

ENV = "itest_cluster"
PREFIX = f"{ENV}_"
START = date(2026, 3, 28)
THROUGH = START + timedelta(days=2)  # the late files of 29 and 30 March arrive in stage 2
PRODUCERS = ("dutchgrid", "electra", "platform")  # the teams that feed silver_platform.readings
PAR_ENV = f"{ENV}_par"  # day 1 again, every team at once (`--parallel`)
RT_ENV = f"{ENV}_rt"  # the red team's victim and attackers
RACE_ENV = f"{ENV}_race"  # first builds that create the ops tables at the same moment
SERVED_ENVS = [ENV, PAR_ENV, RT_ENV, RACE_ENV]  # where the server's guard lets teams write

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
    server: standalone.ClusterState
    folder: Path
    options: dict[str, Any]  # of `cluster up`: jars, ports, workers ...
    ports: dict[str, int]
    context: RunContext
    order: list[str]  # every team, producers first
    stages: dict[str, Stage]
    manifest: dict[str, Any]
    truth: Path
    query: Query
    sequential: dict[str, tuple[int, int]]  # day 1 built team after team: table -> hash
    parallel: dict[str, tuple[int, int]]  # day 1 built with --parallel (PAR_ENV)
    parallel_runs: list[TeamRun]
    parallel_said: list[str]  # what --parallel printed as it went


@pytest.fixture(scope="module")
def cluster(project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterRun]:
    from pyhive import hive

    work = tmp_path_factory.mktemp("cluster")
    generated = generate(
        GenerationConfig(start=START, days=1, rows_per_day=2000, seed=7, out=work / "generated")
    )
    landing = work / "landing"  # the server reads it: same machine, absolute path
    lakehouse = work / "lakehouse"
    cluster_jars = standalone.cluster_jars(project_dir)
    ports = standalone.free_ports()
    options: dict[str, Any] = {
        "workers": 1,
        "worker_cores": 2,
        "worker_memory": "3g",
        "executor_memory": "2g",
        "log4j": project_dir / "profiles" / "log4j2.properties",
        "guard_registry": export_for_server(project_dir, lakehouse, SERVED_ENVS),
        **ports,
    }
    with standalone.running_cluster(lakehouse, cluster_jars, **options) as server:
        context = RunContext(
            project_dir=project_dir,
            target="cluster",
            env=ENV,
            lakehouse_dir=lakehouse,
            landing_dir=landing,
        )
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
                if name == "day 1":  # the same day's files, all six teams at once
                    sequential = standalone.content_hashes(server, ENV)
                    said: list[str] = []
                    parallel_context = replace(context, env=PAR_ENV, as_of=as_of)
                    started = time.monotonic()
                    parallel_runs = build_in_parallel(parallel_context, order, say=said.append)
                    stages["parallel"] = Stage(
                        "parallel", through, parallel_runs, time.monotonic() - started
                    )
                    parallel = standalone.content_hashes(server, PAR_ENV)
            manifest = parse_manifest(context)

        connections = [
            hive.connect(server.thrift_host, server.thrift_port, username="steward-test")
        ]
        try:

            def query(sql: str) -> list[tuple[Any, ...]]:
                """`sql` on the server; a new session if the server was restarted meanwhile."""
                for attempt in (1, 2):
                    try:
                        cursor = connections[-1].cursor()
                    except Exception:
                        cursor = None
                    if cursor is None or attempt == 2:
                        connections.append(
                            hive.connect(
                                server.thrift_host, server.thrift_port, username="steward-test"
                            )
                        )
                        cursor = connections[-1].cursor()
                    try:
                        cursor.execute(sql)
                        return list(cursor.fetchall()) if cursor.description else []
                    except (OSError, EOFError) as exc:  # the session died with a killed server
                        if attempt == 2:
                            raise
                        last = exc
                    except Exception as exc:
                        if "TTransport" not in type(exc).__name__ or attempt == 2:
                            raise
                        last = exc
                    finally:
                        with contextlib.suppress(Exception):
                            cursor.close()
                raise AssertionError(f"unreachable: {last}")

            yield ClusterRun(
                server,
                lakehouse,
                {"jars": cluster_jars, **options},
                ports,
                context,
                order,
                stages,
                manifest,
                generated.truth,
                query,
                sequential,
                parallel,
                parallel_runs,
                said,
            )
        finally:
            for connection in connections:
                with contextlib.suppress(Exception):  # the last test restarts the cluster
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
        assert not failed, f"{stage.name}: {failed}; see {cluster.folder / 'thriftserver.log'}"
        assert all(r.statuses.get("success", 0) > 0 for r in stage.runs), stage.name


def test_six_teams_build_at_once_and_equal_a_sequential_build(cluster: ClusterRun) -> None:
    """`steward build --all --parallel`: independent teams build side by side, producers
    before consumers, and every table equals the one the team-after-team build made of the
    same day (count and the sum of xxhash64 of every column)."""
    runs = cluster.parallel_runs
    assert [r.team for r in runs] == cluster.order
    failed = [r.summary() for r in runs if not r.success]
    assert not failed, f"{failed}; see target/steward/teams/<team>/build.log"
    assert any("alongside" in line for line in cluster.parallel_said), cluster.parallel_said
    layers = ("bronze", "silver", "gold")
    expected = {
        relation.removeprefix(PREFIX)
        for relation in built_relations(cluster)
        if relation.removeprefix(PREFIX).split("_", 1)[0] in layers
    }
    assert set(cluster.sequential) == expected
    assert cluster.parallel == cluster.sequential
    # and every team's build is in the run history (the upstream check reads it)
    recorded = cluster.query(f"select distinct team from {PAR_ENV}_ops_platform.invocations")
    assert {row[0] for row in recorded} == set(cluster.order)


def test_first_builds_that_create_the_ops_tables_at_once_all_record(
    cluster: ClusterRun,
) -> None:
    """Two teams' first builds in an environment finish together and both create the
    ops tables: the loser of the race retries its `CREATE ... IF NOT EXISTS` (which then
    finds the table) instead of losing its run history."""
    import threading

    from steward.ops.store import OpsStore

    context = replace(cluster.context, env=RACE_ENV)
    with environment(cluster.server.environment()):
        stores = [OpsStore.open(context) for _ in range(4)]
    start = threading.Barrier(len(stores))
    failures: list[BaseException] = []

    def create(store: OpsStore) -> None:
        start.wait()
        try:
            store.ensure()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=create, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not failures, failures[0]
    tables = {row[1] for row in cluster.query(f"show tables in {RACE_ENV}_ops_platform")}
    assert {"invocations", "node_results", "upstream_decisions"} <= tables


def test_spark_metrics_per_model_come_from_the_server_event_log(cluster: ClusterRun) -> None:
    """Each team's build on the cluster keeps the Spark work of each of its models (from
    the Thrift Server's event log, by dbt's query comment), and only its own models."""
    rows = cluster.query(
        "select team, unique_id, tasks, executor_run_time_ms, bytes_written "
        f"from {PREFIX}ops_platform.node_results where unique_id like 'model.%'"
    )
    groups = {
        uid: node["group"]
        for uid, node in cluster.manifest["nodes"].items()
        if node["resource_type"] == "model"
    }
    assert {team for team, *_ in rows} == set(cluster.order)
    assert all(groups[uid] == team for team, uid, *_ in rows)
    for team in cluster.order:
        measured = [r for r in rows if r[0] == team and (r[2] or 0) > 0]
        assert measured, f"{team}: no model has Spark metrics"
        assert all(r[3] > 0 for r in measured), team
    readings = [r for r in rows if r[1].endswith(".silver_platform__readings")]
    assert readings and max(r[4] or 0 for r in readings) > 0


def ops_report(
    cluster: ClusterRun, capsys: pytest.CaptureFixture[str], command: str, *args: str
) -> tuple[int, Any]:
    """`steward <command> --target cluster --env ENV --format json ...`: exit code, report."""
    with environment(cluster.server.environment()):
        code = main(
            [
                command,
                "--target",
                "cluster",
                "--env",
                ENV,
                "--format",
                "json",
                "--project-dir",
                str(cluster.context.project_dir),
                *args,
            ]
        )
    return code, json.loads(capsys.readouterr().out)


def test_cost_on_the_cluster_reconciles(
    cluster: ClusterRun, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = ops_report(cluster, capsys, "cost")
    assert code == 0
    assert document["reconciled"], document["reconciliation"]
    assert set(document["teams"]) == set(cluster.order)
    assert document["measured"] > 0


def test_health_on_the_cluster_judges_every_product_from_its_history(
    cluster: ClusterRun, capsys: pytest.CaptureFixture[str]
) -> None:
    """`steward health --target cluster`: every data product of the project, its owner,
    its last build and its tests, from the run history the cluster builds wrote."""
    as_of = f"{THROUGH + timedelta(days=1)}T06:00"
    code, report = ops_report(cluster, capsys, "health", "--as-of", as_of, "--no-audit")
    assert code == (0 if report["healthy"] else 1)
    public = {
        uid: node["group"]
        for uid, node in cluster.manifest["nodes"].items()
        if node["resource_type"] == "model" and node.get("access") == "public"
    }
    products = {p["product"]: p for p in report["products"]}
    assert set(products) == set(public)
    for uid, product in products.items():
        assert product["team"] == public[uid], uid
        assert product["last_status"] == "success", uid
        assert product["last_success_at"] is not None, uid
    statuses = [status for p in products.values() for status in p["tests"].values()]
    assert "pass" in statuses and set(statuses) <= {"pass", "warn"}  # as they last ran


def built_relations(
    cluster: ClusterRun, group: str | None = None, materialized: set[str] | None = None
) -> set[str]:
    """`schema.table` of every model of the manifest that builds a relation (not ephemeral),
    of `group` and `materialized` as given."""
    return {
        f"{node['schema']}.{node['alias']}"
        for node in cluster.manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"]["materialized"] != "ephemeral"
        and (group is None or node["group"] == group)
        and (materialized is None or node["config"]["materialized"] in materialized)
    }


def tables_in(cluster: ClusterRun, schemas: set[str]) -> set[str]:
    """The tables the server holds in `schemas` (rows: namespace, tableName, isTemporary)."""
    return {
        f"{schema}.{row[1]}"
        for schema in schemas
        for row in cluster.query(f"show tables in {schema}")
        if not row[2]
    }


def views_in(cluster: ClusterRun, schemas: set[str]) -> set[str]:
    """The views the server holds in `schemas` (rows: namespace, viewName, isTemporary)."""
    return {
        f"{schema}.{row[1]}"
        for schema in schemas
        for row in cluster.query(f"show views in {schema}")
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
    assert str(cluster.folder / "warehouse") in str(detail[4])


def test_every_model_is_a_delta_table_or_a_view_on_the_server(cluster: ClusterRun) -> None:
    expected = built_relations(cluster)
    assert len(expected) >= 25
    schemas = {name.split(".")[0] for name in expected}
    held = tables_in(cluster, schemas)  # `show tables` lists views too
    assert held == expected
    views = built_relations(cluster, materialized={"view"})
    assert views, "the bronze valid and quarantine relations are views"
    assert views_in(cluster, schemas) == views
    formats = {t: cluster.query(f"describe detail {t}")[0][0] for t in sorted(held - views)}
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
    for port in cluster.ports.values():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.settimeout(5)
            assert client.connect_ex((outward, port)) != 0, port


def test_the_work_runs_on_the_standalone_workers(cluster: ClusterRun) -> None:
    ((_, master),) = cluster.query("set spark.master")
    assert master == cluster.server.master_url
    page = standalone.master_page(cluster.server.master_ui)
    assert page is not None and page["aliveworkers"] == 1
    (app,) = [a for a in page["activeapps"] if a["name"] == "steward-thrift-server"]
    assert app["cores"] == 2  # the worker's two cores run the server's executors
    # Spark's event log of the server's application (the operations reports read it)
    assert any(Path(cluster.server.event_log).iterdir())


def test_status_says_what_runs_where(
    cluster: ClusterRun, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["cluster", "status", "--folder", str(cluster.folder), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 0 and document["up"]
    parts = {part["name"]: part for part in document["components"]}
    assert set(parts) == {"postgres", "master", "worker-1", "thrift-server"}
    assert all(part["running"] and part["pid"] for part in parts.values())
    assert parts["thrift-server"]["address"] == f"127.0.0.1:{cluster.ports['thrift_port']}"
    assert parts["postgres"]["address"] == f"127.0.0.1:{cluster.ports['postgres_port']}"
    assert "engine guard on" in parts["thrift-server"]["detail"]
    assert document["cluster"]["guard_registry"] == str(
        Path(cluster.options["guard_registry"]).resolve()
    )


def count_of(cluster: ClusterRun, table: str) -> int:
    return int(scalar(cluster, f"select count(*) from {table}"))


def test_another_spark_application_shares_the_metastore(cluster: ClusterRun) -> None:
    """A second Spark (a notebook's, say) reads the cluster's tables by name: the metastore
    is PostgreSQL, which several Spark applications open at once (Derby allows one)."""
    from steward.lakehouse.postgres import Postgres, metastore_conf

    table = f"{PREFIX}silver_platform.readings"
    conf = {
        **metastore_conf(Postgres(cluster.folder / "postgres", cluster.ports["postgres_port"])),
        "spark.master": "local[1]",
        "spark.jars": ",".join(str(j) for j in cluster.options["jars"]),
        "spark.driver.extraClassPath": ":".join(str(j) for j in cluster.options["jars"]),
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.warehouse.dir": str(cluster.folder / "warehouse"),
        "spark.ui.enabled": "false",
    }
    script = textwrap.dedent(
        f"""
        import json, sys
        from pyspark.sql import SparkSession
        builder = SparkSession.builder.enableHiveSupport()
        for key, value in json.loads(sys.argv[1]).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        print("COUNT", spark.table("{table}").count())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(conf)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cluster.folder / "tmp",
    )
    counts = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("COUNT")]
    assert counts, done.stderr[-3000:]
    assert int(counts[0]) == count_of(cluster, table) > 0


# ---- the engine guard in the Thrift Server: any client, its team from its user ----------
GUARDED = f"{PREFIX}silver_platform.regions"
FOREIGN_WRITES = {
    "INSERT": "insert into {t} select * from {t} limit 1",
    "INSERT OVERWRITE": "insert overwrite table {t} select * from {t}",
    "MERGE": "merge into {t} as a using {t} as b on false when not matched then insert *",
    "DELETE": "delete from {t}",
    "DROP": "drop table {t}",
    "ALTER": "alter table {t} set tblproperties ('stolen' = 'yes')",
    "TRUNCATE": "truncate table {t}",
    "CTAS into their namespace": "create table {ns}.stolen using delta as select 1 as x",
}


@pytest.fixture
def session_as(cluster: ClusterRun) -> Iterator[Callable[[str], Any]]:
    """A HiveServer2 session as a user (what a notebook or beeline opens): its cursor."""
    from pyhive import hive

    opened: list[Any] = []

    def open_as(user: str) -> Any:
        opened.append(
            hive.connect(cluster.server.thrift_host, cluster.server.thrift_port, username=user)
        )
        return opened[-1].cursor()

    yield open_as
    for connection in opened:
        with contextlib.suppress(Exception):
            connection.close()


def refusal(cursor: Any, sql: str) -> str:
    with pytest.raises(Exception) as caught:
        cursor.execute(sql)
    return str(caught.value)


def test_the_engine_guard_refuses_a_foreign_write_from_any_thrift_client(
    cluster: ClusterRun, session_as: Callable[[str], Any]
) -> None:
    """The notebook incident through the cluster: a client without steward's Python guard
    (a bare HiveServer2 session, as beeline or a notebook opens) connects as the analytics
    team's user; the server's engine guard refuses every write into the platform's table."""
    before = delta_version(cluster, GUARDED), content_hash(cluster, GUARDED)
    analyst = session_as("svc_commercial_analytics")
    for name, sql in FOREIGN_WRITES.items():
        said = refusal(analyst, sql.format(t=GUARDED, ns=GUARDED.split(".")[0]))
        assert "steward guard refused a write" in said, f"{name}: {said}"
        assert "owned by team platform" in said, f"{name}: {said}"
        assert "session user svc_commercial_analytics" in said, f"{name}: {said}"
        assert "member of team commercial_analytics" in said, f"{name}: {said}"
    assert (delta_version(cluster, GUARDED), content_hash(cluster, GUARDED)) == before
    assert not cluster.query(f"show tables in {GUARDED.split('.')[0]} like 'stolen'")


def test_a_thrift_session_cannot_claim_another_team_or_registry(
    cluster: ClusterRun, session_as: Callable[[str], Any], tmp_path: Path
) -> None:
    insert = FOREIGN_WRITES["INSERT"].format(t=GUARDED)
    analyst = session_as("svc_commercial_analytics")
    analyst.execute("set spark.steward.team = platform")
    assert "member of team commercial_analytics" in refusal(analyst, insert)
    # a registry of its own making, in which the analysts own the platform's namespace
    served = json.loads(Path(cluster.options["guard_registry"]).read_text(encoding="utf-8"))
    namespace = GUARDED.split(".")[0]
    served["namespaces"][namespace] = "commercial_analytics"
    for team in served["teams"]:
        if team["id"] == "commercial_analytics":
            team["namespaces"].append(namespace)
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(served), encoding="utf-8")
    analyst.execute(f"set spark.steward.registry = {forged}")
    assert "owned by team platform" in refusal(analyst, insert)
    stranger = session_as("mallory")
    said = refusal(stranger, insert)
    assert "session user mallory" in said and "in no team's members" in said


def test_a_team_writes_its_own_namespace_through_the_guarded_server(
    cluster: ClusterRun, session_as: Callable[[str], Any]
) -> None:
    """The same guard lets a team's user write its own namespace and read the public one."""
    for user, namespace in (
        ("svc_commercial_analytics", f"{PREFIX}gold_commercial_analytics"),
        ("anna.keller", f"{PREFIX}silver_platform"),  # a member of the platform team
    ):
        cursor = session_as(user)
        probe = f"{namespace}.guard_probe"
        try:
            cursor.execute(
                f"create or replace table {probe} using delta as select * from {GUARDED}"
            )
            cursor.execute(f"select count(*) from {probe}")
            assert cursor.fetchall()[0][0] == count_of(cluster, GUARDED) > 0
        finally:
            cursor.execute(f"drop table if exists {probe}")


CONFLICT_PROJECT = Path(__file__).parent / "fixtures" / "conflict_project"
# team `probe` of a project without a registry owns <env>_silver_probe
CONFLICT_TABLE = f"{PREFIX}silver_probe.events"
SLOW_PAUSE_MS = 30_000  # the slow MERGE's source takes this long: the quick one lands inside


def _slow_merge(
    cluster: ClusterRun, work: Path, first_id: int, retries: int, table: str = CONFLICT_TABLE
) -> subprocess.Popen[str]:
    """`dbt run-operation merge_slowly` through the guarded adapter, in a process of its own."""
    profiles = work / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    (profiles / "profiles.yml").write_text(
        json.dumps(
            {
                "conflict_probe": {
                    "target": "cluster",
                    "outputs": {
                        "cluster": {
                            "type": "steward_spark",
                            "method": "thrift",
                            "host": cluster.server.thrift_host,
                            "port": cluster.server.thrift_port,
                            "user": "probe",
                            "schema": ENV,
                            "team": "probe",
                            "threads": 1,
                            "poll_interval": 1,
                        }
                    },
                }
            }
        )
    )
    args = json.dumps({"table": table, "first_id": first_id, "pause_ms": SLOW_PAUSE_MS})
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dbt"),
            "--debug",
            "run-operation",
            "merge_slowly",
            "--args",
            args,
            "--project-dir",
            str(CONFLICT_PROJECT),
            "--profiles-dir",
            str(profiles),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "STEWARD_CONFLICT_RETRIES": str(retries), "STEWARD_TEAM": "probe"},
    )


def _race(cluster: ClusterRun, work: Path, first_id: int, retries: int) -> tuple[int, str]:
    """The slow MERGE of ids first_id.. and, while it runs, a quick MERGE of first_id+100..
    that commits first; the slow one's exit code and output."""
    slow = _slow_merge(cluster, work, first_id, retries)
    log = work / "logs" / "dbt.log"
    deadline = time.monotonic() + 300
    while not (log.is_file() and "merge into" in log.read_text(errors="replace")):
        assert slow.poll() is None, slow.communicate()[0][-3000:]
        assert time.monotonic() < deadline, "the slow MERGE was never sent"
        time.sleep(0.5)
    time.sleep(3)  # it is on the server now, computing its source
    cluster.query(
        f"merge into {CONFLICT_TABLE} as t using (select id, 'quick' as writer from "
        f"range({first_id + 100}, {first_id + 110})) as s on t.id = s.id "
        "when matched then update set t.writer = s.writer "
        "when not matched then insert (id, writer) values (s.id, s.writer)"
    )
    output, _ = slow.communicate(timeout=600)
    return slow.returncode, output


def test_two_writers_on_one_table_the_loser_retries_and_nothing_is_lost_or_doubled(
    cluster: ClusterRun, tmp_path: Path
) -> None:
    schema = CONFLICT_TABLE.split(".")[0]
    cluster.query(f"create schema if not exists {schema}")
    cluster.query(
        f"create or replace table {CONFLICT_TABLE} (id bigint, writer string) using delta"
    )
    cluster.query(f"insert into {CONFLICT_TABLE} select id, 'seed' from range(0, 10)")

    # Without retries the slow writer loses Delta's conflict: it fails, naming it, and
    # nothing of its MERGE is in the table.
    code, output = _race(cluster, tmp_path / "no-retry", 1000, retries=0)
    assert code != 0, output[-3000:]
    assert "DELTA_CONCURRENT" in output or "Concurrent" in output, output[-3000:]
    ids = {row[0] for row in cluster.query(f"select id from {CONFLICT_TABLE}")}
    assert ids == set(range(10)) | set(range(1100, 1110))

    # With them, the conflict is logged by name and the retry converges: every row of both
    # writers once.
    code, output = _race(cluster, tmp_path / "retry", 2000, retries=3)
    assert code == 0, output[-3000:]
    assert "Delta write conflict (" in output and "retry 1 of 3" in output, output[-3000:]
    rows = cluster.query(f"select id, writer from {CONFLICT_TABLE}")
    ids_written = [row[0] for row in rows]
    assert len(ids_written) == len(set(ids_written)) == 40
    assert {row[0] for row in rows if row[1] == "slow"} == set(range(2000, 2010))
    assert {row[0] for row in rows if row[1] == "quick"} == set(range(1100, 1110)) | set(
        range(2100, 2110)
    )


# ---- the red team through the cluster target ---------------------------------------------
RT_VICTIM = f"{RT_ENV}_silver_platform.readings"
RT_ATTACKER = "commercial_analytics"
RT_CASES = load_cases()


@dataclass
class ClusterArena:
    cluster: ClusterRun
    base: Path
    location: str

    def dbt(self, project: Path, team: str, args: list[str]) -> tuple[Any, str]:
        context = RunContext(
            project_dir=project,
            target="cluster",
            env=RT_ENV,
            team=team,
            landing_dir=self.base / "landing",
        )
        with environment(self.cluster.server.environment()):
            return run_case_dbt(context, args, self.location)

    def victim_state(self) -> tuple[int, tuple[int, int], list[str]]:
        tables = sorted(
            str(r[1]) for r in self.cluster.query(f"show tables in {RT_ENV}_silver_platform")
        )
        return delta_version(self.cluster, RT_VICTIM), content_hash(self.cluster, RT_VICTIM), tables


@pytest.fixture(scope="module")
def arena(
    cluster: ClusterRun, project_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> ClusterArena:
    work = tmp_path_factory.mktemp("redteam-cluster")
    base = base_project(work / "base", project_dir)
    (base / "landing").mkdir()
    arena = ClusterArena(cluster, base, location="/nowhere/readings")
    result, said = arena.dbt(base, "platform", ["run", "--select", "group:platform"])
    assert result.success, said
    detail = cluster.query(f"describe detail {RT_VICTIM}")[0]
    arena.location = str(detail[4])
    return arena


@pytest.mark.parametrize("name", list(RT_CASES))
def test_the_red_team_is_refused_through_the_cluster_target_too(
    arena: ClusterArena, name: str, tmp_path: Path
) -> None:
    case = RT_CASES[name]
    project = case_project(arena.base, tmp_path / "project", case)
    before = arena.victim_state()
    if case.get("prepare"):
        result, said = arena.dbt(project, RT_ATTACKER, case["prepare"])
        assert result.success, said
    result, said = arena.dbt(project, RT_ATTACKER, case["command"])
    assert not result.success, f"{name} was not refused on the cluster:\n{said}"
    assert case["refused"] in said, said
    assert arena.victim_state() == before


KILL_TABLE = f"{PREFIX}silver_probe.kills"


def content_hash(cluster: ClusterRun, table: str) -> tuple[int, int]:
    """count and the sum of xxhash64 of every column: equal tables, equal hashes."""
    ((count, total),) = cluster.query(
        f"select count(*), coalesce(sum(cast(xxhash64(*) as decimal(38, 0))), 0) from {table}"
    )
    return int(count), int(total)


def delta_version(cluster: ClusterRun, table: str) -> int:
    return int(cluster.query(f"describe history {table} limit 1")[0][0])


def merge_statement(table: str, first_id: int) -> str:
    return (
        f"merge into {table} as t using (select id, 'slow' as writer from "
        f"range({first_id}, {first_id} + 10)) as s on t.id = s.id "
        "when matched then update set t.writer = s.writer "
        "when not matched then insert (id, writer) values (s.id, s.writer)"
    )


def _start_slow_merge(
    cluster: ClusterRun, work: Path, table: str, first_id: int
) -> subprocess.Popen[str]:
    process = _slow_merge(cluster, work, first_id, retries=0, table=table)
    log = work / "logs" / "dbt.log"
    deadline = time.monotonic() + 300
    while not (log.is_file() and "merge into" in log.read_text(errors="replace")):
        assert process.poll() is None, process.communicate()[0][-3000:]
        assert time.monotonic() < deadline, "the slow MERGE was never sent"
        time.sleep(0.5)
    time.sleep(3)  # on the server now, computing its source
    return process


def _settled(cluster: ClusterRun, table: str, seconds: float) -> int:
    """The table's version once it has not moved for `seconds` (a statement the killed
    client left running on the server may still commit)."""
    version, since = delta_version(cluster, table), time.monotonic()
    while time.monotonic() - since < seconds:
        time.sleep(2)
        now = delta_version(cluster, table)
        if now != version:
            version, since = now, time.monotonic()
    return version


def test_kills_mid_merge_leave_every_table_at_a_version_and_a_rerun_converges(
    cluster: ClusterRun, tmp_path: Path
) -> None:
    """Kill the dbt client, a worker (with its executor), and the Thrift Server while a
    MERGE runs: the table reads at its version before or after the MERGE, never in between
    (Delta commits atomically), and running the MERGE again gives the clean run's table."""
    schema = KILL_TABLE.split(".")[0]
    cluster.query(f"create schema if not exists {schema}")
    cluster.query(f"create or replace table {KILL_TABLE} (id bigint, writer string) using delta")
    cluster.query(f"insert into {KILL_TABLE} select id, 'seed' from range(0, 10)")

    def clean_run(first_id: int) -> tuple[int, int]:
        """The table a MERGE of first_id.. that nobody killed leaves (on a copy)."""
        copy = f"{schema}.kills_clean"
        cluster.query(f"create or replace table {copy} using delta as select * from {KILL_TABLE}")
        cluster.query(merge_statement(copy, first_id))
        return content_hash(cluster, copy)

    def kill_worker() -> None:
        worker = next(p for p in cluster.server.processes if p.name == "worker-1")
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and the executor it launched

    def kill_server() -> None:
        server = next(p for p in cluster.server.processes if p.name == "thrift-server")
        os.killpg(server.pid, signal.SIGKILL)

    def kill_client(process: subprocess.Popen[str]) -> None:
        process.kill()

    for first_id, victim in ((3000, "client"), (4000, "worker"), (5000, "server")):
        before_version = delta_version(cluster, KILL_TABLE)
        before_hash = content_hash(cluster, KILL_TABLE)
        expected = clean_run(first_id)
        client = _start_slow_merge(cluster, tmp_path / victim, KILL_TABLE, first_id)
        if victim == "client":
            kill_client(client)
        elif victim == "worker":
            kill_worker()
        else:
            kill_server()
        if victim != "client":
            time.sleep(2)
            restarted = standalone.repair(cluster.server)
            assert restarted == [{"worker": "worker-1", "server": "thrift-server"}[victim]]
        with contextlib.suppress(subprocess.TimeoutExpired):
            client.communicate(timeout=600)
        settled = _settled(cluster, KILL_TABLE, seconds=SLOW_PAUSE_MS / 1000 + 10)
        assert settled in (before_version, before_version + 1), victim
        assert content_hash(cluster, KILL_TABLE) in (before_hash, expected), victim
        cluster.query(merge_statement(KILL_TABLE, first_id))  # the rerun
        assert content_hash(cluster, KILL_TABLE) == expected, victim


def test_tables_survive_a_restart_of_the_whole_cluster(cluster: ClusterRun) -> None:
    """Last of the module's cluster tests: it stops every process and starts them again."""
    table = f"{PREFIX}silver_platform.readings"
    before = count_of(cluster, table)
    pids = [p.pid for p in cluster.server.processes]
    stopped = standalone.down(cluster.folder)
    assert set(stopped) == {"postgres", "master", "worker-1", "thrift-server"}
    assert not any(standalone.Process("x", pid, "", "", "").is_running() for pid in pids)
    assert standalone.status(cluster.folder) == (None, [])

    from pyhive import hive

    state = standalone.up(cluster.folder, **cluster.options)
    connection = hive.connect(state.thrift_host, state.thrift_port, username="steward-test")
    try:
        cursor = connection.cursor()
        cursor.execute(f"select count(*) from {table}")
        assert cursor.fetchall()[0][0] == before
    finally:
        connection.close()


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
