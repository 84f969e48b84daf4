"""`steward build`: a team's dbt build (or every team's, in dependency order)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from steward.build.context import TARGETS, RunContext, find_project_dir
from steward.build.order import build_order, team_graph
from steward.build.runner import build_teams, check_ready, parse_manifest
from steward.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build",
        help="run a team's dbt build (models and tests), or every team's in dependency order",
        description=(
            "Run `dbt build` for exactly one team's models and their tests (its dbt group), "
            "or with --all for every team, producers before consumers. A team whose producer "
            "failed is skipped. Exit 0 when everything passed, 1 on a failure."
        ),
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--team", help="the team id of platform/teams.yml")
    who.add_argument("--all", action="store_true", help="every team, in dependency order")
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="local",
        help="local: embedded Spark + Delta (default); cluster: the Spark Thrift Server",
    )
    parser.add_argument(
        "--env",
        help="environment (prod, staging, dev, ...): relations of any "
        "environment but prod get the prefix <env>_; default prod on local, dev on cluster",
    )
    parser.add_argument(
        "--full-refresh", action="store_true", help="rebuild incremental models from scratch"
    )
    parser.add_argument(
        "--project-dir", type=Path, help="the dbt project (default: found from the current folder)"
    )
    parser.add_argument(
        "--lakehouse", type=Path, help="where a local run keeps its tables (default .lakehouse/)"
    )
    parser.add_argument("--landing", type=Path, help="the landing files (default data/landing/)")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="the summary at the end"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    context = RunContext(
        project_dir=find_project_dir(args.project_dir),
        target=args.target,
        env=args.env,
        lakehouse_dir=args.lakehouse,
        landing_dir=args.landing,
    )
    check_ready(context)
    graph = team_graph(parse_manifest(context))
    if args.all:
        teams = build_order(graph)
    else:
        if args.team not in graph:
            known = ", ".join(sorted(graph)) or "none"
            raise UserError(f"team '{args.team}' has no models in this project (teams: {known})")
        teams = [args.team]
    extra = ["--full-refresh"] if args.full_refresh else []
    runs = build_teams(context, teams, extra)
    if args.format == "json":
        print(json.dumps({"teams": [run.__dict__ for run in runs]}, indent=2))
    else:
        print(
            "\nsteward build: " + ("order " + " -> ".join(teams) if len(teams) > 1 else teams[0]),
            file=sys.stderr,
        )
        for team_run in runs:
            print("  " + team_run.summary(), file=sys.stderr)
    return 0 if all(r.success for r in runs) else 1
