"""`steward cost`: per-team chargeback from the run history's Spark metrics and storage."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from steward.cli.options import add_examples, add_options, emit
from steward.errors import UserError
from steward.teambuild.context import TARGETS, RunContext, find_project_dir


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a day: use YYYY-MM-DD") from None


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """Where a report reads the ops tables: target, environment, lakehouse."""
    parser.add_argument(
        "--target", choices=TARGETS, default="local", help="local (default) or cluster"
    )
    parser.add_argument(
        "--env",
        help="the environment whose ops tables are read (default prod on local, dev on cluster)",
    )
    parser.add_argument("--lakehouse", type=Path, help="a local run's tables (default .lakehouse/)")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cost",
        help="per-team chargeback: compute (core-hours) and storage (GB-months) in money",
        description=(
            "Charge each team for the Spark work of the nodes it built (executor run time "
            "from Spark's event log, in the ops tables) and for the storage of its tables "
            "(DESCRIBE DETAIL, measured now and kept with the earlier measurements), at the "
            "rates of `cost.rates` in platform/config/. A product other teams read moves its "
            "cost to them by `cost.shared_policy`: central (producer pays), proportional "
            "(split by the consumers' bytes read) or even. The report says where its data "
            "came from and checks that the allocations add up to 100 % of the measured cost. "
            "Exit 0; 2 when the history, the metrics or a rate is missing."
        ),
    )
    today = dt.datetime.now(dt.timezone.utc).date()
    parser.add_argument(
        "--since",
        type=_day,
        default=today - dt.timedelta(days=7),
        help="first day (default a week ago)",
    )
    parser.add_argument(
        "--until",
        type=_day,
        default=today + dt.timedelta(days=1),
        help="the day after the last (excluded; default tomorrow, so today counts)",
    )
    parser.add_argument(
        "--policy",
        choices=("central", "proportional", "even"),
        help="allocate shared products by this policy instead of the configured one",
    )
    add_source_options(parser)
    add_options(
        parser,
        formats=("text", "csv", "json", "html"),
        output=True,
        format_purposes={
            "csv": "one row per charge",
            "html": "a report with a stacked chart per team and day",
        },
    )
    add_examples(
        parser,
        "steward cost                                   # the last seven days, per team",
        "steward cost --since 2026-03-23 --until 2026-03-30 --format html --output cost.html",
        "steward cost --env staging --policy even --format json",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from steward.ops.chargeback import chargeback
    from steward.ops.cost_writers import WRITERS

    if args.until <= args.since:
        raise UserError(f"--until {args.until} is not after --since {args.since}")
    if args.target != "local" and args.lakehouse is not None:
        raise UserError(
            "--lakehouse is the local target's folder: leave it out with --target cluster"
        )
    context = RunContext(
        project_dir=find_project_dir(args.project_dir),
        target=args.target,
        env=args.env,
        lakehouse_dir=args.lakehouse,
    )
    report, provenance = chargeback(context, args.since, args.until, args.policy)
    emit(WRITERS[args.format](report, provenance), args.output)
    return 0
