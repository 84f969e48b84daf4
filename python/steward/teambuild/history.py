"""Run history of team builds: the latest state of every node a team has built, and the
team's recent builds, each with the git commit it built.

After each team build, steward records each node's status (models: success/error/skipped;
tests: pass/warn/fail/error) and when it finished, so a consumer can ask "did this product
build, and pass its tests, at its last build?", and the build itself (commit, result,
counts), so `steward promote` can ask "did this commit's staging build pass?".

The history is kept in the Delta tables of the platform's ops namespace of the
environment (`steward.ops`: `ops_platform.invocations`, `.node_results`, ...), on the
target the build ran on: the same SQL reads it from the local lakehouse and from the
cluster. This module is its interface for the build, the upstream check and the
promotion gate.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from steward.teambuild.context import RunContext


@dataclass(frozen=True)
class NodeState:
    unique_id: str
    status: str
    finished_at: datetime
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "finished_at": self.finished_at.isoformat(),
            "message": self.message,
        }

    @classmethod
    def from_json(cls, unique_id: str, data: Mapping[str, Any]) -> NodeState:
        return cls(
            unique_id,
            str(data["status"]),
            datetime.fromisoformat(str(data["finished_at"])),
            data.get("message"),
        )


KEPT_RUNS = 50
"""Builds `load_runs` returns per team and environment (the newest)."""


@dataclass(frozen=True)
class RunRecord:
    """One build of a team: which commit, when, and whether it passed."""

    git_sha: str
    finished_at: datetime
    success: bool
    statuses: Mapping[str, int] = field(default_factory=dict)
    skipped_upstream: tuple[str, ...] = ()
    """Products it did not build on (unhealthy upstream): their readers were not built."""
    invocation_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "git_sha": self.git_sha,
            "finished_at": self.finished_at.isoformat(),
            "success": self.success,
            "statuses": dict(sorted(self.statuses.items())),
            "skipped_upstream": list(self.skipped_upstream),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunRecord:
        return cls(
            git_sha=str(data["git_sha"]),
            finished_at=datetime.fromisoformat(str(data["finished_at"])),
            success=bool(data["success"]),
            statuses={str(k): int(v) for k, v in (data.get("statuses") or {}).items()},
            skipped_upstream=tuple(str(p) for p in data.get("skipped_upstream") or ()),
        )

    def counts(self) -> str:
        return (
            ", ".join(f"{n} {status}" for status, n in sorted(self.statuses.items()))
            or "nothing ran"
        )


_LATEST_STATES = """
SELECT unique_id, status, unix_micros(finished_at) AS finished, message FROM (
  SELECT unique_id, status, finished_at, message,
         row_number() OVER (PARTITION BY unique_id ORDER BY finished_at DESC) AS newest
  FROM {ops}.node_results WHERE status NOT IN ('skipped', 'n/a')
) WHERE newest = 1
"""


def load_states(context: RunContext) -> dict[str, NodeState]:
    """The latest state of every node built by any team in this environment (a skipped
    node keeps the state of its last real run)."""
    from steward.ops.sql import from_micros
    from steward.ops.store import OpsStore

    states: dict[str, NodeState] = {}
    for row in OpsStore.open(context).query(_LATEST_STATES):
        finished = from_micros(row["finished"])
        if finished is not None:
            states[row["unique_id"]] = NodeState(
                row["unique_id"], row["status"], finished, row["message"]
            )
    return states


def node_states_of(result: Any, finished_at: datetime | None = None) -> list[NodeState]:
    """The nodes a dbt invocation ran (its RunExecutionResult), with their status."""
    now = finished_at or datetime.now(timezone.utc)
    states = []
    for node_result in getattr(result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status))
        message = node_result.message if isinstance(node_result.message, str) else None
        states.append(NodeState(node_result.node.unique_id, status, now, message))
    return states


def _quote(text: str) -> str:
    from steward.ops.sql import literal

    return literal(text, "string")


def load_runs(context: RunContext, team: str) -> list[RunRecord]:
    """The team's recorded builds in this environment, oldest first (the newest
    KEPT_RUNS)."""
    from steward.ops.sql import from_micros
    from steward.ops.store import OpsStore

    rows = OpsStore.open(context).query(
        "SELECT invocation_id, git_sha, unix_micros(finished_at) AS finished, status, "
        "statuses, skipped_upstream FROM {ops}.invocations "
        f"WHERE team = {_quote(team)} ORDER BY finished_at DESC, invocation_id DESC "
        f"LIMIT {KEPT_RUNS}"
    )
    runs = []
    for row in reversed(rows):
        finished = from_micros(row["finished"])
        assert finished is not None
        runs.append(
            RunRecord(
                git_sha=str(row["git_sha"]),
                finished_at=finished,
                success=row["status"] == "success",
                statuses={str(k): int(v) for k, v in json.loads(row["statuses"] or "{}").items()},
                skipped_upstream=tuple(json.loads(row["skipped_upstream"] or "[]")),
                invocation_id=str(row["invocation_id"]),
            )
        )
    return runs


def record(
    context: RunContext, team: str, states: list[NodeState], run: RunRecord | None = None
) -> str:
    """Record `states` (and `run`, the build they came from) as one invocation of `team`
    in the ops tables; returns its invocation id. `steward build` records its builds
    with more (`steward.ops.record`); this is the same rows for a build known only by
    its node states."""
    from steward.ops.record import Build, record_build
    from steward.ops.store import OpsStore
    from steward.teambuild.settings import default_env

    invocation = (run.invocation_id if run else "") or str(uuid.uuid4())
    finished = run.finished_at if run else max((s.finished_at for s in states), default=None)
    finished = finished or datetime.now(timezone.utc)
    build = Build(
        invocation_id=invocation,
        team=team,
        env=default_env(context),
        target=context.target,
        git_sha=run.git_sha if run else "unknown",
        started_at=finished,
        finished_at=finished,
        success=run.success if run else all(s.status != "error" for s in states),
        statuses=dict(run.statuses) if run else {},
        skipped_upstream=run.skipped_upstream if run else (),
    )
    results = [
        {
            "unique_id": s.unique_id,
            "status": s.status,
            "message": s.message,
            "timing": [{"name": "execute", "completed_at": s.finished_at.isoformat()}],
        }
        for s in states
    ]
    record_build(OpsStore.open(context, invocation), build, results, {})
    return invocation
