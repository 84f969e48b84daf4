"""`steward audit`'s judgement of a commit history (pure; the Spark half is in
test_redteam_spark.py)."""

from __future__ import annotations

from pathlib import Path

from steward.audit import Commit, governed_schemas, judge
from steward.guard import CommitMetadata
from steward.project.registry import read_registry

GRIDLITE = Path(__file__).parent / "fixtures" / "gridlite"

OWNERS = {"silver_platform": "platform", "gold_commercial_analytics": "commercial_analytics"}


def commit(table: str, version: int, metadata: str | None) -> Commit:
    return Commit(table, version, "2026-11-27 06:00:00", "MERGE", metadata)


def by(team: str) -> str:
    return CommitMetadata(team, f"model.gridunion.{team}", "inv", "abc", "prod").to_json()


def test_clean_history_has_no_findings() -> None:
    report = judge(
        [
            commit("silver_platform.readings", 0, by("platform")),
            commit("gold_commercial_analytics.daily", 3, by("commercial_analytics")),
        ],
        OWNERS,
        "prod",
    )
    assert report.findings == () and report.exit_code == 0
    assert (report.tables, report.commits) == (2, 2)


def test_a_commit_without_metadata_or_by_another_team_is_a_finding() -> None:
    report = judge(
        [
            commit("silver_platform.readings", 0, by("platform")),
            commit("silver_platform.readings", 1, None),
            commit("silver_platform.readings", 2, by("commercial_analytics")),
            commit("silver_platform.readings", 3, '{"team": "platform"}'),
        ],
        OWNERS,
        "prod",
    )
    assert report.exit_code == 1
    assert [(f.version, f.writer) for f in report.findings] == [
        (1, None),
        (2, "commercial_analytics"),
        (3, None),
    ]
    assert "does not own it" in report.findings[1].problem
    assert report.as_dict()["summary"]["findings"] == 3


def test_governed_schemas_follow_the_registry_and_the_environment() -> None:
    registry = read_registry(GRIDLITE)[0]
    assert registry is not None
    schemas = governed_schemas(registry, "dev")
    assert schemas["dev_silver_platform"] == "platform"
    assert schemas["dev_gold_commercial_analytics"] == "commercial_analytics"
    assert "dev_landing_platform" not in schemas  # views over files, not tables
    assert "silver_platform" in governed_schemas(registry, "prod")


def test_since_leaves_out_older_commits() -> None:
    old = Commit("silver_platform.readings", 0, "2026-11-01 08:00:00", "WRITE", None)
    new = Commit("silver_platform.readings", 1, "2026-11-27 08:00:00", "WRITE", None)
    report = judge([old, new], OWNERS, "prod", since="2026-11-27 00:00:00")
    assert [f.version for f in report.findings] == [1]
    assert report.commits == 1
