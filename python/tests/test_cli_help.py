"""Every command's and subcommand's `--help` ends with examples of itself, and says what
each of its `--format`s is for."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from steward.cli.main import build_parser


def parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, (*path, name))


PARSERS = list(parsers(build_parser([])))


def test_every_command_is_walked() -> None:
    names = {" ".join(path) for path, _ in PARSERS}
    assert {"lint", "graph", "contracts generate", "data generate", "bench lint"} <= names
    assert len(PARSERS) > 20


@pytest.mark.parametrize(
    ("path", "parser"), PARSERS, ids=[" ".join(p) or "steward" for p, _ in PARSERS]
)
def test_help_has_examples_and_describes_the_formats(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    text = parser.format_help()
    command = " ".join(("steward", *path))
    examples = text.split("\nexamples:\n", 1)
    assert len(examples) == 2, f"`{command} --help` has no examples"
    lines = [line.strip() for line in examples[1].splitlines() if line.strip()]
    assert lines and all(line.startswith("steward ") for line in lines), lines
    if path:
        assert any(line.startswith(command) for line in lines), f"no example of `{command}`"
    for action in parser._actions:
        if "--format" not in action.option_strings:
            continue
        for choice in action.choices or ():
            pattern = rf"\b{re.escape(choice)}( \(default\))?: \w"
            assert re.search(pattern, action.help or ""), f"{command} --format {choice}"
        assert f"{next(iter(action.choices))} (default)" in (action.help or "")
