"""OpenLineage run events of each team build, through openlineage-python's file
transport (one JSON event a line), so a Marquez or DataHub can ingest them: a START and a
COMPLETE (or FAIL) event per invocation, job `<team>.build` in the namespace of the
environment, the tables the build wrote as outputs and the other teams' products it read
as inputs. The run id is the dbt invocation id (a UUID); where one invocation built
several teams (`steward build --all` on the embedded target), each team's run has its own
id, derived from the invocation's and the team, and names the invocation's run (job
`build`) as its parent."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from steward.ops.record import Build
from steward.teambuild.context import RunContext

PRODUCER = "https://github.com/gridunion/steward"


def events_file(context: RunContext) -> Path:
    """Where a run's events are appended: the lakehouse's (local) or the project's target
    folder (cluster)."""
    if context.target == "local":
        return context.lakehouse / "openlineage" / "events.jsonl"
    return context.project_dir / "target" / "openlineage" / "events.jsonl"


def emit_build(
    context: RunContext,
    build: Build,
    node_rows: Sequence[Mapping[str, Any]],
    manifest: Mapping[str, Any],
    shared: bool = False,
) -> Path:
    """The START and COMPLETE/FAIL events of `build`; `shared`: its invocation built
    other teams too."""
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import (
        InputDataset,
        Job,
        OutputDataset,
        Run,
        RunEvent,
        RunState,
    )
    from openlineage.client.transport.file import FileConfig, FileTransport

    path = events_file(context)
    path.parent.mkdir(parents=True, exist_ok=True)
    client = OpenLineageClient(transport=FileTransport(FileConfig(str(path), append=True)))
    namespace = f"steward://{context.target}/{build.env}"
    job = Job(namespace=namespace, name=f"{build.team}.build")
    if shared:
        from openlineage.client.facet_v2 import parent_run

        parent = parent_run.ParentRunFacet(
            run=parent_run.Run(runId=build.invocation_id),
            job=parent_run.Job(namespace=namespace, name="build"),
        )
        run = Run(runId=team_run_id(build.invocation_id, build.team), facets={"parent": parent})
    else:
        run = Run(runId=build.invocation_id)
    outputs = [
        OutputDataset(namespace=namespace, name=str(row["relation"]))
        for row in node_rows
        if row.get("relation")
        and row.get("resource_type") == "model"
        and row["status"] == "success"
    ]
    inputs = [
        InputDataset(namespace=namespace, name=str(relation))
        for decision in build.decisions
        if (
            relation := (manifest.get("nodes", {}).get(decision.product) or {}).get("relation_name")
        )
    ]

    def at(when: dt.datetime) -> str:
        return when.astimezone(dt.timezone.utc).isoformat()

    client.emit(
        RunEvent(
            eventTime=at(build.started_at),
            producer=PRODUCER,
            run=run,
            job=job,
            eventType=RunState.START,
            inputs=inputs,
        )
    )
    client.emit(
        RunEvent(
            eventTime=at(build.finished_at),
            producer=PRODUCER,
            run=run,
            job=job,
            eventType=RunState.COMPLETE if build.success else RunState.FAIL,
            inputs=inputs,
            outputs=outputs,
        )
    )
    return path


def team_run_id(invocation_id: str, team: str) -> str:
    """The run id of `team`'s part of an invocation that built several teams: a UUID of
    the invocation's and the team (the same every time it is derived)."""
    try:
        base = uuid.UUID(invocation_id)
    except ValueError:
        base = uuid.uuid5(uuid.NAMESPACE_URL, invocation_id)
    return str(uuid.uuid5(base, team))
