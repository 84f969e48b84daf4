"""Entry point of the `steward` command.

Each command lives in its own module of this package and exposes `register(subparsers)`;
the module's handler returns the exit code. Exit codes: 0 clean, 1 findings or failures,
2 bad usage, bad configuration or bad input (one line, no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from steward import __version__
from steward.cli.options import HelpFormatter, add_examples
from steward.errors import UserError

# Order is the order of `steward --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "steward.cli.data",
    "steward.cli.build",
    "steward.cli.setup",
    "steward.cli.bench",
    "steward.cli.lint",
    "steward.cli.rules",
    "steward.cli.thrift",
    "steward.cli.cluster",
    "steward.cli.graph",
    "steward.cli.lineage",
    "steward.cli.impact",
    "steward.cli.contracts",
    "steward.cli.audit",
    "steward.cli.guard",
    "steward.cli.grants",
    "steward.cli.codeowners",
    "steward.cli.config",
    "steward.cli.promote",
    "steward.cli.cost",
    "steward.cli.health",
    "steward.cli.docs",
)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _modules_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """Only the module of the command being run when it is named like its module
    (`steward lint` -> steward.cli.lint): the others import Spark, numpy and pyarrow,
    which would cost `steward lint` half a second. Otherwise every command (`--help`)."""
    words = list(sys.argv[1:] if argv is None else argv)
    command = words[0] if words else ""
    module = f"steward.cli.{command.replace('-', '_')}"
    return (module,) if module in COMMAND_MODULES else COMMAND_MODULES


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="steward",
        description="Governance for a dbt project that many teams share on Spark.",
    )
    parser.add_argument("--version", action="version", version=f"steward {__version__}")
    add_examples(
        parser,
        "steward lint                          # the CI gate on the project you are in",
        "steward impact --base origin/main     # what your change breaks downstream",
        "steward COMMAND --help                # a command's options and examples",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in _modules_for(argv):
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except UserError as exc:
        print(f"steward: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("steward: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
