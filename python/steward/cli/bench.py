"""`steward bench`: benchmarks that print figures and ratios measured in one run."""

from __future__ import annotations

import argparse
from pathlib import Path

from steward.bench import pipeline
from steward.cli.options import add_examples, add_options, add_subcommands
from steward.errors import UserError
from steward.teambuild.context import find_project_dir

SQLFLUFF_SAMPLE = 100
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

    from steward.bench import cluster as cluster_bench

    cl = commands.add_parser(
        "cluster",
        help="six teams' build on the standalone cluster: sequential, parallel, embedded",
        description=cluster_bench.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cl.add_argument(
        "--rows-per-day",
        type=int,
        default=500_000,
        help="readings of the day (default %(default)s)",
    )
    cl.add_argument("--workers", type=int, default=2, help="cluster workers (default %(default)s)")
    cl.add_argument("--seed", type=int, default=7, help="generator seed (default %(default)s)")
    cl.add_argument(
        "--work-dir", type=Path, help="data, lakehouse, cluster and logs (default: system temp)"
    )
    add_options(cl, output=Path("bench-results/cluster.json"), help_texts=FIGURES)
    add_examples(
        cl,
        "steward bench cluster                          # 500,000 rows, 2 workers",
        "steward bench cluster --rows-per-day 20000 --work-dir /tmp/bench-cluster",
    )
    cl.set_defaults(handler=run_cluster)

    lint = commands.add_parser(
        "lint",
        help="the lint gate on the reference project scaled to 1,000 models, against sqlfluff",
        description=(__import__("steward.bench.lint", fromlist=["run"]).__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lint.add_argument(
        "--models",
        type=int,
        default=1000,
        help="models of the scaled reference project and the generated one (default %(default)s)",
    )
    lint.add_argument(
        "--no-synthetic",
        action="store_true",
        help="skip the generated project (no contracts) of earlier runs",
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
        "steward bench lint                      # ~1,000 models, sqlfluff on 100 files",
        "steward bench lint --models 200 --sqlfluff-all --no-synthetic",
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

    ops = commands.add_parser(
        "ops",
        help="the overhead of run history and metrics capture on a team's build",
        description=(__import__("steward.ops.bench", fromlist=["run"]).__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ops.add_argument("--team", default="platform", help="the team built (default %(default)s)")
    ops.add_argument("--days", type=int, default=2, help="days of data (default %(default)s)")
    ops.add_argument(
        "--rows-per-day", type=int, default=20_000, help="readings per day (default %(default)s)"
    )
    ops.add_argument("--repeat", type=int, default=2, help="pairs of builds (default %(default)s)")
    ops.add_argument(
        "--work-dir", type=Path, help="where the data and lakehouse go (default: temp)"
    )
    add_options(ops, output=Path("bench-results/ops.json"), help_texts=FIGURES)
    add_examples(
        ops,
        "steward bench ops                       # platform, 2 days at 20,000 rows a day",
        "steward bench ops --team electra --repeat 3",
    )
    ops.set_defaults(handler=run_ops)


def run_cluster(args: argparse.Namespace) -> int:
    from steward.bench import cluster as cluster_bench

    project_dir = find_project_dir(args.project_dir)
    if args.rows_per_day < 1 or args.workers < 1:
        raise UserError("--rows-per-day and --workers must be positive")
    result = cluster_bench.run(
        project_dir, args.rows_per_day, args.seed, args.work_dir, args.workers
    )
    print(cluster_bench.report(result))
    cluster_bench.save(result, args.output)
    print(f"figures written to {args.output}")
    return 0 if not result.tables_differing else 1


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
    result = lint.run(
        project_dir,
        args.models,
        args.seed,
        args.repeat,
        sample,
        args.work_dir,
        synthetic=not args.no_synthetic,
    )
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


def run_ops(args: argparse.Namespace) -> int:
    from steward.ops import bench

    if args.repeat < 1 or args.days < 1:
        raise UserError("--repeat and --days must be at least 1")
    result = bench.run(
        find_project_dir(args.project_dir),
        args.team,
        args.rows_per_day,
        args.days,
        args.repeat,
        args.work_dir,
    )
    print(bench.report(result))
    bench.save(result, args.output)
    print(f"figures written to {args.output}")
    return 0
