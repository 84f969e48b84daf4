"""`steward rules`: the lint rules, their pages, and the generated `docs/rules/`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from steward.cli.options import add_examples, add_options, emit
from steward.errors import UserError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "rules",
        help="list the lint rules, print a rule's page, or write docs/rules/",
        description="Without ID: the rule catalogue. With ID: the rule's page (what it "
        "does, why it matters, an example and what to do instead), generated from the "
        "rule's docstring. --write-docs DIR writes every page as DIR/<ID>.md; --check "
        "with it exits 1 when a committed page is stale. Exit 2 on an unknown rule.",
    )
    parser.add_argument("rule", nargs="?", metavar="ID", help="a rule id, e.g. WRT001")
    parser.add_argument(
        "--write-docs",
        type=Path,
        metavar="DIR",
        default=None,
        help="write the rule pages into DIR (e.g. docs/rules)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="with --write-docs: write nothing, exit 1 if a page is stale",
    )
    add_options(
        parser,
        output=True,
        project_dir=False,
        help_texts={"--output": "write the catalogue or the page to FILE, not stdout"},
    )
    add_examples(
        parser,
        "steward rules                                  # the catalogue",
        "steward rules WRT001                           # one rule's page",
        "steward rules --write-docs docs/rules --check  # CI: exit 1 when a page is stale",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from steward.lint.docs import pages, rule_page, write_pages
    from steward.lint.rules import all_rules, rule_by_id

    if args.check and args.write_docs is None:
        raise UserError(
            "--check checks the pages --write-docs DIR writes: "
            "use `steward rules --write-docs docs/rules --check`"
        )
    if args.write_docs is not None and (args.rule or args.output is not None):
        given = f"ID {args.rule}" if args.rule else "--output"
        raise UserError(
            f"--write-docs writes every rule's page into its folder, so {given} would be "
            "ignored: give one or the other"
        )
    if args.write_docs is not None:
        if args.check:
            stale = [
                name
                for name, text in pages(all_rules()).items()
                if not (args.write_docs / name).is_file()
                or (args.write_docs / name).read_text(encoding="utf-8") != text
            ]
            for name in stale:
                print(f"stale: {args.write_docs / name}")
            if stale:
                print(
                    f"run `steward rules --write-docs {args.write_docs}` and commit the pages",
                    file=sys.stderr,
                )
            if not stale:
                print(f"{len(all_rules())} rule page(s) in {args.write_docs} up to date")
            return 1 if stale else 0
        written = write_pages(args.write_docs, all_rules())
        print(f"{len(written)} page(s) written to {args.write_docs}")
        return 0
    if args.rule:
        rule = rule_by_id(args.rule.upper())
        if rule is None:
            known = ", ".join(r.id for r in all_rules())
            raise UserError(f"no rule `{args.rule}` (rules: {known})")
        emit(rule_page(rule), args.output)
        return 0
    rules = all_rules()
    width = max(len(r.id) for r in rules)
    lines = [f"{rule.id:<{width}}  {rule.severity:<7}  {rule.summary}" for rule in rules]
    footer = f"{len(rules)} rules; `steward rules ID` prints a rule's page"
    emit("\n".join([*lines, "", footer, ""]), args.output)
    return 0
