"""Run history of team builds: the latest state of every node a team has built, and the
team's recent builds, each with the git commit it built.

After each team build, steward records each node's status (models: success/error/skipped;
tests: pass/warn/fail/error) and when it finished, merged over the team's earlier builds,
so a consumer can ask "did this product build, and pass its tests, at its last build?",
and appends the build itself (commit, result, counts), so `steward promote` can ask "did
this commit's staging build pass?". A local run keeps its history inside its lakehouse (it
describes those tables); a cluster run keeps it in the project's target folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
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
"""Builds kept per team and environment (the newest)."""


@dataclass(frozen=True)
class RunRecord:
    """One build of a team: which commit, when, and whether it passed."""

    git_sha: str
    finished_at: datetime
    success: bool
    statuses: Mapping[str, int] = field(default_factory=dict)
    skipped_upstream: tuple[str, ...] = ()
    """Products it did not build on (unhealthy upstream): their readers were not built."""

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


def history_dir(context: RunContext) -> Path:
    env = context.env or ("prod" if context.target == "local" else "dev")
    if context.target == "local":
        return context.lakehouse / "steward" / "runs" / env
    return context.project_dir / "target" / "steward" / "runs" / context.target / env


def load_states(context: RunContext) -> dict[str, NodeState]:
    """The latest state of every node built by any team in this environment."""
    states: dict[str, NodeState] = {}
    folder = history_dir(context)
    if not folder.is_dir():
        return states
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for unique_id, node in data.get("nodes", {}).items():
            states[unique_id] = NodeState.from_json(unique_id, node)
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


def _read(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def load_runs(context: RunContext, team: str) -> list[RunRecord]:
    """The team's recorded builds in this environment, oldest first."""
    data = _read(history_dir(context) / f"{team}.json")
    return [RunRecord.from_json(run) for run in data.get("runs", [])]


def record(
    context: RunContext, team: str, states: list[NodeState], run: RunRecord | None = None
) -> Path:
    """Merge `states` into the team's history file, and append `run` (written atomically)."""
    folder = history_dir(context)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{team}.json"
    existing = _read(path)
    nodes = dict(existing.get("nodes", {}))
    for state in states:
        if state.status == "skipped":  # a skipped node keeps the state of its last real run
            continue
        nodes[state.unique_id] = state.to_json()
    runs = list(existing.get("runs", []))
    if run is not None:
        runs = [*runs, run.to_json()][-KEPT_RUNS:]
    payload = {"team": team, "nodes": dict(sorted(nodes.items())), "runs": runs}
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{team}.", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(payload, out, indent=1)
    Path(tmp).replace(path)
    return path
