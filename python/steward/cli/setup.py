"""`steward setup`: check Java and fetch the Delta jars once."""

from __future__ import annotations

import argparse

from steward.cli.options import add_examples, add_options
from steward.lakehouse import jars
from steward.lakehouse.java import check_java
from steward.teambuild.context import find_project_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "setup",
        help="check Java and fetch the Delta jars into the cache (once; needs the network)",
        description=(
            "Check that Java 17 or newer is installed and fetch the Delta Lake jars from Maven "
            "Central into the cache (.cache/jars, or STEWARD_JAR_CACHE), verified by SHA-256. "
            "Jars already cached are not fetched again; after this nothing needs the network."
        ),
    )
    add_options(parser)
    parser.add_argument(
        "--skip-java", action="store_true", help="do not check Java (cluster-only use)"
    )
    add_examples(
        parser,
        "steward setup               # once, on a new machine (make setup runs it)",
        "steward setup --skip-java   # only the jars, for a cluster-only machine",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    project_dir = find_project_dir(args.project_dir)
    if not args.skip_java:
        major = check_java()
        print(f"java: {major} (ok)")
    for path in jars.fetch(jars.default_cache_dir(project_dir)):
        print(f"jar: {path} (ok)")
    return 0
