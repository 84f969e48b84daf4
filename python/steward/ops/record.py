"""Record one team build in the ops tables, after dbt finished.

dbt's run_results.json is the source of the node and test results (read back from the
target folder and checked to be this invocation's; the in-memory results of the same
invocation stand in when another run overwrote the file). Spark's event log gives the
metrics per node. Three statements a build (node rows, upstream decisions, the
invocation), appended for a build just run; the invocation row is written last, so a
history that has it has the rest.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from steward.ops import tables
from steward.ops.events import UNATTRIBUTED, EventLogCursor, NodeMetrics, node_metrics
from steward.ops.sql import SparkConnection
from steward.ops.store import OpsStore

MESSAGE_LIMIT = 2000


@dataclass(frozen=True)
class Decision:
    """The upstream check's verdict on one product a team reads."""

    product: str
    producer: str
    decision: str  # ok | skipped | ignored
    reason: str | None
    consumers: tuple[str, ...]


@dataclass(frozen=True)
class Build:
    """What `steward build` knows of one team's dbt invocation."""

    invocation_id: str
    team: str
    env: str
    target: str
    git_sha: str
    started_at: datetime
    finished_at: datetime
    success: bool
    statuses: Mapping[str, int]
    skipped_upstream: tuple[str, ...]
    decisions: tuple[Decision, ...] = ()


def _time(text: Any) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def run_results(project_dir: Path, invocation_id: str, result: Any) -> list[dict[str, Any]]:
    """The `results` of run_results.json of `invocation_id`."""
    target = Path(os.environ.get("DBT_TARGET_PATH") or project_dir / "target")
    if not target.is_absolute():
        target = project_dir / target
    path = target / "run_results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("metadata", {}).get("invocation_id") == invocation_id:
            return list(data.get("results") or [])
    except (OSError, ValueError):
        pass
    return [r.to_dict(omit_none=False) for r in getattr(result, "results", None) or []]


def _resource_type(unique_id: str) -> str:
    return unique_id.split(".", 1)[0]


def node_rows(
    build: Build, results: Sequence[Mapping[str, Any]], manifest: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The node_results rows of one invocation's run_results (tests with their model)."""
    nodes = manifest.get("nodes", {})
    rows = []
    for result in results:
        unique_id = str(result["unique_id"])
        timing = {t.get("name"): t for t in result.get("timing") or []}
        execute = timing.get("execute") or {}
        compile_ = timing.get("compile") or {}
        started = _time(compile_.get("started_at") or execute.get("started_at"))
        finished = _time(execute.get("completed_at")) or build.finished_at
        message = result.get("message")
        message = str(message)[:MESSAGE_LIMIT] if message is not None else None
        response = result.get("adapter_response") or {}
        rows_affected = response.get("rows_affected")
        row: dict[str, Any] = {
            "invocation_id": build.invocation_id,
            "team": build.team,
            "unique_id": unique_id,
            "resource_type": _resource_type(unique_id),
            "relation": result.get("relation_name"),
            "status": str(result.get("status")),
            "started_at": started,
            "finished_at": finished,
            "execution_seconds": result.get("execution_time"),
            "rows_affected": rows_affected
            if isinstance(rows_affected, int) and rows_affected >= 0
            else None,
            "message": message,
        }
        if row["resource_type"] in ("test", "unit_test"):
            node = nodes.get(unique_id) or {}
            parents = (node.get("depends_on") or {}).get("nodes") or []
            failures = result.get("failures")
            row["tested_node"] = node.get("attached_node") or (parents[0] if parents else None)
            row["failures"] = failures if isinstance(failures, int) else None
        rows.append(row)
    return rows


def add_metrics(
    build: Build, rows: list[dict[str, Any]], metrics: Mapping[str, NodeMetrics]
) -> list[dict[str, Any]]:
    """`rows` with each node's Spark metrics; the work no node claims as one more row."""
    by_node = {row["unique_id"]: row for row in rows}
    for node, measured in metrics.items():
        row = by_node.get(node)
        if row is None:
            row = {
                "invocation_id": build.invocation_id,
                "team": build.team,
                "unique_id": node if node != UNATTRIBUTED else tables.UNATTRIBUTED_NODE,
                "resource_type": "unattributed" if node == UNATTRIBUTED else _resource_type(node),
                "status": "n/a",
                "started_at": build.started_at,
                "finished_at": build.finished_at,
            }
            rows.append(row)
        row.update(measured.as_row())
    return rows


def record_build(
    store: OpsStore,
    build: Build,
    results: Sequence[Mapping[str, Any]],
    manifest: Mapping[str, Any],
    cursor: EventLogCursor | None = None,
    new: bool = False,
) -> list[dict[str, Any]]:
    """Write every ops row of `build` (idempotent: MERGE on the invocation id); returns
    its node rows. `new`: the build is one this process just ran, recorded here for the
    first time, so its rows are appended (`OpsStore.write`)."""
    return record_builds(store, [(build, results)], manifest, cursor, new)[0]


def record_builds(
    store: OpsStore,
    builds: Sequence[tuple[Build, Sequence[Mapping[str, Any]]]],
    manifest: Mapping[str, Any],
    cursor: EventLogCursor | None = None,
    new: bool = False,
) -> list[list[dict[str, Any]]]:
    """Write the ops rows of the team builds of one dbt invocation, each with its own
    results (one build a team: `steward build --all` builds every team in one invocation),
    three statements in all; returns each build's node rows. The Spark work no node
    claims is shared between the builds by their nodes' executor run time."""
    connection = getattr(store.connection, "connection", None)
    spark = connection.spark if isinstance(connection, SparkConnection) else None
    per_build = [node_rows(build, results, manifest) for build, results in builds]
    if cursor is not None and builds:
        if spark is None:  # a Thrift Server's log: other teams' builds share it
            cursor.settle()
        measured = node_metrics(cursor.read(spark), builds[0][0].invocation_id)
        own = [{row["unique_id"] for row in rows} for rows in per_build]
        if spark is None:
            # Its jobs carry no invocation id, only dbt's query comment with the node: keep
            # this build's own nodes; work no node claims cannot be told apart by team.
            measured = {node: m for node, m in measured.items() if any(node in o for o in own)}
        shares = share_unattributed(measured, own)
        per_build = [
            add_metrics(build, rows, share)
            for (build, _), rows, share in zip(builds, per_build, shares, strict=True)
        ]
    store.write(tables.NODE_RESULTS, [row for rows in per_build for row in rows], new=new)
    store.write(
        tables.UPSTREAM_DECISIONS,
        [
            {
                "invocation_id": build.invocation_id,
                "team": build.team,
                "product": d.product,
                "producer": d.producer,
                "decision": d.decision,
                "reason": d.reason,
                "consumers": json.dumps(list(d.consumers)),
                "decided_at": build.started_at,
            }
            for build, _ in builds
            for d in build.decisions
        ],
        new=new,
    )
    store.write(
        tables.INVOCATIONS,
        [
            {
                "invocation_id": build.invocation_id,
                "team": build.team,
                "env": build.env,
                "target": build.target,
                "git_sha": build.git_sha,
                "started_at": build.started_at,
                "finished_at": build.finished_at,
                "status": "success" if build.success else "failed",
                "statuses": json.dumps(dict(sorted(build.statuses.items()))),
                "skipped_upstream": json.dumps(list(build.skipped_upstream)),
                "event_log": str(cursor.path) if cursor else None,
            }
            for build, _ in builds
        ],
        new=new,
    )
    return per_build


def share_unattributed(
    measured: Mapping[str, NodeMetrics], own: Sequence[set[str]]
) -> list[dict[str, NodeMetrics]]:
    """`measured` split between builds whose nodes are `own`: each its nodes' metrics, and
    a share of the work no node claims in proportion to its nodes' executor run time (all
    of it when there is one build; evenly when no node ran a task). Peak memory is a
    maximum, so each share keeps it."""
    if len(own) == 1:
        return [dict(measured)]
    split: list[dict[str, NodeMetrics]] = [
        {node: m for node, m in measured.items() if node in nodes} for nodes in own
    ]
    shared = measured.get(UNATTRIBUTED)
    if shared is None or not own:
        return split
    weights = [sum(m.executor_run_time_ms for m in part.values()) for part in split]
    total = sum(weights)
    if total == 0:
        weights, total = [1] * len(own), len(own)
    for part, weight in zip(split, weights, strict=True):
        if weight == 0:
            continue
        share = NodeMetrics(UNATTRIBUTED, peak_memory_bytes=shared.peak_memory_bytes)
        for name in (f.name for f in fields(NodeMetrics)):
            if name not in ("unique_id", "peak_memory_bytes"):
                setattr(share, name, getattr(shared, name) * weight // total)
        part[UNATTRIBUTED] = share
    return split


def _reason(exc: BaseException) -> str:
    """The error in a line or two (a Py4J error's Java exception, not its stack)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    java = next((line for line in lines if "Exception:" in line), None)
    return (java or (lines[0] if lines else type(exc).__name__))[:600]


def warn(what: str, exc: BaseException) -> None:
    """A failure to record never fails the build; it is said loudly."""
    print(
        f"steward: WARNING: {what}: {type(exc).__name__}: {_reason(exc)}\n"
        "steward: WARNING: the build's result stands, but the run history (ops tables) "
        "misses it: the upstream check, `steward promote`, cost and health will not see it",
        file=sys.stderr,
        flush=True,
    )
