"""`steward audit`: every commit on a governed table that no guarded run of its owner made."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from steward.audit import collect_history, governed_schemas, judge
from steward.cli.build import refuse_local_options
from steward.cli.options import add_examples, add_options
from steward.errors import UserError
from steward.lakehouse.java import check_java
from steward.project.registry import read_registry
from steward.teambuild.context import TARGETS, RunContext, find_project_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="list commits on governed tables without steward's metadata or by a non-owner",
        description=(
            "Read DESCRIBE HISTORY of every Delta table in the governed namespaces "
            "(<prefix><layer>_<team> of platform/teams.yml) and list each commit that lacks "
            "steward's commit metadata (written outside a guarded dbt run) or was written by "
            "a team that does not own the table. Exit 0 when there is none, 1 when there is."
        ),
    )
    parser.add_argument("--env", help="environment (default prod on local, dev on cluster)")
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="local",
        help="local: the embedded lakehouse (default); cluster: Thrift Server",
    )
    add_options(
        parser,
        formats=("text", "json"),
        format_purposes={"text": "a line a finding, the counts on stderr"},
    )
    parser.add_argument(
        "--since",
        type=_timestamp,
        help="only commits from then on: YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS' "
        "(the time zone of DESCRIBE HISTORY, UTC here)",
    )
    parser.add_argument(
        "--lakehouse", type=Path, help="where a local run keeps its tables (default .lakehouse/)"
    )
    parser.add_argument("--landing", type=Path, help="the landing files (default data/landing/)")
    add_examples(
        parser,
        "steward audit                                 # the local lakehouse, prod",
        "steward audit --env dev --since 2026-03-28    # dev, from a date on",
        "steward audit --target cluster --format json  # the Thrift Server, for a script",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    refuse_local_options(args)
    project_dir = find_project_dir(args.project_dir)
    registry, _ = read_registry(project_dir)
    if registry is None:
        raise UserError("no platform/teams.yml: the audit needs the registry to know the owners")
    env = args.env or ("prod" if args.target == "local" else "dev")
    context = RunContext(
        project_dir=project_dir,
        target=args.target,
        env=env,
        lakehouse_dir=args.lakehouse,
        landing_dir=args.landing,
    )
    if context.target == "local":
        check_java()
        if not context.lakehouse.is_dir():
            raise UserError(
                "no lakehouse here: build first (steward build) or pass --lakehouse",
                path=context.lakehouse,
            )
    owners = governed_schemas(registry, env)
    commits, tables = collect_history(context, owners)
    report = judge(commits, owners, env, tables, args.since)
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=2))
    else:
        for finding in report.findings:
            print(
                f"{finding.table} version {finding.version} ({finding.timestamp}, "
                f"{finding.operation}, owner {finding.owner}): {finding.problem}"
            )
        print(
            f"steward audit ({env}): {report.tables} tables, {report.commits} commits, "
            f"{len(report.findings)} findings",
            file=sys.stderr,
        )
    return report.exit_code


def _timestamp(text: str) -> str:
    try:
        return dt.datetime.fromisoformat(text.strip()).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date or time (YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS')"
        ) from None
