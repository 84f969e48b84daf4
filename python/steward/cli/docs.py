"""`steward docs`: the discovery site (`build` writes it, `serve` serves it on 127.0.0.1)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward.cli.options import add_examples, add_options, add_subcommands, project_root
from steward.errors import UserError

if TYPE_CHECKING:
    from steward.teambuild.context import RunContext

DEFAULT_OUT = Path("site")
DEFAULT_PORT = 8000


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where the site is written (default: site/ in the project)",
    )
    parser.add_argument(
        "--env", default="prod", help="the environment whose run history is shown (default prod)"
    )
    parser.add_argument(
        "--target",
        choices=("local", "cluster"),
        default="local",
        help="the target whose run history is shown (default local)",
    )
    parser.add_argument(
        "--lakehouse", type=Path, help="the local target's lakehouse (default .lakehouse/)"
    )
    parser.add_argument(
        "--history",
        type=Path,
        metavar="DIR",
        help="read the run history from DIR, a snapshot `steward docs snapshot` wrote, "
        "instead of the ops tables (for a site built where they cannot be reached)",
    )
    add_options(parser)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "docs",
        help="the discovery site: find any table, its owner, promise, health and lineage",
        description="A static site of the project: search by any word (tables, columns, "
        "owners, teams, tags, descriptions), a page per model, data product, source, team "
        "and exposure, the platform and the rule catalogue. It works offline, from file://.",
    )
    add_examples(
        parser,
        "steward docs build                       # site/: open site/index.html",
        "steward docs serve                       # the same on http://127.0.0.1:8000/",
    )
    commands = add_subcommands(parser, "docs")
    build = commands.add_parser(
        "build",
        help="write the site",
        description="Write the discovery site. The pages say what they cannot show and why "
        "(no dbt manifest, a contract that does not validate, a broken run history, a model "
        "that does not render); the site is written all the same. Exit 0, 1 when something "
        "is missing (listed on stderr), 2 on bad usage.",
    )
    _site_options(build)
    add_examples(
        build,
        "steward docs build                       # site/ of the project you are in",
        "steward docs build --out /tmp/site --env dev",
    )
    build.set_defaults(handler=run_build)
    serve = commands.add_parser(
        "serve",
        help="build the site, then serve it on 127.0.0.1",
        description="Build the site, then serve it on 127.0.0.1 (only) until Ctrl-C.",
    )
    _site_options(serve)
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="the port (default %(default)s)"
    )
    serve.add_argument("--no-build", action="store_true", help="serve the site as it is")
    add_examples(serve, "steward docs serve --port 8080")
    serve.set_defaults(handler=run_serve)
    snapshot = commands.add_parser(
        "snapshot",
        help="write the run history of the ops tables as a folder the site can be built from",
        description="The latest state of every node, read from the ops tables of the target "
        "and environment, as one <team>.json file a team in DIR: for `steward docs build "
        "--history DIR` where the ops tables cannot be reached (a docs machine without "
        "Spark or cluster access). Exit 2 when there is no history to take.",
    )
    snapshot.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder")
    snapshot.add_argument("--env", default="prod", help="the environment (default prod)")
    snapshot.add_argument(
        "--target", choices=("local", "cluster"), default="local", help="default local"
    )
    snapshot.add_argument(
        "--lakehouse", type=Path, help="the local target's lakehouse (default .lakehouse/)"
    )
    add_options(snapshot)
    add_examples(
        snapshot,
        "steward docs snapshot --out history/         # then: steward docs build --history history/",
        "steward docs snapshot --out /tmp/h --target cluster --env staging",
    )
    snapshot.set_defaults(handler=run_snapshot)


def _run_context(args: argparse.Namespace, root: Path) -> RunContext:
    from steward.teambuild.context import RunContext

    if args.target != "local" and args.lakehouse is not None:
        raise UserError(
            "--lakehouse is the local target's folder: leave it out with --target cluster"
        )
    return RunContext(root, args.target, args.env, args.lakehouse)


def _history(args: argparse.Namespace, root: Path) -> Path | RunContext:
    """A snapshot folder (--history), else the run context whose ops tables are read."""
    if args.history is not None:
        return Path(args.history).resolve()
    return _run_context(args, root)


def run_snapshot(args: argparse.Namespace) -> int:
    from steward.docs.inputs import read_ops_history, write_snapshot
    from steward.project import load_project

    root = project_root(args)
    context = _run_context(args, root)
    history, problems = read_ops_history(context)
    if problems:
        raise UserError(str(problems[0]))
    if not history.states:
        raise UserError(
            f"no run history in {history.folder} yet: run `steward build` first "
            "(the snapshot is taken from the ops tables)"
        )
    project = load_project(root)
    owners = {uid: node.team for uid, node in project.nodes.items()}
    written = write_snapshot(history.states, owners, args.out.resolve())
    print(
        f"steward docs snapshot: {len(history.states)} node states from {history.folder} "
        f"into {len(written)} file(s) in {args.out}; build the site from it with "
        f"`steward docs build --history {args.out}`"
    )
    return 0


def _build(args: argparse.Namespace) -> tuple[int, Path]:
    from steward.docs import build

    root = project_root(args)
    out = (args.out or root / DEFAULT_OUT).resolve()
    built = build(root, out, _history(args, root))
    written = built.written
    index = out / "index.html"
    print(
        f"steward docs: {written.pages} pages in {out} ({written.written} file(s) changed, "
        f"{written.removed} removed); open {index.as_uri()}",
        file=sys.stderr,
    )
    for problem in built.problems:
        print(f"steward: error: {problem}", file=sys.stderr)
    if built.problems:
        print(
            f"steward docs: {len(built.problems)} thing(s) the site could not show; each page "
            "concerned says so",
            file=sys.stderr,
        )
    return (1 if built.problems else 0), out


def run_build(args: argparse.Namespace) -> int:
    return _build(args)[0]


def run_serve(args: argparse.Namespace) -> int:
    from steward.docs.serve import HOST, server

    if not 0 < args.port < 65536:
        raise UserError(f"--port must be between 1 and 65535, got {args.port}")
    root = project_root(args)
    out = (args.out or root / DEFAULT_OUT).resolve()
    code = 0
    if not args.no_build:
        code, out = _build(args)
    if not (out / "index.html").is_file():
        raise UserError("no site here: run `steward docs build` first", path=out)
    try:
        httpd = server(out, args.port)
    except OSError as exc:
        raise UserError(f"cannot listen on {HOST}:{args.port}: {exc.strerror}") from None
    print(f"steward docs: serving {out} on http://{HOST}:{httpd.server_port}/ (Ctrl-C stops)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return code
