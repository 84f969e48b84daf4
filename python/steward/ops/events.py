"""Spark metrics per dbt node, from Spark's event log.

The profile's local target writes the event log (`spark.eventLog.enabled`, one JSON
document a line, under the lakehouse's `eventlog/`). The steward_spark adapter sets two
local properties before each statement it sends (`steward.node`, `steward.invocation`),
which Spark copies into the properties of every job the statement starts. So a task's
metrics belong to its stage, the stage to its job, and the job to a dbt node. Where the
properties are missing (a Thrift Server, whose jobs carry the statement text as their
description), dbt's query comment (`"node_id": "..."`) in the text names the node.

A build reads only what the log gained during the build (from the offset it had at the
start), so the cost is proportional to the build, not to the log.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

NODE_PROPERTY = "steward.node"
INVOCATION_PROPERTY = "steward.invocation"
UNATTRIBUTED = "unattributed"
"""Work of an invocation no node claims (dbt's own introspection between nodes)."""
_NODE_IN_COMMENT = re.compile(r'"node_id":\s*"([^"]+)"')


@dataclass
class NodeMetrics:
    unique_id: str
    tasks: int = 0
    executor_run_time_ms: int = 0
    executor_cpu_time_ms: int = 0
    bytes_read: int = 0
    bytes_written: int = 0
    records_written: int = 0
    shuffle_read_bytes: int = 0
    shuffle_write_bytes: int = 0
    peak_memory_bytes: int = 0

    def add_task(self, metrics: Mapping[str, Any]) -> None:
        self.tasks += 1
        self.executor_run_time_ms += int(metrics.get("Executor Run Time", 0))
        self.executor_cpu_time_ms += int(metrics.get("Executor CPU Time", 0)) // 1_000_000
        self.bytes_read += int((metrics.get("Input Metrics") or {}).get("Bytes Read", 0))
        output = metrics.get("Output Metrics") or {}
        self.bytes_written += int(output.get("Bytes Written", 0))
        self.records_written += int(output.get("Records Written", 0))
        shuffle_read = metrics.get("Shuffle Read Metrics") or {}
        self.shuffle_read_bytes += int(shuffle_read.get("Remote Bytes Read", 0)) + int(
            shuffle_read.get("Local Bytes Read", 0)
        )
        shuffle_write = metrics.get("Shuffle Write Metrics") or {}
        self.shuffle_write_bytes += int(shuffle_write.get("Shuffle Bytes Written", 0))
        self.peak_memory_bytes = max(
            self.peak_memory_bytes, int(metrics.get("Peak Execution Memory", 0))
        )

    def as_row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _node_of(properties: Mapping[str, Any], descriptions: Mapping[str, str]) -> str | None:
    node = properties.get(NODE_PROPERTY)
    if node:
        return str(node)
    texts = [str(properties.get("spark.job.description") or "")]
    execution = properties.get("spark.sql.execution.id")
    if execution is not None:
        texts.append(descriptions.get(str(execution), ""))
    for text in texts:
        found = _NODE_IN_COMMENT.search(text)
        if found:
            return found.group(1)
    return None


def node_metrics(
    events: Iterable[Mapping[str, Any]], invocation_id: str | None
) -> dict[str, NodeMetrics]:
    """The metrics of every node of `invocation_id` (None: of every job in `events`),
    summed over its tasks; work of the invocation no node claims is `UNATTRIBUTED`."""
    descriptions: dict[str, str] = {}
    stage_node: dict[int, str] = {}
    result: dict[str, NodeMetrics] = {}
    for event in events:
        kind = str(event.get("Event", ""))
        if kind.endswith("SparkListenerSQLExecutionStart"):
            descriptions[str(event.get("executionId"))] = " ".join(
                str(event.get(key) or "") for key in ("description", "details")
            )
        elif kind == "SparkListenerJobStart":
            properties = event.get("Properties") or {}
            owner = properties.get(INVOCATION_PROPERTY)
            if invocation_id is not None and owner is not None and owner != invocation_id:
                continue
            node = _node_of(properties, descriptions) or UNATTRIBUTED
            for stage in event.get("Stage IDs") or ():
                stage_node.setdefault(int(stage), node)
        elif kind == "SparkListenerTaskEnd":
            owner_node = stage_node.get(int(event.get("Stage ID", -1)))
            metrics = event.get("Task Metrics")
            if owner_node is None or not metrics:
                continue
            result.setdefault(owner_node, NodeMetrics(owner_node)).add_task(metrics)
    return result


@dataclass
class EventLogCursor:
    """Where this process's event log file is, and how much of it was there before."""

    path: Path
    offset: int

    @classmethod
    def open(cls, spark: Any) -> EventLogCursor | None:
        """The cursor at the current end of the session's event log (None: no log)."""
        conf = spark.sparkContext.getConf()
        if conf.get("spark.eventLog.enabled", "false").lower() != "true":
            return None
        folder = Path(conf.get("spark.eventLog.dir", "").removeprefix("file:"))
        app = spark.sparkContext.applicationId
        candidates = sorted(folder.glob(f"{app}*")) if folder.is_dir() else []
        if not candidates:
            return None
        path = candidates[0]
        return cls(path, path.stat().st_size)

    @classmethod
    def open_on_server(cls, connection: Any) -> EventLogCursor | None:
        """The cursor at the current end of a Thrift Server's event log, found by asking
        the server (`SET spark.eventLog.dir`, `SET spark.app.id`); None where it keeps no
        log or keeps it where this machine cannot read it (a remote cluster's storage)."""
        settings = {}
        for key in ("spark.eventLog.enabled", "spark.eventLog.dir", "spark.app.id"):
            rows = connection.query(f"SET {key}")
            settings[key] = str(rows[0].get("value", "")) if rows else ""
        if settings["spark.eventLog.enabled"].lower() != "true" or not settings["spark.app.id"]:
            return None
        folder = Path(settings["spark.eventLog.dir"].removeprefix("file://").removeprefix("file:"))
        candidates = sorted(folder.glob(f"{settings['spark.app.id']}*")) if folder.is_dir() else []
        if not candidates:
            return None
        return cls(candidates[0], candidates[0].stat().st_size)

    def settle(self, quiet_seconds: float = 1.0, limit_seconds: float = 10.0) -> None:
        """Wait until a server's log has stopped growing for `quiet_seconds` (its listener
        writes the build's last events a moment after the last statement returns)."""
        deadline = time.monotonic() + limit_seconds
        size, since = self._size(), time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - since < quiet_seconds:
            time.sleep(0.2)
            now = self._size()
            if now != size:
                size, since = now, time.monotonic()

    def _size(self) -> int:
        for path in (self.path, self.path.with_suffix("")):
            with contextlib.suppress(OSError):
                return path.stat().st_size
        return -1

    def read(self, spark: Any | None = None) -> list[dict[str, Any]]:
        """The events written since the cursor was opened (after Spark's listener bus has
        delivered everything queued, so the build's last tasks are in)."""
        if spark is not None:
            with contextlib.suppress(Exception):  # an older Spark: what is flushed so far
                spark.sparkContext._jsc.sc().listenerBus().waitUntilEmpty(30_000)
        path = self.path
        if not path.exists() and path.suffix == ".inprogress":
            path = path.with_suffix("")
        with path.open("rb") as handle:
            handle.seek(self.offset)
            data = handle.read()
        # only whole lines: a line still being written waits for the next read
        complete = data[: data.rfind(b"\n") + 1]
        events = []
        for line in complete.splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
        return events
