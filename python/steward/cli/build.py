"""`steward build`: a team's dbt build (or every team's, in dependency order)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from dataclasses import asdict
from pathlib import Path

from steward.cli.options import add_examples, add_options
from steward.errors import UserError
from steward.teambuild.context import TARGETS, RunContext, find_project_dir
from steward.teambuild.order import BuildPlan
from steward.teambuild.runner import build_teams, check_ready


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build",
        help="run a team's dbt build (models and tests), or every team's in dependency order",
        description=(
            "Run `dbt build` for exactly one team's models and their tests (its dbt group), "
            "or with --all for every team, producers before consumers. Before a team builds, "
            "every other team's product it reads is checked in the run history: built "
            "successfully, within its SLA (meta.sla.max_build_age_hours, default 26 h), tests "
            "passed. Models that read an unhealthy product are skipped, with the producer "
            "named; the rest build. Exit 0 when everything that ran passed, 1 on a failure."
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
        "--full-checks",
        action="store_true",
        help="every data test checks its whole table, not just the rows in its model's "
        "incremental window that this run may have written (run it on a schedule)",
    )
    parser.add_argument(
        "--ignore-upstream",
        action="store_true",
        help="build models even when an upstream product is unhealthy (logged)",
    )
    parser.add_argument(
        "--parallel",
        nargs="?",
        type=int,
        const=0,
        default=None,
        metavar="N",
        help="with --all on the cluster target: build teams at the same time where the team "
        "graph allows, each in a process of its own (at most N at once; default every team "
        "that is ready)",
    )
    parser.add_argument(
        "--lakehouse", type=Path, help="where a local run keeps its tables (default .lakehouse/)"
    )
    parser.add_argument("--landing", type=Path, help="the landing files (default data/landing/)")
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD[THH:MM]",
        help="replay old or synthetic data as of this time (UTC): the contracts' freshness "
        "SLAs are measured against it, not against now (the demo: 2026-03-31)",
    )
    add_options(
        parser,
        formats=("text", "json"),
        help_texts={"--format": "the summary at the end (dbt's own progress is text)"},
        format_purposes={"text": "a line a team, on stderr", "json": "one JSON document"},
    )
    add_examples(
        parser,
        "steward build --team electra                  # electra's models and their tests",
        "steward build --team electra --env dev        # ... into dev_* namespaces",
        "steward build --all --as-of 2026-03-31T06:00  # every team, producers first",
        "steward build --all --full-checks             # ... every test on whole tables",
        "steward build --all --target cluster --parallel  # independent teams at once",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    context = RunContext(
        project_dir=find_project_dir(args.project_dir),
        target=args.target,
        env=args.env,
        lakehouse_dir=args.lakehouse,
        landing_dir=args.landing,
        as_of=args.as_of,
        full_checks=args.full_checks,
    )
    refuse_local_options(args)
    plan = BuildPlan.load(context.project_dir)
    if args.all:
        teams = plan.order()
    else:
        plan.check_team(args.team)
        teams = [args.team]
    if args.parallel is not None and not args.all:
        raise UserError("--parallel builds several teams at once: use it with --all")
    if args.parallel is not None and args.target == "local":
        raise UserError(
            "--parallel needs --target cluster: the embedded target's metastore allows one "
            "Spark process at a time"
        )
    check_ready(context)
    extra = ["--full-refresh"] if args.full_refresh else []
    # With --format json stdout is the summary's alone: dbt's progress goes to stderr.
    progress = contextlib.redirect_stdout(sys.stderr) if args.format == "json" else None
    with progress or contextlib.nullcontext():
        if args.parallel is not None:
            from steward.teambuild.parallel import build_in_parallel

            runs = build_in_parallel(
                context,
                teams,
                extra,
                ignore_upstream=args.ignore_upstream,
                plan=plan,
                max_parallel=args.parallel or None,
            )
        else:
            runs = build_teams(
                context, teams, extra, ignore_upstream=args.ignore_upstream, plan=plan
            )
    if args.format == "json":
        print(json.dumps({"teams": [asdict(run) for run in runs]}, indent=2))
    else:
        print(
            "\nsteward build: " + ("order " + " -> ".join(teams) if len(teams) > 1 else teams[0]),
            file=sys.stderr,
        )
        for team_run in runs:
            print("  " + team_run.summary(), file=sys.stderr)
    return 0 if all(r.success for r in runs) else 1


def refuse_local_options(args: argparse.Namespace) -> None:
    """`--lakehouse` is where a local run keeps its tables: on the cluster it would be
    ignored."""
    if args.target != "local" and args.lakehouse is not None:
        raise UserError(
            f"--lakehouse is the local target's folder; --target {args.target} keeps its "
            "tables on the server: leave out --lakehouse (or use --target local)"
        )
