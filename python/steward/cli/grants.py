"""`steward grants`: Unity Catalog GRANT statements from the registry."""

from __future__ import annotations

import argparse
from pathlib import Path

from steward.access import render_grants
from steward.errors import UserError
from steward.project import find_project_root, load_project


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
    parser.add_argument("project", nargs="?", type=Path, help="the dbt project (default: here)")
    parser.add_argument("--env", default="prod", help="environment (default prod)")
    parser.add_argument(
        "--catalog", help="the catalog (default: the project name, `<name>_<env>` off prod)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    project = load_project(find_project_root(args.project or Path.cwd()))
    if project.registry is None:
        raise UserError("no platform/teams.yml: grants come from the registry")
    print(render_grants(project, args.env.lower(), args.catalog), end="")
    return 0
