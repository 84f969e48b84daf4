"""`steward lint`: the CI gate on SQL pull requests."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from steward.cli.options import add_options, emit
from steward.errors import UserError
from steward.findings import FORMATS, WRITERS


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="render and parse every model and macro and run the platform rules",
        description="The CI gate: renders every model (both is_incremental() branches), "
        "parses it as Spark SQL and runs the rules. Exit 0 clean (warnings allowed), "
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
        "--target", default="prod", help="the target name to render for (default: prod)"
    )
    parser.add_argument(
        "--target-schema", default=None, help="the target's schema (default: the target name)"
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


def run(args: argparse.Namespace) -> int:
    from steward.git import changed_files
    from steward.lint.build import build_context, changed_context
    from steward.lint.runner import lint
    from steward.lint.scope import restrict
    from steward.project import load_project
    from steward.render.model import Target

    root, paths = _project_and_paths(args)
    project = load_project(root)
    if args.team and project.registry is not None and project.registry.team(args.team) is None:
        raise UserError(f"--team {args.team}: no such team in platform/teams.yml")
    target = Target(name=args.target, schema=args.target_schema or args.target)
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
