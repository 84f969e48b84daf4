"""One dbt invocation for several teams, its pure parts: the file of every node's team the
adapter reads, which node is whose, and how the work no node claims is shared between the
teams' builds. (The builds themselves: test_ops_spark.py, test_redteam_spark.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.errors import UserError
from steward.guard import teams
from steward.ops.events import UNATTRIBUTED, NodeMetrics
from steward.ops.record import share_unattributed
from steward.teambuild.runner import node_teams

OWNERS = {
    "model.p.silver_platform__meters": "platform",
    "model.p.gold_sales__daily": "sales",
    "model.p.gold_other__thing": "other",
    "source.p.landing.meters": "platform",
}


def test_the_file_reads_back_what_was_written(tmp_path: Path) -> None:
    build = teams.BuildTeams(
        ("platform", "sales"),
        {"model.p.silver_platform__meters": "platform", "model.p.gold_sales__daily": "sales"},
        {"sales": {"spark.sql.shuffle.partitions": "8"}},
    )
    path = teams.write(build, tmp_path / "guard" / "build-teams-prod.json")
    assert teams.read(path) == build
    assert list(path.parent.iterdir()) == [path]  # nothing half-written left beside it
    assert build.team_of("model.p.gold_sales__daily") == "sales"
    assert build.team_of(None) is None and build.team_of("model.p.unknown") is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{", "is not JSON"),
        ('{"steward_build_teams": 2, "teams": ["a"], "nodes": {}}', "is not format 1"),
        ('{"steward_build_teams": 1, "teams": [], "nodes": {}}', "has no `teams`"),
        ('{"steward_build_teams": 1, "teams": ["a"], "nodes": {"m": "b"}}', "not in them"),
    ],
)
def test_a_bad_file_is_one_clear_error(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "teams.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=says) as raised:
        teams.read(path)
    assert raised.value.path == str(path)
    with pytest.raises(UserError, match="cannot read"):
        teams.read(tmp_path / "missing.json")


def test_a_test_is_the_team_s_of_the_node_it_tests_and_other_teams_are_left_out() -> None:
    manifest = {
        "nodes": {
            "model.p.gold_sales__daily": {"resource_type": "model"},
            "test.p.not_null_daily_day.1": {
                "resource_type": "test",
                "attached_node": "model.p.gold_sales__daily",
                "depends_on": {"nodes": ["model.p.gold_sales__daily"]},
            },
            "test.p.assert_meters_known.2": {  # a singular test: its first model parent
                "resource_type": "test",
                "depends_on": {"nodes": ["model.p.silver_platform__meters"]},
            },
            "test.p.assert_other.3": {
                "resource_type": "test",
                "depends_on": {"nodes": ["model.p.gold_other__thing"]},
            },
        },
        "unit_tests": {
            "unit_test.p.gold_sales__daily.sums": {
                "resource_type": "unit_test",
                "depends_on": {"nodes": ["model.p.gold_sales__daily"]},
            }
        },
    }
    assert node_teams(manifest, OWNERS, ["platform", "sales"]) == {
        "model.p.silver_platform__meters": "platform",
        "model.p.gold_sales__daily": "sales",
        "test.p.not_null_daily_day.1": "sales",
        "test.p.assert_meters_known.2": "platform",
        "unit_test.p.gold_sales__daily.sums": "sales",
    }


def _metrics(node: str, run_ms: int, peak: int = 0) -> NodeMetrics:
    return NodeMetrics(
        node, tasks=run_ms // 10, executor_run_time_ms=run_ms, peak_memory_bytes=peak
    )


def test_the_work_no_node_claims_is_shared_by_the_teams_work() -> None:
    measured = {
        "model.a": _metrics("model.a", 300),
        "model.b": _metrics("model.b", 100),
        UNATTRIBUTED: _metrics(UNATTRIBUTED, 1000, peak=7),
    }
    a, b, idle = share_unattributed(measured, [{"model.a"}, {"model.b"}, {"model.c"}])
    assert a["model.a"] is measured["model.a"] and "model.b" not in a
    assert a[UNATTRIBUTED].executor_run_time_ms == 750
    assert b[UNATTRIBUTED].executor_run_time_ms == 250 and b[UNATTRIBUTED].tasks == 25
    assert a[UNATTRIBUTED].peak_memory_bytes == b[UNATTRIBUTED].peak_memory_bytes == 7
    assert idle == {}  # a team whose nodes did no work is charged none of it
    total = a[UNATTRIBUTED].executor_run_time_ms + b[UNATTRIBUTED].executor_run_time_ms
    assert total == measured[UNATTRIBUTED].executor_run_time_ms


def test_one_build_keeps_all_of_it_and_no_work_is_shared_evenly() -> None:
    measured = {UNATTRIBUTED: _metrics(UNATTRIBUTED, 90), "model.x": _metrics("model.x", 0)}
    assert share_unattributed(measured, [{"model.a"}]) == [measured]
    a, b, c = share_unattributed(measured, [{"model.a"}, {"model.b"}, {"model.c"}])
    assert [p[UNATTRIBUTED].executor_run_time_ms for p in (a, b, c)] == [30, 30, 30]
