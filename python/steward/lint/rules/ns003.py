"""NS003: `schema`, `alias` or `database` set by hand."""

from __future__ import annotations

import re
from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.locate import with_column
from steward.lint.rule import Violation, rule
from steward.project.model import Position

KEYS = ("schema", "alias", "database", "target_schema", "target_database")
NAMESPACE_MACROS = ("generate_schema_name", "generate_alias_name", "generate_database_name")
_MACRO_DEFINITION = re.compile(r"\{%-?\s*macro\s+(" + "|".join(NAMESPACE_MACROS) + r")\s*\(")


@rule("NS003", "schema, alias or database set by hand", needs_registry=True)
def check(ctx: LintContext) -> Iterator[Violation]:
    """What it does:
        Finds `schema`, `alias` and `database` (and a snapshot's `target_schema` /
        `target_database`) set in a model's `config()`, its yml or `dbt_project.yml`.

    Why is this bad?
        The namespace macros derive the relation from the model's path and the
        environment. A hand-set schema or alias bypasses them: it can collide with
        another team's table, or make a dev build write into production.

    Example:
        ```sql
        {{ config(materialized='table', schema='silver_platform', alias='meters') }}
        ```

        The same goes for a definition of `generate_schema_name`, `generate_alias_name` or
        `generate_database_name` anywhere but the project's own macros: in a model (a
        model-local override) or in a package.

    Use instead:
        ```sql
        {{ config(materialized='table') }}
        ```
        and name the file `models/silver/platform/silver_platform__meters.sql`.
    """
    yield from _overrides(ctx)
    for facts in ctx.facts.values():
        node = facts.node
        if node.resource_type not in ("model", "seed", "snapshot"):
            continue
        config = facts.rendered.config
        for key in KEYS:
            if config.get(key) in (None, ""):
                continue
            origin = facts.rendered.config_origins.get(key, node.position)
            position = with_column(origin, ctx.project.text(origin.path), key)
            where = (
                "dbt_project.yml"
                if origin.path == "dbt_project.yml"
                else ("its yml" if origin.path != node.path else "config()")
            )
            yield Violation(
                Position(position.path, position.line, position.column),
                f"`{key}: {config.get(key)}` is set by hand for {node.resource_type} "
                f"`{node.name}` (in {where}); remove it: the namespace macros derive schema, "
                "alias and database from the path",
                node,
            )


def _overrides(ctx: LintContext) -> Iterator[Violation]:
    """Namespace macros defined outside the root project's macro files."""
    for facts in ctx.facts.values():
        node = facts.node
        for match in _MACRO_DEFINITION.finditer(node.raw_code):
            line = node.raw_code.count("\n", 0, match.start()) + 1 + node.code_line - 1
            column = match.start() - (node.raw_code.rfind("\n", 0, match.start()) + 1) + 1
            yield Violation(
                Position(node.path, line, column),
                f"{node.resource_type} `{node.name}` defines its own `{match.group(1)}`: a "
                "model-local namespace macro aims its statements outside the namespace the "
                "platform's macros derive; remove it",
                node,
            )
    for macro_file in ctx.project.macro_files:
        if macro_file.internal or macro_file.package == ctx.project.name:
            continue
        for name, line in macro_file.macros:
            if name in NAMESPACE_MACROS:
                yield Violation(
                    Position(macro_file.path, line),
                    f"package `{macro_file.package}` defines `{name}`: its nodes would "
                    "escape the namespace convention; remove it (only the project's own "
                    "macros derive namespaces)",
                )


RULE = check
