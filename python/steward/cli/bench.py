"""`steward bench`: benchmarks that print figures and ratios measured in one run."""

from __future__ import annotations

import argparse
from pathlib import Path

from steward.bench import pipeline
from steward.cli.options import add_examples, add_options, add_subcommands
from steward.errors import UserError
from steward.teambuild.context import find_project_dir

SQLFLUFF_SAMPLE = 40
FIGURES = {"--output": "where the figures are written as JSON (default %(default)s)"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="benchmarks (figures and ratios, measured in one run)",
        description="Benchmarks that print figures and ratios measured in one process.",
    )
    add_examples(
        parser,
        "steward bench pipeline --days 4 --rows-per-day 500000  # make bench",
        "steward bench lint                                     # make bench-lint",
    )
    commands = add_subcommands(parser, "bench")
    p = commands.add_parser(
        "pipeline",
        help="the platform's daily runs at scale, against a plain Spark append",
        description=pipeline.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--days",
        type=int,
        default=4,
        help="days to replay (default %(default)s; >= 3 for the ratio)",
    )
    p.add_argument(
        "--rows-per-day", type=int, default=500_000, help="readings per day (default %(default)s)"
    )
    p.add_argument("--seed", type=int, default=42, help="generator seed (default %(default)s)")
    p.add_argument(
        "--work-dir",
        type=Path,
        help="where the temporary data and lakehouse go (default: system temp)",
    )
    add_options(p, output=Path("bench-results/pipeline.json"), help_texts=FIGURES)
    add_examples(
        p,
        "steward bench pipeline                        # 4 days at the brief's scale",
        "steward bench pipeline --days 3 --rows-per-day 20000 --work-dir /tmp/bench",
    )
    p.set_defaults(handler=run_pipeline)

    lint = commands.add_parser(
        "lint",
        help="the lint gate on a generated 1,000-model project, against sqlfluff",
        description=(__import__("steward.bench.lint", fromlist=["run"]).__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lint.add_argument(
        "--models",
        type=int,
        default=1000,
        help="models of the generated project (default %(default)s)",
    )
    lint.add_argument("--seed", type=int, default=7, help="generator seed (default %(default)s)")
    lint.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each steward command; the median is reported (default %(default)s)",
    )
    lint.add_argument(
        "--sqlfluff-sample",
        type=int,
        default=None,
        metavar="N",
        help=f"files sqlfluff lints, extrapolated to all (default {SQLFLUFF_SAMPLE})",
    )
    lint.add_argument(
        "--sqlfluff-all",
        action="store_true",
        help="sqlfluff lints every file (minutes), nothing extrapolated",
    )
    lint.add_argument(
        "--work-dir", type=Path, help="where the generated project goes (default: system temp)"
    )
    add_options(
        lint,
        output=Path("bench-results/lint.json"),
        help_texts={
            **FIGURES,
            "--project-dir": "the reference project (default: found from the current folder)",
        },
    )
    add_examples(
        lint,
        "steward bench lint                      # 1,000 models, sqlfluff on a sample",
        "steward bench lint --models 200 --sqlfluff-all",
    )
    lint.set_defaults(handler=run_lint)

    docs = commands.add_parser(
        "docs",
        help="the discovery site on a generated 10,000-model, 200,000-column project",
        description=(__import__("steward.bench.docs", fromlist=["run"]).__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    docs.add_argument("--models", type=int, default=10_000, help="models (default %(default)s)")
    docs.add_argument(
        "--columns", type=int, default=20, help="documented columns a model (default %(default)s)"
    )
    docs.add_argument("--seed", type=int, default=7, help="generator seed (default %(default)s)")
    docs.add_argument(
        "--work-dir", type=Path, help="where the generated project goes (default: system temp)"
    )
    add_options(docs, project_dir=False, output=Path("bench-results/docs.json"), help_texts=FIGURES)
    add_examples(
        docs,
        "steward bench docs                      # 10,000 models, 200,000 columns",
        "steward bench docs --models 1000        # the same shape, ten times smaller",
    )
    docs.set_defaults(handler=run_docs)


def run_lint(args: argparse.Namespace) -> int:
    from steward.bench import lint

    if args.models < 10 or args.repeat < 1:
        raise UserError("--models must be at least 10 and --repeat at least 1")
    if args.sqlfluff_all and args.sqlfluff_sample is not None:
        raise UserError(
            "--sqlfluff-all lints every file, so --sqlfluff-sample would be ignored: give one"
        )
    try:
        project_dir: Path | None = find_project_dir(args.project_dir)
    except UserError:
        project_dir = None
    sample = args.sqlfluff_sample if args.sqlfluff_sample is not None else SQLFLUFF_SAMPLE
    sample = 0 if args.sqlfluff_all else sample
    result = lint.run(project_dir, args.models, args.seed, args.repeat, sample, args.work_dir)
    print(lint.report(result))
    lint.save(result, args.output)
    print(f"figures written to {args.output}")
    return 0


def run_docs(args: argparse.Namespace) -> int:
    from steward.bench import docs

    if args.models < 10 or args.columns < 2:
        raise UserError("--models must be at least 10 and --columns at least 2")
    result = docs.run(args.models, args.columns, args.seed, args.work_dir)
    print(docs.report(result))
    docs.save(result, args.output)
    print(f"figures written to {args.output}")
    return 0


def run_pipeline(args: argparse.Namespace) -> int:
    from steward.data.volume import check_rows_per_day

    if args.days < 1:
        raise UserError("--days must be at least 1")
    check_rows_per_day(args.rows_per_day)
    project_dir = find_project_dir(args.project_dir)
    result = pipeline.run(project_dir, args.days, args.rows_per_day, args.seed, args.work_dir)
    print(pipeline.report(result))
    pipeline.save(result, args.output)
    print(f"figures written to {args.output}")
    return 0 if all(team.success for day in result.days for team in day.teams) else 1
