"""`steward cluster up|down|status`: a Spark standalone cluster with a shared metastore on
127.0.0.1, the `cluster` target's stand-in for a real one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from steward.cli.options import add_examples, add_options, add_subcommands, emit
from steward.guard.export import export_for_server, server_envs
from steward.lakehouse import cluster, thrift
from steward.teambuild.context import find_project_dir

_FOLDER = (
    "the cluster's folder: PostgreSQL data, warehouse, event log, logs and cluster.json "
    "(default .lakehouse-cluster/ in the project)"
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "cluster",
        help="start, stop or inspect a local Spark standalone cluster for --target cluster",
        description=(
            "A Spark standalone master and N workers, a Spark Thrift Server that runs its "
            "work on them (with Delta Lake), and a Hive metastore in PostgreSQL that "
            "survives restarts and that several Spark applications can share. Everything "
            "listens on 127.0.0.1 only and runs detached until `steward cluster down`. "
            "Spark's event log goes to eventlog/ in the cluster's folder. Needs Java 17, "
            "Debian's postgresql and the jars of `steward setup`."
        ),
    )
    add_examples(
        parser,
        "steward cluster up --workers 2",
        "steward cluster status --format json",
        "steward cluster down",
    )
    commands = add_subcommands(parser, "cluster")

    start = commands.add_parser(
        "up",
        help="start PostgreSQL, the master, the workers and the Thrift Server",
        description=(
            "Start the cluster and wait until the Thrift Server takes sessions; print the "
            "variables the `cluster` target reads. Already up: says so, exit 0. A part that "
            "fails to start stops what had started (nothing is left running) and exits 2 "
            "with the reason and its log."
        ),
    )
    start.add_argument(
        "--workers",
        type=int,
        default=cluster.DEFAULT_WORKERS,
        help="number of workers (default %(default)s)",
    )
    start.add_argument(
        "--worker-cores",
        type=int,
        default=cluster.DEFAULT_WORKER_CORES,
        help="cores per worker (default %(default)s)",
    )
    start.add_argument(
        "--worker-memory",
        default=cluster.DEFAULT_WORKER_MEMORY,
        help="memory per worker (default %(default)s)",
    )
    start.add_argument(
        "--port",
        type=int,
        default=cluster.DEFAULT_THRIFT_PORT,
        help="the Thrift Server's port (default %(default)s)",
    )
    start.add_argument(
        "--master-port",
        type=int,
        default=cluster.DEFAULT_MASTER_PORT,
        help="the master's port (default %(default)s)",
    )
    start.add_argument(
        "--master-ui-port",
        type=int,
        default=cluster.DEFAULT_MASTER_UI_PORT,
        help="the master's web UI port (default %(default)s)",
    )
    start.add_argument(
        "--postgres-port",
        type=int,
        default=cluster.DEFAULT_POSTGRES_PORT,
        help="PostgreSQL's port (default %(default)s)",
    )
    start.add_argument(
        "--driver-memory",
        default=thrift.DEFAULT_DRIVER_MEMORY,
        help="the Thrift Server's heap (default %(default)s)",
    )
    start.add_argument(
        "--timeout",
        type=float,
        default=thrift.DEFAULT_STARTUP_TIMEOUT,
        help="seconds each part may take to start (default %(default).0f)",
    )
    start.add_argument(
        "--env",
        action="append",
        help="the environment whose namespaces the engine guard lets each team write; "
        "repeat it for each environment the cluster serves (default STEWARD_ENV, else dev, "
        "as the cluster target's builds)",
    )
    start.add_argument("--folder", type=Path, default=cluster.DEFAULT_FOLDER, help=_FOLDER)
    add_options(start, formats=("text", "json"))
    add_examples(
        start,
        "steward cluster up",
        "steward cluster up --workers 3 --worker-memory 3g --port 10001",
        "steward cluster up --env dev --env staging",
    )
    start.set_defaults(handler=run_up)

    stop = commands.add_parser(
        "down",
        help="stop everything `cluster up` started (the data stay)",
        description="SIGTERM each process (SIGKILL after 30 s), then stop PostgreSQL. The "
        "warehouse, the metastore and the event log stay for the next `up`.",
    )
    stop.add_argument("--folder", type=Path, default=cluster.DEFAULT_FOLDER, help=_FOLDER)
    add_options(stop)
    add_examples(stop, "steward cluster down", "steward cluster down --folder /srv/steward-cluster")
    stop.set_defaults(handler=run_down)

    show = commands.add_parser(
        "status",
        help="what runs where, and since when",
        description="Each part of the cluster: running or not, pid, address, since when, "
        "its log; the master's live workers. Exit 0 when everything runs, 1 when a part is "
        "down or no cluster was started.",
    )
    show.add_argument("--folder", type=Path, default=cluster.DEFAULT_FOLDER, help=_FOLDER)
    add_options(show, formats=("text", "json"), output=True)
    add_examples(show, "steward cluster status", "steward cluster status --format json")
    show.set_defaults(handler=run_status)


def _folder(args: argparse.Namespace) -> tuple[Path, Path]:
    project_dir = find_project_dir(args.project_dir)
    folder = args.folder if args.folder.is_absolute() else project_dir / args.folder
    return project_dir, folder


def run_up(args: argparse.Namespace) -> int:
    project_dir, folder = _folder(args)
    envs = server_envs(args.env)
    cluster_jars = cluster.cluster_jars(project_dir)
    before = cluster.read_state(folder.resolve())
    was_down = (
        [p.name for p in before.processes if not p.is_running()] if before is not None else []
    )

    def progress(message: str) -> None:
        print(f"steward cluster up: {message} ...", file=sys.stderr, flush=True)

    registry_file = None if before is not None else export_for_server(project_dir, folder, envs)
    state = cluster.up(
        folder,
        cluster_jars,
        guard_registry=registry_file,
        workers=args.workers,
        thrift_port=args.port,
        master_port=args.master_port,
        master_ui_port=args.master_ui_port,
        postgres_port=args.postgres_port,
        worker_cores=args.worker_cores,
        worker_memory=args.worker_memory,
        driver_memory=args.driver_memory,
        log4j=project_dir / "profiles" / "log4j2.properties",
        timeout=args.timeout,
        progress=progress,
    )
    already = before is not None and before.started_at == state.started_at
    if args.format == "json":
        document = {"already_running": already, "restarted": was_down, **state.to_json()}
        print(json.dumps(document, indent=2))
        return 0
    exports = "\n".join(f"  export {k}={v}" for k, v in state.environment().items())
    guard = (
        f"engine guard: on, each session's team from its user (registry {state.guard_registry})"
        if state.guard_registry
        else "engine guard: off (no platform/teams.yml)"
    )
    if was_down:
        print(f"restarted what was down: {', '.join(was_down)}")
    print(
        f"cluster {'already ' if already else ''}up in {state.folder}: master {state.master_url} "
        f"({state.workers} worker(s)), Thrift Server {state.thrift_host}:{state.thrift_port}, "
        f"metastore PostgreSQL {thrift.HOST}:{state.postgres_port}\n{guard}\n\n"
        f"For the cluster target:\n{exports}\n"
        "  steward build --target cluster --all\n\n"
        "Stop it with: steward cluster down"
    )
    return 0


def run_down(args: argparse.Namespace) -> int:
    _, folder = _folder(args)
    stopped = cluster.down(folder)
    if stopped:
        print(f"stopped: {', '.join(stopped)} (the data stay in {folder.resolve()})")
    else:
        print(f"no cluster runs in {folder.resolve()}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    _, folder = _folder(args)
    state, rows = cluster.status(folder)
    healthy = state is not None and all(row.running for row in rows)
    if state is not None and rows:
        master = next((r for r in rows if r.name == "master"), None)
        if master is not None and master.running:
            healthy = healthy and cluster.alive_workers(state.master_ui) >= state.workers
    if args.format == "json":
        document = {
            "folder": str(folder.resolve()),
            "up": healthy,
            "cluster": state.to_json() if state else None,
            "components": [row.__dict__ for row in rows],
        }
        emit(json.dumps(document, indent=2) + "\n", args.output)
        return 0 if healthy else 1
    if state is None:
        emit(f"no cluster was started in {folder.resolve()} (steward cluster up)\n", args.output)
        return 1
    lines = [
        f"cluster in {state.folder}, started {state.started_at}: {'up' if healthy else 'NOT fully up'}"
    ]
    for row in rows:
        mark = "running" if row.running else "DOWN"
        lines.append(
            f"  {row.name:<14} {mark:<8} pid {row.pid or '-':<8} {row.address:<22} "
            f"since {row.since or '-'}  {row.detail}".rstrip()
        )
        if not row.running:
            lines.append(f"  {'':<14} log: {row.log}")
    emit("\n".join(lines) + "\n", args.output)
    return 0 if healthy else 1
