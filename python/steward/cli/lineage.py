"""`steward lineage`: where a column comes from and what depends on it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from steward.cli.options import add_examples, add_options, emit, project_root
from steward.errors import UserError

FORMATS = ("text", "json", "mermaid", "dot")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lineage",
        help="column lineage: where a column comes from, and what depends on it",
        description="Column lineage from the rendered SQL (sqlglot): through CTEs, joins, "
        "aggregates, window functions, select * and unions. Without --upstream or "
        "--downstream, shows the node's columns (or the column) with their direct inputs "
        "and the columns it uses in filters, joins, group by and window partitions. "
        "Exit 0, 1 when a model it needs does not render, 2 on bad input (an unknown "
        "model or column).",
    )
    parser.add_argument(
        "target",
        metavar="MODEL[.COLUMN]",
        help="a model, seed, snapshot, source (source_name.table) or "
        "exposure name, optionally with a column",
    )
    direction = parser.add_mutually_exclusive_group()
    direction.add_argument(
        "--upstream",
        action="store_true",
        help="everything it is computed from, down to the sources",
    )
    direction.add_argument(
        "--downstream",
        action="store_true",
        help="everything computed from it or using it, and the exposures reached",
    )
    parser.add_argument(
        "--depth",
        type=int,
        default=None,
        metavar="N",
        help="with --upstream or --downstream: follow at most N steps",
    )
    add_options(parser, formats=FORMATS, output=True)
    add_examples(
        parser,
        "steward lineage silver_dutchgrid__readings            # its columns, inputs, uses",
        "steward lineage gold_regulatory_reporting__lu_dashboard.kwh_per_meter --upstream",
        "steward lineage silver_platform__meters.meter_id --downstream --format json",
    )
    parser.set_defaults(handler=run)


def parse_target(lineage: Any, target: str) -> tuple[str, str | None]:
    """`model` or `model.column` (a source is `source_name.table[.column]`)."""
    graph = lineage.graph
    try:
        return graph.resolve(target), None
    except UserError:
        if "." not in target:
            raise
    name, column = target.rsplit(".", 1)
    unique_id = graph.resolve(name)
    column = column.lower()
    if graph.nodes[unique_id].resource_type == "exposure":
        raise UserError(f"`{name}` is an exposure: it has no columns")
    known = lineage.columns_of(unique_id)
    if column not in known and lineage.column_exists(unique_id, column) is False:
        listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        raise UserError(
            f"`{graph.nodes[unique_id].label}` has no column `{column}`"
            + (f" (columns: {listed})" if listed else "")
        )
    return unique_id, column


def run(args: argparse.Namespace) -> int:
    from steward.cli.rendered import report_unrendered
    from steward.lineage import DOWNSTREAM, UPSTREAM, ColumnRef, model_refs, project_lineage
    from steward.lineage.trace import Trace, trace
    from steward.lineage.writers import DESCRIBE_WRITERS, TRACE_WRITERS
    from steward.project import load_project
    from steward.render import render_project

    if args.depth is not None and not (args.upstream or args.downstream):
        raise UserError(
            "--depth limits --upstream or --downstream; without them lineage shows one step "
            "each way: add one, or leave out --depth"
        )
    if args.depth is not None and args.depth < 1:
        raise UserError("--depth must be at least 1")
    rendered = render_project(load_project(project_root(args)))
    lineage = project_lineage(rendered)
    unique_id, column = parse_target(lineage, args.target)
    roots = (ColumnRef(unique_id, column),) if column else model_refs(lineage, unique_id)
    # Upstream needs only what the node is computed from; any other view needs every
    # node, since one that does not render may read this one.
    needed = lineage.graph.ancestors(unique_id) | {unique_id} if args.upstream else None
    if args.upstream or args.downstream:
        direction = UPSTREAM if args.upstream else DOWNSTREAM
        result = trace(lineage, roots, direction, args.depth)
        emit(TRACE_WRITERS[args.format](lineage, result), args.output)
    else:
        up = trace(lineage, roots, UPSTREAM, 1)
        down = trace(lineage, roots, DOWNSTREAM, 1)
        result = Trace(roots, DOWNSTREAM, tuple(dict.fromkeys((*up.edges, *down.edges))))
        if args.format in DESCRIBE_WRITERS:
            emit(DESCRIBE_WRITERS[args.format](lineage, unique_id, column), args.output)
        else:
            emit(TRACE_WRITERS[args.format](lineage, result), args.output)
    print(
        f"steward lineage: {len(result.edges)} column edge(s) through {len(result.nodes)} "
        f"of the project's {len(lineage.graph.nodes)} nodes",
        file=sys.stderr,
    )
    return report_unrendered(rendered, "this lineage", only=needed)
