"""`steward graph`: the dependency graph of models, sources and exposures, or of teams."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from steward.cli.options import add_options, emit, project_root
from steward.errors import UserError

FORMATS = ("text", "json", "dot", "mermaid")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "graph",
        help="the dependency graph of models, sources, exposures and teams",
        description="The graph of models, seeds, snapshots, sources and exposures, with "
        "edges from ref(), source(), exposures and relations named directly in SQL "
        "(marked hard-coded). --teams aggregates it to teams; --order prints the team "
        "build order, producers first. Exit 0, or 1 when there is a cycle (DEP001).",
    )
    parser.add_argument("--teams", action="store_true", help="the team graph")
    parser.add_argument(
        "--order", action="store_true", help="the team build order, producers first (text or json)"
    )
    add_options(parser, formats=FORMATS, output=True)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from steward.graph import build_graph
    from steward.graph.writers import NODE_WRITERS, ORDER_WRITERS, TEAM_WRITERS
    from steward.project import load_project
    from steward.render import render_project

    if args.order and args.format not in ORDER_WRITERS:
        raise UserError(f"--order prints a list; use --format {' or '.join(ORDER_WRITERS)}")
    graph = build_graph(render_project(load_project(project_root(args))))
    for problem in graph.problems:
        print(f"steward: warning: {problem}", file=sys.stderr)
    if args.order:
        emit(ORDER_WRITERS[args.format](graph.team_order()), args.output)
        return 0
    writers = TEAM_WRITERS if args.teams else NODE_WRITERS
    emit(writers[args.format](graph), args.output)
    cycles = [c for c in graph.cycles() if c.kind == "team" or not args.teams]
    return 1 if cycles else 0
