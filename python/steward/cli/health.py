"""`steward health`: is every data product within its SLA right now?"""

from __future__ import annotations

import argparse
import datetime as dt

from steward.cli.cost import add_source_options
from steward.cli.options import add_examples, add_options, emit
from steward.errors import UserError
from steward.teambuild.context import RunContext, find_project_dir


def _time(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "health",
        help="every data product against its SLA: age, last build, tests, row counts, foreign writes",
        description=(
            "Judge every data product (public model) from the run history in the ops "
            "tables: its age against its SLA freshness (contract, else meta.sla, else "
            "sla.freshness_hours of platform/config/), its last build's status, its tests' "
            "last results, its last load's row count against its own history (median and "
            "MAD; anomaly.row_count_change_pct) and writes by anyone but its team "
            "(`steward audit`). Each product in breach gets an alert for its team (channel "
            "from platform/teams.yml) in the ops table `alerts`, posted to the webhook "
            "that alerts.webhook_env names when it is set. Exit 0 healthy, 1 on a breach, "
            "2 when there is no history."
        ),
    )
    parser.add_argument(
        "--as-of", type=_time, metavar="YYYY-MM-DD[THH:MM]", help="judge ages as of this time (UTC)"
    )
    parser.add_argument(
        "--no-audit",
        action="store_true",
        help="skip the foreign-write audit (it reads every table's history)",
    )
    add_source_options(parser)
    add_options(
        parser,
        formats=("text", "json", "prometheus"),
        output=True,
        format_purposes={
            "prometheus": "the Prometheus text format (node_exporter's textfile collector)"
        },
    )
    add_examples(
        parser,
        "steward health                                  # production, now",
        "steward health --env staging --format json",
        "steward health --format prometheus --output /var/lib/node_exporter/steward.prom",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from steward.ops.health_writers import WRITERS
    from steward.ops.healthcheck import check_health

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
    report = check_health(context, args.as_of, audit=not args.no_audit)
    emit(WRITERS[args.format](report), args.output)
    return 0 if report.healthy else 1
