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

from steward import __version__
from steward.errors import UserError

# Order is the order of `steward --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "steward.cli.data",
    "steward.cli.build",
    "steward.cli.setup",
    "steward.cli.bench",
    "steward.cli.lint",
    "steward.cli.thrift",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="steward",
        description="Governance for a dbt project that many teams share on Spark.",
    )
    parser.add_argument("--version", action="version", version=f"steward {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
