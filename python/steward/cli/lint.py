"""`steward lint`: the CI gate on SQL pull requests."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward.cli.options import add_examples, add_options, emit
from steward.errors import UserError
from steward.findings import FORMATS, WRITERS

if TYPE_CHECKING:
    from steward.project.model import Project


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="render and parse every model and macro and run the platform rules",
        description="The CI gate: renders every model (both is_incremental() branches), "
        "parses it as Spark SQL and runs the rules; the last line says what it linted and "
        "reported. Exit 0 clean (warnings allowed), "
        "1 on errors, 2 on bad usage or input.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="report only findings in these files or folders (the whole "
        "project is still checked; a folder holding dbt_project.yml is taken "
        "as the project). This is how the pre-commit hook passes the staged "
        "files",
    )
    add_options(
        parser,
        formats=FORMATS,
        output=True,
        help_texts={
            "--project-dir": "the dbt project (default: found from PATH or the current folder)"
        },
    )
    parser.add_argument("--team", default=None, help="report only this team's findings")
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        default=None,
        help="lint only what a change since git REF can affect: the changed "
        "files' nodes and their readers are rendered, the rest is known by "
        "config and relation",
    )
    parser.add_argument(
        "--target", default=None, help="the target name to render for (default: --env, else prod)"
    )
    parser.add_argument(
        "--target-schema", default=None, help="the target's schema (default: the target name)"
    )
    parser.add_argument(
        "--env",
        default=None,
        metavar="ENV",
        help="lint the build of this environment (dev, staging, ci_1 ...): its relations "
        "carry the prefix `<env>_`, and writes are judged against the teams' namespaces "
        "there, as the run-time guard judges them (the target's schema; default: the "
        "target name)",
    )
    parser.add_argument(
        "--dialect",
        default=None,
        metavar="NAME",
        help="the SQL dialect to parse in (a sqlglot dialect: spark, databricks, trino, "
        "snowflake, bigquery, duckdb, postgres ...; default: from the profile's adapter "
        "type, else spark)",
    )
    parser.add_argument(
        "--select", action="append", metavar="RULE", help="run only these rules (repeatable)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes to render and parse in (default: the CPUs, or "
        "STEWARD_JOBS; small projects always use one)",
    )
    add_examples(
        parser,
        "steward lint                               # the whole project, from inside it",
        "steward lint --changed-since origin/main   # what a change can affect (fast)",
        "steward lint --team electra --format json  # one team's findings, for a script",
        "steward lint --format sarif --output lint.sarif",
    )
    parser.set_defaults(handler=run)


def _project_and_paths(args: argparse.Namespace) -> tuple[Path, list[str]]:
    from steward.project import find_project_root

    paths = [Path(p) for p in args.paths]
    if args.project_dir is not None:
        root = find_project_root(args.project_dir)
    else:
        holders = [p for p in paths if (p / "dbt_project.yml").is_file()]
        root = find_project_root(holders[0] if holders else (paths[0] if paths else Path.cwd()))
        paths = [p for p in paths if p not in holders]
    relative = []
    for path in paths:
        if not path.exists():
            raise UserError("no such file or folder", path=str(path))
        try:
            relative.append(path.resolve().relative_to(root).as_posix())
        except ValueError:
            raise UserError(f"is not inside the project {root}", path=str(path)) from None
    return root, [p for p in relative if p != "."]


def _dialect(args: argparse.Namespace, project: Project) -> str:
    """Parse in `--dialect`, else the profile adapter's dialect, else Spark; the
    adapter type (which `adapter.dispatch` prefers) is returned."""
    from steward.project.profile import adapter_type
    from steward.sql import dialect

    adapter = adapter_type(project.root, project.dbt_project.profile, args.target) or "spark"
    chosen = args.dialect or dialect.for_adapter(adapter) or dialect.DIALECT
    try:
        dialect.use(chosen)
    except ValueError:
        raise UserError(f"--dialect {chosen}: sqlglot has no such dialect") from None
    if args.dialect and dialect.for_adapter(args.dialect) is not None:
        adapter = args.dialect
    return adapter


def run(args: argparse.Namespace) -> int:
    from steward.git import changed_files
    from steward.lint.build import build_context, changed_context
    from steward.lint.runner import lint
    from steward.lint.scope import restrict
    from steward.project import load_project
    from steward.render.model import Target

    root, paths = _project_and_paths(args)
    project = load_project(root)
    _check_named(args, project)
    if args.team and project.registry is not None and project.registry.team(args.team) is None:
        raise UserError(f"--team {args.team}: no such team in platform/teams.yml")
    if args.env is not None and args.target_schema is not None:
        raise UserError("--env and --target-schema name the same thing (the environment); give one")
    name = args.target or args.env or "prod"
    from steward.config import namespace_env  # `dev` is per developer, as `steward build`

    env = namespace_env(args.env, project.platform_config) if args.env else None
    adapter = _dialect(args, project)
    target = Target(name=name, schema=env or args.target_schema or name, type=adapter)
    area = None
    if args.changed_since is not None:
        files = changed_files(root, args.changed_since)
        ctx, area = changed_context(project, files, target, jobs=args.jobs)
    else:
        ctx = build_context(project, target, jobs=args.jobs)
    result = lint(project, context=ctx, select=set(args.select) if args.select else None)
    result = restrict(
        result, ctx, team=args.team, paths=paths, changed_since=args.changed_since, area=area
    )
    emit(WRITERS[args.format](result), args.output)
    if args.output is not None and args.format != "text":
        sys.stderr.write(f"{result.errors} error(s), {result.warnings} warning(s)\n")
    return result.exit_code


def _check_named(args: argparse.Namespace, project: Project) -> None:
    """Bad input, before anything is rendered: a rule, team or job count that names
    nothing, or a project with nothing to lint."""
    from steward.lint.rules import all_rules

    known = [rule.id for rule in all_rules()]
    if args.select:
        args.select = [rule.upper() for rule in args.select]
        unknown = [rule for rule in args.select if rule not in known]
        if unknown:
            raise UserError(f"--select {unknown[0]}: no such rule (rules: {', '.join(known)})")
    if args.team and project.registry is None:
        teams = sorted({n.team for n in project.nodes.values() if n.team is not None})
        if args.team not in teams:
            raise UserError(
                f"--team {args.team}: no model of that team (no platform/teams.yml; teams "
                f"by folder: {', '.join(teams) or 'none'})"
            )
    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs must be at least 1, got {args.jobs}")
    if not project.nodes and all(macro.internal for macro in project.macro_files):
        raise UserError(
            "no models or macros here: nothing to lint; models go in models/<layer>/<team>/ "
            "(or give the project with --project-dir)",
            path=str(project.root / "dbt_project.yml"),
        )
