"""`steward impact`: what a change breaks downstream, for a pull request."""

from __future__ import annotations

import argparse
from typing import Any

from steward.cli.options import add_options, emit, project_root

FORMATS = ("markdown", "json")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "impact",
        help="what a change breaks downstream: models, columns, teams, exposures",
        description="Compares the project at git REF with the working tree semantically "
        "(sqlglot's diff and column lineage, not text): models added, removed or changed; "
        "columns added, removed, renamed, retyped or changed; then everything downstream, "
        "to the column, by owning team with its contact, and the exposures reached. "
        "Exit 0, or 1 with --fail-on breaking when a removed, renamed or retyped column "
        "(or a removed model) is used by another team or an exposure.",
    )
    parser.add_argument(
        "--base",
        required=True,
        metavar="REF",
        help="the git revision to compare with (a branch, tag or commit)",
    )
    parser.add_argument(
        "--fail-on", choices=("breaking",), default=None, help="exit 1 when the change is breaking"
    )
    add_options(parser, formats=FORMATS, output=True)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from steward.git import checkout
    from steward.impact import analyse, impact
    from steward.impact.writers import WRITERS
    from steward.project import load_project
    from steward.render import render_project

    root = project_root(args)
    head = analyse(render_project(load_project(root)))
    with checkout(root, args.base) as base_root:
        base = analyse(render_project(load_project(base_root)))
    result = impact(base, head, args.base)
    text = WRITERS[args.format](result)
    emit(text if text.endswith("\n") else text + "\n", args.output)
    return 1 if args.fail_on == "breaking" and result.is_breaking else 0
