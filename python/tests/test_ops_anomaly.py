"""Row-count anomaly maths, health verdicts, event-log attribution (no Spark)."""

from __future__ import annotations

import datetime as dt

from prometheus_client.parser import text_string_to_metric_families

from steward.ops.anomaly import MIN_HISTORY, judge
from steward.ops.events import UNATTRIBUTED, node_metrics
from steward.ops.health import ANOMALY, FAILED_TESTS, STALE, ProductFacts, evaluate
from steward.ops.health_writers import to_prometheus
from steward.ops.healthcheck import HealthReport
from steward.ops.inputs import Provenance

NOW = dt.datetime(2026, 3, 31, 6, tzinfo=dt.timezone.utc)


def test_a_usual_load_is_no_anomaly_and_a_far_one_is() -> None:
    history = [1000, 1020, 990, 1010, 1005, 995]
    usual = judge(history, 1030, change_pct=50)
    assert usual is not None and not usual.anomalous and usual.median == 1002.5
    assert usual.mad == 7.5
    far = judge(history, 3000, change_pct=50)
    assert far is not None and far.anomalous and far.robust_z is not None and far.robust_z > 100
    assert "3000 rows against a median of 1002.5" in far.reason


def test_a_far_but_small_change_is_not_an_anomaly() -> None:
    # the loads never vary, so MAD is 0: one more row is "far" but 0.1 % off
    steady = judge([1000] * 6, 1001, change_pct=50)
    assert steady is not None and not steady.anomalous
    assert judge([1000] * 6, 0, change_pct=50).anomalous  # type: ignore[union-attr]


def test_too_little_history_is_not_judged() -> None:
    assert judge([1000] * (MIN_HISTORY - 1), 5000, change_pct=50) is None


def facts(**extra: object) -> ProductFacts:
    base = {
        "unique_id": "model.p.silver_platform__readings",
        "team": "platform",
        "sla_hours": 30.0,
        "sla_source": "contract",
        "last_status": "success",
        "last_success_at": NOW - dt.timedelta(hours=2),
        "tests": {"test.p.unique_readings.abc": "pass"},
    }
    return ProductFacts(**{**base, **extra})  # type: ignore[arg-type]


def test_health_breaches_name_their_kind() -> None:
    assert evaluate(facts(), NOW).healthy
    stale = evaluate(facts(last_success_at=NOW - dt.timedelta(hours=31)), NOW)
    assert [k for k, _ in stale.breaches] == [STALE] and "SLA of 30 h" in stale.breaches[0][1]
    failing = evaluate(facts(tests={"test.p.unique_readings.abc": "fail"}), NOW)
    assert failing.breaches == ((FAILED_TESTS, "tests failing at their last run: unique_readings"),)
    odd = evaluate(facts(anomaly=judge([1000] * 6, 0, 50)), NOW)
    assert [k for k, _ in odd.breaches] == [ANOMALY]


def test_prometheus_output_parses() -> None:
    report = HealthReport(
        NOW,
        Provenance("Delta tables ops_platform.*", NOW, NOW, 1),
        (evaluate(facts(), NOW), evaluate(facts(unique_id="model.p.x", last_status="error"), NOW)),
        (),
        True,
    )
    families = {f.name: f for f in text_string_to_metric_families(to_prometheus(report))}
    healthy = {s.labels["product"]: s.value for s in families["steward_product_healthy"].samples}
    assert healthy == {"silver_platform__readings": 1.0, "x": 0.0}
    [breach] = families["steward_product_breach"].samples
    assert breach.labels == {"product": "x", "team": "platform", "kind": "failed_build"}


def test_event_log_tasks_are_summed_per_node_of_the_invocation() -> None:
    def job(job_id: int, stages: list[int], node: str | None, invocation: str) -> dict[str, object]:
        properties = {"steward.invocation": invocation}
        if node:
            properties["steward.node"] = node
        return {
            "Event": "SparkListenerJobStart",
            "Job ID": job_id,
            "Stage IDs": stages,
            "Properties": properties,
        }

    def task(stage: int, run_ms: int, read: int = 0) -> dict[str, object]:
        return {
            "Event": "SparkListenerTaskEnd",
            "Stage ID": stage,
            "Task Metrics": {
                "Executor Run Time": run_ms,
                "Executor CPU Time": run_ms * 1_000_000,
                "Peak Execution Memory": run_ms * 10,
                "Input Metrics": {"Bytes Read": read},
                "Output Metrics": {"Bytes Written": 5, "Records Written": 2},
                "Shuffle Read Metrics": {"Remote Bytes Read": 1, "Local Bytes Read": 2},
                "Shuffle Write Metrics": {"Shuffle Bytes Written": 7},
            },
        }

    events = [
        job(1, [1, 2], "model.p.a", "inv"),
        task(1, 100, 50),
        task(2, 30),
        job(2, [3], None, "inv"),
        task(3, 5),
        job(3, [4], "model.p.b", "other"),  # another invocation of the same process
        task(4, 1000),
        {
            "Event": "SparkListenerJobStart",
            "Stage IDs": [5],
            "Properties": {
                "spark.job.description": '/* {"app": "dbt", "node_id": "model.p.c"} */ select 1'
            },
        },
        task(5, 9),
    ]
    metrics = node_metrics(events, "inv")
    a = metrics["model.p.a"]
    assert (a.tasks, a.executor_run_time_ms, a.executor_cpu_time_ms, a.bytes_read) == (
        2,
        130,
        130,
        50,
    )
    assert (a.shuffle_read_bytes, a.shuffle_write_bytes, a.peak_memory_bytes) == (6, 14, 1000)
    assert metrics[UNATTRIBUTED].executor_run_time_ms == 5
    assert "model.p.b" not in metrics
    assert metrics["model.p.c"].executor_run_time_ms == 9  # from dbt's query comment
