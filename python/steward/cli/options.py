"""The options the commands share, declared once: `--project-dir`, `--format` (the
choices are the command's, the first the default, each described by what it is for) and
`--output`; `emit`, which writes a command's result where `--output` says; the examples
every command's help ends with; and the SUBCOMMAND of nested commands."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from steward.errors import UserError

PROJECT_DIR = "the dbt project (default: found from the current folder)"
OUTPUT = "write to FILE, not stdout"
FORMAT_PURPOSES: Mapping[str, str] = {
    "text": "for reading in a terminal",
    "json": "one JSON document, for scripts and other tools",
    "github": "GitHub Actions annotations on the pull request's diff",
    "sarif": "SARIF 2.1.0, for a code-scanning upload",
    "junit": "JUnit XML, for a CI test report",
    "markdown": "for a pull-request comment",
    "dot": "Graphviz (`dot -Tsvg`)",
    "mermaid": "a Mermaid diagram, for Markdown on GitHub",
}


class HelpFormatter(argparse.HelpFormatter):
    """Wraps the paragraphs of a description or epilog, but keeps indented lines (the
    examples, a layout) as they are written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                out.append(
                    textwrap.fill(
                        " ".join(paragraph),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                    )
                )
                paragraph.clear()

        for line in textwrap.dedent(text).strip("\n").splitlines():
            if line.startswith(" ") or not line.strip():
                flush()
                out.append(indent + line if line.strip() else "")
            else:
                paragraph.append(line.strip())
        flush()
        return "\n".join(out)


def format_help(
    formats: Sequence[str], purposes: Mapping[str, str] | None = None, lead: str = ""
) -> str:
    """`--format`'s help: each choice and what it is for, the first the default."""
    described = {**FORMAT_PURPOSES, **(purposes or {})}
    parts = [
        f"{name}{' (default)' if i == 0 else ''}: {described.get(name, name)}"
        for i, name in enumerate(formats)
    ]
    return (f"{lead}; " if lead else "") + "; ".join(parts)


def add_options(
    parser: argparse.ArgumentParser,
    *,
    formats: Sequence[str] = (),
    output: bool | Path = False,
    project_dir: bool = True,
    positional_project: bool = False,
    help_texts: Mapping[str, str] | None = None,
    format_purposes: Mapping[str, str] | None = None,
) -> None:
    """Add the shared options to a (sub)command's parser. `output` is True, or the
    file written by default; `positional_project` also takes the project as an optional
    first argument (the older form of `grants` and `codeowners`); `help_texts` replaces
    an option's help, by option name (for `--format`, the words before its formats);
    `format_purposes` says what a format is for where the shared words do not fit."""
    texts = dict(help_texts or {})
    if positional_project:
        parser.add_argument(
            "project", nargs="?", type=Path, metavar="PROJECT", help="the same as --project-dir"
        )
    if project_dir:
        parser.add_argument(
            "--project-dir",
            type=Path,
            default=None,
            metavar="DIR",
            help=texts.get("--project-dir", PROJECT_DIR),
        )
    if formats:
        parser.add_argument(
            "--format",
            choices=tuple(formats),
            default=formats[0],
            help=format_help(formats, format_purposes, texts.get("--format", "")),
        )
    if output is not False:
        parser.add_argument(
            "--output",
            type=Path,
            default=None if output is True else output,
            metavar="FILE",
            help=texts.get("--output", OUTPUT),
        )


def add_examples(parser: argparse.ArgumentParser, *examples: str) -> None:
    """End the parser's help with examples, one command line each (`# what it does`
    after it is kept)."""
    parser.epilog = "examples:\n" + "\n".join(f"  {example}" for example in examples)


def add_subcommands(
    parser: argparse.ArgumentParser, name: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The required SUBCOMMAND of a command with several (`contracts generate`), parsed
    by the same parser class, so bad usage exits 2 there too."""
    commands = parser.add_subparsers(
        dest=f"{name}_command", metavar="SUBCOMMAND", parser_class=type(parser)
    )
    commands.required = True
    return commands


def project_root(args: argparse.Namespace) -> Path:
    """The folder holding dbt_project.yml: `--project-dir` (or PROJECT), else found from
    the current folder."""
    from steward.project import find_project_root

    given = [p for p in (args.project_dir, getattr(args, "project", None)) if p is not None]
    if len(given) > 1:
        raise UserError("the project is given twice, as PROJECT and as --project-dir; give one")
    return find_project_root(given[0] if given else Path.cwd())


def emit(text: str, output: Path | None) -> None:
    """`text` to the file `output`, or to stdout when there is none."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror}", path=str(output)) from None
