"""`steward promote`: build a team in production only if the same commit passed in staging."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

from steward.cli.options import add_examples, add_options
from steward.errors import UserError
from steward.teambuild.context import TARGETS, RunContext, find_project_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "promote",
        help="build a team in prod only if the same commit's staging build and tests passed",
        description=(
            "The promotion gate. Looks up the team's builds in the run history of the "
            "--from environment (each recorded with its git commit): the latest build of the "
            "commit checked out here (STEWARD_GIT_SHA or GITHUB_SHA when set) must have "
            "succeeded, tests included, without skipping models for an unhealthy upstream. "
            "Then the team is built in the --to environment, as `steward build` does. "
            "Otherwise nothing is built. Exit 0 when promoted and built, 1 when refused "
            "(naming the build found, or that there is none) or when the build fails, "
            "2 on bad input."
        ),
    )
    parser.add_argument("--team", required=True, help="the team id of platform/teams.yml")
    parser.add_argument("--from", dest="source", default="staging", help="default staging")
    parser.add_argument("--to", dest="target_env", default="prod", help="default prod")
    parser.add_argument(
        "--target", choices=TARGETS, default="local", help="local (default) or cluster"
    )
    parser.add_argument("--lakehouse", type=Path, help="a local run's tables and history")
    parser.add_argument("--landing", type=Path, help="the landing files (default data/landing/)")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD[THH:MM]", help="as `steward build`")
    add_options(parser, formats=("text", "json"), help_texts={"--format": "the summary"})
    add_examples(
        parser,
        "steward build --team electra --env staging          # first: the commit in staging",
        "steward promote --team electra --from staging --to prod",
        "steward promote --team electra --format json   # in CI (GITHUB_SHA names the commit)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from steward.guard.metadata import git_sha
    from steward.teambuild import history
    from steward.teambuild.order import BuildPlan
    from steward.teambuild.promote import decide
    from steward.teambuild.runner import build_teams, check_ready
    from steward.teambuild.settings import prepare

    if args.source == args.target_env:
        raise UserError(f"--from and --to are both {args.source}: promote between two environments")
    context = RunContext(
        project_dir=find_project_dir(args.project_dir),
        target=args.target,
        env=args.target_env,
        lakehouse_dir=args.lakehouse,
        landing_dir=args.landing,
        as_of=args.as_of,
    )
    plan = BuildPlan.load(context.project_dir)
    plan.check_team(args.team)
    source = prepare(replace(context, env=args.source), plan, [args.team])
    context = prepare(context, plan, [args.team])
    sha = git_sha(context.project_dir)
    decision = decide(history.load_runs(source, args.team), sha, args.team, str(source.env))
    verdict = "promoting" if decision.allowed else "refused"
    print(f"steward promote: {verdict}: {decision.reason}", file=sys.stderr, flush=True)
    runs = []
    if decision.allowed:
        check_ready(context)
        runs = build_teams(context, [args.team], plan=plan)
    if args.format == "json":
        payload = {
            "team": args.team,
            "from": source.env,
            "to": context.env,
            "git_sha": sha,
            "allowed": decision.allowed,
            "reason": decision.reason,
            "teams": [asdict(team_run) for team_run in runs],
        }
        print(json.dumps(payload, indent=2))
    for team_run in runs:
        print(f"steward promote: {context.env}: {team_run.summary()}", file=sys.stderr)
    return 0 if decision.allowed and all(r.success for r in runs) else 1
