"""`steward thrift-server`: a local Spark Thrift Server for `steward build --target cluster`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from steward.cli.options import add_examples, add_options
from steward.guard import export
from steward.lakehouse import jars, thrift
from steward.teambuild.context import find_project_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "thrift-server",
        help="run a local Spark Thrift Server (the shared cluster's stand-in) for --target cluster",
        description=(
            "Start a Spark Thrift Server in the foreground: pyspark's own Spark with Delta "
            "Lake, listening on 127.0.0.1 only, its warehouse, metastore and log in the "
            "lakehouse folder. It stands in for the shared cluster that the `cluster` target "
            "of profiles/profiles.yml talks to: once it is ready, export the printed "
            "STEWARD_THRIFT_HOST and STEWARD_THRIFT_PORT in another shell and run "
            "`steward build --target cluster ...` there. Ctrl-C stops the server. "
            "Needs Java 17 and the Delta jars of `steward setup`. "
            "Exit 0 after Ctrl-C, 1 if the server stops by itself, 2 if it cannot start."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=10000, help="the port on 127.0.0.1 to listen on (default 10000)"
    )
    parser.add_argument(
        "--lakehouse",
        type=Path,
        default=Path(".lakehouse-cluster"),
        help="the server's folder: warehouse, metastore, temporary files and thriftserver.log "
        "(default .lakehouse-cluster/ in the project; kept apart from the local target's)",
    )
    parser.add_argument(
        "--driver-memory",
        default=thrift.DEFAULT_DRIVER_MEMORY,
        help=f"the server JVM's heap (default {thrift.DEFAULT_DRIVER_MEMORY})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=thrift.DEFAULT_STARTUP_TIMEOUT,
        help="seconds to wait for the server to accept sessions (default %(default).0f)",
    )
    parser.add_argument(
        "--env",
        action="append",
        help="the environment whose namespaces the engine guard lets each team write; a "
        "session's team is its user's in platform/teams.yml; repeat it for each environment "
        "(default STEWARD_ENV, else dev)",
    )
    add_options(parser)
    add_examples(
        parser,
        "steward thrift-server --port 10000 --lakehouse .lakehouse-cluster",
        "steward thrift-server --port 10001 --driver-memory 4g --timeout 180",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    project_dir = find_project_dir(args.project_dir)
    lakehouse = args.lakehouse if args.lakehouse.is_absolute() else project_dir / args.lakehouse
    envs = export.server_envs(args.env)
    server_jars = jars.thrift_server_jars(jars.default_cache_dir(project_dir))
    registry_file = export.export_for_server(project_dir, lakehouse, envs)
    guard_conf = export.server_conf(registry_file) if registry_file is not None else {}
    if registry_file is not None:
        server_jars.append(export.JAR)
    print(
        f"steward thrift-server: starting on {thrift.HOST}:{args.port} "
        f"(lakehouse {lakehouse}, log {lakehouse / thrift.LOG_NAME}) ...",
        file=sys.stderr,
        flush=True,
    )
    with thrift.running_thrift_server(
        lakehouse,
        args.port,
        server_jars,
        log4j=project_dir / "profiles" / "log4j2.properties",
        driver_memory=args.driver_memory,
        timeout=args.timeout,
        conf_overrides=guard_conf,
    ) as server:
        exports = "\n".join(
            f"  export {name}={value}" for name, value in server.environment().items()
        )
        try:
            print(
                f"Spark Thrift Server ready on {server.host}:{server.port} (pid {server.pid})\n"
                f"log: {server.log}\n\n"
                f"In another shell:\n{exports}\n"
                "  steward build --target cluster --all   # env defaults to dev on cluster\n\n"
                "Ctrl-C stops the server.",
                flush=True,
            )
            code = server.process.wait()
        except KeyboardInterrupt:
            print("\nsteward thrift-server: stopping ...", file=sys.stderr, flush=True)
            return 0
    print(
        f"steward thrift-server: the server stopped by itself (exit code {code}); see {server.log}",
        file=sys.stderr,
    )
    return 1
