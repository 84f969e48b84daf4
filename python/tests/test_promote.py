"""The promotion gate's decision from the run history (no Spark: the builds are given
here; the history itself is in the ops tables, tested with Spark in test_ops_spark.py,
and test_config_spark.py promotes for real)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from steward.teambuild.history import RunRecord
from steward.teambuild.promote import decide

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"
T0 = datetime(2026, 3, 31, 3, 0, tzinfo=timezone.utc)


def run(sha: str, success: bool, hours: int = 0, **extra: object) -> RunRecord:
    statuses = {"success": 3, "pass": 5} if success else {"success": 3, "fail": 1}
    return RunRecord(sha, T0 + timedelta(hours=hours), success, statuses, **extra)  # type: ignore[arg-type]


def test_refused_when_the_commit_was_never_built_in_staging() -> None:
    decision = decide([], SHA, "electra", "staging")
    assert not decision.allowed and decision.run is None
    assert "no staging build of team electra at commit 0123456789ab" in decision.reason
    assert "has never been built in staging" in decision.reason
    assert "steward build --team electra --env staging" in decision.reason


def test_refused_when_staging_built_another_commit_and_names_it() -> None:
    decision = decide([run(OTHER, True)], SHA, "electra", "staging")
    assert not decision.allowed
    assert (
        "the last staging build of team electra (2026-03-31 03:00 UTC) was of commit fedcba987654"
        in (decision.reason)
    )


def test_refused_after_a_failed_staging_build() -> None:
    decision = decide([run(SHA, False)], SHA, "electra", "staging")
    assert not decision.allowed and decision.run is not None
    assert decision.reason.startswith(
        "the staging build of team electra at commit 0123456789ab (2026-03-31 03:00 UTC) failed"
    )
    assert "1 fail" in decision.reason


def test_allowed_after_a_passing_one_and_the_latest_build_of_the_commit_counts() -> None:
    passed = decide([run(SHA, False), run(SHA, True, 1), run(OTHER, False, 2)], SHA, "x", "staging")
    assert passed.allowed and passed.run is not None and passed.run.finished_at.hour == 4
    assert "passed (5 pass, 3 success)" in passed.reason
    failed_again = decide([run(SHA, True), run(SHA, False, 1)], SHA, "x", "staging")
    assert not failed_again.allowed


def test_refused_when_staging_skipped_models_for_an_unhealthy_upstream() -> None:
    skipped = run(SHA, True, skipped_upstream=("silver_platform__readings",))
    decision = decide([skipped], SHA, "commercial_analytics", "staging")
    assert not decision.allowed
    assert "unhealthy upstream silver_platform__readings" in decision.reason


@pytest.mark.parametrize(
    ("sha", "words"), [("unknown", "cannot tell"), (SHA + "+dirty", "uncommitted")]
)
def test_refused_for_a_work_tree_that_is_not_a_commit(sha: str, words: str) -> None:
    decision = decide([run(sha, True)], sha, "electra", "staging")
    assert not decision.allowed and words in decision.reason
