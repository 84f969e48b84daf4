"""The ops tables with real builds on embedded Spark: run history, metrics per node,
chargeback, health and alerts, OpenLineage events.

One Spark session for the module: the project of `ops_support` is built (the producer,
then its two readers), then the producer again with a failing test, then one reader,
whose upstream check reads that failure from the ops tables and skips its model.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from prometheus_client.parser import text_string_to_metric_families

from steward.cli.main import main
from steward.guard import parse
from steward.lakehouse import jars
from steward.ops import read
from steward.ops import record as ops_record
from steward.ops.chargeback import gather
from steward.ops.cost import POLICIES, allocate
from steward.ops.openlineage import events_file
from steward.ops.store import OpsStore
from steward.teambuild import history
from steward.teambuild.context import RunContext
from steward.teambuild.runner import TeamRun, build_teams

from .ops_support import WEBHOOK_ENV, write_project
from .spark_support import rows

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ENV = "itest_ops"
OPS = f"{ENV}_ops_platform"
SHA = "0ps0ps0123456789c0ffee0123456789c0ffee01"
BREAK = ["--vars", "{break_tests: true}"]
PRODUCT = "model.opsprobe.silver_platform__numbers"


@dataclass(frozen=True)
class Built:
    context: RunContext
    first: list[TeamRun]
    broken: list[TeamRun]
    after: list[TeamRun]


@pytest.fixture(scope="module")
def built(
    project_dir: Path, lakehouse_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    work = write_project(tmp_path_factory.mktemp("ops") / "project")
    patch = pytest.MonkeyPatch()
    patch.setenv("STEWARD_JAR_CACHE", str(jars.default_cache_dir(project_dir)))
    patch.setenv("STEWARD_GIT_SHA", SHA)
    context = RunContext(
        project_dir=work, env=ENV, lakehouse_dir=lakehouse_dir, landing_dir=work / "landing"
    )
    first = build_teams(context, ["platform", "consumer", "reader"])
    broken = build_teams(context, ["platform"], BREAK)
    after = build_teams(context, ["consumer"])
    yield Built(context, first, broken, after)
    patch.undo()


def invocations() -> list[dict[str, object]]:
    """The invocations rows, oldest first; one invocation's teams in build order."""
    order = {"platform": 0, "consumer": 1, "reader": 2}
    found = [r.asDict() for r in rows(f"select * from {OPS}.invocations")]
    return sorted(found, key=lambda r: (r["started_at"], order[str(r["team"])]))


def test_one_invocation_row_per_team_build(built: Built) -> None:
    assert [r.success for r in built.first] == [True, True, True]
    assert not built.broken[0].success
    found = invocations()
    assert [(r["team"], r["status"]) for r in found] == [
        ("platform", "success"),
        ("consumer", "success"),
        ("reader", "success"),
        ("platform", "failed"),
        ("consumer", "success"),
    ]
    # the three teams of the first build were one dbt invocation, the later builds one each
    ids = [r["invocation_id"] for r in found]
    assert len(set(ids[:3])) == 1 and len(set(ids)) == 3
    assert {r["git_sha"] for r in found} == {SHA} and {r["env"] for r in found} == {ENV}
    assert all(r["finished_at"] >= r["started_at"] for r in found)  # type: ignore[operator]


def test_in_one_invocation_each_write_carries_its_node_s_team(built: Built) -> None:
    """The first build was every team in one dbt invocation: each table's commit says the
    team of the node that wrote it (as the engine guard was told before the write)."""
    first = str(invocations()[0]["invocation_id"])
    for table, team in (
        (f"{ENV}_gold_consumer.summary", "consumer"),
        (f"{ENV}_gold_reader.top", "reader"),
    ):
        [newest] = [r for r in rows(f"describe history {table}") if r.version == 0]
        metadata = parse(newest.userMetadata)
        assert metadata is not None and (metadata.team, metadata.invocation_id) == (team, first)


def test_a_node_row_for_every_node_dbt_ran_under_its_team(built: Built) -> None:
    first = invocations()[0]["invocation_id"]
    nodes = {
        (r.team, r.unique_id): r.status
        for r in rows(
            f"select team, unique_id, status from {OPS}.node_results where invocation_id = "
            f"'{first}' and resource_type <> 'unattributed'"
        )
    }
    assert nodes == {
        ("platform", PRODUCT): "success",
        ("platform", "test.opsprobe.assert_numbers_present"): "pass",
        ("consumer", "model.opsprobe.gold_consumer__summary"): "success",
        ("consumer", "test.opsprobe.assert_summary_present"): "pass",
        ("reader", "model.opsprobe.gold_reader__top"): "success",
    }
    [test] = rows(f"select * from {OPS}.test_results where status = 'fail'")
    assert test.tested_node == PRODUCT and test.team == "platform" and test.failures == 1


def _operations(table: str) -> list[str]:
    """The Delta operations of an ops table, oldest first, after its creation."""
    history = rows(f"describe history {OPS}.{table}")
    return [r.operation for r in sorted(history, key=lambda r: r.version)][1:]


def test_a_build_appends_its_own_rows_one_commit_a_table(built: Built) -> None:
    assert _operations("invocations") == ["WRITE"] * 3  # one a dbt invocation
    [with_nodes] = rows(f"select count(distinct invocation_id) as n from {OPS}.node_results")
    assert _operations("node_results") == ["WRITE"] * with_nodes.n
    assert with_nodes.n == 2  # the last build's model was skipped: dbt ran nothing


def test_recording_again_is_idempotent(built: Built) -> None:
    first = invocations()[0]
    store = OpsStore.open(built.context, str(first["invocation_id"]))
    build = ops_record.Build(
        invocation_id=str(first["invocation_id"]),
        team="platform",
        env=ENV,
        target="local",
        git_sha=SHA,
        started_at=first["started_at"],  # type: ignore[arg-type]
        finished_at=first["finished_at"],  # type: ignore[arg-type]
        success=True,
        statuses={"success": 1, "pass": 1},
        skipped_upstream=(),
    )
    results = [{"unique_id": PRODUCT, "status": "success", "timing": []}]
    ops_record.record_build(store, build, results, {})
    assert len(invocations()) == 5
    counted = rows(
        f"select count(*) as n from {OPS}.node_results where invocation_id = "
        f"'{first['invocation_id']}' and unique_id = '{PRODUCT}'"
    )
    assert counted[0].n == 1
    assert _operations("invocations")[-1] == "MERGE"  # a record of a known id merges


def test_metrics_per_node_are_measured_and_belong_to_the_team(built: Built) -> None:
    metrics = {
        (r.team, r.unique_id): r
        for r in rows(f"select * from {OPS}.node_metrics where unique_id not like 'steward.%'")
    }
    product = metrics[("platform", PRODUCT)]
    assert product.tasks > 0 and product.executor_run_time_ms > 0
    assert product.bytes_written > 0 and product.records_written >= 50_000
    summary = metrics[("consumer", "model.opsprobe.gold_consumer__summary")]
    assert summary.bytes_read > 0 and summary.shuffle_write_bytes > 0
    assert summary.peak_memory_bytes > 0
    for team, node in metrics:  # each model's work is its own team's
        if node.startswith("model."):
            assert node.split(".")[-1].split("__")[0].split("_", 1)[1] == team


def test_the_upstream_check_reads_the_failure_from_the_ops_tables(built: Built) -> None:
    [consumer] = built.after
    assert consumer.success and [p.product for p in consumer.upstream_problems] == [PRODUCT]
    assert "tests failed at its last build: assert_numbers_present" in (
        consumer.upstream_problems[0].reason
    )
    decisions = rows(
        f"select d.decision, d.producer, d.consumers from {OPS}.upstream_decisions d "
        f"join {OPS}.invocations i using (invocation_id, team) where d.team = 'consumer' "
        "order by i.started_at"
    )
    assert [(d.decision, d.producer) for d in decisions] == [
        ("ok", "platform"),
        ("skipped", "platform"),
    ]
    assert json.loads(decisions[-1].consumers) == ["model.opsprobe.gold_consumer__summary"]
    assert history.load_runs(built.context, "consumer")[-1].skipped_upstream == (
        "silver_platform__numbers",
    )


def test_history_api_keeps_the_last_real_state_and_the_newest_runs(
    built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    """history.record/load_runs/load_states as `steward promote` and the docs use them."""
    context = replace(built.context, env=f"{ENV}_api")
    t0 = datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc)
    assert history.load_runs(context, "platform") == []  # nothing yet, and nothing created
    state = history.NodeState(PRODUCT, "success", t0)
    history.record(context, "platform", [state])
    history.record(
        context, "platform", [replace(state, status="skipped", finished_at=t0 + timedelta(hours=1))]
    )
    assert history.load_states(context)[PRODUCT].status == "success"  # a skip keeps it
    monkeypatch.setattr(history, "KEPT_RUNS", 2)
    for hour, sha in enumerate(("a" * 40, "b" * 40, "c" * 40)):
        run = history.RunRecord(sha, t0 + timedelta(hours=hour), True, {"success": 1})
        history.record(context, "reader", [], run)
    runs = history.load_runs(context, "reader")
    assert [r.git_sha[0] for r in runs] == ["b", "c"]  # the newest two, oldest first


def test_promote_reads_the_staging_builds_from_the_ops_tables(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    staging = replace(built.context, env=f"{ENV}_stage")
    failed = history.RunRecord(SHA, datetime.now(timezone.utc), False, {"success": 1, "fail": 1})
    history.record(staging, "reader", [], failed)
    argv = ["promote", "--team", "reader", "--from", staging.env, "--to", f"{ENV}_live"]
    paths = [
        "--project-dir",
        str(built.context.project_dir),
        "--lakehouse",
        str(built.context.lakehouse),
    ]
    assert main([*argv, *paths, "--format", "json"]) == 1
    out = capsys.readouterr()
    assert f"steward promote: refused: the {ENV}_stage build of team reader" in out.err
    assert "failed (1 fail, 1 success)" in out.err and '"teams": []' in out.out


# ---- chargeback ---------------------------------------------------------------------------


def days_around_now() -> tuple[date, date]:
    today = datetime.now(timezone.utc).date()
    return today - timedelta(days=1), today + timedelta(days=1)


def test_chargeback_reconciles_under_each_policy(built: Built) -> None:
    since, until = days_around_now()
    inputs = gather(built.context, since, until)
    assert inputs.policy == "even"  # the project's cost.shared_policy
    assert {u.team for u in inputs.usage} == {"platform", "consumer", "reader"}
    assert set(inputs.products) == {PRODUCT}
    assert set(inputs.products[PRODUCT].readers) == {"consumer", "reader"}
    assert any(s.node == PRODUCT and s.size_bytes > 0 for s in inputs.samples)
    reports = {
        policy: allocate(
            inputs.usage, inputs.samples, inputs.products, inputs.rates, policy, since, until
        )
        for policy in POLICIES
    }
    for policy, report in reports.items():
        ok, line = report.check
        assert ok and "100.00 % (ok)" in line, policy
        assert report.measured == pytest.approx(reports["central"].measured)
        assert sum(t["total"] for t in report.by_team().values()) == pytest.approx(report.measured)
    product_cost = sum(c.amount for c in reports["central"].charges if c.node == PRODUCT)
    assert product_cost > 0
    # central: the producer keeps it; even: its two readers share it alike
    assert {c.team for c in reports["central"].charges if c.node == PRODUCT} == {"platform"}
    even = [c for c in reports["even"].charges if c.node == PRODUCT]
    shares = {
        team: sum(c.amount for c in even if c.team == team) for team in ("consumer", "reader")
    }
    assert shares["consumer"] == pytest.approx(shares["reader"]) == pytest.approx(product_cost / 2)
    proportional = [c for c in reports["proportional"].charges if c.node == PRODUCT]
    assert {c.team for c in proportional} == {"consumer", "reader"}
    assert sum(c.amount for c in proportional) == pytest.approx(product_cost)


def test_cost_html_report_has_the_chart_and_the_check(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    since, until = days_around_now()
    out = tmp_path / "cost.html"
    args = ["cost", "--since", str(since), "--until", str(until), "--env", ENV]
    paths = [
        "--project-dir",
        str(built.context.project_dir),
        "--lakehouse",
        str(built.context.lakehouse),
    ]
    assert main([*args, *paths, "--format", "html", "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "plotly" in page and '"barmode":"stack"' in page and "100.00 % (ok)" in page
    assert f"Delta tables {OPS}.*" in page and "5 build(s)" in page


def test_cost_and_health_without_history_say_what_is_missing(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [
        "--project-dir",
        str(built.context.project_dir),
        "--lakehouse",
        str(built.context.lakehouse),
    ]
    assert main(["cost", "--env", f"{ENV}_empty", *paths]) == 2
    assert main(["health", "--env", f"{ENV}_empty", *paths]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("steward: error:")]
    assert len(lines) == 2 and all("no run history" in line for line in lines)
    assert "run `steward build --team T`" in lines[0] and "Traceback" not in err


# ---- health ---------------------------------------------------------------------------------


class Webhook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Webhook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, object]]]:
    server = HTTPServer(("127.0.0.1", 0), Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(WEBHOOK_ENV, f"http://127.0.0.1:{server.server_port}/alerts")
    Webhook.received = []
    yield Webhook.received
    server.shutdown()


def test_stale_product_and_failing_test_breach_and_alert_the_owner(
    built: Built,
    webhook: list[dict[str, object]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    later = (datetime.now(timezone.utc) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    paths = [
        "--project-dir",
        str(built.context.project_dir),
        "--lakehouse",
        str(built.context.lakehouse),
    ]
    health = ["health", "--env", ENV, "--as-of", later, *paths]
    assert main([*health, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [product] = report["products"]
    assert product["product"] == PRODUCT and product["team"] == "platform"
    assert {b["kind"] for b in product["breaches"]} == {"stale", "failed_tests"}
    assert product["sla_hours"] == 30 and product["foreign_writes"] == []
    assert report["provenance"]["invocations"] == 5 and report["audited"]
    [alert] = rows(f"select * from {OPS}.alerts where alert_id like '%{PRODUCT}'")
    assert (alert.team, alert.channel, alert.delivered) == ("platform", "#platform", "posted (200)")
    [posted] = webhook
    assert posted["team"] == "platform" and posted["product"] == PRODUCT
    assert set(posted["kinds"]) == {"stale", "failed_tests"}  # type: ignore[arg-type]
    # Prometheus: the same verdict, parsed by prometheus_client's own parser
    out = tmp_path / "steward.prom"
    assert main([*health, "--no-audit", "--format", "prometheus", "--output", str(out)]) == 1
    families = {f.name: f for f in text_string_to_metric_families(out.read_text(encoding="utf-8"))}
    [sample] = families["steward_product_healthy"].samples
    assert sample.labels == {"product": "silver_platform__numbers", "team": "platform"}
    assert sample.value == 0
    kinds = {s.labels["kind"] for s in families["steward_product_breach"].samples}
    assert kinds == {"stale", "failed_tests"}
    assert read.latest_health(built.context)["products"][PRODUCT]["healthy"] is False


def test_openlineage_events_name_each_build(built: Built) -> None:
    events = [
        json.loads(line)
        for line in events_file(built.context).read_text(encoding="utf-8").splitlines()
    ]
    ours = [e for e in events if e["job"]["namespace"] == f"steward://local/{ENV}"]
    # the first build was one invocation of three teams: a run of each, its parent the
    # invocation's
    first = str(invocations()[0]["invocation_id"])
    runs = {
        e["job"]["name"]: e
        for e in ours
        if (e["run"]["facets"].get("parent") or {}).get("run", {}).get("runId") == first
        and e["eventType"] == "COMPLETE"
    }
    assert set(runs) == {"platform.build", "consumer.build", "reader.build"}
    assert len({e["run"]["runId"] for e in runs.values()}) == 3
    assert [o["name"] for o in runs["platform.build"]["outputs"]] == [
        f"{ENV}_silver_platform.numbers"
    ]
    assert [i["name"] for i in runs["reader.build"]["inputs"]] == [f"{ENV}_silver_platform.numbers"]
    platform_run = runs["platform.build"]["run"]["runId"]
    kinds = [e["eventType"] for e in ours if e["run"]["runId"] == platform_run]
    assert kinds == ["START", "COMPLETE"]
    # a build of one team is its invocation's run
    failed = invocations()[3]["invocation_id"]
    assert [e["eventType"] for e in ours if e["run"]["runId"] == failed] == ["START", "FAIL"]


def test_the_discovery_site_reads_the_run_history_from_the_ops_tables(
    built: Built, tmp_path: Path
) -> None:
    from steward.docs.inputs import read_history, read_ops_history, write_snapshot
    from steward.project import load_project

    history, problems = read_ops_history(built.context)
    assert problems == []
    assert OPS in history.folder
    # the last build of platform broke its test; the product itself built
    assert history.states[PRODUCT].status == "success"
    assert history.states["test.opsprobe.assert_numbers_present"].status == "fail"
    # a snapshot of it (for a site built where the ops tables cannot be reached) reads back
    owners = {uid: n.team for uid, n in load_project(built.context.project_dir).nodes.items()}
    written = write_snapshot(history.states, owners, tmp_path / "snapshot")
    assert {p.stem for p in written} >= {"platform", "consumer"}
    again, problems = read_history(tmp_path / "snapshot", built.context.project_dir)
    assert problems == [] and dict(again.states) == dict(history.states)


def test_in_one_invocation_what_reads_a_failed_product_is_skipped_and_named(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    """Producer and readers in one invocation: dbt skips what reads the product whose test
    failed, and steward names the product and its team, as the upstream check would."""
    context = replace(built.context, env=f"{ENV}_inrun")
    platform, consumer, reader = build_teams(context, ["platform", "consumer", "reader"], BREAK)
    assert not platform.success and platform.statuses == {"success": 1, "fail": 1}
    for run in (consumer, reader):
        assert run.success and run.statuses.get("skipped", 0) >= 1
        [problem] = run.upstream_problems
        assert (problem.product, problem.team) == (PRODUCT, "platform")
        assert problem.reason == "its tests failed in this run: assert_numbers_present"
    err = capsys.readouterr().err
    assert "skipping gold_consumer__summary and what depends on them: upstream " in err
    schema = f"{ENV}_inrun_ops_platform"
    decisions = rows(
        f"select team, decision, reason from {schema}.upstream_decisions order by team"
    )
    assert [(d.team, d.decision) for d in decisions] == [
        ("consumer", "skipped"),
        ("reader", "skipped"),
    ]
    skipped = rows(f"select team, skipped_upstream from {schema}.invocations order by team")
    assert {r.team: json.loads(r.skipped_upstream) for r in skipped} == {
        "consumer": ["silver_platform__numbers"],
        "platform": [],
        "reader": ["silver_platform__numbers"],
    }
