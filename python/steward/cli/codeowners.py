"""`steward codeowners`: write .github/CODEOWNERS from the registry (or check it)."""

from __future__ import annotations

import argparse
import sys

from steward.access import CODEOWNERS_PATH, codeowners, stale_line
from steward.cli.options import add_examples, add_options, project_root
from steward.errors import UserError
from steward.project import load_project


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "codeowners",
        help="write .github/CODEOWNERS from the registry",
        description=(
            "Write .github/CODEOWNERS so that a change under a team's folders "
            "(models/<layer>/<team>/, contracts/<team>/, platform/config/teams/<team>.yml) "
            "needs that team's review, and everything else the central team's. With --check, "
            "write nothing and exit 1 when the committed file is missing or stale."
        ),
    )
    add_options(parser, positional_project=True)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    add_examples(
        parser,
        "steward codeowners           # write .github/CODEOWNERS",
        "steward codeowners --check   # CI: exit 1 when it is missing or stale",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    project = load_project(project_root(args))
    if project.registry is None:
        raise UserError("no platform/teams.yml: CODEOWNERS comes from the registry")
    expected = codeowners(project)
    target = project.root / CODEOWNERS_PATH
    committed = target.read_text(encoding="utf-8") if target.is_file() else None
    line = stale_line(committed, expected)
    if args.check:
        if line is None:
            print(f"{CODEOWNERS_PATH} is up to date", file=sys.stderr)
            return 0
        what = "missing" if committed is None else f"stale from line {line}"
        print(f"{CODEOWNERS_PATH} is {what}; run `steward codeowners`", file=sys.stderr)
        return 1
    if line is None:
        print(f"{CODEOWNERS_PATH} is up to date", file=sys.stderr)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(expected, encoding="utf-8")
    print(f"wrote {CODEOWNERS_PATH}", file=sys.stderr)
    return 0
