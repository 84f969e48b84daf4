"""`steward grants`: Unity Catalog GRANT statements from the registry."""

from __future__ import annotations

import argparse
import sys

from steward.access import render_grants
from steward.access.grants import grants
from steward.cli.options import add_examples, add_options, emit, project_root
from steward.errors import UserError
from steward.project import load_project


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grants",
        help="print Unity Catalog GRANTs from the registry",
        description=(
            "Print the Unity Catalog GRANT statements of an environment: every team uses the "
            "catalog; each team gets USE SCHEMA, CREATE TABLE, MODIFY and SELECT on its own "
            "namespaces; every other team gets SELECT on the public data products. Nothing "
            "else is granted, so nobody else writes."
        ),
    )
    add_options(parser, output=True, positional_project=True)
    parser.add_argument("--env", default="prod", help="environment (default prod)")
    parser.add_argument(
        "--catalog", help="the catalog (default: the project name, `<name>_<env>` off prod)"
    )
    add_examples(
        parser,
        "steward grants                                  # production",
        "steward grants --env staging --output grants.sql",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    project = load_project(project_root(args))
    if project.registry is None:
        raise UserError("no platform/teams.yml: grants come from the registry")
    env = args.env.lower()
    emit(render_grants(project, env, args.catalog), args.output)
    count = len(grants(project, env, args.catalog or None))
    public = sum(1 for n in project.models if n.access == "public")
    print(
        f"steward grants: {count} GRANT(s) for {len(project.registry.teams)} team(s) and "
        f"{public} public model(s), environment {env}",
        file=sys.stderr,
    )
    return 0
