"""`steward impact`: what a change breaks downstream, for a pull request."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

from steward.cli.options import add_examples, add_options, emit, project_root

if TYPE_CHECKING:
    from steward.impact.compare import ProjectState
    from steward.impact.model import Impact

FORMATS = ("markdown", "json")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "impact",
        help="what a change breaks downstream: models, columns, teams, exposures",
        description="Compares the project at git REF with the working tree semantically "
        "(sqlglot's diff and column lineage, not text): models added, removed or changed; "
        "columns added, removed, renamed, retyped or changed; then everything downstream, "
        "to the column, by owning team with its contact, and the exposures reached. "
        "What it compared goes to stderr. Exit 0; 1 when a model does not render (in the "
        "working tree or at REF), or with --fail-on breaking when a removed, renamed or "
        "retyped column (or a removed model) is used by another team or an exposure; 2 on "
        "bad input.",
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
    add_examples(
        parser,
        "steward impact --base origin/main                     # the report, for a PR comment",
        "steward impact --base origin/main --fail-on breaking  # the CI check",
        "steward impact --base main --format json --output impact.json",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from steward.cli.rendered import report_unrendered, require_nodes
    from steward.git import checkout
    from steward.impact import analyse, impact
    from steward.impact.writers import WRITERS
    from steward.project import load_project
    from steward.render import render_project

    root = project_root(args)
    project = load_project(root)
    require_nodes(project, "compare")
    head = analyse(render_project(project))
    with checkout(root, args.base) as base_root:
        base = analyse(render_project(load_project(base_root)))
    result = impact(base, head, args.base)
    text = WRITERS[args.format](result)
    emit(text if text.endswith("\n") else text + "\n", args.output)
    print(f"steward impact: {compared(base, head, result, args.base)}", file=sys.stderr)
    unrendered = max(
        report_unrendered(head.rendered, "this impact"),
        report_unrendered(base.rendered, "this impact", at=args.base),
    )
    breaking = 1 if args.fail_on == "breaking" and result.is_breaking else 0
    return max(unrendered, breaking)


def compared(base: ProjectState, head: ProjectState, result: Impact, ref: str) -> str:
    """`compared 29 models at main with 30 in the working tree: 1 added, 2 changed`."""

    def models(state: ProjectState) -> int:
        return sum(1 for n in state.rendered.nodes.values() if n.node.resource_type == "model")

    changes = Counter(change.change for change in result.changes)
    counted = ", ".join(f"{n} {kind}" for kind, n in sorted(changes.items())) or "no change"
    return (
        f"compared {models(base)} models at {ref} with {models(head)} in the working tree: "
        f"{counted}; {len(result.teams)} team(s) and {len(result.exposures)} exposure(s) reached"
    )
