"""NS003: `schema`, `alias` or `database` set by hand."""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.finding import Finding
from steward.lint.locate import with_column
from steward.lint.rule import rule
from steward.project.model import Position

KEYS = ("schema", "alias", "database", "target_schema", "target_database")


@rule("NS003", "schema, alias or database set by hand", needs_registry=True)
def check(ctx: LintContext) -> Iterator[Finding]:
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

    Use instead:
        ```sql
        {{ config(materialized='table') }}
        ```
        and name the file `models/silver/platform/silver_platform__meters.sql`.
    """
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
            where = "dbt_project.yml" if origin.path == "dbt_project.yml" else (
                "its yml" if origin.path != node.path else "config()")
            yield ctx.finding(
                "NS003", "error", Position(position.path, position.line, position.column),
                f"`{key}: {config.get(key)}` is set by hand for {node.resource_type} "
                f"`{node.name}` (in {where}); remove it: the namespace macros derive schema, "
                "alias and database from the path", node)


RULE = check
