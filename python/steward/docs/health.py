"""Health of a node from the run history: its last build, its tests' results, and its
build age against the SLA, judged as the upstream check of `steward build` judges a
product (`steward.teambuild.upstream`): built successfully, recently enough, tests passed.

Cost has no source yet: it is "no data yet" everywhere until chargeback lands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from steward.docs.inputs import TestInfo
from steward.teambuild.history import NodeState
from steward.teambuild.upstream import DEFAULT_MAX_AGE

PASS, FAIL, NO_DATA = "pass", "fail", "no data yet"
PASSING_TESTS = frozenset({"pass", "warn", "success"})
NO_COST = "no data yet: cost per team comes with chargeback, not landed yet"


@dataclass(frozen=True)
class TestResult:
    name: str
    kind: str
    column: str | None
    status: str
    """pass, warn, fail, error, or "no data yet"."""
    finished_at: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Health:
    status: str
    """PASS, FAIL or NO_DATA."""
    reason: str
    last_status: str | None = None
    last_built: str | None = None
    build_age_hours: float | None = None
    max_build_age_hours: float = DEFAULT_MAX_AGE.total_seconds() / 3600
    tests: tuple[TestResult, ...] = ()
    freshness: str | None = None
    """What the freshness test said at the last build (contract SLA `latency`)."""

    @property
    def failed_tests(self) -> tuple[TestResult, ...]:
        return tuple(t for t in self.tests if t.status in ("fail", "error"))


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def test_results(
    tests: Iterable[TestInfo], states: Mapping[str, NodeState]
) -> tuple[TestResult, ...]:
    found = []
    for test in tests:
        state = states.get(test.unique_id)
        found.append(
            TestResult(
                test.name,
                test.kind,
                test.column,
                state.status if state else NO_DATA,
                _iso(state.finished_at) if state else None,
                state.message if state and state.status not in PASSING_TESTS else None,
            )
        )
    return tuple(found)


def health_of(
    unique_id: str,
    tests: Iterable[TestInfo],
    states: Mapping[str, NodeState],
    now: datetime,
    max_build_age_hours: float | None = None,
    unknown_because: str | None = None,
) -> Health:
    """The node's health as of `now`. `unknown_because`: why there is no history to
    read (a broken history file), said instead of "never built"."""
    limit = max_build_age_hours or DEFAULT_MAX_AGE.total_seconds() / 3600
    results = test_results(tests, states)
    freshness = next((t for t in results if t.kind == "freshness_within"), None)
    fresh = (
        None
        if freshness is None
        else f"{freshness.name}: {freshness.status}"
        + (f" at {freshness.finished_at}" if freshness.finished_at else "")
    )
    state = states.get(unique_id)
    if state is None:
        reason = unknown_because or "not built in this environment's run history yet"
        return Health(NO_DATA, reason, max_build_age_hours=limit, tests=results, freshness=fresh)
    age = round((now - state.finished_at).total_seconds() / 3600, 1)
    built = Health(
        PASS,
        f"built {age:g} h ago (SLA {limit:g} h), tests passed",
        state.status,
        _iso(state.finished_at),
        age,
        limit,
        results,
        fresh,
    )
    failed = [t.name for t in results if t.status in ("fail", "error")]
    if state.status not in PASSING_TESTS:
        detail = f": {state.message}" if state.message else ""
        return replace(built, status=FAIL, reason=f"its last build ended in {state.status}{detail}")
    if age > limit:
        reason = f"built {age:g} h ago, more than its SLA of {limit:g} h between builds"
        return replace(built, status=FAIL, reason=reason)
    if failed:
        reason = f"tests failed at its last build: {', '.join(failed)}"
        return replace(built, status=FAIL, reason=reason)
    return built
