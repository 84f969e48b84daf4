"""`steward graph`: the dependency graph of models, sources and exposures, or of teams."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

from steward.cli.options import add_examples, add_options, emit, project_root
from steward.errors import UserError

if TYPE_CHECKING:
    from steward.graph import DependencyGraph

FORMATS = ("text", "json", "dot", "mermaid")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "graph",
        help="the dependency graph of models, sources, exposures and teams",
        description="The graph of models, seeds, snapshots, sources and exposures, with "
        "edges from ref(), source(), exposures and relations named directly in SQL "
        "(marked hard-coded). --teams aggregates it to teams; --order prints the team "
        "build order, producers first. What it covers goes to stderr. Exit 0, 1 when "
        "there is a cycle (DEP001) or a model does not render, 2 on bad input.",
    )
    parser.add_argument("--teams", action="store_true", help="the team graph")
    parser.add_argument(
        "--order", action="store_true", help="the team build order, producers first (text or json)"
    )
    add_options(parser, formats=FORMATS, output=True)
    add_examples(
        parser,
        "steward graph                           # every node with what it reads",
        "steward graph --teams --format mermaid  # who depends on whom, for a README",
        "steward graph --order                   # the team build order, producers first",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from steward.cli.rendered import report_unrendered, require_nodes
    from steward.graph import build_graph
    from steward.graph.writers import NODE_WRITERS, ORDER_WRITERS, TEAM_WRITERS
    from steward.project import load_project
    from steward.render import render_project

    if args.order and args.teams:
        raise UserError("--order prints the team build order and --teams the team graph; give one")
    if args.order and args.format not in ORDER_WRITERS:
        raise UserError(f"--order prints a list; use --format {' or '.join(ORDER_WRITERS)}")
    project = load_project(project_root(args))
    require_nodes(project, "graph")
    rendered = render_project(project)
    graph = build_graph(rendered)
    for problem in graph.problems:
        print(f"steward: warning: {problem}", file=sys.stderr)
    if args.order:
        emit(ORDER_WRITERS[args.format](graph.team_order()), args.output)
        code = 0
    else:
        writers = TEAM_WRITERS if args.teams else NODE_WRITERS
        emit(writers[args.format](graph), args.output)
        cycles = [c for c in graph.cycles() if c.kind == "team" or not args.teams]
        code = 1 if cycles else 0
    print(f"steward graph: {covered(graph)}", file=sys.stderr)
    return max(code, report_unrendered(rendered, "the graph"))


def covered(graph: DependencyGraph) -> str:
    """What the graph holds: `29 models, 6 sources, 2 exposures and 40 edges of 6 teams`."""
    kinds = Counter(node.resource_type for node in graph.nodes.values())
    parts = [f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in kinds.items()]
    teams = {node.team for node in graph.nodes.values() if node.team is not None}
    return f"{', '.join(parts)} and {len(graph.edges)} edges, of {len(teams)} team(s)"
